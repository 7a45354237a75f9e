import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'puppeteer-core';
import { ensurePackageFolder } from '../../scripts/lib/package-folder.mjs';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { findChromium } from '../helpers/tools.mjs';

// GraphiQL in a real headless Chromium: the page renders with nothing fetched from outside the
// server, and the example session of its tabs runs as a newcomer would run it (▶, pick the
// operation, paste the token and the course id), up to a live subscription in a second window.
// jest.config.js leaves this file out when no chromium is installed, except with CI=true.
// puppeteer-core is this folder's own dependency (package.json here), not the project's: the
// first run installs it into test/browser/node_modules; its types are checked by
// test/browser/tsconfig.json (`npx tsc -p test/browser`) once it is installed.

let app: TestApp;
let url: string;
let browser: Browser;
beforeAll(async () => {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error('no chromium: apt-get install chromium, or set CHROMIUM_PATH (CI=true needs it)');
  // The first run installs puppeteer-core here (npm ci: 10–60 s on a loaded machine).
  ensurePackageFolder(import.meta.dirname, 'puppeteer-core (the browser test)');
  const { default: puppeteer } = await import('puppeteer-core');
  app = await createTestApp();
  // The session's AddAssignment is due 2027-01-15: the server runs a week before that on any date,
  // so the assignment is upcoming and the token SignUp issues is valid.
  app.clock.now = new Date('2027-01-08T09:00:00Z');
  url = await app.server.listen(0, '127.0.0.1');
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  browser = await puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const squeeze = (text: string) => text.replace(/\s+/g, '');

async function openGraphiQL(outside: string[]): Promise<Page> {
  const page = await browser.newPage();
  const origin = new URL(url).origin;
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const target = request.url();
    if (target.startsWith(origin) || target.startsWith('data:') || target.startsWith('blob:')) {
      void request.continue();
    } else {
      outside.push(target);
      void request.abort();
    }
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('.graphiql-query-editor .view-lines', { timeout: 20_000 });
  return page;
}

const responseText = (page: Page) =>
  page.$eval('.graphiql-response', (e) => (e as HTMLElement).innerText).then(squeeze);

/** ▶, then the operation from the menu GraphiQL shows for a document of several; waits for `expected`. */
async function run(page: Page, operation: string, expected: string): Promise<string> {
  await page.bringToFront();
  await page.click('.graphiql-execute-button');
  await page.waitForSelector('[role="menuitem"]');
  const clicked = await page.$$eval(
    '[role="menuitem"]',
    (items, name) => {
      const item = items.find((i) => i.textContent === name) as HTMLElement | undefined;
      item?.click();
      return !!item;
    },
    operation,
  );
  expect(clicked).toBe(true);
  await page.waitForFunction(
    (text) =>
      ((document.querySelector('.graphiql-response') as HTMLElement | null)?.innerText ?? '')
        .replace(/\s+/g, '')
        .includes(text),
    { timeout: 10_000 },
    expected,
  );
  return responseText(page);
}

/** Replaces the text of the Variables or Headers editor, as typing would. */
async function setEditor(page: Page, name: 'variables' | 'headers', text: string): Promise<void> {
  // The tab's editor once GraphiQL has switched to it (the other one stays in the page, hidden).
  const editor = `.graphiql-editor-tool[aria-label="${name === 'variables' ? 'Variables' : 'Headers'}"] .graphiql-editor:not(.hidden)`;
  await page.bringToFront();
  await page.click(`.graphiql-editor-tools button[data-name="${name}"]`);
  // The keys go to the editor's own input: on a loaded machine, a click on the editor's middle
  // sometimes left the focus in another of the page's editors, and the keys went there.
  await page.waitForSelector(`${editor} textarea`);
  await page.focus(`${editor} textarea`);
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  await page.keyboard.sendCharacter(text);
  // The editor draws the text on a later frame.
  const expected = squeeze(text).slice(0, 40);
  await page
    .waitForFunction(
      (selector, want) =>
        ((document.querySelector(selector) as HTMLElement | null)?.innerText ?? '').replace(/\s+/g, '').includes(want),
      { timeout: 10_000 },
      editor,
      expected,
    )
    .catch(() => undefined);
  const shown = await page.$eval(editor, (e) => (e as HTMLElement).innerText);
  expect(squeeze(shown)).toContain(expected);
}

describe('GraphiQL in a headless browser', () => {
  it('renders offline and runs the example session up to a live subscription', async () => {
    const outside: string[] = [];
    const page = await openGraphiQL(outside);
    expect(await page.title()).toBe('Study Planner API');
    const tabs = await page.$$eval('.graphiql-tab .graphiql-tab-button', (els) => els.map((e) => e.textContent ?? ''));
    expect(tabs).toEqual(['SignUp', 'TaskUpdates']);

    const signUp = await run(page, 'SignUp', '"token":');
    const token = /"token":"([^"]+)"/.exec(signUp)?.[1];
    expect(token).toBeDefined();
    const headers = JSON.stringify({ Authorization: `Bearer ${token}` });
    await setEditor(page, 'headers', headers);
    const course = await run(page, 'CreateCourse', '"createCourse":');
    const courseId = /"id":"([^"]+)"/.exec(course)?.[1];
    expect(courseId).toBeDefined();
    await setEditor(page, 'variables', JSON.stringify({ courseId }));
    expect(await run(page, 'AddAssignment', '"createAssignment":')).toContain('"title":"Problemset1"');
    const home = await run(page, 'HomeScreen', '"upcomingAssignments":');
    expect(home).toContain('"firstName":"Ada"');
    expect(home).toContain('"course":{"name":"LinearAlgebra"}');

    // The subscription runs in a second window (GraphiQL runs one operation at a time per window),
    // once the events of the steps above have been dispatched.
    await app.bus.idle();
    const live = await openGraphiQL(outside);
    await live.$$eval('.graphiql-tab .graphiql-tab-button', (buttons) =>
      (buttons.find((b) => b.textContent === 'TaskUpdates') as HTMLElement | undefined)?.click(),
    );
    await setEditor(live, 'headers', headers);
    // Subscribed once the server answered with the event stream (as the SSE test waits).
    const streaming = live.waitForResponse((r) => (r.headers()['content-type'] ?? '').includes('text/event-stream'));
    await live.click('.graphiql-execute-button');
    await streaming;
    await run(page, 'AddAssignment', '"createAssignment":');
    await app.bus.idle();
    await live.bringToFront();
    await live.waitForFunction(
      () => ((document.querySelector('.graphiql-response') as HTMLElement | null)?.innerText ?? '').includes('CREATED'),
      { timeout: 10_000 },
    );
    expect(await responseText(live)).toContain('"task":{"kind":"ASSIGNMENT","title":"Problemset1"');

    expect(outside).toEqual([]);
  }, 90_000);
});

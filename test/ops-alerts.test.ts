import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { createTestApp, type TestApp } from './helpers/app.js';

const OPS = path.join(import.meta.dirname, '..', 'ops');

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** Metric names a PromQL expression selects: every selector in ops/ carries `{job="…"}`. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][\w:]*)\{/g)].map((m) => m[1]!);
}

/** What the app exports, with the _bucket/_count/_sum series of its histograms. */
async function exportedNames(): Promise<Set<string>> {
  const metrics = await app.observability.metrics!.registry.getMetricsAsJSON();
  const names = new Set<string>(['up']);
  for (const m of metrics) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const s of ['_bucket', '_count', '_sum']) names.add(m.name + s);
  }
  return names;
}

interface Rule {
  alert: string;
  expr: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; runbook?: string };
}

describe('ops/alerts.yml', () => {
  it('names only metrics the app exports, each alert with a severity, a summary and a runbook section', async () => {
    const file = parse(await readFile(path.join(OPS, 'alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] };
    const rules = file.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['GraphQLErrorRatioHigh', 'GraphQLOperationSlow', 'OutboxLagging', 'EventDeadLetters']),
    );
    const exported = await exportedNames();
    const docs = await readFile(path.join(import.meta.dirname, '..', 'docs', 'observability.md'), 'utf8');
    for (const rule of rules) {
      const names = metricNames(rule.expr);
      expect({ alert: rule.alert, names: names.length > 0 }).toEqual({ alert: rule.alert, names: true });
      for (const name of names)
        expect({ alert: rule.alert, name, exported: exported.has(name) }).toMatchObject({ exported: true });
      expect(['critical', 'warning']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.runbook).toBe(`docs/observability.md#${rule.alert.toLowerCase()}`);
      expect(docs).toContain(`### ${rule.alert}`);
    }
  });
});

describe('ops/grafana-dashboard.json', () => {
  it('charts only metrics the app exports', async () => {
    const dashboard = JSON.parse(await readFile(path.join(OPS, 'grafana-dashboard.json'), 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const exported = await exportedNames();
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThan(5);
    for (const { panel, expr } of exprs) {
      for (const name of metricNames(expr))
        expect({ panel, name, exported: exported.has(name) }).toMatchObject({ exported: true });
    }
  });
});

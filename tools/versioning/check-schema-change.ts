import { ChangeType, CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import type { ChangeLine } from '../../src/versioning/changelog.js';
import { isPastSunset, parseDay } from '../../src/versioning/dates.js';
import { sunsetFromReason } from '../../src/versioning/deprecate.js';
import { coordinate, schemaElements, type SchemaElement } from '../../src/versioning/elements.js';
import {
  describeDocument,
  readDocuments,
  type ClientDocument,
  type DocumentReading,
  type UsageRecord,
} from './client-documents.js';

/** Why a schema change is refused. */
export interface Violation {
  coordinate: string;
  message: string;
}

export interface SchemaChangeReport {
  breaking: ChangeLine[];
  dangerous: ChangeLine[];
  safe: ChangeLine[];
  /** Empty: the change may ship. */
  violations: Violation[];
  /** With `clients`: which app versions each breaking or dangerous change affects. */
  clients?: ClientsReport;
}

/** What the clients really use (client-documents.ts), and how strictly to read it. */
export interface ClientsOptions {
  /** Documents of the active app versions. */
  documents: readonly ClientDocument[];
  /** Recorded usage of deprecated coordinates. */
  usage: readonly UsageRecord[];
  /** The usage window: the last this many UTC days, `today` included (default 30). */
  usageDays?: number;
  /** A breaking change past its sunset is allowed while recorded usage is at most this (default 0). */
  usageThreshold?: number;
  /** Fail on dangerous changes that affect an active app version's documents (default: report only). */
  strict?: boolean;
}

export interface AffectedChange extends ChangeLine {
  level: 'breaking' | 'dangerous';
  /** The documents it affects: `ios 3.2.0 CoursePage (id …)`. */
  documents: string[];
}

export interface ClientsReport {
  /** Documents checked and the app versions they come from (`ios 3.2.0`). */
  documents: number;
  versions: string[];
  affected: AffectedChange[];
}

const DAY_MS = 86_400_000;

/**
 * The deprecation policy, applied to the change from `oldSDL` (a release, or the base branch's
 * schema) to `newSDL` (the code's) on the day `today` (`YYYY-MM-DD`):
 * - a breaking change is allowed only to an element (or to the field owning the argument) that
 *   the old schema deprecates with a sunset day in its reason, once that day has come;
 * - every deprecation in the new schema names its sunset day in its reason.
 * No I/O: the scripts read the files, tests pass fixtures.
 */
export async function checkSchemaChange(
  oldSDL: string,
  newSDL: string,
  today: string,
  clients?: ClientsOptions,
): Promise<SchemaChangeReport> {
  const day = parseDay(today);
  if (!day) throw new Error(`today must be YYYY-MM-DD, got ${today}`);
  const oldSchema = buildSchema(oldSDL);
  const newSchema = buildSchema(newSDL);
  const changes = await diff(oldSchema, newSchema);
  const oldElements = new Map(schemaElements(oldSchema).map((e) => [e.coordinate, e]));
  const line = (c: Change): ChangeLine => ({
    coordinate: c.path ? toCoordinate(c.path, oldSchema, newSchema) : null,
    message: c.message,
  });
  const at = (level: CriticalityLevel) => changes.filter((c) => c.criticality.level === level);

  const violations: Violation[] = [];
  const readings = clients ? readDocuments(clients.documents, oldSchema, newSchema) : [];
  const usage = clients ? recentUsage(clients, day) : null;
  const affected: AffectedChange[] = [];
  const named = new Set<DocumentReading>();
  for (const change of at(CriticalityLevel.Breaking)) {
    const target = line(change).coordinate ?? '(schema)';
    // A removed input field or enum value breaks only the documents that write it; what variables
    // carry is in the recorded usage (the tracker counts values), checked with the sunset below.
    const literalOnly = change.type === ChangeType.InputFieldRemoved || change.type === ChangeType.EnumValueRemoved;
    const users = readings.filter((r) =>
      literalOnly ? r.touches.has(target) : usesTarget(r, target, 'breaking', oldSchema, newSchema),
    );
    if (users.length > 0) {
      users.forEach((u) => named.add(u));
      affected.push({ ...line(change), level: 'breaking', documents: users.map((u) => describeDocument(u.doc)) });
      violations.push({
        coordinate: target,
        message: `${change.message}: still used by active app versions (retire them, or ship versions that no longer use it, first): ${users.map(describeUse).join('; ')}`,
      });
      continue;
    }
    const refusal = refuseBreaking(change, target, oldElements, day, usage);
    if (refusal) violations.push(refusal);
  }
  for (const change of at(CriticalityLevel.Dangerous)) {
    const target = line(change).coordinate ?? '(schema)';
    const users = readings.filter((r) => usesTarget(r, target, 'dangerous', oldSchema, newSchema));
    if (users.length === 0) continue;
    affected.push({ ...line(change), level: 'dangerous', documents: users.map((u) => describeDocument(u.doc)) });
    if (clients?.strict) {
      violations.push({
        coordinate: target,
        message: `${change.message}: may change what active app versions get (--strict): ${users.map((u) => describeDocument(u.doc)).join('; ')}.`,
      });
    }
  }
  // Whatever else makes a document stop validating (a change the diff rates lower).
  for (const reading of readings) {
    if (reading.errors.length === 0 || named.has(reading)) continue;
    violations.push({
      coordinate: '(document)',
      message: `${describeDocument(reading.doc)} no longer validates: ${reading.errors.join(' ')}`,
    });
  }
  for (const element of schemaElements(newSchema)) {
    if (element.deprecationReason !== null && !sunsetFromReason(element.deprecationReason)) {
      violations.push({
        coordinate: element.coordinate,
        message: `${element.coordinate} is deprecated without a sunset day in its reason: declare it with deprecated() (src/versioning/deprecate.ts).`,
      });
    }
  }
  return {
    breaking: at(CriticalityLevel.Breaking).map(line),
    dangerous: at(CriticalityLevel.Dangerous).map(line),
    safe: at(CriticalityLevel.NonBreaking).map(line),
    violations,
    ...(clients
      ? {
          clients: {
            documents: readings.length,
            versions: [...new Set(clients.documents.map((d) => `${d.client} ${d.version}`))].sort(),
            affected,
          },
        }
      : {}),
  };
}

function describeUse(reading: DocumentReading): string {
  const why = reading.errors.length > 0 ? `: ${reading.errors[0]}` : '';
  return `${describeDocument(reading.doc)}${why}`;
}

/**
 * Whether a document uses what a change concerns: the field itself; an argument it writes (for a
 * breaking change; any use of the field for a dangerous one, e.g. a new default); an enum value
 * or input field it writes, or its type when the document reads or passes that type (a new
 * enum value in an output it switches on, a field made required in an input it sends).
 */
function usesTarget(
  reading: DocumentReading,
  target: string,
  level: AffectedChange['level'],
  ...schemas: GraphQLSchema[]
): boolean {
  const t = reading.touches;
  const arg = /^(.+)\((.+):\)$/.exec(target);
  if (arg) {
    const field = arg[1]!;
    return level === 'dangerous' ? t.has(field) : t.has(target) || (t.has(field) && reading.errors.length > 0);
  }
  const [typeName = '', member] = target.split('.');
  if (!member) return t.has(`type:${typeName}`);
  const type = schemas.map((s) => s.getType(typeName)).find((x) => x);
  if (isObjectType(type) || isInterfaceType(type)) return t.has(target);
  return t.has(target) || t.has(`type:${typeName}`);
}

interface RecentUsage {
  days: number;
  threshold: number;
  /** Coordinate → its usage records of the days within the window. */
  byCoordinate: Map<string, UsageRecord[]>;
}

function recentUsage(clients: ClientsOptions, today: Date): RecentUsage {
  const days = clients.usageDays ?? 30;
  // The last `days` UTC days, today included.
  const since = new Date(today.getTime() - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  const until = today.toISOString().slice(0, 10);
  const byCoordinate = new Map<string, UsageRecord[]>();
  for (const u of clients.usage) {
    if (u.day < since || u.day > until) continue;
    byCoordinate.set(u.coordinate, [...(byCoordinate.get(u.coordinate) ?? []), u]);
  }
  return { days, threshold: clients.usageThreshold ?? 0, byCoordinate };
}

function refuseBreaking(
  change: Change,
  target: string,
  oldElements: ReadonlyMap<string, SchemaElement>,
  today: Date,
  usage: RecentUsage | null,
): Violation | null {
  // The element itself, then the field owning an argument: a field past its sunset may change freely.
  const owner = /^(.+)\(.+:\)$/.exec(target)?.[1];
  const deprecatedOne = [target, owner]
    .map((key) => (key ? oldElements.get(key) : undefined))
    .find((e) => e?.deprecationReason != null);
  const refuse = (why: string): Violation => ({ coordinate: target, message: `${change.message}: ${why}` });
  if (!deprecatedOne) {
    return refuse(
      `${target} was not deprecated. Deprecate it with deprecated(), keep it until its sunset, then change it.`,
    );
  }
  const sunset = sunsetFromReason(deprecatedOne.deprecationReason);
  if (!sunset) return refuse(`${deprecatedOne.coordinate} is deprecated without a sunset day, so it cannot go.`);
  if (!isPastSunset(sunset, today)) {
    return refuse(
      `${deprecatedOne.coordinate} is deprecated until its sunset on ${sunset}; it may go from that day on.`,
    );
  }
  if (usage) {
    const records = [...new Set([target, deprecatedOne.coordinate])].flatMap((c) => usage.byCoordinate.get(c) ?? []);
    const total = records.reduce((sum, r) => sum + r.count, 0);
    if (total > usage.threshold) {
      const byClient = new Map<string, { count: number; last: string }>();
      for (const r of records) {
        const key = `${r.clientName} ${r.clientVersion}`;
        const seen = byClient.get(key) ?? { count: 0, last: r.day };
        byClient.set(key, { count: seen.count + r.count, last: r.day > seen.last ? r.day : seen.last });
      }
      const who = [...byClient]
        .sort((a, b) => b[1].count - a[1].count)
        .map(([client, u]) => `${client}: ${u.count} (last ${u.last})`)
        .join(', ');
      return refuse(
        `recorded usage of ${deprecatedOne.coordinate} in the last ${usage.days} days is ${total}, above the threshold of ${usage.threshold}: ${who}.`,
      );
    }
  }
  return null;
}

/** An inspector path as a schema coordinate: `Query.assignments.courseId` → `Query.assignments(courseId:)`. */
function toCoordinate(path: string, ...schemas: GraphQLSchema[]): string {
  const parts = path.split('.').filter((p) => !p.startsWith('@'));
  const [typeName = '', field, arg] = parts;
  const type = schemas.map((s) => s.getType(typeName)).find((t) => t);
  if (field && arg && (isObjectType(type) || isInterfaceType(type))) return coordinate.argument(typeName, field, arg);
  return parts.join('.');
}

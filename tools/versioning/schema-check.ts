import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import type { ChangeLine } from '../../src/versioning/changelog.js';
import { isPastSunset, parseDay } from '../../src/versioning/dates.js';
import { sunsetFromReason } from '../../src/versioning/deprecate.js';
import { coordinate, schemaElements, type SchemaElement } from '../../src/versioning/elements.js';

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
}

/**
 * The deprecation policy, applied to the change from `oldSDL` (a release, or the base branch's
 * schema) to `newSDL` (the code's) on the day `today` (`YYYY-MM-DD`):
 * - a breaking change is allowed only to an element (or to the field owning the argument) that
 *   the old schema deprecates with a sunset day in its reason, once that day has come;
 * - every deprecation in the new schema names its sunset day in its reason.
 * No I/O: the scripts read the files, tests pass fixtures.
 */
export async function checkSchemaChange(oldSDL: string, newSDL: string, today: string): Promise<SchemaChangeReport> {
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
  for (const change of at(CriticalityLevel.Breaking)) {
    const refusal = refuseBreaking(change, line(change).coordinate ?? '(schema)', oldElements, day);
    if (refusal) violations.push(refusal);
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
  };
}

function refuseBreaking(
  change: Change,
  target: string,
  oldElements: ReadonlyMap<string, SchemaElement>,
  today: Date,
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

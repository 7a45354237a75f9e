import { ValidationError } from '../../errors.js';
import { checkDate, optionalText, requiredText } from '../shared.js';

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 5000;
export const MINUTES_MIN = 1;
export const MINUTES_MAX = 10000;

export type Priority = 'LOW' | 'MEDIUM' | 'HIGH' | 'URGENT';

/** The fields of an assignment a student edits. */
export interface AssignmentFields {
  title?: string | null;
  description?: string | null;
  dueAt?: Date | null;
  priority?: Priority | null;
  estimatedMinutes?: number | null;
}

/** The same, validated: undefined means "leave as it is", null means "clear". */
export interface AssignmentData {
  title?: string;
  description?: string | null;
  dueAt?: Date;
  priority?: Priority;
  estimatedMinutes?: number | null;
}

function checkMinutes(value: number | null | undefined): number | null | undefined {
  if (value == null) return value;
  if (!Number.isInteger(value) || value < MINUTES_MIN || value > MINUTES_MAX) {
    throw new ValidationError(
      `estimatedMinutes must be a whole number from ${MINUTES_MIN} to ${MINUTES_MAX}.`,
      'estimatedMinutes',
    );
  }
  return value;
}

/** Validates the given fields; title, dueAt and priority cannot be cleared (null). */
export function checkAssignmentFields(input: AssignmentFields): AssignmentData {
  for (const field of ['title', 'dueAt', 'priority'] as const) {
    if (input[field] === null) throw new ValidationError(`${field} cannot be null; leave it out to keep it.`, field);
  }
  const data: AssignmentData = {
    title: input.title == null ? undefined : requiredText(input.title, 'title', TITLE_MAX),
    description: optionalText(input.description, 'description', DESCRIPTION_MAX),
    dueAt: input.dueAt == null ? undefined : checkDate(input.dueAt, 'dueAt'),
    priority: input.priority ?? undefined,
    estimatedMinutes: checkMinutes(input.estimatedMinutes),
  };
  for (const key of Object.keys(data) as (keyof AssignmentData)[]) {
    if (data[key] === undefined) delete data[key];
  }
  return data;
}

import { ValidationError } from '../../errors.js';
import { optionalText, requiredText } from '../shared.js';

export const NAME_MAX = 120;
export const CODE_MAX = 30;
export const INSTRUCTOR_MAX = 120;
export const TERM_MAX = 60;
const COLOR = /^#[0-9a-fA-F]{6}$/;

/** The rule of an archived course (`Course.archived`, the `archived` filter): an archive time. */
export const isArchived = (course: { archivedAt: Date | null }): boolean => course.archivedAt !== null;
/** isArchived as SQL, of a course row `r`. */
export const isArchivedSql = (r: string): string => `(${r}."archivedAt" IS NOT NULL)`;

/** The optional text fields of a course; null (or blank text) clears one. */
export interface CourseDetails {
  code?: string | null;
  color?: string | null;
  instructor?: string | null;
  term?: string | null;
}

/** Checks a course name: trimmed, 1 to 120 characters. */
export function checkName(name: string): string {
  return requiredText(name, 'name', NAME_MAX);
}

/** Checks a colour: #RRGGBB, kept as given; null or blank clears it. */
export function checkColor(color: string | null | undefined): string | null | undefined {
  if (color == null) return color;
  const text = color.trim();
  if (text === '') return null;
  if (!COLOR.test(text)) throw new ValidationError('color must be a colour as #RRGGBB, such as #3366ff.', 'color');
  return text;
}

/** Validates the optional fields; a field left out (undefined) stays out. */
export function checkDetails(input: CourseDetails): CourseDetails {
  const details: CourseDetails = {
    code: optionalText(input.code, 'code', CODE_MAX),
    color: checkColor(input.color),
    instructor: optionalText(input.instructor, 'instructor', INSTRUCTOR_MAX),
    term: optionalText(input.term, 'term', TERM_MAX),
  };
  for (const key of Object.keys(details) as (keyof CourseDetails)[]) {
    if (details[key] === undefined) delete details[key];
  }
  return details;
}

import type { DomainContext } from '../context.js';
import type { Course } from '../../generated/prisma/client.js';
import { findOwnedCourse } from '../ownership.js';

/**
 * One live course: the viewer's own, or anyone's for an admin. Any other id is NOT_FOUND.
 * `query` is the Prisma include/select the GraphQL layer wants merged into the same query.
 */
export function getCourse(ctx: DomainContext, id: string, query: object = {}): Promise<Course> {
  return findOwnedCourse(ctx, ctx.db, id, 'read', query);
}

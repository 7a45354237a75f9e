import { ForbiddenError } from '../../errors.js';
import type { DomainContext, Viewer } from '../context.js';
import { requireViewer } from '../shared.js';

/**
 * The viewer, who must be an admin. Local stand-in for `requireAdmin(ctx)` of
 * src/resolvers/access.ts (being added by the domain refactor): replace the import when it lands.
 */
export function requireAdmin(ctx: DomainContext): Viewer {
  const viewer = requireViewer(ctx);
  if (viewer.role !== 'ADMIN') throw new ForbiddenError();
  return viewer;
}

/** What publishing and retiring need: the CLI (an operator with database access) builds it too. */
export type OperatorContext = Pick<DomainContext, 'db' | 'now' | 'events' | 'logger'>;

/**
 * What the GraphQL layer may pass a domain function as its last argument: the Prisma `select` /
 * `include` that plugin-prisma built from the operation, merged into the function's own query so
 * relations load in the same statement. `Args` is the model's find args, e.g.
 * `Selection<Prisma.CourseFindUniqueArgs>`. Rows read with a selection may lack unselected
 * columns: read what the domain logic needs (ids for events, stored values for checks) without it.
 */
export type Selection<Args extends { select?: unknown; include?: unknown }> = Pick<Args, 'select' | 'include'>;

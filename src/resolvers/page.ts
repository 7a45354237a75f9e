/**
 * What the GraphQL layer passes a list function as its last argument: the selection (as
 * `Selection`) plus the paging plugin-prisma's connection built (cursor, take, skip). `Args` is
 * the model's findMany args, e.g. `PageQuery<Prisma.CourseFindManyArgs>`. The list function owns
 * `where` and `orderBy`.
 */
export type PageQuery<
  Args extends { select?: unknown; include?: unknown; cursor?: unknown; take?: unknown; skip?: unknown },
> = Pick<Args, 'select' | 'include' | 'cursor' | 'take' | 'skip'>;

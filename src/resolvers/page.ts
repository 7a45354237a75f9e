type PageKey = 'select' | 'include' | 'cursor' | 'take' | 'skip';

/**
 * What the GraphQL layer passes a list function as its last argument: the selection plus the
 * paging plugin-prisma's connection built (cursor, take, skip). `Args` is the model's findMany
 * args, e.g. `PageQuery<Prisma.CourseFindManyArgs>` (a model without relations has no
 * `include`). The list function owns `where` and `orderBy`.
 */
export type PageQuery<Args> = {
  [K in PageKey as K extends keyof Args ? K : never]?: K extends keyof Args ? Args[K] : never;
};

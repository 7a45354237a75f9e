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

/** The largest page a connection serves (the builder's maxConnectionSize; the planned path's too). */
export const MAX_PAGE_SIZE = 100;

/** A connection's page size when `first` and `last` are left out (the builder's defaultConnectionSize). */
export const DEFAULT_PAGE_SIZE = 20;

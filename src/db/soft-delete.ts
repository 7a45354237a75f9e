import { randomUUID } from 'node:crypto';
import { Prisma } from '../generated/prisma/client.js';
import { relations as relationFields } from '../generated/relations.js';

/**
 * Soft delete for every model, in one place.
 *
 * - Reads (findMany, findFirst, findUnique, count, aggregate, groupBy and their *OrThrow forms)
 *   skip rows whose deletedAt is set. The one way to read deleted rows too is `withDeleted(where)`;
 *   a where clause with a condition on deletedAt itself (`{ deletedAt: { lt: cutoff } }`, as the
 *   purge job has) is taken as written. `deletedAt: undefined` does NOT turn the filter off.
 * - Relations are filtered too, which Prisma's own extensions do not do (prisma#24525): every
 *   nested `include`/`select` of a list relation, and `_count` of one, gets `deletedAt: null`
 *   added to its where; a to-one relation whose target is deleted comes back as null. This is
 *   done here, from the relation map Prisma's DMMF gives at `prisma generate`
 *   (prisma/generators/relations.mjs), so a relation added later cannot forget it, and it covers
 *   the relation loads that Pothos merges into a query.
 * - `delete`/`deleteMany` on the extended client are SOFT: they set deletedAt (and a deletionId
 *   that groups the rows of one deletion, for an exact restore) and answer `SoftDeletion`
 *   (`{ count, deletionId }`), never the deleted row, so a call cannot be mistaken for Prisma's
 *   hard delete. `restore` undoes one. The only hard delete is the purge job's raw SQL.
 */

/**
 * Models whose rows are removed for good, never soft-deleted: they keep the soft-delete columns
 * (reads filter them like any other model, and they stay null) but `delete`/`deleteMany` refuse
 * them, so a removal cannot leave a hidden row behind. Their domain code deletes with raw SQL.
 * - Device: a push token is an address, not a record to restore; a soft-deleted row would keep
 *   holding its unique token (docs/push.md).
 */
export const HARD_DELETED_MODELS: ReadonlySet<string> = new Set(['Device']);

/**
 * The same rule in SQL, for every hand-written statement that reads a table (the planned path's
 * among them): the row of alias `alias` is live.
 */
export const liveSql = (alias: string): string => `${alias}."deletedAt" IS NULL`;

interface RelationInfo {
  model: string;
  isList: boolean;
}

const relations = new Map<string, Map<string, RelationInfo>>(
  Object.entries(relationFields).map(([model, fields]) => [model, new Map(Object.entries(fields))]),
);

const READS = new Set([
  'findMany',
  'findFirst',
  'findFirstOrThrow',
  'findUnique',
  'findUniqueOrThrow',
  'count',
  'aggregate',
  'groupBy',
]);
const WRITES_RETURNING = new Set(['create', 'update', 'upsert', 'createManyAndReturn', 'updateManyAndReturn']);

type Args = Record<string, unknown>;
const isObject = (v: unknown): v is Args =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/**
 * What `withDeleted` puts in place of a deletedAt condition; removed here before the query reaches
 * the database. A plain string key, because Prisma copies the arguments (a symbol would not survive).
 */
const INCLUDE_DELETED = '__includeDeleted';
const isIncludeDeleted = (v: unknown) => isObject(v) && v[INCLUDE_DELETED] === true;

/** Adds `deletedAt: null` unless the clause came from `withDeleted` or has its own deletedAt condition. */
function liveWhere(where: unknown): Args {
  if (!isObject(where)) return { deletedAt: null };
  if (isIncludeDeleted(where.deletedAt)) {
    const { deletedAt: _marker, ...rest } = where;
    return rest;
  }
  if (where.deletedAt !== undefined) return where;
  return { ...where, deletedAt: null };
}

/** Rewrites a nested select/include tree so relation loads skip deleted rows. */
function rewriteSelection(model: string, selection: unknown): unknown {
  if (!isObject(selection)) return selection;
  const fields = relations.get(model);
  if (!fields) return selection;
  const out: Args = { ...selection };
  for (const [key, value] of Object.entries(selection)) {
    if (key === '_count') {
      out[key] = rewriteCount(model, value);
      continue;
    }
    const relation = fields.get(key);
    if (!relation || value === false || value === undefined) continue;
    const nested: Args = isObject(value) ? { ...value } : {};
    if (relation.isList) {
      nested.where = liveWhere(nested.where);
    } else if (isObject(nested.select)) {
      // To-one relations take no where: load deletedAt and null the relation afterwards.
      nested.select = { ...nested.select, deletedAt: true };
    }
    if (nested.select) nested.select = rewriteSelection(relation.model, nested.select);
    if (nested.include) nested.include = rewriteSelection(relation.model, nested.include);
    out[key] = nested;
  }
  return out;
}

function rewriteCount(model: string, count: unknown): unknown {
  const fields = relations.get(model);
  if (!fields) return count;
  if (count === true) {
    // `_count: true` counts every list relation: spell them out so each gets the filter.
    const select: Args = {};
    for (const [name, rel] of fields) if (rel.isList) select[name] = { where: { deletedAt: null } };
    return { select };
  }
  if (!isObject(count) || !isObject(count.select)) return count;
  const select: Args = {};
  for (const [name, value] of Object.entries(count.select)) {
    if (value === false) continue;
    const nested: Args = isObject(value) ? { ...value } : {};
    nested.where = liveWhere(nested.where);
    select[name] = nested;
  }
  return { ...count, select };
}

/** Nulls to-one relations whose target row is soft-deleted, through the whole result tree. */
function pruneDeleted(model: string, value: unknown): unknown {
  if (Array.isArray(value)) {
    for (const item of value) pruneDeleted(model, item);
    return value;
  }
  if (!isObject(value)) return value;
  const fields = relations.get(model);
  if (!fields) return value;
  for (const [key, rel] of fields) {
    const child = value[key];
    if (child === undefined || child === null) continue;
    if (!rel.isList && isObject(child) && child.deletedAt instanceof Date) {
      value[key] = null;
      continue;
    }
    pruneDeleted(rel.model, child);
  }
  return value;
}

/** The one way to let a read see deleted rows too (restore, admin and job code): `findFirst({ where: withDeleted({ id }) })`. */
export const withDeleted = <W extends Args>(where: W = {} as W): W =>
  ({ ...where, deletedAt: { [INCLUDE_DELETED]: true } }) as W;

/** What a soft `delete`/`deleteMany` answers: how many rows it took and the deletion that groups them. */
export interface SoftDeletion {
  count: number;
  deletionId: string;
}

export const softDelete = Prisma.defineExtension({
  name: 'soft-delete',
  query: {
    $allModels: {
      async $allOperations({ model, operation, args, query }) {
        const a: Args = isObject(args) ? { ...args } : {};
        if (READS.has(operation)) {
          a.where = liveWhere(a.where);
          if (a.select) a.select = rewriteSelection(model, a.select);
          if (a.include) a.include = rewriteSelection(model, a.include);
          return pruneDeleted(model, await query(a));
        }
        if (WRITES_RETURNING.has(operation)) {
          if (a.select) a.select = rewriteSelection(model, a.select);
          if (a.include) a.include = rewriteSelection(model, a.include);
          return pruneDeleted(model, await query(a));
        }
        return query(args);
      },
    },
  },
  model: {
    $allModels: {
      /** Soft delete: sets deletedAt (and deletionId, to group a cascade) on the matching live rows. */
      async delete<T>(
        this: T,
        args: { where: Prisma.Args<T, 'updateMany'>['where']; deletionId?: string; now?: Date },
      ): Promise<SoftDeletion> {
        return softDeleteMany(this, args);
      },
      /** Soft delete of many rows; see `delete`. */
      async deleteMany<T>(
        this: T,
        args: { where: Prisma.Args<T, 'updateMany'>['where']; deletionId?: string; now?: Date },
      ): Promise<SoftDeletion> {
        return softDeleteMany(this, args);
      },
      /** Brings back soft-deleted rows: by where, or every row of one deletion (deletionId). */
      async restore<T>(
        this: T,
        args: { where?: Prisma.Args<T, 'updateMany'>['where']; deletionId?: string },
      ): Promise<{ count: number }> {
        const ctx = Prisma.getExtensionContext(this) as unknown as UpdateManyDelegate;
        const where: Args = { ...(args.where ?? {}), deletedAt: { not: null } };
        if (args.deletionId) where.deletionId = args.deletionId;
        return ctx.updateMany({ where, data: { deletedAt: null, deletionId: null } });
      },
    },
  },
});

interface UpdateManyDelegate {
  $name?: string;
  updateMany(args: { where: Args; data: Args }): Promise<{ count: number }>;
}

async function softDeleteMany(
  self: unknown,
  args: { where: unknown; deletionId?: string; now?: Date },
): Promise<SoftDeletion> {
  const ctx = Prisma.getExtensionContext(self) as unknown as UpdateManyDelegate;
  if (ctx.$name && HARD_DELETED_MODELS.has(ctx.$name)) {
    throw new Error(`${ctx.$name} rows are hard-deleted (raw SQL), never soft-deleted: see HARD_DELETED_MODELS`);
  }
  const deletionId = args.deletionId ?? randomUUID();
  const where: Args = { ...(isObject(args.where) ? args.where : {}), deletedAt: null };
  const { count } = await ctx.updateMany({ where, data: { deletedAt: args.now ?? new Date(), deletionId } });
  return { count, deletionId };
}

import { randomUUID } from 'node:crypto';
import { Prisma } from '../generated/prisma/client.js';
import { getDatamodel } from '../generated/pothos-types.js';

/**
 * Soft delete for every model, in one place.
 *
 * - Reads (findMany, findFirst, findUnique, count, aggregate, groupBy and their *OrThrow forms)
 *   skip rows whose deletedAt is set, unless the where clause names deletedAt itself (that is how
 *   admin and job code asks for deleted rows: see `withDeleted`).
 * - Relations are filtered too, which Prisma's own extensions do not do (prisma#24525): every
 *   nested `include`/`select` of a list relation, and `_count` of one, gets `deletedAt: null`
 *   added to its where; a to-one relation whose target is deleted comes back as null. This is
 *   done here, from the data model, so a relation added later cannot forget it, and it covers
 *   the relation loads that Pothos merges into a query.
 * - `delete`/`deleteMany` are soft: model methods of the same name set deletedAt (and a
 *   deletionId that groups the rows of one deletion, for an exact restore). `restore` undoes it.
 *   Hard deletes exist only as `purge`, for the scheduled purge job.
 */

interface RelationInfo {
  model: string;
  isList: boolean;
}
type Relations = Map<string, Map<string, RelationInfo>>;

function loadRelations(): Relations {
  const relations: Relations = new Map();
  for (const [name, model] of Object.entries(getDatamodel().datamodel.models)) {
    const fields = new Map<string, RelationInfo>();
    for (const field of model.fields) {
      if (field.kind === 'object') fields.set(field.name, { model: field.type, isList: field.isList });
    }
    relations.set(name, fields);
  }
  return relations;
}

const relations = loadRelations();

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

/** Adds `deletedAt: null` unless the caller already said something about deletedAt. */
function liveWhere(where: unknown): Args {
  if (!isObject(where)) return { deletedAt: null };
  if ('deletedAt' in where) return where;
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

/** The where clause that lets a read see deleted rows too (for admin and job code). */
export const withDeleted = <W extends Args>(where: W = {} as W): W & { deletedAt?: undefined } =>
  // Naming deletedAt (even as undefined, which Prisma ignores) turns the automatic filter off.
  ({ ...where, deletedAt: undefined }) as W & { deletedAt?: undefined };

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
      ): Promise<{ count: number; deletionId: string }> {
        return softDeleteMany(this, args);
      },
      /** Soft delete of many rows; see `delete`. */
      async deleteMany<T>(
        this: T,
        args: { where: Prisma.Args<T, 'updateMany'>['where']; deletionId?: string; now?: Date },
      ): Promise<{ count: number; deletionId: string }> {
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
  updateMany(args: { where: Args; data: Args }): Promise<{ count: number }>;
}

async function softDeleteMany(
  self: unknown,
  args: { where: unknown; deletionId?: string; now?: Date },
): Promise<{ count: number; deletionId: string }> {
  const ctx = Prisma.getExtensionContext(self) as unknown as UpdateManyDelegate;
  const deletionId = args.deletionId ?? randomUUID();
  const where: Args = { ...(isObject(args.where) ? args.where : {}), deletedAt: null };
  const { count } = await ctx.updateMany({ where, data: { deletedAt: args.now ?? new Date(), deletionId } });
  return { count, deletionId };
}

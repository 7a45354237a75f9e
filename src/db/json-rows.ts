import { getDatamodel } from '../generated/pothos-types.js';

/** The DateTime columns of each model, from the datamodel Prisma generates. */
const dateFields = new Map<string, string[]>(
  Object.entries(getDatamodel().datamodel.models).map(([model, { fields }]) => [
    model,
    fields.filter((f) => f.kind === 'scalar' && f.type === 'DateTime').map((f) => f.name),
  ]),
);

/**
 * A row that a statement returned as `to_jsonb(alias)`, as Prisma would have returned it: its
 * timestamp columns (stored without a time zone, as UTC) become Dates. Other scalar columns of
 * the models read this way (text, uuid, enums, integers, booleans) are the same in JSON.
 */
export function rowFromJson<T>(model: string, json: Record<string, unknown>): T {
  const row: Record<string, unknown> = { ...json };
  for (const name of dateFields.get(model) ?? []) {
    const value = row[name];
    if (typeof value === 'string') row[name] = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  }
  return row as T;
}

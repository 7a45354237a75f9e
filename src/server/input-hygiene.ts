import {
  getNamedType,
  GraphQLError,
  Kind,
  TypeInfo,
  valueFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Whether a variable value holds a string with a NUL character anywhere inside. */
function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  const values: unknown[] = Array.isArray(value) ? value : Object.values(value);
  return values.some((v) => hasNul(v, depth + 1));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a cursor passed to a Prisma-backed connection is one this API gives out. Every such
 * connection pages by `id` (a uuid), which Pothos encodes as base64 of `GPC:S:<id>`; anything
 * else that starts with `GPC:` would reach the database as a malformed id. Cursors of other
 * connections (the agenda's) are checked by their own resolvers.
 */
function badPrismaCursor(cursor: unknown): boolean {
  if (typeof cursor !== 'string') return false;
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  if (!decoded.startsWith('GPC:')) return false;
  return !(decoded.startsWith('GPC:S:') && UUID.test(decoded.slice(6)));
}

/** What a document says on its own, worked out once per document (Yoga reuses parsed documents). */
interface DocumentFacts {
  nulLiteral: boolean;
  /** The `after`/`before` arguments of connection fields, with their input types. */
  cursorArgs: { value: ValueNode; type: GraphQLInputType }[];
}

function documentFacts(schema: GraphQLSchema, document: DocumentNode): DocumentFacts {
  const typeInfo = new TypeInfo(schema);
  const facts: DocumentFacts = { nulLiteral: false, cursorArgs: [] };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      [Kind.STRING]: (node) => {
        if (node.value.includes('\0')) facts.nulLiteral = true;
      },
      [Kind.ARGUMENT]: (node) => {
        const arg = typeInfo.getArgument();
        const field = typeInfo.getFieldDef();
        if (!arg || !field || (arg.name !== 'after' && arg.name !== 'before')) return;
        if (getNamedType(field.type).name.endsWith('Connection'))
          facts.cursorArgs.push({ value: node.value, type: arg.type });
      },
    }),
  );
  return facts;
}

const cursorError = () =>
  new GraphQLError('The cursor is not one this API gave out.', { extensions: { code: 'BAD_USER_INPUT' } });

const nulError = () =>
  new GraphQLError('Text must not contain NUL characters (\\u0000).', { extensions: { code: 'BAD_USER_INPUT' } });

/**
 * Input checks that apply to every argument of every operation, in one place, before anything
 * runs: no string may hold a NUL character (PostgreSQL cannot store one in text, so it would
 * fail deep inside a write), and no connection takes a cursor it did not give out (a forged
 * one would reach the database as a malformed id). Field-specific validation stays in the
 * domain functions.
 */
export function useInputHygiene(): Plugin {
  const known = new WeakMap<DocumentNode, DocumentFacts>();
  const check = (schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined) => {
    let facts = known.get(document);
    if (!facts) known.set(document, (facts = documentFacts(schema, document)));
    if (facts.nulLiteral || hasNul(variables)) return { errors: [nulError()] };
    for (const { value, type } of facts.cursorArgs) {
      if (badPrismaCursor(valueFromAST(value, type, variables))) return { errors: [cursorError()] };
    }
    return null;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = check(args.schema, args.document, args.variableValues as Record<string, unknown> | undefined);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = check(args.schema, args.document, args.variableValues as Record<string, unknown> | undefined);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}

import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Whether a variable value holds a string with a NUL character anywhere inside. */
function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  const values: unknown[] = Array.isArray(value) ? value : Object.values(value);
  return values.some((v) => hasNul(v, depth + 1));
}

function documentHasNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes('\0')) found = true;
    },
  });
  return found;
}

const nulError = () =>
  new GraphQLError('Text must not contain NUL characters (\\u0000).', { extensions: { code: 'BAD_USER_INPUT' } });

/**
 * Input checks that apply to every argument of every operation, in one place, before anything
 * runs: no string may hold a NUL character (PostgreSQL cannot store one in text, so it would
 * fail deep inside a write). Field-specific validation stays in the domain functions.
 */
export function useInputHygiene(): Plugin {
  const check = (document: DocumentNode, variables: unknown) =>
    hasNul(variables) || documentHasNul(document) ? { errors: [nulError()] } : null;
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = check(args.document, args.variableValues);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = check(args.document, args.variableValues);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}

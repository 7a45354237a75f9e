import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ASTNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Query limits (graphql-armor), checked before execution: depth, aliases, directives, tokens,
 * cost. Aliases of `__typename` count too (graphql-armor lets them through by default).
 * Field suggestions ("Did you mean …?") are masked unless `suggestions` is on.
 */
export function useQueryLimits(options: { suggestions?: boolean } = {}) {
  return EnvelopArmorPlugin({
    maxDepth: { n: 12 },
    maxAliases: { n: 20, allowList: [] },
    maxDirectives: { n: 20 },
    maxTokens: { n: 2000 },
    costLimit: { maxCost: 20000 },
    blockFieldSuggestion: { enabled: !(options.suggestions ?? true) },
  });
}

/**
 * One validation error per message: the same mistake repeated (`@aa@aa@aa…`, graphql-cop's
 * "directive overloading") is one error listing every location, so the answer does not grow with
 * the repetitions (graphql-armor's maxDirectives caps them at 20 anyway).
 */
export function useOneErrorPerMessage(): Plugin {
  return {
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (valid || result.length < 2) return;
        const byMessage = new Map<string, GraphQLError[]>();
        const others: unknown[] = [];
        for (const error of result as unknown[]) {
          if (!(error instanceof GraphQLError)) others.push(error);
          else byMessage.set(error.message, [...(byMessage.get(error.message) ?? []), error]);
        }
        if (byMessage.size + others.length === result.length) return;
        const merged = [...byMessage.values()].map(([first, ...rest]) =>
          rest.length === 0
            ? first!
            : new GraphQLError(first!.message, {
                nodes: [first!, ...rest].flatMap((e): ASTNode[] => [...(e.nodes ?? [])]),
                extensions: first!.extensions,
                originalError: first!.originalError,
              }),
        );
        setResult([...merged, ...others]);
      };
    },
  };
}

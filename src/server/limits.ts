import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';

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

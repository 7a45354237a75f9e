import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';

/** Query limits (graphql-armor), checked before execution: depth, aliases, directives, tokens, cost. */
export function useQueryLimits() {
  return EnvelopArmorPlugin({
    maxDepth: { n: 12 },
    maxAliases: { n: 20 },
    maxDirectives: { n: 20 },
    maxTokens: { n: 2000 },
    costLimit: { maxCost: 20000 },
    blockFieldSuggestion: { enabled: false },
  });
}

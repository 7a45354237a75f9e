import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * A root connection's totalCount, loaded in the same statement as its page.
 *
 * Pothos resolves a connection's page (`resolve`) and, when the operation asks for it, its
 * `totalCount` callback, each with the same GraphQLResolveInfo. A resolver that can load the
 * count together with the page (one statement instead of two) remembers it here under that info;
 * the totalCount callback then takes it instead of counting again.
 */
const counts = new WeakMap<GraphQLResolveInfo, number>();

/** True when the connection field's selection asks for totalCount (directly or in a fragment). */
export function selectsTotalCount(info: GraphQLResolveInfo): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === 'totalCount';
      if (s.kind === Kind.INLINE_FRAGMENT) return visit(s.selectionSet);
      return visit(info.fragments[s.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}

export function rememberTotalCount(info: GraphQLResolveInfo, count: number): void {
  counts.set(info, count);
}

/** The count the page's resolver loaded, or `count()` when it did not. */
export function totalCountOf(info: GraphQLResolveInfo, count: () => Promise<number>): number | Promise<number> {
  return counts.get(info) ?? count();
}

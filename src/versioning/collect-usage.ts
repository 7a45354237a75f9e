import {
  getNamedType,
  getOperationAST,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { coordinate } from './elements.js';
import type { DeprecationRegistry } from './registry.js';

/** What one operation of a document touches, apart from the values of its variables. */
interface Analysis {
  /** Deprecated coordinates written in the operation or the fragments it spreads. */
  written: string[];
  /** The operation's variables, whose values may reach deprecated input fields or enum values. */
  variables: { name: string; type: GraphQLInputType | undefined }[];
}

/**
 * Analyses by registry, document and operation name. Yoga's parse cache hands out the same
 * DocumentNode for the same query text, so an operation is walked once, not on every request.
 */
const analyses = new WeakMap<DeprecationRegistry, WeakMap<DocumentNode, Map<string, Analysis | null>>>();

/**
 * The deprecated coordinates one operation touches: fields, arguments, input object fields and
 * enum values, written in the document (the operation and every fragment it spreads, however
 * deep) or reached through the values of its variables. Reads a validated document.
 */
export function deprecatedCoordinatesOf(
  registry: DeprecationRegistry,
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  variables?: Readonly<Record<string, unknown>> | null,
): string[] {
  let byDocument = analyses.get(registry);
  if (!byDocument) analyses.set(registry, (byDocument = new WeakMap()));
  let byOperation = byDocument.get(document);
  if (!byOperation) byDocument.set(document, (byOperation = new Map()));
  let analysis = byOperation.get(operationName ?? '');
  if (analysis === undefined) {
    analysis = analyze(registry, schema, document, operationName);
    byOperation.set(operationName ?? '', analysis);
  }
  if (!analysis) return [];
  if (analysis.variables.length === 0 || !variables) return analysis.written;
  const found = new Set(analysis.written);
  const add = (key: string) => {
    if (registry.has(key)) found.add(key);
  };
  for (const v of analysis.variables) addFromValue(v.type, variables[v.name], add);
  return [...found].sort();
}

function analyze(
  registry: DeprecationRegistry,
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
): Analysis | null {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  const found = new Set<string>();
  const add = (key: string) => {
    if (registry.has(key)) found.add(key);
  };
  const variables: Analysis['variables'] = [];
  const typeInfo = new TypeInfo(schema);
  const queue: ASTNode[] = [operation];
  const queued = new Set<string>();
  const visitor = visitWithTypeInfo(typeInfo, {
    Field() {
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      if (parent && field) add(coordinate.member(parent.name, field.name));
    },
    Argument() {
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      const arg = typeInfo.getArgument();
      if (parent && field && arg && !typeInfo.getDirective())
        add(coordinate.argument(parent.name, field.name, arg.name));
    },
    ObjectField(node) {
      const parent = getNamedType(typeInfo.getParentInputType());
      if (isInputObjectType(parent)) add(coordinate.member(parent.name, node.name.value));
    },
    EnumValue(node) {
      const type = getNamedType(typeInfo.getInputType());
      if (isEnumType(type)) add(coordinate.member(type.name, node.value));
    },
    VariableDefinition(node) {
      const type = typeFromAST(schema, node.type) as GraphQLInputType | undefined;
      // Only input objects and enums can carry a deprecated coordinate in a value.
      const named = type && getNamedType(type);
      if (isInputObjectType(named) || isEnumType(named)) variables.push({ name: node.variable.name.value, type });
    },
    FragmentSpread(node) {
      const fragment = fragments.get(node.name.value);
      if (fragment && !queued.has(fragment.name.value)) {
        queued.add(fragment.name.value);
        queue.push(fragment);
      }
    },
  });
  for (let node = queue.shift(); node; node = queue.shift()) visit(node, visitor);
  return { written: [...found].sort(), variables };
}

/** Input object fields and enum values inside a variable's value (JSON, before coercion). */
function addFromValue(type: GraphQLInputType | undefined, value: unknown, add: (key: string) => void): void {
  if (value === null || value === undefined || !type) return;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    for (const item of Array.isArray(value) ? value : [value]) addFromValue(inner.ofType, item, add);
  } else if (isInputObjectType(inner) && typeof value === 'object') {
    const fields = inner.getFields();
    for (const [name, fieldValue] of Object.entries(value)) {
      const field = fields[name];
      if (!field) continue;
      add(coordinate.member(inner.name, name));
      addFromValue(field.type, fieldValue, add);
    }
  } else if (isEnumType(inner) && typeof value === 'string') {
    add(coordinate.member(inner.name, value));
  }
}

import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';

/** Which kind of schema element a coordinate names: the kinds that can be deprecated. */
export type ElementKind = 'FIELD' | 'ARGUMENT' | 'INPUT_FIELD' | 'ENUM_VALUE';

/** A deprecatable schema element, named by its schema coordinate. */
export interface SchemaElement {
  /** `User.name`, `Query.assignments(courseId:)`, `UpdateProfileInput.name` or `Enum.VALUE`. */
  coordinate: string;
  kind: ElementKind;
  deprecationReason: string | null;
  extensions: Readonly<Record<string, unknown>>;
}

/** Schema coordinates (https://spec.graphql.org/draft/#sec-Schema-Coordinates). */
export const coordinate = {
  member: (type: string, member: string) => `${type}.${member}`,
  argument: (type: string, field: string, arg: string) => `${type}.${field}(${arg}:)`,
};

/** Every field, argument, input field and enum value of a schema (introspection types left out). */
export function schemaElements(schema: GraphQLSchema): SchemaElement[] {
  const found: SchemaElement[] = [];
  const add = (
    key: string,
    kind: ElementKind,
    el: { deprecationReason?: string | null; extensions: Readonly<Record<string, unknown>> },
  ) =>
    found.push({ coordinate: key, kind, deprecationReason: el.deprecationReason ?? null, extensions: el.extensions });
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        add(coordinate.member(type.name, field.name), 'FIELD', field);
        for (const arg of field.args) add(coordinate.argument(type.name, field.name, arg.name), 'ARGUMENT', arg);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        add(coordinate.member(type.name, field.name), 'INPUT_FIELD', field);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) add(coordinate.member(type.name, value.name), 'ENUM_VALUE', value);
    }
  }
  return found;
}

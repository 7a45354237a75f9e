import type { GraphQLSchema } from 'graphql';
import { deprecationOf, type DeprecationSpec } from './deprecate.js';
import { schemaElements, type ElementKind } from './elements.js';

/** A deprecation and the schema coordinate of what it deprecates. */
export interface DeprecationEntry extends DeprecationSpec {
  /** `User.name`, `Query.assignments(courseId:)`, `UpdateProfileInput.name` or `Enum.VALUE`. */
  coordinate: string;
  kind: ElementKind;
}

const bySchema = new WeakMap<GraphQLSchema, DeprecationRegistry>();

/**
 * The one registry of deprecations: every one declared with `deprecated()`, keyed by schema
 * coordinate. Built from the schema itself, so a coordinate cannot disagree with where the
 * deprecation sits, and an element cannot be deprecated without its entry.
 */
export class DeprecationRegistry {
  private constructor(private readonly entries: ReadonlyMap<string, DeprecationEntry>) {}

  /** The registry of a schema (built once per schema). */
  static of(schema: GraphQLSchema): DeprecationRegistry {
    let registry = bySchema.get(schema);
    if (!registry) {
      const entries = new Map<string, DeprecationEntry>();
      for (const element of schemaElements(schema)) {
        const spec = deprecationOf(element.extensions);
        if (spec) entries.set(element.coordinate, { ...spec, coordinate: element.coordinate, kind: element.kind });
      }
      registry = new DeprecationRegistry(entries);
      bySchema.set(schema, registry);
    }
    return registry;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): DeprecationEntry | undefined {
    return this.entries.get(key);
  }

  /** Every entry, by coordinate. */
  all(): DeprecationEntry[] {
    return [...this.entries.values()].sort((a, b) => a.coordinate.localeCompare(b.coordinate));
  }
}

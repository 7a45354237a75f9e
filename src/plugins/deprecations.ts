import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { deprecationNoteUrl } from '../http/deprecation-notes.js';
import { deprecatedCoordinatesOf } from '../versioning/collect-usage.js';
import { isPastSunset, parseDay } from '../versioning/dates.js';
import type { DeprecationEntry, DeprecationRegistry } from '../versioning/registry.js';
import type { Versioning } from '../versioning/versioning.js';
import { withExtensions } from '../server/planned-execution.js';

/** What `extensions.deprecations` lists for each deprecated coordinate an operation touched. */
export interface DeprecationNotice {
  coordinate: string;
  replacement: string;
  sunset: string;
}

interface Operation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Readonly<Record<string, unknown>> | null;
  contextValue: Context & { request?: Request };
}

/**
 * Deprecations at run time. For each operation, before it runs: finds the deprecated coordinates
 * it touches (src/versioning/collect-usage.ts) and counts them for the calling client; past a
 * sunset with DEPRECATION_SUNSET_POLICY=reject, fails it with DEPRECATED_FIELD_SUNSET. Otherwise
 * the result lists them in `extensions.deprecations` and the HTTP response carries `Deprecation`
 * (RFC 9745) and `Sunset` (RFC 8594) headers for the earliest of them, and a `Link` per
 * coordinate with `rel="deprecation"` and `rel="sunset"` to its migration note (served at
 * /deprecations/<coordinate>, src/http/deprecation-notes.ts).
 */
export function useDeprecations(options: { registry: DeprecationRegistry; versioning: Versioning }): Plugin<Context> {
  const { registry, versioning } = options;
  const touchedBy = new WeakMap<Request, DeprecationEntry[]>();

  const inspect = (args: Operation) => {
    const ctx = args.contextValue;
    const coordinates = deprecatedCoordinatesOf(
      registry,
      args.schema,
      args.document,
      args.operationName,
      args.variableValues,
    );
    const entries = coordinates.flatMap((c) => registry.get(c) ?? []);
    if (entries.length === 0) return null;
    const now = ctx.now();
    versioning.usage.record(coordinates, ctx.client, now);
    if (ctx.request) touchedBy.set(ctx.request, [...(touchedBy.get(ctx.request) ?? []), ...entries]);
    const notices = entries.map(({ coordinate, replacement, sunset }): DeprecationNotice => ({
      coordinate,
      replacement,
      sunset,
    }));
    const refused = versioning.sunsetPolicy === 'reject' ? entries.filter((e) => isPastSunset(e.sunset, now)) : [];
    return {
      notices,
      refusal: refused.length ? { errors: refused.map(sunsetError), extensions: { deprecations: notices } } : null,
    };
  };

  return {
    onExecute({ args, setResultAndStopExecution }) {
      const seen = inspect(args);
      if (!seen) return;
      if (seen.refusal) return setResultAndStopExecution(seen.refusal);
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) return;
          setResult(withExtensions(result, { deprecations: seen.notices }));
        },
      };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refusal = inspect(args)?.refusal;
      if (refusal) setResultAndStopExecution(refusal);
    },
    onResponse({ request, response }) {
      const entries = touchedBy.get(request);
      if (!entries) return;
      const earliest = (days: string[]) => Math.min(...days.map((d) => parseDay(d)?.getTime() ?? Infinity));
      response.headers.set('Deprecation', `@${Math.floor(earliest(entries.map((e) => e.deprecatedOn)) / 1000)}`);
      response.headers.set('Sunset', new Date(earliest(entries.map((e) => e.sunset))).toUTCString());
      const origin = new URL(request.url).origin;
      const links = [...new Set(entries.map((e) => e.coordinate))].sort().flatMap((c) => {
        const url = deprecationNoteUrl(origin, c);
        return [
          `<${url}>; rel="deprecation"; type="application/json"`,
          `<${url}>; rel="sunset"; type="application/json"`,
        ];
      });
      response.headers.append('Link', links.join(', '));
    },
  };
}

function sunsetError(entry: DeprecationEntry): GraphQLError {
  return new GraphQLError(
    `${entry.coordinate} reached its sunset on ${entry.sunset} and is no longer served: use ${entry.replacement} instead.`,
    {
      extensions: {
        code: 'DEPRECATED_FIELD_SUNSET',
        coordinate: entry.coordinate,
        replacement: entry.replacement,
        sunset: entry.sunset,
      },
    },
  );
}

import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { CORSOptions, Plugin, YogaServerOptions } from 'graphql-yoga';
import type { Config } from '../config.js';

/** Schema introspection refused (`__schema`, `__type`); `__typename` still works. */
export function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

/**
 * The production profile's plugins (NODE_ENV=production): CSRF prevention (a request that is
 * not JSON — a GET, a form or url-encoded POST — must carry a header a browser form cannot
 * send), and introspection off unless INTROSPECTION=true. Yoga itself never runs a mutation
 * over GET.
 */
export function productionPlugins(config: Pick<Config, 'production' | 'introspection'>): Plugin[] {
  const plugins: Plugin[] = [];
  if (config.production) {
    plugins.push(
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'graphql-client-name'] }),
    );
  }
  if (!config.introspection) plugins.push(useNoIntrospection());
  return plugins;
}

/**
 * CORS: the origins of CORS_ORIGINS only, without credentials unless CORS_CREDENTIALS=true.
 * Without CORS_ORIGINS: any origin in development, none in production. A request from an origin
 * not allowed gets no CORS headers at all (Yoga's own list answered `Access-Control-Allow-Origin:
 * null`, with credentials when they were on). `Origin: null` (sandboxed frames, `file:` pages,
 * cross-origin redirects: pages anyone can make) is never allowed. The allowed origin is echoed
 * with `Vary: Origin`.
 */
export function corsOptions(config: Pick<Config, 'production' | 'cors'>): YogaServerOptions<object, object>['cors'] {
  const { origins, credentials } = config.cors;
  if (!origins && config.production) return false;
  return (request: Request): CORSOptions => {
    const origin = request.headers.get('origin');
    if (origin === null || origin === 'null') return false;
    if (origins && !origins.includes(origin)) return false;
    // `*` makes the library echo the request's origin (already checked) with Vary: Origin.
    return { origin: ['*'], credentials };
  };
}

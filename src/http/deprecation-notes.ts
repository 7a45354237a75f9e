import type { Plugin } from 'graphql-yoga';
import { isPastSunset } from '../versioning/dates.js';
import type { DeprecationEntry, DeprecationRegistry } from '../versioning/registry.js';

/** Where the migration note of a coordinate is served: `Link` headers point here. */
export const DEPRECATIONS_PATH = '/deprecations';

/** The URL of a coordinate's migration note, on the server at `origin`. */
export function deprecationNoteUrl(origin: string, coordinate: string): string {
  return `${origin}${DEPRECATIONS_PATH}/${encodeURIComponent(coordinate)}`;
}

/**
 * The migration notes, as JSON: GET /deprecations lists every deprecation; GET
 * /deprecations/<coordinate> (URL-encoded, e.g. `User.name`, `Query.assignments(courseId:)`) one,
 * with reason, replacement, migration note and sunset; 404 for a coordinate that is not deprecated.
 */
export function useDeprecationNotes(options: { registry: DeprecationRegistry; now: () => Date }): Plugin {
  const view = (entry: DeprecationEntry, origin: string) => ({
    ...entry,
    pastSunset: isPastSunset(entry.sunset, options.now()),
    url: deprecationNoteUrl(origin, entry.coordinate),
  });
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === DEPRECATIONS_PATH) {
        endResponse(fetchAPI.Response.json({ deprecations: options.registry.all().map((e) => view(e, url.origin)) }));
        return;
      }
      if (!url.pathname.startsWith(`${DEPRECATIONS_PATH}/`)) return;
      let coordinate: string;
      try {
        coordinate = decodeURIComponent(url.pathname.slice(DEPRECATIONS_PATH.length + 1));
      } catch {
        coordinate = '';
      }
      const entry = options.registry.get(coordinate);
      endResponse(
        entry
          ? fetchAPI.Response.json(view(entry, url.origin))
          : fetchAPI.Response.json(
              {
                error: `${coordinate || 'That'} is not a deprecated schema coordinate.`,
                list: `${url.origin}${DEPRECATIONS_PATH}`,
              },
              { status: 404 },
            ),
      );
    },
  };
}

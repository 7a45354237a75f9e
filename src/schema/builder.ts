import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { Context } from '../context.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { isAdmin } from '../resolvers/access.js';
import type { SyncPosition } from '../resolvers/sync/cursor.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../resolvers/page.js';

/** The Pothos builder and its plugins. No types here: each domain file adds its own. */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: { signedIn: boolean; admin: boolean };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    EmailAddress: { Input: string; Output: string };
    TimeZone: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
    SyncCursor: { Input: SyncPosition; Output: string };
    ID: { Input: string; Output: string | number };
  };
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  scopeAuth: {
    authScopes: (ctx) => ({ signedIn: ctx.viewer !== null, admin: isAdmin(ctx.viewer) }),
    // Subscriptions are authorized when they start, not on every event.
    authorizeOnSubscribe: true,
    // Not signed in: UNAUTHENTICATED. Signed in without the scope: FORBIDDEN.
    unauthorizedError: (_parent, ctx) => (ctx.viewer ? new ForbiddenError() : new UnauthenticatedError()),
  },
  errors: { defaultTypes: [] },
  prisma: {
    // Every Pothos-issued query goes through the soft-delete client of the request.
    client: (ctx) => ctx.db as unknown as PrismaClient,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: {
      authScopes: { signedIn: true },
      description: 'Any object by its global id; null when it does not exist or is not yours.',
      args: { id: { description: 'A global id, as every `id` field returns.' } },
    },
    nodesQueryOptions: false,
    idFieldOptions: { description: 'Global id: opaque, stable, unique across all types.' },
    nodeTypeOptions: { description: 'An object with a global id (Relay).' },
    pageInfoTypeOptions: { description: 'Where a page sits in its list.' },
    defaultConnectionTypeOptions: { description: 'One page of a list (Relay connection).' },
    defaultEdgeTypeOptions: { description: 'One item of a page, with its cursor.' },
    edgesFieldOptions: { description: 'The items of this page.' },
    pageInfoFieldOptions: { description: 'Cursors and whether there are more pages.' },
    cursorFieldOptions: { description: 'Pass as `after` (or `before`) to continue from this item.' },
    nodeFieldOptions: { description: 'The item.' },
    hasNextPageFieldOptions: { description: 'True when items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'True when items precede this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item of the page.' },
    endCursorFieldOptions: { description: 'Cursor of the last item of the page.' },
    firstArgOptions: { description: 'Page size from the start (or after `after`); at most 100.' },
    afterArgOptions: { description: 'Continue after the item with this cursor.' },
    lastArgOptions: { description: 'Page size from the end (or before `before`); at most 100.' },
    beforeArgOptions: { description: 'Continue before the item with this cursor.' },
  },
});

builder.queryType({ description: 'Everything a client can read.' });
builder.mutationType({ description: 'Everything a client can change.' });

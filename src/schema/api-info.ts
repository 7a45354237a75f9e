import type { ChangeLine, ChangelogEntry } from '../versioning/changelog.js';
import type { ClientStanding } from '../versioning/client-status.js';
import { getApiInfo, type ApiInfo, type DeprecationView } from '../versioning/get-api-info.js';
import { listDeprecatedUsage, type DeprecatedUsageRow } from '../versioning/list-deprecated-usage.js';
import { builder } from './builder.js';

const day = 'A calendar day, YYYY-MM-DD (UTC).';

const SunsetPolicy = builder.enumType('SunsetPolicy', {
  description: 'What the server does with a deprecated element past its sunset day (DEPRECATION_SUNSET_POLICY).',
  values: {
    WARN: { value: 'warn', description: 'Keeps serving it, with the deprecation warning.' },
    REJECT: { value: 'reject', description: 'Fails the operation before it runs, with DEPRECATED_FIELD_SUNSET.' },
  } as const,
});

const ClientStatus = builder.enumType('ClientStatus', {
  description: 'Where the calling client version stands against the minimum versions (CLIENT_VERSIONS).',
  values: {
    CURRENT: { description: 'Supported, no update needed.' },
    DEPRECATED: { description: 'Still supported, but below the recommended version: update soon.' },
    UNSUPPORTED: { description: 'Below the minimum version: update now.' },
    UNKNOWN: {
      description: 'No client headers, a client without minimum versions, or a version not MAJOR.MINOR.PATCH.',
    },
  } as const,
});

const DeprecatedElementKind = builder.enumType('DeprecatedElementKind', {
  description: 'What kind of schema element a deprecation concerns.',
  values: {
    FIELD: { description: 'A field of an object or interface type.' },
    ARGUMENT: { description: 'An argument of a field.' },
    INPUT_FIELD: { description: 'A field of an input type.' },
    ENUM_VALUE: { description: 'A value of an enum.' },
  } as const,
});

export const Deprecation = builder.objectRef<DeprecationView>('Deprecation').implement({
  description: 'A deprecated schema element: why, what replaces it, and until when it is served.',
  fields: (t) => ({
    coordinate: t.exposeString('coordinate', {
      description: 'Schema coordinate: `User.name`, `Query.assignments(courseId:)`.',
    }),
    kind: t.expose('kind', { type: DeprecatedElementKind, description: 'What kind of element it is.' }),
    reason: t.exposeString('reason', { description: 'Why it is deprecated.' }),
    replacement: t.exposeString('replacement', { description: 'What to use instead.' }),
    deprecatedOn: t.exposeString('deprecatedOn', { description: `When it was deprecated. ${day}` }),
    sunset: t.exposeString('sunset', { description: `From this day on it may be removed. ${day}` }),
    migration: t.exposeString('migration', { description: 'How to move a client to the replacement.' }),
    pastSunset: t.exposeBoolean('pastSunset', { description: 'True once the sunset day has come.' }),
  }),
});

const SchemaChange = builder.objectRef<ChangeLine>('SchemaChange').implement({
  description: 'One change between two schema releases.',
  fields: (t) => ({
    coordinate: t.exposeString('coordinate', { nullable: true, description: 'The schema coordinate it concerns.' }),
    message: t.exposeString('message', { description: 'What changed.' }),
  }),
});

const SchemaRelease = builder.objectRef<ChangelogEntry>('SchemaRelease').implement({
  description: 'A released schema version and its changes since the previous release (schema/CHANGELOG.md).',
  fields: (t) => ({
    date: t.exposeString('date', { description: `The release day, which is the schema version. ${day}` }),
    breaking: t.expose('breaking', { type: [SchemaChange], description: 'Changes that can break clients.' }),
    dangerous: t.expose('dangerous', { type: [SchemaChange], description: 'Changes that may change behaviour.' }),
    safe: t.expose('safe', { type: [SchemaChange], description: 'Changes that break nothing.' }),
  }),
});

const ClientInfo = builder.objectRef<ClientStanding>('ClientInfo').implement({
  description: 'The calling client, from the graphql-client-name and graphql-client-version headers.',
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true, description: 'The graphql-client-name header.' }),
    version: t.exposeString('version', { nullable: true, description: 'The graphql-client-version header.' }),
    status: t.expose('status', { type: ClientStatus, description: 'Where this version stands.' }),
    minimumVersion: t.exposeString('minimumVersion', {
      nullable: true,
      description: 'Versions below are unsupported.',
    }),
    recommendedVersion: t.exposeString('recommendedVersion', {
      nullable: true,
      description: 'Versions below are deprecated.',
    }),
    message: t.exposeString('message', { description: 'What the status means for this client.' }),
  }),
});

export const ApiInfoType = builder.objectRef<ApiInfo>('ApiInfo').implement({
  description: 'The schema version, its deprecations and history, and the calling client status.',
  fields: (t) => ({
    schemaVersion: t.exposeString('schemaVersion', {
      nullable: true,
      description: 'The latest release (its day, YYYY-MM-DD); null before the first release.',
    }),
    unreleasedChanges: t.exposeBoolean('unreleasedChanges', {
      description: 'True when the running schema differs from the latest release.',
    }),
    sunsetPolicy: t.expose('sunsetPolicy', { type: SunsetPolicy, description: 'What happens past a sunset day.' }),
    deprecations: t.expose('deprecations', { type: [Deprecation], description: 'Every deprecated element.' }),
    changelog: t.expose('changelog', { type: [SchemaRelease], description: 'Every release, newest first.' }),
    client: t.expose('client', { type: ClientInfo, description: 'The calling client.' }),
  }),
});

const DeprecatedUsage = builder.objectRef<DeprecatedUsageRow>('DeprecatedUsage').implement({
  description: 'How often one client version used one deprecated coordinate (written in batches).',
  fields: (t) => ({
    coordinate: t.exposeString('coordinate', { description: 'The deprecated schema coordinate.' }),
    clientName: t.exposeString('clientName', { description: 'The graphql-client-name header, or "unknown".' }),
    clientVersion: t.exposeString('clientVersion', { description: 'The graphql-client-version header, or "unknown".' }),
    count: t.exposeFloat('count', { description: 'Operations that used it (a whole number; may exceed Int).' }),
    firstSeenAt: t.expose('firstSeenAt', { type: 'DateTime', description: 'First use recorded.' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime', description: 'Latest use recorded.' }),
  }),
});

builder.queryFields((t) => ({
  apiInfo: t.field({
    type: ApiInfoType,
    description:
      'Schema version, deprecations, breaking-change log and client status. No sign-in needed. ' +
      'With `client` (and `version`), about that app instead of the calling one: `clientDeprecations` lists what its published documents and recorded usage still touch that is deprecated.',
    args: {
      client: t.arg.string({
        required: false,
        description: 'An app, by its graphql-client-name; default: the graphql-client-name header.',
      }),
      version: t.arg.string({
        required: false,
        description:
          'One version of it (MAJOR.MINOR.PATCH); default: the header with `client` left out, all versions with `client` given.',
      }),
    },
    resolve: (_root, args, ctx, info) =>
      getApiInfo(
        { ...ctx, client: args.client ? { name: args.client, version: args.version ?? null } : ctx.client },
        info.schema,
      ),
  }),
  deprecatedUsage: t.field({
    type: [DeprecatedUsage],
    description: 'Admin only: who still uses deprecated coordinates, per client name and version.',
    authScopes: { admin: true },
    args: { coordinate: t.arg.string({ required: false, description: 'Only this coordinate, e.g. `User.name`.' }) },
    resolve: (_root, args, ctx) => listDeprecatedUsage(ctx, args),
  }),
}));

import { getClientDeprecations, type ClientDeprecation } from '../versioning/documents/get-client-deprecations.js';
import { listAppVersions, type AppVersionView } from '../versioning/documents/list-app-versions.js';
import { publishDocuments, type PublishedAppVersion } from '../versioning/documents/publish-documents.js';
import { retireAppVersion, type RetiredAppVersion } from '../versioning/documents/retire-app-version.js';
import { ApiInfoType, Deprecation } from './api-info.js';
import { builder } from './builder.js';

const AppVersionStatus = builder.enumType('AppVersionStatus', {
  description: 'Whether an app version is still served and protected by schema:check.',
  values: {
    ACTIVE: { description: 'Its documents are served (TRUSTED_DOCUMENTS=require) and protected by schema:check.' },
    RETIRED: { description: 'No longer served or protected; it cannot publish again.' },
  } as const,
});

type DocumentView = AppVersionView['documents'][number];

const TrustedDocumentType = builder.objectRef<DocumentView>('TrustedDocument').implement({
  description: 'A published operation document.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'The document id clients send as `documentId`.' }),
    operationName: t.exposeString('operationName', { nullable: true, description: 'Its operation name.' }),
    operationType: t.exposeString('operationType', { description: 'QUERY, MUTATION or SUBSCRIPTION.' }),
    deprecatedCoordinates: t.exposeStringList('deprecatedCoordinates', {
      description: 'Deprecated coordinates it touched when it was published.',
    }),
  }),
});

const AppVersionType = builder.objectRef<AppVersionView>('AppVersion').implement({
  description: 'A released version of a client app and the documents it publishes.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'The app version id (a uuid).' }),
    client: t.exposeString('client', { description: 'Its graphql-client-name.' }),
    version: t.exposeString('version', { description: 'Its graphql-client-version.' }),
    status: t.expose('status', { type: AppVersionStatus, description: 'Active or retired.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it first published.' }),
    retiredAt: t.expose('retiredAt', { type: 'DateTime', nullable: true, description: 'When it was retired.' }),
    documents: t.expose('documents', { type: [TrustedDocumentType], description: 'Its documents, by id.' }),
  }),
});

const PublishedAppVersionType = builder.objectRef<PublishedAppVersion>('PublishedAppVersion').implement({
  description: 'What publishing a manifest did.',
  fields: (t) => ({
    client: t.exposeString('client', { description: 'The graphql-client-name.' }),
    version: t.exposeString('version', { description: 'The graphql-client-version.' }),
    status: t.expose('status', { type: AppVersionStatus, description: 'Always ACTIVE after a publish.' }),
    documents: t.exposeInt('documents', { description: 'Documents in the manifest.' }),
    added: t.exposeInt('added', { description: 'Of those, documents the version did not have yet.' }),
  }),
});

const RetiredAppVersionType = builder.objectRef<RetiredAppVersion>('RetiredAppVersion').implement({
  description: 'An app version after retiring it.',
  fields: (t) => ({
    client: t.exposeString('client', { description: 'The graphql-client-name.' }),
    version: t.exposeString('version', { description: 'The graphql-client-version.' }),
    status: t.expose('status', { type: AppVersionStatus, description: 'RETIRED.' }),
    retiredAt: t.expose('retiredAt', { type: 'DateTime', nullable: true, description: 'When it was retired.' }),
  }),
});

const ClientDeprecationType = builder.objectRef<ClientDeprecation>('ClientDeprecation').implement({
  description: 'A deprecated element an app still touches: in its published documents, or in recorded requests.',
  fields: (t) => ({
    deprecation: t.field({
      type: Deprecation,
      description: 'The deprecation: replacement, migration note, sunset.',
      resolve: (c) => c,
    }),
    operations: t.exposeStringList('operations', {
      description: 'Published operations that touch it, as `OperationName (version)`.',
    }),
    usageCount: t.exposeFloat('usageCount', {
      description: 'Requests counted using it (a whole number; may exceed Int).',
    }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'Latest use recorded.' }),
  }),
});

builder.objectField(ApiInfoType, 'clientDeprecations', (t) =>
  t.field({
    type: [ClientDeprecationType],
    description:
      'What the client asked about (the `client`/`version` arguments of apiInfo, or the headers) still touches that is deprecated. No sign-in needed.',
    resolve: (info, _args, ctx, gqlInfo) =>
      getClientDeprecations(ctx, { client: info.client.name, version: info.client.version, schema: gqlInfo.schema }),
  }),
);

const PublishTrustedDocumentsInput = builder.inputType('PublishTrustedDocumentsInput', {
  description: 'One app version and its persisted-documents manifest.',
  fields: (t) => ({
    client: t.string({ description: 'The app, as it sends graphql-client-name (e.g. "ios").' }),
    version: t.string({ description: 'The version, as it sends graphql-client-version (MAJOR.MINOR.PATCH).' }),
    manifest: t.string({
      description:
        'The manifest as JSON text: `{ "<id>": "<document>" }` (GraphQL Codegen client preset, Relay) or an Apollo persisted query manifest.',
    }),
  }),
});

builder.queryFields((t) => ({
  appVersions: t.field({
    type: [AppVersionType],
    description: 'Admin only: published app versions and their documents.',
    authScopes: { admin: true },
    args: {
      client: t.arg.string({ required: false, description: 'Only this app.' }),
      status: t.arg({ type: AppVersionStatus, required: false, description: 'Only versions in this status.' }),
    },
    resolve: (_root, args, ctx) => listAppVersions(ctx, args),
  }),
}));

builder.mutationFields((t) => ({
  publishTrustedDocuments: t.field({
    type: PublishedAppVersionType,
    description:
      'Admin only: publishes the documents of an app version, each validated against the current schema. One invalid document refuses all (BAD_USER_INPUT, the GraphQL errors in `extensions.documents`).',
    authScopes: { admin: true },
    args: { input: t.arg({ type: PublishTrustedDocumentsInput, description: 'The version and its manifest.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const published = await publishDocuments(ctx, { ...input, schema: info.schema });
      ctx.trustedDocuments.forget(published.addedIds);
      return published;
    },
  }),
  retireAppVersion: t.field({
    type: RetiredAppVersionType,
    description: 'Admin only: stops serving (TRUSTED_DOCUMENTS=require) and protecting (schema:check) an app version.',
    authScopes: { admin: true },
    args: {
      client: t.arg.string({ description: 'The graphql-client-name.' }),
      version: t.arg.string({ description: 'The graphql-client-version.' }),
    },
    resolve: async (_root, args, ctx) => {
      const retired = await retireAppVersion(ctx, args);
      ctx.trustedDocuments.forget(retired.documentIds);
      return retired;
    },
  }),
}));

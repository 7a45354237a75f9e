import { GraphQLError, Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { clientIdentityOf, clientStanding, type ClientStanding } from '../versioning/client-status.js';
import type { Versioning } from '../versioning/versioning.js';
import { withExtensions } from './planned-execution.js';

/** Response headers that tell a DEPRECATED or UNSUPPORTED client where it stands. */
export const CLIENT_STATUS_HEADER = 'Client-Version-Status';
export const CLIENT_MINIMUM_HEADER = 'Client-Minimum-Version';

const standingOf = (versioning: Versioning, headers: { get(name: string): string | null }): ClientStanding =>
  clientStanding(
    versioning.clientVersions,
    clientIdentityOf((name) => headers.get(name)),
  );

/** Operations an outdated client may still run to learn its status: only `apiInfo` and `__typename`. */
function onlyAsksForStatus(document: DocumentNode, operationName?: string | null): boolean {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  return (
    operation?.operation === 'query' &&
    operation.selectionSet.selections.every(
      (s) => s.kind === Kind.FIELD && (s.name.value === 'apiInfo' || s.name.value === '__typename'),
    )
  );
}

/**
 * Client versions against CLIENT_VERSIONS: a DEPRECATED or UNSUPPORTED client gets the
 * `Client-Version-Status` and `Client-Minimum-Version` headers and `extensions.clientVersion` on
 * every response; with DEPRECATION_SUNSET_POLICY=reject an UNSUPPORTED one is refused
 * (CLIENT_VERSION_UNSUPPORTED, with the minimum version) for everything but `apiInfo`.
 */
export function useClientStatus(options: { versioning: Versioning }): Plugin<Context> {
  const { versioning } = options;
  const refuse = (args: { document: DocumentNode; operationName?: string | null; contextValue: Context }) => {
    if (versioning.sunsetPolicy !== 'reject') return null;
    const standing = clientStanding(versioning.clientVersions, args.contextValue.client);
    if (standing.status !== 'UNSUPPORTED' || onlyAsksForStatus(args.document, args.operationName)) return null;
    return {
      errors: [
        new GraphQLError(standing.message, {
          extensions: {
            code: 'CLIENT_VERSION_UNSUPPORTED',
            client: standing.name,
            version: standing.version,
            minimumVersion: standing.minimumVersion,
            recommendedVersion: standing.recommendedVersion,
          },
        }),
      ],
    };
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refusal = refuse(args);
      if (refusal) setResultAndStopExecution(refusal);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refusal = refuse(args);
      if (refusal) setResultAndStopExecution(refusal);
    },
    onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || !('data' in result || 'errors' in result)) return;
      const standing = standingOf(versioning, request.headers);
      if (standing.status !== 'UNSUPPORTED' && standing.status !== 'DEPRECATED') return;
      const { status, minimumVersion, recommendedVersion, message } = standing;
      setResult(withExtensions(result, { clientVersion: { status, minimumVersion, recommendedVersion, message } }));
    },
    onResponse({ request, response }) {
      const standing = standingOf(versioning, request.headers);
      if (standing.status !== 'UNSUPPORTED' && standing.status !== 'DEPRECATED') return;
      response.headers.set(CLIENT_STATUS_HEADER, standing.status);
      if (standing.minimumVersion) response.headers.set(CLIENT_MINIMUM_HEADER, standing.minimumVersion);
    },
  };
}

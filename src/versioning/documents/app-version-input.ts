import { ValidationError } from '../../errors.js';
import { SEMVER } from '../client-status.js';

/** The client name and version an app sends as graphql-client-name / graphql-client-version. */
export function appVersionKey(input: { client: string; version: string }): { client: string; version: string } {
  const client = input.client.trim();
  if (!/^[\w.-]{1,64}$/.test(client)) {
    throw new ValidationError('client must be 1-64 of A-Z a-z 0-9 _ . - (its graphql-client-name).', 'client');
  }
  const version = input.version.trim();
  if (!SEMVER.test(version)) throw new ValidationError('version must be MAJOR.MINOR.PATCH, e.g. 3.2.0.', 'version');
  return { client, version };
}

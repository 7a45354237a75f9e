/** Who sent a request, from the `graphql-client-name` / `graphql-client-version` headers. */
export interface ClientIdentity {
  name: string | null;
  version: string | null;
}

/**
 * The client identity a request carries: `graphql-client-name`/`-version`, else the names Apollo
 * Client's `name`/`version` options send (`apollographql-client-name`/`-version`). `read` gives a
 * header (or a graphql-ws connection parameter) by its lower-case name.
 */
export function clientIdentityOf(read: (name: string) => string | null | undefined): ClientIdentity {
  const either = (what: 'name' | 'version') =>
    read(`graphql-client-${what}`) ?? read(`apollographql-client-${what}`) ?? null;
  return { name: either('name'), version: either('version') };
}

/** Where a client version stands against the minimum-version table. */
export type ClientStatus = 'CURRENT' | 'DEPRECATED' | 'UNSUPPORTED' | 'UNKNOWN';

/** One client's versions: below `min` it is unsupported, below `deprecatedBelow` it should update. */
export interface ClientVersionRule {
  min: string;
  deprecatedBelow: string;
}

/** Client name → rule (config `CLIENT_VERSIONS`). Names compare case-insensitively. */
export type ClientVersionTable = Readonly<Record<string, ClientVersionRule>>;

export interface ClientStanding {
  name: string | null;
  version: string | null;
  status: ClientStatus;
  minimumVersion: string | null;
  recommendedVersion: string | null;
  message: string;
}

/** MAJOR.MINOR.PATCH, digits only, no leading zeros: nothing else is a version here. */
export const SEMVER = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;

/** The three numbers of a strict MAJOR.MINOR.PATCH version, or null. */
export function parseVersion(text: string): [number, number, number] | null {
  const match = SEMVER.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

/** Negative, zero or positive as `a` is below, equal to or above `b`; both must be versions. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) throw new Error(`not a MAJOR.MINOR.PATCH version: ${x ? b : a}`);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** The status of the calling client, from its headers and the table. */
export function clientStanding(table: ClientVersionTable, client: ClientIdentity): ClientStanding {
  const { name, version } = client;
  const unknown = (message: string): ClientStanding => ({
    name,
    version,
    status: 'UNKNOWN',
    minimumVersion: null,
    recommendedVersion: null,
    message,
  });
  if (!name) return unknown('Send the graphql-client-name and graphql-client-version headers to learn your status.');
  const rule = Object.entries(table).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  if (!rule) return unknown(`No minimum versions are set for the client "${name}".`);
  const known = { name, version, minimumVersion: rule.min, recommendedVersion: rule.deprecatedBelow };
  if (!version || !parseVersion(version)) {
    return { ...known, status: 'UNKNOWN', message: 'Send graphql-client-version as MAJOR.MINOR.PATCH.' };
  }
  if (compareVersions(version, rule.min) < 0) {
    return {
      ...known,
      status: 'UNSUPPORTED',
      message: `Version ${version} is no longer supported: update to ${rule.deprecatedBelow} or later.`,
    };
  }
  if (compareVersions(version, rule.deprecatedBelow) < 0) {
    return {
      ...known,
      status: 'DEPRECATED',
      message: `Version ${version} still works but is deprecated: update to ${rule.deprecatedBelow} or later.`,
    };
  }
  return { ...known, status: 'CURRENT', message: `Version ${version} is current.` };
}

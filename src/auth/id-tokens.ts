import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../config.js';
import { IdTokenError, ProviderDisabledError, ServiceUnavailableError } from '../errors.js';
import type { IdTokenClaims, IdTokenVerifier, IdentityProviderName } from '../resolvers/users/id-token-verifier.js';

/**
 * Verifies Apple and Google ID tokens (jose) against the provider's JWKS: signature (RS256 or
 * ES256, by a key of the set; the set is cached and fetched again when a token names a `kid`
 * it lacks, at most once per cooldown), issuer, audience (one of the app's client ids), expiry
 * (at the app's clock) and nonce.
 *
 * The nonce (docs/identity.md): the client makes a random nonce, passes it to the provider's
 * sign-in and sends it raw beside the token. Google puts it in the `nonce` claim as given. Apple
 * clients differ: the Firebase/Supabase-style native flow passes SHA-256(nonce) (hex) to
 * ASAuthorizationAppleIDRequest, others the raw value; APPLE_NONCE says which the claim holds
 * (`sha256`, the default: a stolen token then does not reveal the nonce; `raw`; or `either`).
 */

const ISSUERS: Record<IdentityProviderName, string[]> = {
  APPLE: ['https://appleid.apple.com'],
  GOOGLE: ['https://accounts.google.com', 'accounts.google.com'],
};
const ALGORITHMS = ['RS256', 'ES256'];
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export interface IdTokenVerifierOptions {
  providers: Config['identityProviders'];
  now: () => Date;
}

/** `email_verified` is a boolean at Google and, in older Apple tokens, the string "true". */
const isTrue = (value: unknown) => value === true || value === 'true';
const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

export function createIdTokenVerifier(options: IdTokenVerifierOptions): IdTokenVerifier {
  const { providers, now } = options;
  const jwks = {
    APPLE: createRemoteJWKSet(new URL(providers.APPLE.jwksUrl), { cooldownDuration: providers.jwksCooldownMs }),
    GOOGLE: createRemoteJWKSet(new URL(providers.GOOGLE.jwksUrl), { cooldownDuration: providers.jwksCooldownMs }),
  };

  function nonceMatches(provider: IdentityProviderName, claim: unknown, nonce: string): boolean {
    if (typeof claim !== 'string' || nonce === '') return false;
    const mode = provider === 'APPLE' ? providers.APPLE.nonce : 'raw';
    if (mode !== 'raw' && claim === sha256Hex(nonce)) return true;
    return mode !== 'sha256' && claim === nonce;
  }

  return {
    enabled: (provider) => providers[provider].clientIds.length > 0,
    async verify(provider, idToken, nonce): Promise<IdTokenClaims> {
      const settings = providers[provider];
      if (settings.clientIds.length === 0) throw new ProviderDisabledError(provider);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(idToken, jwks[provider], {
          issuer: ISSUERS[provider],
          audience: settings.clientIds,
          algorithms: ALGORITHMS,
          currentDate: now(),
          requiredClaims: ['sub', 'exp', 'iat'],
        }));
      } catch (err) {
        throw refusal(provider, err);
      }
      if (!nonceMatches(provider, payload.nonce, nonce)) {
        throw new IdTokenError('NONCE', 'The ID token was not issued for this nonce.');
      }
      const subject = text(payload.sub);
      if (!subject) throw new IdTokenError('MALFORMED', 'The ID token names no subject.');
      const email = text(payload.email);
      return {
        provider,
        subject,
        email: email?.toLowerCase() ?? null,
        emailVerified: email !== null && isTrue(payload.email_verified),
        firstName: text(payload.given_name),
        lastName: text(payload.family_name),
      };
    },
  };
}

/** A client error for what jose refused; a JWKS that cannot be fetched is the server's trouble (503). */
function refusal(provider: IdentityProviderName, err: unknown): Error {
  if (err instanceof errors.JWTExpired) return new IdTokenError('EXPIRED', 'The ID token has expired.');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return new IdTokenError('ISSUER', `The ID token was not issued by ${provider}.`);
    if (err.claim === 'aud') return new IdTokenError('AUDIENCE', 'The ID token was issued for another app.');
    if (err.claim === 'nbf' || err.claim === 'iat') {
      return new IdTokenError('EXPIRED', 'The ID token is not valid yet (check the clock).');
    }
    return new IdTokenError('MALFORMED', `The ID token's ${err.claim} claim is not valid.`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) {
    return new IdTokenError('SIGNATURE', `No key of ${provider} verifies the ID token's signature.`);
  }
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError)) {
    // The provider's key set could not be fetched (network, timeout, a bad answer).
    return new ServiceUnavailableError(5);
  }
  return new IdTokenError('MALFORMED', 'The ID token is not a valid signed JWT.');
}

/* What the domain needs from an ID token verifier (src/auth/id-tokens.ts implements it). */

export type IdentityProviderName = 'APPLE' | 'GOOGLE';

/** What a verified ID token says about its user. */
export interface IdTokenClaims {
  provider: IdentityProviderName;
  /** The provider's stable user id (`sub`). */
  subject: string;
  /** Lower-cased `email`, or null when the token has none. */
  email: string | null;
  /** `email_verified` was true (and there is an email). */
  emailVerified: boolean;
  /** `given_name` / `family_name` (Google); Apple gives names to the client only, never in the token. */
  firstName: string | null;
  lastName: string | null;
}

export interface IdTokenVerifier {
  /** Whether the provider has client ids configured. */
  enabled(provider: IdentityProviderName): boolean;
  /** The token's claims; throws IdTokenError, ProviderDisabledError or ServiceUnavailableError. */
  verify(provider: IdentityProviderName, idToken: string, nonce: string): Promise<IdTokenClaims>;
}

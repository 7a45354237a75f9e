import { signInWithIdToken } from '../resolvers/users/sign-in-with-id-token.js';
import { builder } from './builder.js';
import { deviceOf } from './session-device.js';
import { AuthPayload } from './user.js';

/* Sign in with Apple / Google (docs/identity.md). */

const IdentityProvider = builder.enumType('IdentityProvider', {
  description: 'Who issued an ID token.',
  values: {
    APPLE: { description: 'Sign in with Apple (issuer https://appleid.apple.com).' },
    GOOGLE: { description: 'Sign in with Google (issuer https://accounts.google.com).' },
  },
});

const SignInWithIdTokenInput = builder.inputType('SignInWithIdTokenInput', {
  description: "An ID token from the provider's sign-in on the device.",
  fields: (t) => ({
    provider: t.field({ type: IdentityProvider, description: 'Who issued the token.' }),
    idToken: t.string({ description: 'The ID token (a JWT) as the provider gave it.' }),
    nonce: t.string({
      description:
        "The raw nonce the app passed to the provider's sign-in. Google's token holds it as is; Apple's holds its " +
        'SHA-256 in hex (APPLE_NONCE: sha256, the default; or raw, or either).',
    }),
    firstName: t.string({
      required: false,
      description: 'Given name, when the provider gave one to the app (Apple: first sign-in only); for a new account.',
    }),
    lastName: t.string({ required: false, description: 'Family name, likewise; for a new account.' }),
    deviceName: t.string({
      required: false,
      description: 'What the device calls itself ("Ada\'s iPhone"), shown in me.sessions; at most 100 characters.',
    }),
  }),
});

builder.mutationFields((t) => ({
  signInWithIdToken: t.field({
    type: AuthPayload,
    description:
      'Signs in with an Apple or Google ID token: a known identity signs in to its account; a new one is linked to ' +
      'the account with the same email only when the token says the email is verified and the account verified it ' +
      'too, creates an account when no account has the email, and otherwise answers CONFLICT (reason ACCOUNT_EXISTS). ' +
      'A refused token: ID_TOKEN_INVALID with `reason` (SIGNATURE, ISSUER, AUDIENCE, EXPIRED, NONCE, MALFORMED, ' +
      'EMAIL); a provider without client ids: PROVIDER_DISABLED. Rate-limited per address (RATE_LIMIT_ID_TOKEN_SIGN_IN_IP).',
    args: { input: t.arg({ type: SignInWithIdTokenInput, description: 'The provider, its token and the nonce.' }) },
    resolve: (_root, { input }, ctx) => signInWithIdToken(ctx, { ...input, device: deviceOf(ctx, input.deviceName) }),
  }),
}));

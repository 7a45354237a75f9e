import { changeEmail } from '../resolvers/users/change-email.js';
import { resendVerificationEmail } from '../resolvers/users/resend-verification-email.js';
import { verifyEmail, type EmailVerified } from '../resolvers/users/verify-email.js';
import { builder } from './builder.js';

/* Email verification (docs/identity.md): verifyEmail, changeEmail, resendVerificationEmail. */

const VerifyEmailInput = builder.inputType('VerifyEmailInput', {
  description: 'A verification token from the mail.',
  fields: (t) => ({
    token: t.string({ description: 'The verification code of the mail (the `token` of its link).' }),
  }),
});

const VerifyEmailPayload = builder.objectRef<EmailVerified>('VerifyEmailPayload').implement({
  description: 'The result of verifyEmail.',
  fields: (t) => ({
    email: t.expose('email', { type: 'EmailAddress', description: "The verified address, now the account's email." }),
    verifiedAt: t.expose('verifiedAt', { type: 'DateTime', description: 'When it was verified.' }),
    changed: t.exposeBoolean('changed', {
      description: 'True when the address replaced the previous sign-in email (a change asked for by changeEmail).',
    }),
  }),
});

const ChangeEmailInput = builder.inputType('ChangeEmailInput', {
  description: 'A new email address for the signed-in account.',
  fields: (t) => ({
    newEmail: t.field({
      type: 'EmailAddress',
      description:
        'The new address; must not belong to another live account. The current one cancels a pending change.',
    }),
    currentPassword: t.string({ description: 'The current password, as confirmation.' }),
  }),
});

const ResendVerificationEmailPayload = builder
  .objectRef<{ email: string }>('ResendVerificationEmailPayload')
  .implement({
    description: 'The result of resendVerificationEmail.',
    fields: (t) => ({
      email: t.expose('email', {
        type: 'EmailAddress',
        description: 'Where the new link goes: the pending address of a change, or the unverified email.',
      }),
    }),
  });

builder.mutationFields((t) => ({
  verifyEmail: t.field({
    type: VerifyEmailPayload,
    description:
      'Follows a verification link (no sign-in needed). Tokens are single-use and expire (EMAIL_VERIFICATION_TTL): ' +
      'VERIFICATION_TOKEN_INVALID with `reason` UNKNOWN, USED, EXPIRED or SUPERSEDED; CONFLICT when a pending ' +
      'new address was taken by another account meanwhile. Rate-limited per address (RATE_LIMIT_VERIFY_EMAIL_IP).',
    args: { input: t.arg({ type: VerifyEmailInput, description: 'The token.' }) },
    resolve: (_root, { input }, ctx) => verifyEmail(ctx, input),
  }),
  changeEmail: t.prismaField({
    type: 'User',
    description:
      'Asks to change the email: the new address becomes pendingEmail and is mailed a verification link; email ' +
      'stays the sign-in address until verifyEmail. Wrong password: UNAUTHENTICATED; an address of another ' +
      'account: CONFLICT. Counts against RATE_LIMIT_VERIFICATION_EMAIL.',
    authScopes: { signedIn: true },
    args: { input: t.arg({ type: ChangeEmailInput, description: 'The new address and the password.' }) },
    resolve: (query, _root, { input }, ctx) => changeEmail(ctx, input, query),
  }),
  resendVerificationEmail: t.field({
    type: ResendVerificationEmailPayload,
    description:
      'Mails a new verification link (pending address, else the unverified email); BAD_USER_INPUT when nothing ' +
      'awaits verification. Rate-limited per account (RATE_LIMIT_VERIFICATION_EMAIL): RATE_LIMITED with retryAfter.',
    authScopes: { signedIn: true },
    resolve: (_root, _args, ctx) => resendVerificationEmail(ctx),
  }),
}));

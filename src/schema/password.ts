import { changePassword } from '../resolvers/users/change-password.js';
import { requestPasswordReset } from '../resolvers/users/request-password-reset.js';
import { resetPassword } from '../resolvers/users/reset-password.js';
import { builder } from './builder.js';

const RequestPasswordResetInput = builder.inputType('RequestPasswordResetInput', {
  description: 'Who forgot the password.',
  fields: (t) => ({
    email: t.string({ description: 'The account email; any text is answered the same.' }),
  }),
});

const ResetPasswordInput = builder.inputType('ResetPasswordInput', {
  description: 'A reset link and the new password.',
  fields: (t) => ({
    token: t.string({ description: 'The `token` parameter of the mailed link.' }),
    newPassword: t.string({ description: '8 to 128 characters, as at sign-up.' }),
  }),
});

const ChangePasswordInput = builder.inputType('ChangePasswordInput', {
  description: 'The current and the new password.',
  fields: (t) => ({
    currentPassword: t.string({ description: 'The password now: a stolen access token alone cannot change it.' }),
    newPassword: t.string({ description: '8 to 128 characters, as at sign-up.' }),
  }),
});

builder.mutationFields((t) => ({
  requestPasswordReset: t.boolean({
    description:
      'Mails a single-use link (30 minutes) to reset the password, if a live account has this email. Always answers ' +
      'true, whether or not one has (no account enumeration). Rate-limited per email and per address.',
    args: { input: t.arg({ type: RequestPasswordResetInput, description: 'The email.' }) },
    resolve: async (_root, { input }, ctx) => {
      await requestPasswordReset(ctx, { email: input.email, ip: ctx.clientIp });
      return true;
    },
  }),
  resetPassword: t.boolean({
    description:
      'Sets a new password with the token of a reset link (it works once). Ends every session of the account and ' +
      'mails a notice. An unknown, used or expired token: BAD_USER_INPUT (field token). Rate-limited per address.',
    args: { input: t.arg({ type: ResetPasswordInput, description: 'The token and the new password.' }) },
    resolve: async (_root, { input }, ctx) => {
      await resetPassword(ctx, input);
      return true;
    },
  }),
  changePassword: t.boolean({
    description:
      'Changes the password of the signed-in user. Ends every other session (this one stays) and mails a notice. ' +
      'A wrong current password: UNAUTHENTICATED.',
    authScopes: { signedIn: true },
    args: { input: t.arg({ type: ChangePasswordInput, description: 'The current and the new password.' }) },
    resolve: async (_root, { input }, ctx) => {
      await changePassword(ctx, input);
      return true;
    },
  }),
}));

import {
  getArgumentValues,
  getOperationAST,
  GraphQLError,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config, Rate } from '../config.js';
import type { Context } from '../context.js';
import { AppError, RateLimitedError, httpExtension } from '../errors.js';
import type { RedisConnections } from './redis.js';

/**
 * Rate limits (rate-limiter-flexible): in Redis when REDIS_URL is set, so every replica counts
 * together, with an in-memory limiter taking over while Redis is away; in memory otherwise.
 * Each method throws RateLimitedError (with `retryAfter`) when the caller must wait.
 */
export interface RateLimits {
  /**
   * Before a sign-in: refused while this (account, address) is locked out, the account has reached
   * its global ceiling, or the address its own limit.
   */
  checkSignIn(email: string, ip: string | null): Promise<void>;
  /**
   * After a sign-in: a failure counts against the (account, address), the account and the address;
   * a success clears the (account, address) count. Only the pair is locked out (doubling): a
   * stranger's failures lock out the stranger, not the owner signing in from elsewhere.
   */
  recordSignIn(email: string, ip: string | null, ok: boolean): Promise<void>;
  signUp(ip: string | null): Promise<void>;
  /** refreshSession from one address: a stranger can call it. */
  refreshSession(ip: string | null): Promise<void>;
  /** requestPasswordReset: per (normalized) email and per address. */
  passwordReset(email: string, ip: string | null): Promise<void>;
  /** resetPassword: per address. */
  resetPassword(ip: string | null): Promise<void>;
  /** `fields` root mutation fields by a signed-in user. */
  mutations(userId: string, fields: number): Promise<void>;
  /**
   * One more mutation of `userId` running on this replica; refused past the cap, so one user
   * cannot hold every database connection. Call the returned function when it is done.
   */
  enterMutation(userId: string): () => void;
  wsConnection(ip: string | null): Promise<void>;
  /** A verification mail asked for by an account (resendVerificationEmail, changeEmail). */
  verificationEmail(userId: string): Promise<void>;
  /** A signInWithIdToken call from an address. */
  idTokenSignIn(ip: string | null): Promise<void>;
  /** A verifyEmail call from an address. */
  verifyEmail(ip: string | null): Promise<void>;
  /** One fetch of a calendar feed URL, keyed by the hash of its token (never the token). */
  calendarFeed(tokenHash: string): Promise<void>;
}

/** Mutations that mail a verification link to an address the caller chooses or asks for again. */
const VERIFICATION_MAIL_FIELDS = new Set(['resendVerificationEmail', 'changeEmail']);

type Limits = NonNullable<Config['rateLimits']>;

export function createRateLimits(limits: Limits, redis: RedisConnections | null): RateLimits {
  const limiter = (keyPrefix: string, rate: Rate): RateLimiterAbstract => {
    const options = { keyPrefix: `rl:${keyPrefix}`, points: rate.points, duration: rate.durationSeconds };
    const memory = new RateLimiterMemory(options);
    return redis ? new RateLimiterRedis({ ...options, storeClient: redis.command, insuranceLimiter: memory }) : memory;
  };
  const signInPair = limiter('signin-account-ip', limits.signInAccountIp);
  const signInAccount = limiter('signin-account-all', limits.signInAccount);
  const signInIp = limiter('signin-ip', limits.signInIp);
  // Lockouts of an (account, address) in the last day: each one doubles the next.
  const lockouts = limiter('signin-pair-lockouts', { points: 1_000_000, durationSeconds: 86_400 });
  const signUpIp = limiter('signup-ip', limits.signUpIp);
  const refreshIp = limiter('refresh-ip', limits.refreshSessionIp);
  const resetEmail = limiter('password-reset-email', limits.passwordResetEmail);
  const resetIp = limiter('password-reset-ip', limits.passwordResetIp);
  const mutationsUser = limiter('mutations-user', limits.mutationsUser);
  const wsIp = limiter('ws-ip', limits.wsConnectionsIp);
  const verificationMail = limiter('verification-email-user', limits.verificationEmailUser);
  const idTokenIp = limiter('id-token-sign-in-ip', limits.idTokenSignInIp);
  const verifyEmailIp = limiter('verify-email-ip', limits.verifyEmailIp);
  const calendarFeed = limiter('calendar-feed', limits.calendarFeedToken);

  const inFlight = new Map<string, number>();
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
  const consume = async (l: RateLimiterAbstract, key: string, message: string, points = 1) => {
    try {
      await l.consume(key, points);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new RateLimitedError(seconds(rejection.msBeforeNext), message);
      throw rejection;
    }
  };
  /** Throws while `key` has used all its points. */
  const refuseIfSpent = async (l: RateLimiterAbstract, key: string, message: string) => {
    const res = await l.get(key);
    if (res && res.consumedPoints >= l.points) throw new RateLimitedError(seconds(res.msBeforeNext), message);
  };
  const account = (email: string) => email.trim().toLowerCase();
  // Requests without an address (in-process) share one pair per account.
  const pair = (email: string, ip: string | null) => `${account(email)} ${ip ?? '-'}`;
  const SIGN_IN = 'Too many failed sign-ins.';

  return {
    async checkSignIn(email, ip) {
      await refuseIfSpent(signInPair, pair(email, ip), SIGN_IN);
      await refuseIfSpent(signInAccount, account(email), SIGN_IN);
      if (ip) await refuseIfSpent(signInIp, ip, SIGN_IN);
    },
    async recordSignIn(email, ip, ok) {
      const key = pair(email, ip);
      if (ok) {
        await signInPair.delete(key);
        return;
      }
      if (ip) await signInIp.penalty(ip, 1);
      await signInAccount.penalty(account(email), 1);
      const res = await signInPair.penalty(key, 1);
      if (res.consumedPoints >= limits.signInAccountIp.points) {
        // Locked out: the first lockout lasts signInLockoutSeconds, each further one that day twice the last.
        const n = (await lockouts.penalty(key, 1)).consumedPoints;
        await signInPair.block(key, limits.signInLockoutSeconds * 2 ** Math.min(n - 1, 10));
      }
    },
    signUp: (ip) => (ip ? consume(signUpIp, ip, 'Too many sign-ups from this address.') : Promise.resolve()),
    refreshSession: (ip) =>
      ip ? consume(refreshIp, ip, 'Too many session refreshes from this address.') : Promise.resolve(),
    async passwordReset(email, ip) {
      if (ip) await consume(resetIp, ip, 'Too many password resets from this address.');
      await consume(resetEmail, account(email), 'Too many password resets for this address.');
    },
    resetPassword: (ip) =>
      ip ? consume(resetIp, ip, 'Too many password resets from this address.') : Promise.resolve(),
    mutations: (userId, fields) => consume(mutationsUser, userId, 'Too many changes.', fields),
    enterMutation(userId) {
      const running = inFlight.get(userId) ?? 0;
      if (running >= limits.mutationsInFlightUser) throw new RateLimitedError(1, 'Too many changes at once.');
      inFlight.set(userId, running + 1);
      let left = false;
      return () => {
        if (left) return;
        left = true;
        const n = (inFlight.get(userId) ?? 1) - 1;
        if (n > 0) inFlight.set(userId, n);
        else inFlight.delete(userId);
      };
    },
    wsConnection: (ip) => (ip ? consume(wsIp, ip, 'Too many connections from this address.') : Promise.resolve()),
    verificationEmail: (userId) => consume(verificationMail, userId, 'Too many verification mails.'),
    // Requests without an address (in-process) share one key.
    idTokenSignIn: (ip) => consume(idTokenIp, ip ?? '-', 'Too many sign-ins from this address.'),
    verifyEmail: (ip) => consume(verifyEmailIp, ip ?? '-', 'Too many verification attempts from this address.'),
    calendarFeed: (tokenHash) => consume(calendarFeed, tokenHash, 'Too many fetches of this calendar feed.'),
  };
}

/** The root fields of an operation, through fragments, with their response keys. */
function rootFields(document: DocumentNode, selectionSet: SelectionSetNode, out: FieldNode[] = []): FieldNode[] {
  for (const s of selectionSet.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) rootFields(document, s.selectionSet, out);
    else {
      const fragment = document.definitions.find(
        (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === s.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) rootFields(document, fragment.selectionSet, out);
    }
  }
  return out;
}

function emailArgument(schema: GraphQLSchema, field: FieldNode, variables: Record<string, unknown>): string | null {
  const def = schema.getMutationType()?.getFields()[field.name.value];
  if (!def) return null;
  try {
    const input = getArgumentValues(def, field, variables).input as { email?: unknown } | undefined;
    return typeof input?.email === 'string' ? input.email : null;
  } catch {
    return null; // invalid arguments: execution reports them
  }
}

const rejected = (error: RateLimitedError) => ({
  errors: [
    new GraphQLError(error.message, { extensions: { ...error.details, code: error.code, http: httpExtension(error) } }),
  ],
});

const codeOf = (e: GraphQLError) =>
  e.originalError instanceof AppError ? e.originalError.code : (e.extensions?.code as string | undefined);

/**
 * Applies the limits to each mutation before it runs: sign-in (lockout per account and address,
 * a ceiling per account and a limit per address, counted from the outcome), sign-up and refreshSession per address, and every mutation field of a
 * signed-in user. Refusals answer RATE_LIMITED with `retryAfter`, HTTP 429 and Retry-After.
 */
export function useRateLimits(limits: RateLimits): Plugin<Context> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const ctx = args.contextValue;
      const variables = (args.variableValues ?? {}) as Record<string, unknown>;
      const fields = rootFields(args.document, operation.selectionSet);
      const signIns = fields
        .filter((f) => f.name.value === 'signIn')
        .map((f) => ({ key: (f.alias ?? f.name).value, email: emailArgument(args.schema, f, variables) }));
      let leave = () => {};
      try {
        for (const s of signIns) if (s.email !== null) await limits.checkSignIn(s.email, ctx.clientIp);
        for (const f of fields) {
          if (f.name.value === 'signUp') await limits.signUp(ctx.clientIp);
          if (f.name.value === 'refreshSession') await limits.refreshSession(ctx.clientIp);
          if (f.name.value === 'resetPassword') await limits.resetPassword(ctx.clientIp);
          if (f.name.value === 'signInWithIdToken') await limits.idTokenSignIn(ctx.clientIp);
          if (f.name.value === 'verifyEmail') await limits.verifyEmail(ctx.clientIp);
          if (f.name.value === 'requestPasswordReset') {
            const resetEmail = emailArgument(args.schema, f, variables);
            if (resetEmail !== null) await limits.passwordReset(resetEmail, ctx.clientIp);
          }
        }
        if (ctx.viewer) {
          for (const f of fields)
            if (VERIFICATION_MAIL_FIELDS.has(f.name.value)) await limits.verificationEmail(ctx.viewer.id);
          // In flight first: a mutation refused there never ran and uses none of the per-minute budget.
          leave = limits.enterMutation(ctx.viewer.id);
          await limits.mutations(ctx.viewer.id, fields.length);
        }
      } catch (err) {
        leave();
        if (!(err instanceof RateLimitedError)) throw err;
        setResultAndStopExecution(rejected(err));
        return;
      }
      return {
        async onExecuteDone({ result }) {
          leave();
          if (signIns.length === 0) return;
          if (!('data' in result) && !('errors' in result)) return;
          const errors = 'errors' in result ? (result.errors ?? []) : [];
          for (const s of signIns) {
            if (s.email === null) continue;
            const failed = errors.some((e) => e.path?.[0] === s.key && codeOf(e) === 'UNAUTHENTICATED');
            const data = 'data' in result ? (result.data as Record<string, unknown> | null | undefined) : null;
            if (failed || data?.[s.key]) await limits.recordSignIn(s.email, ctx.clientIp, !failed);
          }
        },
      };
    },
  };
}

import type { GraphQLResolveInfo } from 'graphql';
import { getGraphQLRateLimiter } from 'graphql-rate-limit';

import { fieldThrottled } from './quota-errors.js';
import type { QuotaState } from './shared-state.js';
import type { AttemptWindowStore } from './window-store.js';

/** One per-field rate limit of the contract. */
export interface FieldLimitRule {
  /** Attempts allowed in the window. */
  max: number;
  windowMs: number;
  /** What identifies the caller: the client address, or an argument such as the email. */
  per: 'address' | 'email';
}

/** The contract's per-field limits (section 5), and ours beside them. */
export const FIELD_LIMIT_RULES = Object.freeze({
  loginPerAddress: { max: 100, windowMs: 60_000, per: 'address' },
  loginFailuresPerEmail: { max: 10, windowMs: 15 * 60_000, per: 'email' },
  createOrganizationPerAddress: { max: 20, windowMs: 60 * 60_000, per: 'address' },
  organizationByNamePerAddress: { max: 120, windowMs: 60_000, per: 'address' },
  // Beside the contract's: a session refreshes about once per access token lifetime, so 60 a
  // minute serves 1,800 sessions behind one address at the default 30 minutes, and bounds the
  // database work (a few commands per call) that anyone can cause without a token.
  refreshTokenPerAddress: { max: 60, windowMs: 60_000, per: 'address' },
} satisfies Record<string, FieldLimitRule>);

export type FieldLimitName = keyof typeof FIELD_LIMIT_RULES;

/** A counted attempt; `forget` takes it back (a login that succeeded is no failed attempt). */
export interface FieldAttempt {
  forget(): Promise<void>;
}

/** The resolver arguments graphql-rate-limit reads. */
interface LimitedCall {
  /** `operator`: calls with the operator key (seeding, support) are not limited. */
  context: { clientAddress: string; operator?: boolean };
  info: GraphQLResolveInfo;
  /** For per-email rules: the normalised email. */
  email?: string;
}

/**
 * Per-field limits through graphql-rate-limit, one limiter per rule over an atomic attempt
 * store (see AttemptWindowStore). Each call counts on its own, aliases included: the store
 * records every call as it is read, so the library's per-request batch cache is left off (it
 * would count one request's earlier calls twice).
 */
export class FieldRateLimits {
  private readonly limiters = new Map<
    FieldLimitName,
    { store: AttemptWindowStore; limit: ReturnType<typeof getGraphQLRateLimiter> }
  >();

  constructor(state: QuotaState) {
    for (const [name, rule] of Object.entries(FIELD_LIMIT_RULES) as [
      FieldLimitName,
      FieldLimitRule,
    ][]) {
      const store = state.attemptWindow(rule.windowMs);
      const limit = getGraphQLRateLimiter({
        identifyContext: (context: { clientAddress: string }) =>
          rule.per === 'address' ? `address:${context.clientAddress}` : 'email',
        store: store as never,
        enableBatchRequestCache: false,
      });
      this.limiters.set(name, { store, limit });
    }
  }

  /** Counts one call; throws a THROTTLED field error once the rule's limit is reached. */
  async attempt(name: FieldLimitName, call: LimitedCall): Promise<FieldAttempt> {
    if (call.context.operator) return { forget: async () => undefined };
    const rule = FIELD_LIMIT_RULES[name];
    const { store, limit } = this.limiters.get(name)!;
    const args = rule.per === 'email' ? { email: call.email ?? '' } : {};
    const identity = {
      contextIdentity: rule.per === 'address' ? `address:${call.context.clientAddress}` : 'email',
      fieldIdentity: [call.info.fieldName, ...(rule.per === 'email' ? [args.email] : [])].join(':'),
    };

    const refused = await limit(
      { parent: undefined, args, context: call.context, info: call.info },
      {
        max: rule.max,
        window: `${rule.windowMs}ms`,
        identityArgs: rule.per === 'email' ? ['email'] : [],
      },
    );
    if (refused) {
      await store.release(identity); // a refused call is not an attempt
      throw fieldThrottled(call.info.fieldName, await store.retryAfterMs(identity), rule.per);
    }
    return { forget: () => store.release(identity) };
  }
}

import { describe, expect, it } from 'vitest';

import type { QuotaPayer } from '../../src/quota/payer.js';
import { BUILT_IN_PLANS } from '../../src/quota/plans.js';
import { TRUST_MS, ThrottleMemo } from '../../src/quota/throttle-memo.js';

/** FREE: bucket 1,000, 50 points a second. */
const payer: QuotaPayer = {
  key: 'tenant:a',
  tenantId: 'a',
  plan: 'FREE',
  limits: BUILT_IN_PLANS.FREE,
};

describe('ThrottleMemo', () => {
  it('knows nothing of a payer whose bucket never refused', () => {
    expect(new ThrottleMemo().refusalOf(payer.key, 1_000, 0)).toBeNull();
  });

  it('refuses what the remembered points plus refill cannot pay', () => {
    const memo = new ThrottleMemo();
    memo.remember(payer, 10, 1_000);

    const refusal = memo.refusalOf(payer.key, 100, 1_200);

    expect(refusal?.available).toBe(20);
    expect(refusal?.retryAfterMs).toBe(1_600);
    expect(refusal?.payer).toBe(payer);
  });

  it('leaves to the bucket what the refilled points could pay', () => {
    const memo = new ThrottleMemo();
    memo.remember(payer, 10, 1_000);

    expect(memo.refusalOf(payer.key, 20, 1_200)).toBeNull();
    expect(memo.refusalOf(payer.key, 21, 1_200)).not.toBeNull();
  });

  it(`trusts a refusal for ${TRUST_MS} ms only`, () => {
    const memo = new ThrottleMemo();
    memo.remember(payer, 0, 1_000);

    expect(memo.refusalOf(payer.key, 900, 1_000 + TRUST_MS)).not.toBeNull();
    expect(memo.refusalOf(payer.key, 900, 1_001 + TRUST_MS)).toBeNull();
    expect(memo.refusalOf(payer.key, 900, 1_000)).toBeNull();
  });

  it('forgets a payer once its bucket admitted or refunded', () => {
    const memo = new ThrottleMemo();
    memo.remember(payer, 0, 1_000);
    memo.forget(payer.key);

    expect(memo.refusalOf(payer.key, 900, 1_000)).toBeNull();
  });

  it('drops a refusal remembered under other limits than the payer has now', () => {
    const memo = new ThrottleMemo();
    memo.remember(payer, 0, 1_000);

    expect(memo.refusalOf(payer.key, 900, 1_000, BUILT_IN_PLANS.FREE)).not.toBeNull();
    expect(memo.refusalOf(payer.key, 900, 1_000, BUILT_IN_PLANS.ENTERPRISE)).toBeNull();
    expect(memo.refusalOf(payer.key, 900, 1_000)).toBeNull();
  });

  it('keeps payers apart', () => {
    const memo = new ThrottleMemo();
    memo.remember(payer, 0, 1_000);

    expect(memo.refusalOf('tenant:b', 900, 1_000)).toBeNull();
  });
});

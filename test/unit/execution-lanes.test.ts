import { describe, expect, it } from 'vitest';

import { ExecutionLanes, lanesOf } from '../../src/quota/execution-lanes.js';

/** Enters a lane and records, in `order`, when the entry was granted. */
async function enterAndRecord(
  lanes: ExecutionLanes,
  key: string,
  width: number,
  name: string,
  order: string[],
): Promise<() => void> {
  const leave = await lanes.enter(key, width);
  order.push(name);
  return leave;
}

describe('ExecutionLanes', () => {
  it('lets up to its width in at once and queues the rest', async () => {
    const lanes = new ExecutionLanes();
    const order: string[] = [];

    const first = await enterAndRecord(lanes, 'tenant:a', 2, 'first', order);
    await enterAndRecord(lanes, 'tenant:a', 2, 'second', order);
    const third = enterAndRecord(lanes, 'tenant:a', 2, 'third', order);
    await Promise.resolve();

    expect(order).toEqual(['first', 'second']);
    expect(lanes.occupancy('tenant:a')).toEqual({ executing: 2, waiting: 1 });

    first();
    await third;
    expect(order).toEqual(['first', 'second', 'third']);
    expect(lanes.occupancy('tenant:a')).toEqual({ executing: 2, waiting: 0 });
  });

  it('hands a freed lane to the longest waiter first', async () => {
    const lanes = new ExecutionLanes();
    const order: string[] = [];
    const holder = await lanes.enter('tenant:a', 1);

    const waiters = ['w1', 'w2', 'w3'].map((name) =>
      enterAndRecord(lanes, 'tenant:a', 1, name, order),
    );
    holder();
    (await waiters[0])();
    (await waiters[1])();
    (await waiters[2])();

    expect(order).toEqual(['w1', 'w2', 'w3']);
    expect(lanes.occupancy('tenant:a')).toEqual({ executing: 0, waiting: 0 });
  });

  it('keeps tenants apart: one full lane never holds another tenant', async () => {
    const lanes = new ExecutionLanes();
    await lanes.enter('tenant:a', 1);

    const other = await lanes.enter('tenant:b', 1);

    expect(lanes.occupancy('tenant:a')).toEqual({ executing: 1, waiting: 0 });
    expect(lanes.occupancy('tenant:b')).toEqual({ executing: 1, waiting: 0 });
    other();
    expect(lanes.occupancy('tenant:b')).toEqual({ executing: 0, waiting: 0 });
  });

  it('frees a lane once however often its leave is called', async () => {
    const lanes = new ExecutionLanes();
    const first = await lanes.enter('tenant:a', 2);
    await lanes.enter('tenant:a', 2);

    first();
    first();

    expect(lanes.occupancy('tenant:a')).toEqual({ executing: 1, waiting: 0 });
  });
});

describe('lanesOf', () => {
  it('is a quarter of the concurrency when the plan names none', () => {
    expect(lanesOf({ concurrency: 4 })).toBe(1);
    expect(lanesOf({ concurrency: 16 })).toBe(4);
    expect(lanesOf({ concurrency: 64 })).toBe(16);
    expect(lanesOf({ concurrency: 2 })).toBe(1);
    expect(lanesOf({ concurrency: 6 })).toBe(2);
  });

  it("is the plan's own when given", () => {
    expect(lanesOf({ concurrency: 4, lanes: 3 })).toBe(3);
  });
});

/**
 * How many of one tenant's admitted operations execute at once on this replica; the others wait
 * their turn, first come first served, still holding their concurrency slots.
 *
 * Why: the bucket lets a tenant that rested spend its whole budget at once, and its plan's
 * concurrency lets it do so with several operations side by side. On the shared database those
 * run side by side too, and together they can take every core the server has: in the
 * noisy-neighbour bench (bucket full again every 5 s of flood), tenant B's p99 was 9.97 x its
 * solo figure with tenant A's operations side by side and 4.78 x with them one at a time, in the
 * same run. A lane caps a tenant's share of the server's parallelism without refusing anything
 * the contract admits.
 *
 * Known limit: lanes are counted per replica, so a tenant served by n replicas may execute n
 * times its lanes at once. Waiting in a lane is not database time: an operation's deadline starts
 * when it first touches its store.
 */
export class ExecutionLanes {
  private readonly lanes = new Map<string, Lane>();

  /**
   * Resolves once `key` has fewer than `width` operations executing; the function it gives frees
   * the lane (calling it again does nothing).
   */
  async enter(key: string, width: number): Promise<() => void> {
    const lane = this.lanes.get(key) ?? { executing: 0, waiting: [] };
    this.lanes.set(key, lane);

    if (lane.executing < Math.max(1, width)) lane.executing += 1;
    else await new Promise<void>((resolve) => lane.waiting.push(resolve));

    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      this.leave(key, lane);
    };
  }

  /** Operations of `key` executing and waiting now (for tests). */
  occupancy(key: string): { executing: number; waiting: number } {
    const lane = this.lanes.get(key);
    return { executing: lane?.executing ?? 0, waiting: lane?.waiting.length ?? 0 };
  }

  /** Hands the lane to the longest waiter, or frees it. */
  private leave(key: string, lane: Lane): void {
    const next = lane.waiting.shift();
    if (next) {
      next();
      return;
    }

    lane.executing -= 1;
    if (lane.executing === 0) this.lanes.delete(key);
  }
}

/** One key's lanes: how many operations execute, and the turns of those waiting. */
interface Lane {
  executing: number;
  waiting: (() => void)[];
}

/**
 * A plan's lanes: as given in PLANS_FILE, else a quarter of its concurrency (FREE 1, TEAM 4,
 * ENTERPRISE 16), so a plan file that raises concurrency raises the lanes with it.
 */
export function lanesOf(limits: { concurrency: number; lanes?: number }): number {
  return limits.lanes ?? Math.max(1, Math.ceil(limits.concurrency / 4));
}

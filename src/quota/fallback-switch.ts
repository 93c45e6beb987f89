import type { Logger } from '../logger.js';

/** How long shared-state operations keep to local state after Redis fails, in milliseconds. */
export const REDIS_PROBE_INTERVAL_MS = 1_000;

/**
 * Runs each shared-state operation against Redis, or against this replica's own state while
 * Redis fails, and logs each switch once.
 *
 * It is a circuit breaker. After a failure (a refused command, or one that timed out against a
 * Redis that hangs) it stops asking Redis for `probeIntervalMs`; then one operation asks again
 * (the probe) while the others keep to local state. A hung Redis therefore costs each replica
 * one command timeout per probe interval, not one per operation. Only a probe that succeeds, or
 * a connection that comes back, returns to Redis: a command sent before the failure and answered
 * after it proves nothing about the Redis of now.
 */
export class FallbackSwitch {
  private usingLocal = false;
  private probeAtMs = 0;
  private probing = false;

  constructor(
    private readonly log: Logger,
    private readonly probeIntervalMs = REDIS_PROBE_INTERVAL_MS,
  ) {}

  async run<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (this.usingLocal && !this.mayProbe()) return local();

    const probe = this.usingLocal;
    if (probe) this.probing = true;
    try {
      const result = await shared();
      if (probe) this.backToShared();
      return result;
    } catch (error) {
      this.toLocal(error as Error);
      return local();
    } finally {
      if (probe) this.probing = false;
    }
  }

  /**
   * The connection to Redis is (again) ready: it has just answered the client's ready check, so
   * a Redis that went away and came back is used again at once, without waiting for a probe.
   */
  reconnected(): void {
    this.backToShared();
  }

  /** True while operations use this replica's share instead of Redis. */
  get degraded(): boolean {
    return this.usingLocal;
  }

  private mayProbe(): boolean {
    return !this.probing && Date.now() >= this.probeAtMs;
  }

  private toLocal(error: Error): void {
    if (!this.usingLocal)
      this.log.warn(
        { err: { message: error.message } },
        "Redis failed; quotas fall back to this replica's share",
      );
    this.usingLocal = true;
    this.probeAtMs = Date.now() + this.probeIntervalMs;
  }

  private backToShared(): void {
    if (this.usingLocal) this.log.info('shared quota state is back in Redis');
    this.usingLocal = false;
  }
}

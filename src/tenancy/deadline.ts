/** Raised when an operation's database time budget is spent. */
export class DeadlineExceededError extends Error {
  constructor(readonly budgetMs: number) {
    super(`The operation used up its database time of ${budgetMs} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * The database time one operation may use, from its tenant's plan. Every read passes the time
 * left as `maxTimeMS`; once it is spent, no further command starts. Writes cannot be bounded by
 * `maxTimeMS` on every supported server, so they are only refused from starting late.
 */
export class Deadline {
  private readonly endsAtMs: number;

  constructor(readonly budgetMs: number) {
    this.endsAtMs = Date.now() + budgetMs;
  }

  /** Milliseconds since the budget started. */
  elapsedMs(): number {
    return this.budgetMs - (this.endsAtMs - Date.now());
  }

  /** Milliseconds left; throws when none are. */
  remainingMs(): number {
    const remainingMs = this.endsAtMs - Date.now();
    if (remainingMs <= 0) throw new DeadlineExceededError(this.budgetMs);
    return Math.ceil(remainingMs);
  }

  /** Options for a read command. */
  read(): { maxTimeMS: number } {
    return { maxTimeMS: this.remainingMs() };
  }

  /** Checks before a write that time is left. */
  beforeWrite(): void {
    this.remainingMs();
  }
}

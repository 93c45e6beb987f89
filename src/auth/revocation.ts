import { MongoServerError, type Collection, type Db, type UpdateFilter } from 'mongodb';

import type { Logger } from '../logger.js';
import type { Broadcast } from '../storage/broadcast.js';
import type { TokenClaims } from './tokens.js';

type RevocationKind = 'token' | 'member' | 'organization';

/** One revocation as stored in the master database's `revocations` collection. */
interface RevocationDocument {
  _id: string;
  kind: RevocationKind;
  subject: string;
  /** member: tokens with a lower generation are refused. */
  minGeneration?: number;
  /** When the entry stops mattering: every token it could refuse has expired by then. */
  expiresAt: Date;
  changedAt: Date;
}

/** The pub/sub channel of revocations (with REDIS_URL). */
const CHANNEL = 'tenantgate:revocations';
/** MongoDB's duplicate key error. */
const DUPLICATE_KEY = 11000;

/** How often the master database is polled for revocations made by other replicas. */
const POLL_INTERVAL_MS = 400;
/** Polls re-read this far back, so entries written by a replica with a slower clock are seen. */
const POLL_OVERLAP_MS = 5_000;

/**
 * Revoked tokens, members and organizations, held in memory so that checking a token costs no
 * round trip. Each revocation is written to the master database first, applied here at once, and
 * picked up by other replicas through polling.
 */
export class RevocationRegistry {
  private readonly tokens = new Map<string, number>();
  private readonly memberGenerations = new Map<
    string,
    { minGeneration: number; expiresAtMs: number }
  >();
  private readonly organizations = new Map<string, number>();
  private readonly collection: Collection<RevocationDocument>;
  private pollCursor = new Date(0);
  private pollTimer: NodeJS.Timeout | null = null;
  private lastSweepMs = 0;
  private broadcast: Broadcast | null = null;
  private polling = false;

  constructor(
    masterDb: Db,
    private readonly tokenTtlMs: number,
    private readonly log: Logger,
  ) {
    this.collection = masterDb.collection<RevocationDocument>('revocations');
  }

  /** Loads every live entry, then keeps polling for new ones (and listens, given a broadcast). */
  async start(broadcast?: Broadcast): Promise<void> {
    this.broadcast = broadcast ?? null;
    await this.broadcast?.subscribe(CHANNEL, (message) => this.applyMessage(message));
    await this.collection.createIndex({ changedAt: 1 });
    await this.poll();
    this.pollTimer = setInterval(() => void this.pollSafely(), POLL_INTERVAL_MS);
    this.pollTimer.unref();
  }

  stop(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
  }

  /** True when the token may no longer be used. Memory only. */
  isRevoked(claims: TokenClaims): boolean {
    if (this.tokens.has(claims.tokenId)) return true;
    if (this.organizations.has(claims.tenantId)) return true;
    const member = this.memberGenerations.get(claims.memberId);
    return member !== undefined && member.minGeneration > claims.generation;
  }

  /** Revokes one token (logout). */
  async revokeToken(claims: TokenClaims): Promise<void> {
    await this.record({
      kind: 'token',
      subject: claims.tokenId,
      expiresAt: new Date(claims.expiresAtMs),
    });
  }

  /** Refuses every token of the member whose generation is below `minGeneration`. */
  async revokeMemberBelow(memberId: string, minGeneration: number): Promise<void> {
    await this.record({
      kind: 'member',
      subject: memberId,
      minGeneration,
      expiresAt: this.horizon(),
    });
  }

  /** Refuses every token of the member, for good (the member is removed). */
  async revokeMember(memberId: string): Promise<void> {
    await this.revokeMemberBelow(memberId, Number.MAX_SAFE_INTEGER);
  }

  /** Refuses every token of the organization (it is deleted). */
  async revokeOrganization(tenantId: string): Promise<void> {
    await this.record({ kind: 'organization', subject: tenantId, expiresAt: this.horizon() });
  }

  /** Tokens issued before now expire by this time, so the entry can go then. */
  private horizon(): Date {
    return new Date(Date.now() + this.tokenTtlMs + 60_000);
  }

  private async record(entry: Omit<RevocationDocument, '_id' | 'changedAt'>): Promise<void> {
    const _id = `${entry.kind}:${entry.subject}`;
    const changedAt = new Date();
    const update =
      entry.kind === 'member'
        ? {
            $max: { minGeneration: entry.minGeneration ?? 0, expiresAt: entry.expiresAt },
            $set: { kind: entry.kind, subject: entry.subject, changedAt },
          }
        : { $set: { ...entry, changedAt } };
    await this.upsert(_id, update);
    this.apply({ ...entry, _id, changedAt });
    await this.broadcast?.publish(CHANNEL, { ...entry, expiresAt: entry.expiresAt.toISOString() });
  }

  /**
   * Two replicas revoking the same subject at once may both try the upsert's insert, and one
   * meets the duplicate key: the entry then exists, so the same update, run again, lands on it.
   */
  private async upsert(_id: string, update: UpdateFilter<RevocationDocument>): Promise<void> {
    try {
      await this.collection.updateOne({ _id }, update, { upsert: true });
    } catch (error) {
      if (!(error instanceof MongoServerError) || error.code !== DUPLICATE_KEY) throw error;
      await this.collection.updateOne({ _id }, update, { upsert: true });
    }
  }

  /** A revocation another replica broadcast: applied at once, before the next poll. */
  private applyMessage(message: unknown): void {
    const entry = message as Partial<RevocationDocument> & { expiresAt?: string };
    if (!entry || typeof entry.subject !== 'string' || typeof entry.expiresAt !== 'string') return;
    if (entry.kind !== 'token' && entry.kind !== 'member' && entry.kind !== 'organization') return;
    this.apply({
      _id: `${entry.kind}:${entry.subject}`,
      kind: entry.kind,
      subject: entry.subject,
      minGeneration: typeof entry.minGeneration === 'number' ? entry.minGeneration : undefined,
      expiresAt: new Date(entry.expiresAt),
      changedAt: new Date(),
    });
  }

  private apply(entry: RevocationDocument): void {
    const expiresAtMs = entry.expiresAt.getTime();
    if (expiresAtMs < Date.now()) return;

    if (entry.kind === 'token') this.tokens.set(entry.subject, expiresAtMs);
    if (entry.kind === 'organization') this.organizations.set(entry.subject, expiresAtMs);
    if (entry.kind === 'member') {
      const known = this.memberGenerations.get(entry.subject);
      this.memberGenerations.set(entry.subject, {
        minGeneration: Math.max(known?.minGeneration ?? 0, entry.minGeneration ?? 0),
        expiresAtMs: Math.max(known?.expiresAtMs ?? 0, expiresAtMs),
      });
    }
  }

  private async pollSafely(): Promise<void> {
    // One poll at a time: on a slow master, overlapping polls would only queue behind each other.
    if (this.polling) return;
    this.polling = true;
    try {
      await this.poll();
    } catch (error) {
      this.log.warn({ err: error }, 'revocation poll failed; retrying');
    } finally {
      this.polling = false;
    }
  }

  private async poll(): Promise<void> {
    const since = new Date(this.pollCursor.getTime() - POLL_OVERLAP_MS);
    const startedAt = new Date();
    const entries = await this.collection
      .find({ changedAt: { $gte: since } })
      .sort({ changedAt: 1 })
      .toArray();

    for (const entry of entries) this.apply(entry);
    this.pollCursor = startedAt;
    this.forgetExpired();

    // No TTL indexes on every supported server: expired entries are swept here instead.
    if (startedAt.getTime() - this.lastSweepMs > 60_000) {
      this.lastSweepMs = startedAt.getTime();
      await this.collection.deleteMany({ expiresAt: { $lt: startedAt } });
    }
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [tokenId, expiresAtMs] of this.tokens)
      if (expiresAtMs < now) this.tokens.delete(tokenId);
    for (const [tenantId, expiresAtMs] of this.organizations) {
      if (expiresAtMs < now) this.organizations.delete(tenantId);
    }
    for (const [memberId, member] of this.memberGenerations) {
      if (member.expiresAtMs < now) this.memberGenerations.delete(memberId);
    }
  }
}

import { createHash, randomBytes, randomUUID } from 'node:crypto';

import { MongoServerError, ObjectId, type Collection, type Db, type Filter } from 'mongodb';

import type { Logger } from '../logger.js';
import type { Role, TokenClaims } from './tokens.js';

/** What every refresh token starts with, so that a leaked one is recognisable (scanners, logs). */
export const REFRESH_TOKEN_PREFIX = 'tgr_';
/** Random bytes per token: 256 bits, beyond guessing. */
const RANDOM_BYTES = 32;
/** The prefix, then the random bytes in base64url without padding (43 characters). */
const REFRESH_TOKEN_SHAPE = /^tgr_[A-Za-z0-9_-]{43}$/;
/** The length of every refresh token, prefix included. */
export const REFRESH_TOKEN_LENGTH = REFRESH_TOKEN_PREFIX.length + 43;

/** How often expired records are deleted (the server may have no TTL indexes). */
const SWEEP_INTERVAL_MS = 60_000;
/** Records outlive their expiry by this much, so a rotation under way never loses its parent. */
const SWEEP_GRACE_MS = 10 * 60_000;

/** One refresh token in the master's `refresh_tokens` collection; never the token itself. */
export interface RefreshTokenRecord {
  _id: ObjectId;
  /** SHA-256 of the token, in hex. */
  hash: string;
  /** Shared by every token rotated from one login. */
  familyId: string;
  /** The token this one was rotated from; null for the first of a family. */
  parentId: ObjectId | null;
  memberId: ObjectId;
  tenantId: ObjectId;
  /** The member's token generation at issue; a refresh needs it unchanged. */
  generation: number;
  /** The role of the access token issued with it. */
  role: Role;
  issuedAt: Date;
  expiresAt: Date;
  /**
   * Set by a family's revocation and never cleared. Nothing else writes to a record that is not
   * revoked: FerretDB 1.24 runs an update as a read and a rewrite of the whole document, so any
   * other write racing a revocation could put back the document as it was before it.
   */
  revokedAt: Date | null;
  /** The jti of the access token issued with it, revoked with the family. */
  accessTokenId: string;
  accessTokenExpiresAt: Date;
  /** Set once that access token was revoked with the family; null before. */
  accessTokenRevokedAt: Date | null;
}

/**
 * The claim that a token was used, in `refresh_token_uses`, keyed by the token's record id. An
 * insert of an existing `_id` fails on every server, so exactly one request can claim a token.
 * A filtered update cannot do this on FerretDB 1.24: it runs an update as a read, then a write,
 * and two concurrent updates filtered on `usedAt: null` can both match.
 */
interface RefreshTokenUse {
  _id: ObjectId;
  familyId: string;
  usedAt: Date;
  expiresAt: Date;
}

/** A refresh token just issued: the only time the token is seen in clear. */
export interface IssuedRefreshToken {
  token: string;
  expiresAt: Date;
  familyId: string;
}

/** Revokes one access token on every replica (the RevocationRegistry). */
export interface AccessTokenRevoker {
  revokeToken(claims: TokenClaims): Promise<void>;
}

/** True when the text has the shape of a refresh token this service issues. */
export function isRefreshTokenShaped(text: string): boolean {
  return text.length === REFRESH_TOKEN_LENGTH && REFRESH_TOKEN_SHAPE.test(text);
}

/**
 * Rotating refresh tokens with reuse detection, without transactions. Every step is ordered so
 * that a process dying between two of them leaves nothing that grants access: a token is
 * claimed before its successor exists (a crash then costs the client a login), and a family is
 * closed for refresh before its access tokens are revoked (the sweep finishes what a crash left).
 */
export class RefreshTokenStore {
  private readonly records: Collection<RefreshTokenRecord>;
  private readonly uses: Collection<RefreshTokenUse>;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    masterDb: Db,
    private readonly ttlMs: number,
    private readonly revoker: AccessTokenRevoker,
    private readonly log: Logger,
  ) {
    this.records = masterDb.collection<RefreshTokenRecord>('refresh_tokens');
    this.uses = masterDb.collection<RefreshTokenUse>('refresh_token_uses');
  }

  /** Creates the indexes, sweeps once, then sweeps periodically. */
  async start(): Promise<void> {
    await this.records.createIndex({ hash: 1 }, { unique: true });
    await this.records.createIndex({ familyId: 1 });
    await this.records.createIndex({ accessTokenId: 1 });
    await this.records.createIndex({ expiresAt: 1 });
    await this.uses.createIndex({ expiresAt: 1 });
    await this.sweep();

    this.timer = setInterval(() => void this.sweepSafely(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Starts a family for a new session (sign-up, login, password change). */
  startFamily(access: TokenClaims): Promise<IssuedRefreshToken> {
    return this.insert(randomUUID(), null, access);
  }

  /**
   * The record of a presented token that may be rotated; null for an unknown, expired or revoked
   * one. A token already used is a reuse: its family is revoked before null is answered.
   */
  async present(token: string): Promise<RefreshTokenRecord | null> {
    const record = await this.records.findOne({ hash: hashOf(token) });
    if (!record) return null;

    if (await this.uses.findOne({ _id: record._id }, { projection: { _id: 1 } })) {
      await this.revokeReusedFamily(record);
      return null;
    }
    if (record.revokedAt || record.expiresAt.getTime() <= Date.now()) return null;
    return record;
  }

  /**
   * Uses a presented token once and issues its successor, carrying the access token issued with
   * it. Null when another request claimed the token first: that is a reuse, and the family is
   * revoked. A family revoked while this ran (a reuse or a logout elsewhere) takes the successor
   * with it; the pair is still answered, and is refused from then on.
   */
  async rotate(
    parent: RefreshTokenRecord,
    access: TokenClaims,
  ): Promise<IssuedRefreshToken | null> {
    const usedAt = new Date();
    if (!(await this.claim(parent, usedAt))) {
      await this.revokeReusedFamily(parent);
      return null;
    }

    const successor = await this.insert(parent.familyId, parent._id, access);

    // A revocation whose pass read the family before the successor existed missed it; its
    // parent was revoked by then, so this check sees it.
    const current = await this.records.findOne(
      { _id: parent._id },
      { projection: { revokedAt: 1 } },
    );
    if (!current || current.revokedAt) await this.revokeFamily(parent.familyId);
    return successor;
  }

  /** Ends the family of the session holding this access token (logout); none for older tokens. */
  async endFamilyOf(accessTokenId: string): Promise<void> {
    const record = await this.records.findOne({ accessTokenId }, { projection: { familyId: 1 } });
    if (record) await this.revokeFamily(record.familyId);
  }

  /** Revokes every refresh token of the family and every live access token issued from it. */
  async revokeFamily(familyId: string): Promise<void> {
    const revokedAt = new Date();

    // Twice: an update is a read, then a write, on FerretDB. A successor inserted between the
    // first pass's two steps is caught by the second; one inserted later finds its parent
    // revoked in rotate's own check.
    for (let pass = 0; pass < 2; pass++) {
      await this.records.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt } });
    }

    await this.revokeAccessTokens({ familyId });
  }

  private async revokeReusedFamily(record: RefreshTokenRecord): Promise<void> {
    this.log.warn(
      {
        familyId: record.familyId,
        memberId: record.memberId.toHexString(),
        tenantId: record.tenantId.toHexString(),
      },
      'a used refresh token was presented again; its whole family is revoked',
    );
    await this.revokeFamily(record.familyId);
  }

  /** True for the one request whose use claim landed. */
  private async claim(record: RefreshTokenRecord, usedAt: Date): Promise<boolean> {
    try {
      await this.uses.insertOne({
        _id: record._id,
        familyId: record.familyId,
        usedAt,
        expiresAt: record.expiresAt,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  private async insert(
    familyId: string,
    parentId: ObjectId | null,
    access: TokenClaims,
  ): Promise<IssuedRefreshToken> {
    const token = `${REFRESH_TOKEN_PREFIX}${randomBytes(RANDOM_BYTES).toString('base64url')}`;
    const issuedAt = new Date();
    const expiresAt = new Date(issuedAt.getTime() + this.ttlMs);

    await this.records.insertOne({
      _id: new ObjectId(),
      hash: hashOf(token),
      familyId,
      parentId,
      memberId: new ObjectId(access.memberId),
      tenantId: new ObjectId(access.tenantId),
      generation: access.generation,
      role: access.role,
      issuedAt,
      expiresAt,
      revokedAt: null,
      accessTokenId: access.tokenId,
      accessTokenExpiresAt: new Date(access.expiresAtMs),
      accessTokenRevokedAt: null,
    });
    return { token, expiresAt, familyId };
  }

  /** Revokes the still-live access tokens of revoked records in scope, each once. */
  private async revokeAccessTokens(scope: Filter<RefreshTokenRecord>): Promise<void> {
    const pending = await this.records
      .find({
        ...scope,
        revokedAt: { $ne: null },
        accessTokenRevokedAt: null,
        accessTokenExpiresAt: { $gt: new Date() },
      })
      .toArray();

    for (const record of pending) {
      await this.revoker.revokeToken(accessClaimsOf(record));
      await this.records.updateOne(
        { _id: record._id },
        { $set: { accessTokenRevokedAt: new Date() } },
      );
    }
  }

  private async sweepSafely(): Promise<void> {
    try {
      await this.sweep();
    } catch (error) {
      this.log.warn({ err: error }, 'refresh token sweep failed; retrying at the next one');
    }
  }

  /** Finishes revocations a crash interrupted, then deletes what expired. */
  private async sweep(): Promise<void> {
    await this.revokeAccessTokens({});

    const expiredBefore = new Date(Date.now() - SWEEP_GRACE_MS);
    await this.records.deleteMany({ expiresAt: { $lt: expiredBefore } });
    await this.uses.deleteMany({ expiresAt: { $lt: expiredBefore } });
  }
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The claims of the access token issued with a record, as revocation needs them. */
function accessClaimsOf(record: RefreshTokenRecord): TokenClaims {
  return {
    memberId: record.memberId.toHexString(),
    tenantId: record.tenantId.toHexString(),
    role: record.role,
    tokenId: record.accessTokenId,
    generation: record.generation,
    issuedAtMs: record.issuedAt.getTime(),
    expiresAtMs: record.accessTokenExpiresAt.getTime(),
  };
}

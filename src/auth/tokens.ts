import { randomUUID } from 'node:crypto';

import { SignJWT, decodeProtectedHeader, jwtVerify } from 'jose';

import type { SigningKeySet } from './signing-keys.js';

/** The roles of the contract, highest first. */
export type Role = 'OWNER' | 'ADMIN' | 'MEMBER';

/** What a verified access token says about its bearer. */
export interface TokenClaims {
  memberId: string;
  tenantId: string;
  role: Role;
  tokenId: string;
  /** The member's token generation when issued; raised to revoke all older tokens. */
  generation: number;
  issuedAtMs: number;
  expiresAtMs: number;
}

/** An issued access token. */
export interface IssuedToken {
  token: string;
  claims: TokenClaims;
}

const ISSUER = 'tenantgate';
const AUDIENCE = 'tenantgate';
const ROLES: readonly Role[] = ['OWNER', 'ADMIN', 'MEMBER'];
/** Verified tokens remembered per process (oldest forgotten first). */
const VERIFIED_CACHE_SIZE = 10_000;
/** Allowed clock skew between replicas, in seconds. */
const CLOCK_TOLERANCE_S = 5;

/**
 * Signs and verifies access tokens with a key set: the set's signer signs, the key a token's
 * `kid` names verifies it in that key's one algorithm; issuer, audience and every claim required.
 */
export class TokenService {
  private readonly verified = new Map<string, TokenClaims>();

  constructor(
    private readonly keys: SigningKeySet,
    private readonly ttlMs: number,
  ) {}

  /** Issues a token for a member of a tenant. */
  async issue(subject: Omit<TokenClaims, 'tokenId' | 'issuedAtMs' | 'expiresAtMs'>) {
    const issuedAtS = Math.floor(Date.now() / 1000);
    const expiresAtS = issuedAtS + Math.ceil(this.ttlMs / 1000);
    const tokenId = randomUUID();
    const signer = this.keys.signer;

    const token = await new SignJWT({
      tid: subject.tenantId,
      role: subject.role,
      gen: subject.generation,
    })
      .setProtectedHeader({ alg: signer.alg, typ: 'JWT', kid: signer.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(subject.memberId)
      .setJti(tokenId)
      .setIssuedAt(issuedAtS)
      .setExpirationTime(expiresAtS)
      .sign(signer.signWith);

    const claims = {
      ...subject,
      tokenId,
      issuedAtMs: issuedAtS * 1000,
      expiresAtMs: expiresAtS * 1000,
    };
    return { token, claims } satisfies IssuedToken;
  }

  /**
   * Verifies a compact JWT; null for anything malformed, expired, forged or of another shape.
   * A token verified once is remembered until it expires: the signature of the same string
   * cannot change, and skipping the HMAC saves most of what a refused request costs. Revocation
   * is checked by the caller on every request regardless. The key set is fixed for the life of
   * the process, so a remembered token's key cannot have been removed meanwhile.
   */
  async verify(token: string): Promise<TokenClaims | null> {
    const remembered = this.verified.get(token);
    if (remembered && remembered.expiresAtMs > Date.now()) return remembered;

    const claims = await this.verifySignature(token);
    if (claims) this.remember(token, claims);
    return claims;
  }

  private remember(token: string, claims: TokenClaims): void {
    if (this.verified.size >= VERIFIED_CACHE_SIZE) {
      this.verified.delete(this.verified.keys().next().value as string);
    }
    this.verified.set(token, claims);
  }

  private async verifySignature(token: string): Promise<TokenClaims | null> {
    try {
      const key = this.keys.verifierOf(decodeProtectedHeader(token).kid);
      if (!key) return null;

      // Pinning the key's own algorithm is what stops alg confusion: an HS256 token naming an
      // EdDSA key's kid is refused here, before its public key could be used as a secret.
      const { payload } = await jwtVerify(token, key.verifyWith, {
        algorithms: [key.alg],
        issuer: ISSUER,
        audience: AUDIENCE,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['sub', 'tid', 'role', 'jti', 'iat', 'exp'],
      });
      return claimsOf(payload);
    } catch {
      // jose throws for every failure (and non-jose errors can surface from malformed input):
      // all of them mean the same to a client.
      return null;
    }
  }
}

function claimsOf(payload: Record<string, unknown>): TokenClaims | null {
  const { sub, tid, role, jti, iat, exp, gen } = payload;
  if (typeof sub !== 'string' || !/^[0-9a-f]{24}$/.test(sub)) return null;
  if (typeof tid !== 'string' || !/^[0-9a-f]{24}$/.test(tid)) return null;
  if (typeof role !== 'string' || !ROLES.includes(role as Role)) return null;
  if (typeof jti !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return null;

  return {
    memberId: sub,
    tenantId: tid,
    role: role as Role,
    tokenId: jti,
    generation: typeof gen === 'number' && Number.isInteger(gen) ? gen : 0,
    issuedAtMs: iat * 1000,
    expiresAtMs: exp * 1000,
  };
}

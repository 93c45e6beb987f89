import { createHash, createSecretKey, type KeyObject } from 'node:crypto';

/** The JWS algorithms access tokens may be signed with. */
export type SigningAlgorithm = 'HS256' | 'EdDSA' | 'ES256';

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['HS256', 'EdDSA', 'ES256'];

/**
 * One configured key: its id, its one algorithm, and the material to sign and verify with. The
 * material is always a KeyObject, even an HS256 secret: a KeyObject serialises to `{}` and
 * inspects without its bytes, so a stray log of the configuration cannot carry a key.
 */
export interface SigningKey {
  /** The `kid` written into the header of every token this key signs. */
  kid: string;
  /** The only algorithm accepted for tokens naming this kid. */
  alg: SigningAlgorithm;
  /** The HS256 secret or the private key; null for a public key, which only verifies. */
  signWith: KeyObject | null;
  /** The HS256 secret or the public key. */
  verifyWith: KeyObject;
}

/** A public key as published in the JWKS (RFC 7517): never a secret, never `d`. */
export interface PublishedKey {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  use: 'sig';
  kty: string;
  crv: string;
  x: string;
  y?: string;
}

/** A key that can sign: the signer of a key set. */
export type SigningCapableKey = SigningKey & { signWith: KeyObject };

/**
 * The keys access tokens are signed and verified with, newest first. The first key that can sign
 * signs every new token; every listed key verifies tokens naming its kid, and only in its own
 * algorithm, so a public key's bytes can never be used as an HMAC secret. A key left out of the
 * configuration verifies nothing: its live tokens die at the next start.
 */
export class SigningKeySet {
  /** The key new tokens are signed with. */
  readonly signer: SigningCapableKey;
  private readonly byKid = new Map<string, SigningKey>();
  private readonly published: PublishedKey[];

  constructor(readonly keys: readonly SigningKey[]) {
    for (const key of keys) {
      if (this.byKid.has(key.kid)) throw new Error(`signing key "${key.kid}" is listed twice`);
      this.byKid.set(key.kid, key);
    }
    const signer = keys.find((key): key is SigningCapableKey => key.signWith !== null);
    if (!signer) throw new Error('a signing key set needs a key that can sign');

    this.signer = signer;
    this.published = keys.flatMap((key) => (key.alg === 'HS256' ? [] : [publicJwkOf(key)]));
  }

  /**
   * The key a token's header names, or null. A header without a kid is accepted only while one
   * key is configured: tokens made before kids were written, or by tools that omit them, keep
   * working until a second key makes the choice ambiguous.
   */
  verifierOf(kid: unknown): SigningKey | null {
    if (kid === undefined) return this.keys.length === 1 ? this.keys[0] : null;
    if (typeof kid !== 'string') return null;
    return this.byKid.get(kid) ?? null;
  }

  /** The JWKS document of the asymmetric keys; HS256 keys are never published. */
  jwks(): { keys: PublishedKey[] } {
    return { keys: this.published.map((key) => ({ ...key })) };
  }
}

/** The kid of an HS256 secret: the first 12 hex digits of its SHA-256 (stable across replicas). */
export function kidOfSecret(secret: Uint8Array): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}

/** The single HS256 key of `JWT_SECRET`. */
export function keyFromSecret(secret: Uint8Array, kid = kidOfSecret(secret)): SigningKey {
  const key = createSecretKey(secret);
  return { kid, alg: 'HS256', signWith: key, verifyWith: key };
}

/** Picks the public members one by one, so nothing private can ride along. */
function publicJwkOf(key: SigningKey): PublishedKey {
  const jwk = key.verifyWith.export({ format: 'jwk' });
  if (typeof jwk.kty !== 'string' || typeof jwk.crv !== 'string' || typeof jwk.x !== 'string') {
    throw new Error(`signing key "${key.kid}" has no exportable public key`);
  }

  return {
    kid: key.kid,
    alg: key.alg as PublishedKey['alg'],
    use: 'sig',
    kty: jwk.kty,
    crv: jwk.crv,
    x: jwk.x,
    ...(typeof jwk.y === 'string' ? { y: jwk.y } : {}),
  };
}

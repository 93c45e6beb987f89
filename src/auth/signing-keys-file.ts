import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

import {
  SigningKeySet,
  keyFromSecret,
  type SigningAlgorithm,
  type SigningKey,
} from './signing-keys.js';

/**
 * The fields of one entry of `JWT_KEYS_FILE`:
 * - `kid`: the key id written into token headers (1 to 64 of `A-Z a-z 0-9 . _ : -`); an HS256
 *   entry may leave it out to get the kid `JWT_SECRET` gives the same secret, so tokens issued
 *   before the move to a key file keep verifying;
 * - `alg`: `HS256`, `EdDSA` (Ed25519) or `ES256` (P-256);
 * - `secret` (HS256 only): the HMAC secret as text, 32 bytes or more in UTF-8;
 * - `privateKey` (EdDSA, ES256): a PKCS#8 PEM or a private JWK; the key signs and verifies;
 * - `publicKey` (EdDSA, ES256): an SPKI PEM or a public JWK; the key only verifies.
 */
const ENTRY_FIELDS = ['kid', 'alg', 'secret', 'privateKey', 'publicKey'];
const KID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
const MIN_SECRET_BYTES = 32;
const KEY_TYPE_OF: Readonly<Record<Exclude<SigningAlgorithm, 'HS256'>, string>> = {
  EdDSA: 'an Ed25519 key',
  ES256: 'an EC P-256 key',
};

/**
 * Reads the key set of `JWT_KEYS_FILE`. Every fault becomes one line in `problems` and the
 * answer is null. No line ever quotes key material: the JSON parser's own message is dropped
 * because it quotes the text around the fault.
 */
export function readSigningKeysFile(file: string, problems: string[]): SigningKeySet | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`JWT_KEYS_FILE "${file}" cannot be read (${code})`);
    return null;
  }

  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    problems.push(`JWT_KEYS_FILE "${file}" is not valid JSON`);
    return null;
  }
  return parseSigningKeys(document, problems);
}

/** Validates a parsed key file, `{"keys": [entry, ...]}` newest first, into a key set. */
export function parseSigningKeys(document: unknown, problems: string[]): SigningKeySet | null {
  const entries = isRecord(document) ? document.keys : undefined;
  if (!Array.isArray(entries)) {
    problems.push('JWT_KEYS_FILE must hold {"keys": [...]}, newest key first');
    return null;
  }
  if (entries.length === 0) {
    problems.push('JWT_KEYS_FILE lists no keys');
    return null;
  }

  const before = problems.length;
  const keys: SigningKey[] = [];
  const indexOfKid = new Map<string, number>();
  entries.forEach((entry, index) => {
    const key = parseEntry(entry, index, problems);
    // A kid is taken even by an entry with other faults, so fixing those cannot unveil a twin.
    const kid = key?.kid ?? kidWritten(entry);
    if (kid === null) return;

    const first = indexOfKid.get(kid);
    if (first !== undefined) {
      problems.push(`JWT_KEYS_FILE lists kid "${kid}" twice (keys[${first}] and keys[${index}])`);
      return;
    }
    indexOfKid.set(kid, index);
    if (key) keys.push(key);
  });
  if (problems.length > before) return null;

  if (!keys.some((key) => key.signWith !== null)) {
    problems.push(
      'JWT_KEYS_FILE has no key that can sign: list an HS256 "secret" or an EdDSA/ES256 "privateKey"',
    );
    return null;
  }
  return new SigningKeySet(keys);
}

function parseEntry(entry: unknown, index: number, problems: string[]): SigningKey | null {
  if (!isRecord(entry)) {
    problems.push(`JWT_KEYS_FILE keys[${index}] must be an object with "kid", "alg" and its key`);
    return null;
  }
  const { kid, alg } = entry;
  const derivesKid = kid === undefined && alg === 'HS256';
  if (!derivesKid && (typeof kid !== 'string' || !KID_PATTERN.test(kid))) {
    problems.push(
      `JWT_KEYS_FILE keys[${index}] needs a "kid" of 1 to 64 letters, digits, ".", "_", ":" or "-"`,
    );
    return null;
  }

  const name = derivesKid ? `JWT_KEYS_FILE keys[${index}]` : `JWT_KEYS_FILE key "${kid}"`;
  for (const field of Object.keys(entry).filter((field) => !ENTRY_FIELDS.includes(field))) {
    problems.push(
      `${name} has an unknown field "${field.slice(0, 40)}"; use ${ENTRY_FIELDS.join(', ')}`,
    );
  }
  if (alg === 'HS256') return parseSecretEntry(entry, kid as string | undefined, name, problems);
  if (alg === 'EdDSA' || alg === 'ES256') {
    return parseAsymmetricEntry(entry, kid as string, alg, name, problems);
  }

  const shown = typeof alg === 'string' ? `"${alg.slice(0, 20)}"` : 'missing';
  problems.push(`${name} has alg ${shown}; use HS256, EdDSA or ES256`);
  return null;
}

function parseSecretEntry(
  entry: Record<string, unknown>,
  kid: string | undefined,
  name: string,
  problems: string[],
): SigningKey | null {
  for (const field of ['privateKey', 'publicKey'].filter((field) => field in entry)) {
    problems.push(`${name} is HS256 and takes a "secret", not a "${field}"`);
  }
  if (typeof entry.secret !== 'string') {
    problems.push(
      `${name} is HS256 and needs a "secret" string of ${MIN_SECRET_BYTES} bytes or more`,
    );
    return null;
  }

  const secret = new TextEncoder().encode(entry.secret);
  if (secret.byteLength < MIN_SECRET_BYTES) {
    problems.push(`${name} has a secret shorter than ${MIN_SECRET_BYTES} bytes`);
    return null;
  }
  return keyFromSecret(secret, kid);
}

function parseAsymmetricEntry(
  entry: Record<string, unknown>,
  kid: string,
  alg: 'EdDSA' | 'ES256',
  name: string,
  problems: string[],
): SigningKey | null {
  if ('secret' in entry) {
    problems.push(`${name} is ${alg} and takes a "privateKey" or a "publicKey", not a "secret"`);
  }
  const hasPrivate = entry.privateKey !== undefined;
  if (hasPrivate === (entry.publicKey !== undefined)) {
    problems.push(
      `${name} is ${alg} and needs exactly one of "privateKey" (signs and verifies) or "publicKey" (verifies only)`,
    );
    return null;
  }

  const field = hasPrivate ? 'privateKey' : 'publicKey';
  const privateKey = hasPrivate ? importPrivateKey(entry.privateKey, name, problems) : null;
  const publicKey = hasPrivate
    ? privateKey && createPublicKey(privateKey)
    : importPublicKey(entry.publicKey, name, problems);
  if (!publicKey) return null;

  const actual = keyTypeOf(publicKey);
  if (actual !== KEY_TYPE_OF[alg]) {
    problems.push(
      `${name} is ${alg}, which needs ${KEY_TYPE_OF[alg]}, but its ${field} is ${actual}`,
    );
    return null;
  }
  return { kid, alg, signWith: privateKey, verifyWith: publicKey };
}

function importPrivateKey(material: unknown, name: string, problems: string[]): KeyObject | null {
  try {
    if (typeof material === 'string') return createPrivateKey({ key: material, format: 'pem' });
    if (isRecord(material)) return createPrivateKey({ key: material, format: 'jwk' });
  } catch {
    // Node's message names only the decoder step; ours says what to give instead.
  }
  problems.push(
    `${name} has a privateKey that is not a private key: give a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----") or a private JWK`,
  );
  return null;
}

function importPublicKey(material: unknown, name: string, problems: string[]): KeyObject | null {
  // Node would happily derive a public key from a private one; refuse it, since the operator
  // meant this entry to hold nothing secret.
  const holdsPrivate =
    (typeof material === 'string' && material.includes('PRIVATE KEY')) ||
    (isRecord(material) && 'd' in material);
  if (holdsPrivate) {
    problems.push(
      `${name} has a private key under "publicKey": move it to "privateKey" or give its public half`,
    );
    return null;
  }

  try {
    if (typeof material === 'string') return createPublicKey({ key: material, format: 'pem' });
    if (isRecord(material)) return createPublicKey({ key: material, format: 'jwk' });
  } catch {
    // As above: the reason is ours to give.
  }
  problems.push(
    `${name} has a publicKey that is not a public key: give an SPKI PEM ("-----BEGIN PUBLIC KEY-----") or a public JWK`,
  );
  return null;
}

/** Describes a key's type in the words of KEY_TYPE_OF, e.g. "an EC P-384 key". */
function keyTypeOf(key: KeyObject): string {
  if (key.asymmetricKeyType === 'ed25519') return 'an Ed25519 key';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return `an EC ${curve === 'prime256v1' ? 'P-256' : (curve ?? 'unknown-curve')} key`;
  }
  return `an ${String(key.asymmetricKeyType ?? 'unknown').toUpperCase()} key`;
}

function kidWritten(entry: unknown): string | null {
  const kid = isRecord(entry) ? entry.kid : undefined;
  return typeof kid === 'string' && KID_PATTERN.test(kid) ? kid : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';

import { SignJWT, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';

import { parseSigningKeys, readSigningKeysFile } from '../../src/auth/signing-keys-file.js';
import type { SigningKeySet } from '../../src/auth/signing-keys.js';
import { TokenService } from '../../src/auth/tokens.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const SUBJECT = {
  memberId: 'a'.repeat(24),
  tenantId: 'b'.repeat(24),
  role: 'OWNER' as const,
  generation: 0,
};

function pemPair(type: 'ed25519' | 'P-256' | 'P-384') {
  const { privateKey, publicKey } =
    type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: type });
  return {
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    publicObject: publicKey,
  };
}

const ED = pemPair('ed25519');
const EC = pemPair('P-256');
const SECRET = randomBytes(32).toString('base64url');

/** Parses entries that must be valid. */
function keySet(...entries: Record<string, unknown>[]): SigningKeySet {
  const problems: string[] = [];
  const keys = parseSigningKeys({ keys: entries }, problems);
  expect(problems).toEqual([]);
  return keys as SigningKeySet;
}

/** The problems of a document that must be refused. */
function problemsOf(document: unknown): string[] {
  const problems: string[] = [];
  expect(parseSigningKeys(document, problems)).toBeNull();
  return problems;
}

/** A well-formed token for SUBJECT signed with whatever key and header a test picks. */
function forge(header: Record<string, unknown>, key: Uint8Array | KeyObject) {
  return new SignJWT({ tid: SUBJECT.tenantId, role: 'OWNER' })
    .setProtectedHeader(header as { alg: string })
    .setIssuer('tenantgate')
    .setAudience('tenantgate')
    .setSubject(SUBJECT.memberId)
    .setJti('forged')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
}

function unsigned(header: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: 'tenantgate',
    aud: 'tenantgate',
    sub: SUBJECT.memberId,
    tid: SUBJECT.tenantId,
    role: 'OWNER',
    jti: 'n',
    iat: now,
    exp: now + 600,
  };
  return `${encode(header)}.${encode(payload)}.`;
}

describe('parseSigningKeys', () => {
  describe('when the file lists EdDSA, ES256 and HS256 keys', () => {
    const keys = keySet(
      { kid: 'ed', alg: 'EdDSA', privateKey: ED.privateKey },
      { kid: 'ec', alg: 'ES256', publicKey: EC.publicKey },
      { kid: 'hs', alg: 'HS256', secret: SECRET },
    );

    it('signs with the first key', () => {
      expect(keys.signer.kid).toBe('ed');
      expect(keys.signer.alg).toBe('EdDSA');
    });

    it('verifies with each key by its kid, and only in its own algorithm', () => {
      expect(keys.verifierOf('ed')?.alg).toBe('EdDSA');
      expect(keys.verifierOf('ec')?.alg).toBe('ES256');
      expect(keys.verifierOf('hs')?.alg).toBe('HS256');
      expect(keys.verifierOf('other')).toBeNull();
      expect(keys.verifierOf(undefined)).toBeNull();
      expect(keys.verifierOf(7)).toBeNull();
    });

    it('publishes the two public keys and nothing secret', () => {
      const { keys: published } = keys.jwks();

      expect(published.map((key) => [key.kid, key.alg, key.use, key.kty, key.crv])).toEqual([
        ['ed', 'EdDSA', 'sig', 'OKP', 'Ed25519'],
        ['ec', 'ES256', 'sig', 'EC', 'P-256'],
      ]);
      expect(published[1].y).toEqual(expect.any(String));
      expect(published.some((key) => 'd' in key || 'k' in key)).toBe(false);
      expect(JSON.stringify(published)).not.toContain(SECRET);
    });
  });

  it('takes a JWK as well as a PEM', () => {
    const jwk = EC.publicObject.export({ format: 'jwk' });
    const keys = keySet(
      { kid: 'hs', alg: 'HS256', secret: SECRET },
      { kid: 'ec', alg: 'ES256', publicKey: jwk },
    );

    expect(keys.jwks().keys[0]).toMatchObject({ kid: 'ec', x: jwk.x, y: jwk.y });
  });

  it('signs with the first key that can sign when public keys come first', () => {
    const keys = keySet(
      { kid: 'partner', alg: 'EdDSA', publicKey: ED.publicKey },
      { kid: 'ours', alg: 'ES256', privateKey: EC.privateKey },
    );

    expect(keys.signer.kid).toBe('ours');
  });

  it('gives an HS256 entry without a kid the kid JWT_SECRET gives the same secret', () => {
    const keys = keySet({ alg: 'HS256', secret: SECRET });

    const expected = createHash('sha256').update(SECRET).digest('hex').slice(0, 12);
    expect(keys.signer.kid).toBe(expected);
  });

  describe('when the file is wrong', () => {
    it('refuses a document without a keys list, or an empty one', () => {
      expect(problemsOf([])).toEqual(['JWT_KEYS_FILE must hold {"keys": [...]}, newest key first']);
      expect(problemsOf({ keys: [] })).toEqual(['JWT_KEYS_FILE lists no keys']);
    });

    it('names a kid listed twice', () => {
      const problems = problemsOf({
        keys: [
          { kid: 'k1', alg: 'HS256', secret: SECRET },
          { kid: 'k1', alg: 'EdDSA', privateKey: ED.privateKey },
        ],
      });

      expect(problems).toEqual(['JWT_KEYS_FILE lists kid "k1" twice (keys[0] and keys[1])']);
    });

    it('names a kid taken by an entry with other faults', () => {
      const problems = problemsOf({
        keys: [
          { kid: 'k1', alg: 'HS256', secret: 'short' },
          { kid: 'k1', alg: 'HS256', secret: SECRET },
        ],
      });

      expect(problems).toEqual([
        'JWT_KEYS_FILE key "k1" has a secret shorter than 32 bytes',
        'JWT_KEYS_FILE lists kid "k1" twice (keys[0] and keys[1])',
      ]);
    });

    it('names a PEM that is not a key', () => {
      const problems = problemsOf({
        keys: [{ kid: 'k1', alg: 'EdDSA', privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n' }],
      });

      expect(problems).toEqual([
        'JWT_KEYS_FILE key "k1" has a privateKey that is not a private key: give a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----") or a private JWK',
      ]);
    });

    it('names a key whose type does not match its alg', () => {
      const problems = problemsOf({
        keys: [
          { kid: 'a', alg: 'ES256', privateKey: ED.privateKey },
          { kid: 'b', alg: 'EdDSA', publicKey: EC.publicKey },
          { kid: 'c', alg: 'ES256', privateKey: pemPair('P-384').privateKey },
        ],
      });

      expect(problems).toEqual([
        'JWT_KEYS_FILE key "a" is ES256, which needs an EC P-256 key, but its privateKey is an Ed25519 key',
        'JWT_KEYS_FILE key "b" is EdDSA, which needs an Ed25519 key, but its publicKey is an EC P-256 key',
        'JWT_KEYS_FILE key "c" is ES256, which needs an EC P-256 key, but its privateKey is an EC secp384r1 key',
      ]);
    });

    it('names a secret shorter than 32 bytes', () => {
      const problems = problemsOf({ keys: [{ kid: 'k1', alg: 'HS256', secret: 'short' }] });

      expect(problems).toEqual(['JWT_KEYS_FILE key "k1" has a secret shorter than 32 bytes']);
    });

    it('refuses a list in which no key can sign', () => {
      const problems = problemsOf({
        keys: [{ kid: 'k1', alg: 'EdDSA', publicKey: ED.publicKey }],
      });

      expect(problems).toEqual([
        'JWT_KEYS_FILE has no key that can sign: list an HS256 "secret" or an EdDSA/ES256 "privateKey"',
      ]);
    });

    it('refuses a private key given as the public one', () => {
      const problems = problemsOf({
        keys: [
          { kid: 'hs', alg: 'HS256', secret: SECRET },
          { kid: 'k1', alg: 'EdDSA', publicKey: ED.privateKey },
        ],
      });

      expect(problems).toEqual([
        'JWT_KEYS_FILE key "k1" has a private key under "publicKey": move it to "privateKey" or give its public half',
      ]);
    });

    it('lists every fault of every entry, one line each, quoting no key material', () => {
      const problems = problemsOf({
        keys: [
          { alg: 'EdDSA', privateKey: ED.privateKey },
          { kid: 'k2', alg: 'RS256', secret: SECRET },
          { kid: 'k3', alg: 'HS256', secret: SECRET, privateKey: ED.privateKey },
          { kid: 'k4', alg: 'EdDSA', secret: SECRET, privateKey: ED.privateKey },
          { kid: 'k5', alg: 'ES256', privateKey: EC.privateKey, publicKey: EC.publicKey },
          { kid: 'k6', alg: 'HS256', secrett: SECRET },
          'k7',
        ],
      });

      expect(problems).toEqual([
        'JWT_KEYS_FILE keys[0] needs a "kid" of 1 to 64 letters, digits, ".", "_", ":" or "-"',
        'JWT_KEYS_FILE key "k2" has alg "RS256"; use HS256, EdDSA or ES256',
        'JWT_KEYS_FILE key "k3" is HS256 and takes a "secret", not a "privateKey"',
        'JWT_KEYS_FILE key "k4" is EdDSA and takes a "privateKey" or a "publicKey", not a "secret"',
        'JWT_KEYS_FILE key "k5" is ES256 and needs exactly one of "privateKey" (signs and verifies) or "publicKey" (verifies only)',
        'JWT_KEYS_FILE key "k6" has an unknown field "secrett"; use kid, alg, secret, privateKey, publicKey',
        'JWT_KEYS_FILE key "k6" is HS256 and needs a "secret" string of 32 bytes or more',
        'JWT_KEYS_FILE keys[6] must be an object with "kid", "alg" and its key',
      ]);
      const text = problems.join('\n');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(ED.privateKey.split('\n')[1]);
    });
  });
});

describe('readSigningKeysFile', () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'tg-keys-'));

  it('names a file that cannot be read', () => {
    const problems: string[] = [];
    const file = path.join(folder, 'absent.json');

    expect(readSigningKeysFile(file, problems)).toBeNull();
    expect(problems).toEqual([`JWT_KEYS_FILE "${file}" cannot be read (ENOENT)`]);
  });

  it('says the file is not JSON without quoting any of it', () => {
    const file = path.join(folder, 'broken.json');
    writeFileSync(file, `{"keys":[{"kid":"k1","alg":"HS256","secret":"${SECRET}"`);
    const problems: string[] = [];

    expect(readSigningKeysFile(file, problems)).toBeNull();
    expect(problems).toEqual([`JWT_KEYS_FILE "${file}" is not valid JSON`]);
  });
});

describe('loadConfig', () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'tg-keys-'));
  const file = path.join(folder, 'keys.json');
  writeFileSync(
    file,
    JSON.stringify({ keys: [{ kid: 'k1', alg: 'EdDSA', privateKey: ED.privateKey }] }),
  );

  function problemsOfEnv(env: NodeJS.ProcessEnv): string[] {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  }

  it('keeps JWT_SECRET as one HS256 key with the kid of its SHA-256', () => {
    const config = loadConfig({ JWT_SECRET: SECRET });

    expect(config.signingKeys.keys.map((key) => [key.kid, key.alg])).toEqual([
      [createHash('sha256').update(SECRET).digest('hex').slice(0, 12), 'HS256'],
    ]);
    expect(config.jwtSecretGenerated).toBe(false);
  });

  it('reads JWT_KEYS_FILE', () => {
    const config = loadConfig({ JWT_KEYS_FILE: file });

    expect(config.signingKeys.signer.kid).toBe('k1');
  });

  it('refuses JWT_SECRET and JWT_KEYS_FILE together', () => {
    expect(problemsOfEnv({ JWT_SECRET: SECRET, JWT_KEYS_FILE: file })).toEqual([
      'JWT_SECRET and JWT_KEYS_FILE are both set: keep one (list the secret in the file)',
    ]);
  });

  it('lists the key file problems with the others', () => {
    const problems = problemsOfEnv({ JWT_KEYS_FILE: path.join(folder, 'none.json'), PORT: 'x' });

    expect(problems).toHaveLength(2);
    expect(problems[1]).toContain('JWT_KEYS_FILE');
  });

  it('holds keys that neither serialise nor inspect with their material', () => {
    const configs = [loadConfig({ JWT_SECRET: SECRET }), loadConfig({ JWT_KEYS_FILE: file })];
    const secretBytes = Array.from(new TextEncoder().encode(SECRET)).join(',');

    for (const config of configs) {
      const shown = [JSON.stringify(config), inspect(config, { depth: 10 })].join('\n');
      expect(shown).not.toContain(SECRET);
      expect(shown.replace(/\s/g, '')).not.toContain(secretBytes);
      expect(shown).not.toContain(ED.privateKey.split('\n')[1]);
    }
  });

  it('needs one of them in production', () => {
    expect(problemsOfEnv({ NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET or JWT_KEYS_FILE is required when NODE_ENV=production',
    ]);
  });
});

describe('TokenService with a key set', () => {
  const ed = { kid: 'ed', alg: 'EdDSA', privateKey: ED.privateKey };
  const ec = { kid: 'ec', alg: 'ES256', privateKey: EC.privateKey };
  const hs = { kid: 'hs', alg: 'HS256', secret: SECRET };

  it.each([ed, ec, hs])(
    'signs with the first key ($alg) and verifies its own token',
    async (entry) => {
      const others = [ed, ec, hs].filter((other) => other !== entry);
      const tokens = new TokenService(keySet(entry, ...others), 60_000);

      const { token, claims } = await tokens.issue(SUBJECT);

      expect(decodeProtectedHeader(token)).toEqual({ alg: entry.alg, typ: 'JWT', kid: entry.kid });
      expect(await tokens.verify(token)).toEqual(claims);
    },
  );

  it('verifies a token of an older listed key after rotation', async () => {
    const { token } = await new TokenService(keySet(hs), 60_000).issue(SUBJECT);

    const rotated = new TokenService(keySet(ed, hs), 60_000);

    expect(await rotated.verify(token)).toMatchObject({ memberId: SUBJECT.memberId });
  });

  it('refuses a token of a key removed from the set', async () => {
    const { token } = await new TokenService(keySet(hs), 60_000).issue(SUBJECT);

    expect(await new TokenService(keySet(ed), 60_000).verify(token)).toBeNull();
  });

  it('refuses an HS256 token made with the bytes of a public key (alg confusion)', async () => {
    const tokens = new TokenService(keySet(hs, ed), 60_000);
    const jwk = keySet(ed).jwks().keys[0];
    const candidates = [
      new TextEncoder().encode(ED.publicKey),
      Buffer.from(jwk.x, 'base64url'),
      new TextEncoder().encode(JSON.stringify(jwk)),
    ];

    for (const bytes of candidates) {
      expect(await tokens.verify(await forge({ alg: 'HS256', kid: 'ed' }, bytes))).toBeNull();
    }
  });

  it('refuses a token in an algorithm other than its key’s', async () => {
    const tokens = new TokenService(keySet(ed, ec), 60_000);
    const ecPrivate = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

    expect(await tokens.verify(await forge({ alg: 'ES256', kid: 'ed' }, ecPrivate))).toBeNull();
  });

  it('refuses alg none, with or without a kid', async () => {
    const tokens = new TokenService(keySet(hs), 60_000);

    expect(await tokens.verify(unsigned({ alg: 'none', kid: 'hs' }))).toBeNull();
    expect(await tokens.verify(unsigned({ alg: 'none' }))).toBeNull();
  });

  it('refuses an unknown kid even when the signature would match', async () => {
    const tokens = new TokenService(keySet(hs), 60_000);
    const secret = new TextEncoder().encode(SECRET);

    expect(await tokens.verify(await forge({ alg: 'HS256', kid: 'hs' }, secret))).not.toBeNull();
    expect(await tokens.verify(await forge({ alg: 'HS256', kid: 'other' }, secret))).toBeNull();
  });

  it('takes a token without a kid only while one key is configured', async () => {
    const secret = new TextEncoder().encode(SECRET);
    const token = await forge({ alg: 'HS256' }, secret);

    expect(await new TokenService(keySet(hs), 60_000).verify(token)).not.toBeNull();
    expect(await new TokenService(keySet(hs, ed), 60_000).verify(token)).toBeNull();
  });
});

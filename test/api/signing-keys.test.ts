import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  SignJWT,
  createLocalJWKSet,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTenant, loginAs, type TestTenant } from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, errorCodes, graphql } from '../support/graphql.js';

const root = path.resolve(import.meta.dirname, '../..');
const folder = mkdtempSync(path.join(os.tmpdir(), 'tg-signing-keys-'));

interface KeyEntry {
  kid: string;
  alg: 'HS256' | 'EdDSA' | 'ES256';
  secret?: string;
  privateKey?: string;
  publicKey?: string;
}

/** A fresh key entry as an operator would write it, with its public PEM beside it for tests. */
function newKey(kid: string, alg: KeyEntry['alg']): { entry: KeyEntry; publicPem: string } {
  if (alg === 'HS256') {
    return { entry: { kid, alg, secret: randomBytes(32).toString('base64url') }, publicPem: '' };
  }
  const { privateKey, publicKey } =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    entry: { kid, alg, privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() },
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

const k1 = newKey('k1', 'HS256');
const k2 = newKey('k2', 'EdDSA');
const k3 = newKey('k3', 'ES256');
const partner = newKey('partner', 'EdDSA');
const partnerPublicOnly: KeyEntry = { kid: 'partner', alg: 'EdDSA', publicKey: partner.publicPem };

/** Every piece of key material of this file, none of which may ever leave a gateway. */
const MATERIAL = [k1, k2, k3, partner].map(({ entry }) =>
  (entry.secret ?? entry.privateKey ?? '').split('\n').find((line) => line.length > 20),
) as string[];

function keysFile(name: string, entries: KeyEntry[]): string {
  const file = path.join(folder, `${name}.json`);
  writeFileSync(file, JSON.stringify({ keys: entries }), { mode: 0o600 });
  return file;
}

function gatewayWith(name: string, entries: KeyEntry[], databaseName?: string) {
  const env = { JWT_SECRET: '', JWT_KEYS_FILE: keysFile(name, entries) };
  return startGateway({ env, databaseName });
}

let onlyK1: TestGateway;
let rotated: TestGateway;
let onlyK2: TestGateway;
let elliptic: TestGateway;
let tenant: TestTenant;

beforeAll(async () => {
  onlyK1 = await gatewayWith('only-k1', [k1.entry]);
  [rotated, onlyK2, elliptic] = await Promise.all([
    gatewayWith('rotated', [k2.entry, k1.entry], onlyK1.databaseName),
    gatewayWith('only-k2', [k2.entry], onlyK1.databaseName),
    gatewayWith('elliptic', [k3.entry, partnerPublicOnly]),
  ]);
  tenant = await createTenant(onlyK1.url);
});

afterAll(async () => {
  await Promise.all([onlyK1, rotated, onlyK2, elliptic].map((gateway) => gateway?.stop()));
});

async function viewerOf(url: string, token: string) {
  return graphql(url, '{ viewer { id } }', {}, { token });
}

async function jwksOf(gateway: TestGateway) {
  const response = await fetch(`${gateway.url}/.well-known/jwks.json`);
  return { response, text: await response.text() };
}

/** A token with valid claims for the test tenant, signed however a test likes. */
function forge(header: Record<string, unknown>, key: Uint8Array) {
  return new SignJWT({ tid: tenant.id, role: 'OWNER' })
    .setProtectedHeader(header as { alg: string })
    .setIssuer('tenantgate')
    .setAudience('tenantgate')
    .setSubject(tenant.ownerId)
    .setJti('forged')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
}

async function expectRefused(url: string, token: string) {
  const response = await viewerOf(url, token);

  expect(response.status).toBe(401);
  expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
}

describe('signing keys', () => {
  describe('when a new key is put in front of the old one', () => {
    it('accepts tokens of the old key and signs new logins with the new one', async () => {
      expect(decodeProtectedHeader(tenant.token)).toMatchObject({ alg: 'HS256', kid: 'k1' });

      const old = await viewerOf(rotated.url, tenant.token);
      const session = await loginAs(rotated.url, tenant.ownerEmail);

      expect(dataOf(old).viewer).toEqual({ id: tenant.ownerId });
      expect(decodeProtectedHeader(session.token)).toMatchObject({ alg: 'EdDSA', kid: 'k2' });
      expect(dataOf(await viewerOf(onlyK2.url, session.token)).viewer).toEqual({
        id: tenant.ownerId,
      });
    });

    it('refuses the old key’s tokens with 401 once the old key is removed', async () => {
      expect((await viewerOf(onlyK1.url, tenant.token)).status).toBe(200);

      await expectRefused(onlyK2.url, tenant.token);
    });

    it('names the signing key at start and never logs key material', () => {
      const started = rotated.logs.find((record) => record.signingKid !== undefined);

      expect(started).toMatchObject({
        signingKid: 'k2',
        verifyingKids: ['k2 (EdDSA)', 'k1 (HS256)'],
      });
      for (const gateway of [onlyK1, rotated, onlyK2, elliptic]) {
        const text = gateway.rawLogs.join('\n');
        for (const material of MATERIAL) expect(text).not.toContain(material);
      }
    });
  });

  describe('GET /.well-known/jwks.json', () => {
    it.each([
      ['EdDSA', () => rotated],
      ['ES256', () => elliptic],
    ])('publishes the %s key that verifiers check access tokens with', async (alg, gatewayOf) => {
      const gateway = gatewayOf();
      const owner = await createTenant(gateway.url);
      const session = await loginAs(gateway.url, owner.ownerEmail);

      const { text } = await jwksOf(gateway);
      const { payload, protectedHeader } = await jwtVerify(
        session.token,
        createLocalJWKSet(JSON.parse(text) as JSONWebKeySet),
        { issuer: 'tenantgate', audience: 'tenantgate', algorithms: [alg] },
      );

      expect(protectedHeader.alg).toBe(alg);
      expect(payload).toMatchObject({
        iss: 'tenantgate',
        aud: 'tenantgate',
        sub: owner.ownerId,
        tid: owner.id,
        role: 'OWNER',
      });
      expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('lists each asymmetric key with kid, alg, use and its public coordinates only', async () => {
      const { response, text } = await jwksOf(elliptic);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
      const { keys } = JSON.parse(text);
      expect(keys.map((key: Record<string, unknown>) => Object.keys(key).sort())).toEqual([
        ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
        ['alg', 'crv', 'kid', 'kty', 'use', 'x'],
      ]);
      expect(keys).toMatchObject([
        { kid: 'k3', alg: 'ES256', use: 'sig', kty: 'EC', crv: 'P-256' },
        { kid: 'partner', alg: 'EdDSA', use: 'sig', kty: 'OKP', crv: 'Ed25519' },
      ]);
    });

    it('never publishes a secret or a private part', async () => {
      const { text } = await jwksOf(rotated);

      expect(JSON.parse(text).keys.map((key: { kid: string }) => key.kid)).toEqual(['k2']);
      expect(text).not.toContain('"d"');
      expect(text).not.toContain('"k"');
      for (const material of MATERIAL) expect(text).not.toContain(material);
    });

    it('is an empty set when only HS256 keys are configured', async () => {
      const { response, text } = await jwksOf(onlyK1);

      expect(response.status).toBe(200);
      expect(JSON.parse(text)).toEqual({ keys: [] });
    });
  });

  describe('forged tokens', () => {
    it('refuses HS256 tokens made with the published public key’s bytes', async () => {
      const { text } = await jwksOf(rotated);
      const published = JSON.parse(text).keys[0];
      const candidates = [
        new TextEncoder().encode(k2.publicPem),
        new TextEncoder().encode(JSON.stringify(published)),
        Buffer.from(published.x, 'base64url'),
      ];

      for (const bytes of candidates) {
        await expectRefused(rotated.url, await forge({ alg: 'HS256', kid: 'k2' }, bytes));
        await expectRefused(rotated.url, await forge({ alg: 'HS256' }, bytes));
      }
    });

    it('refuses alg none, naming a listed kid or none', async () => {
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const claims = encode({
        iss: 'tenantgate',
        aud: 'tenantgate',
        sub: tenant.ownerId,
        tid: tenant.id,
        role: 'OWNER',
        jti: 'n',
        iat: now,
        exp: now + 600,
      });

      for (const header of [
        { alg: 'none', kid: 'k2' },
        { alg: 'none', kid: 'k1' },
        { alg: 'none' },
      ]) {
        await expectRefused(rotated.url, `${encode(header)}.${claims}.`);
      }
    });

    it('refuses a token naming a kid no key has', async () => {
      const secret = new TextEncoder().encode(k1.entry.secret);

      expect(
        (await viewerOf(onlyK1.url, await forge({ alg: 'HS256', kid: 'k1' }, secret))).status,
      ).toBe(200);
      await expectRefused(onlyK1.url, await forge({ alg: 'HS256', kid: 'k9' }, secret));
    });
  });

  describe('when the key file is wrong', () => {
    it('stops the start with exit code 2 and one line per problem, quoting no key', async () => {
      const file = keysFile('broken', [
        { kid: 'a', alg: 'ES256', privateKey: k2.entry.privateKey },
        { kid: 'b', alg: 'HS256', secret: 'too short' },
        { kid: 'b', alg: 'EdDSA', publicKey: partner.publicPem },
      ]);
      const child = spawn(process.execPath, [path.join(root, 'dist/src/main.js')], {
        env: { PATH: process.env.PATH ?? '', JWT_KEYS_FILE: file, MONGODB_URI: 'mongodb://x' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));

      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

      expect(code).toBe(2);
      const problems = stderr.split('\n').filter((line) => line.startsWith('  - '));
      expect(problems).toEqual([
        '  - JWT_KEYS_FILE key "a" is ES256, which needs an EC P-256 key, but its privateKey is an Ed25519 key',
        '  - JWT_KEYS_FILE key "b" has a secret shorter than 32 bytes',
        '  - JWT_KEYS_FILE lists kid "b" twice (keys[1] and keys[2])',
      ]);
      expect(stderr).not.toContain('too short');
      for (const material of MATERIAL) expect(stderr).not.toContain(material);
    });
  });
});

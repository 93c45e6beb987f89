/**
 * Prints one new entry for JWT_KEYS_FILE on stdout, ready to paste at the top of its "keys" list.
 *
 *   npm run --silent keys -- [--alg EdDSA|ES256|HS256] [--kid ID]
 *
 * `--alg` defaults to EdDSA; `--kid` to today's UTC date and four random hex digits, e.g.
 * `2026-12-04-9f3a`. The entry holds the private key or secret: write it only into the key file
 * (mode 600), never into a log or a ticket.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

import { parseSigningKeys } from '../src/auth/signing-keys-file.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../src/auth/signing-keys.js';

/** 32 random bytes, base64url: 43 characters, above the 32-byte floor in UTF-8. */
const SECRET_BYTES = 32;

const USAGE = `usage: npm run --silent keys -- [--alg EdDSA|ES256|HS256] [--kid ID]

Prints one JWT_KEYS_FILE entry; put it inside the file's list: {"keys": [<entry>, ...older]}.
--alg defaults to EdDSA, --kid to today's date and four random hex digits.`;

function main(): void {
  const { values } = readFlags();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const alg = values.alg as SigningAlgorithm;
  if (!SIGNING_ALGORITHMS.includes(alg))
    fail(`--alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);

  const kid = values.kid ?? defaultKid();
  const entry = { kid, alg, ...materialOf(alg) };

  // The entry must be one the gateway accepts; a bad --kid is reported in the gateway's words.
  const problems: string[] = [];
  parseSigningKeys({ keys: [entry] }, problems);
  if (problems.length > 0) fail(problems.join('\n'));

  process.stdout.write(`${JSON.stringify(entry)}\n`);
}

function readFlags() {
  try {
    return parseArgs({
      options: {
        alg: { type: 'string', default: 'EdDSA' },
        kid: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
}

function materialOf(alg: SigningAlgorithm): { secret: string } | { privateKey: string } {
  if (alg === 'HS256') return { secret: randomBytes(SECRET_BYTES).toString('base64url') };

  const { privateKey } =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

function defaultKid(): string {
  return `${new Date().toISOString().slice(0, 10)}-${randomBytes(2).toString('hex')}`;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

main();

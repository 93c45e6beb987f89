import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';

import { readSigningKeysFile } from '../auth/signing-keys-file.js';
import { SigningKeySet, keyFromSecret } from '../auth/signing-keys.js';
import { readPlans, type PlanTable } from '../quota/plans.js';
import { parseDurationMs } from './duration.js';

/** One MongoDB cluster tenants can be placed on. */
export interface ClusterConfig {
  name: string;
  uri: string;
}

/** The whole validated configuration; the only place that reads `process.env`. */
export interface Config {
  /** `NODE_ENV === 'production'`. */
  production: boolean;
  /** Listen port; default 4000. `0` picks a free port. */
  port: number;
  /** Listen host; default 127.0.0.1. */
  host: string;
  /** Master cluster URI; null starts the embedded server. */
  mongodbUri: string | null;
  /** Connections per cluster per process (`MONGODB_POOL_SIZE`); default 50. */
  mongodbPoolSize: number;
  /** Extra clusters from `MONGODB_CLUSTERS`. */
  extraClusters: ClusterConfig[];
  /** Shared state for quotas, limits and revocation; null keeps it in process. */
  redisUrl: string | null;
  /**
   * How long a Redis command may wait before it counts as failed (`REDIS_COMMAND_TIMEOUT_MS`), so
   * a Redis that hangs is treated like one that is down; default 500 ms.
   */
  redisCommandTimeoutMs: number;
  /**
   * Keys that sign and verify access tokens: the one HS256 key of `JWT_SECRET`, or the list of
   * `JWT_KEYS_FILE` (see src/auth/signing-keys-file.ts for its fields).
   */
  signingKeys: SigningKeySet;
  /** True when the secret was generated because neither JWT_SECRET nor JWT_KEYS_FILE was set. */
  jwtSecretGenerated: boolean;
  /** Access token lifetime in milliseconds; default 30 minutes. */
  jwtTtlMs: number;
  /** Refresh token lifetime in milliseconds (`JWT_REFRESH_TTL`); default 30 days. */
  jwtRefreshTtlMs: number;
  /** Operator API key; null turns the operator API off. */
  operatorApiKey: string | null;
  /** The plan table: the built-in one with PLANS_FILE laid over it, read once here. */
  plans: PlanTable;
  /** Express `trust proxy` value; false by default. */
  trustProxy: boolean | number | string;
  /** Pino level; default `info`. */
  logLevel: string;
  /** Isolation tier of new organizations; default `SHARED`. */
  defaultTier: 'SHARED' | 'COLLECTION' | 'DATABASE';
  /** Folder for the embedded server's state; default `.data/` in the working directory. */
  dataDir: string;
  /** Folder holding the built FerretDB binary; default `.tools/bin`. */
  toolsDir: string;
  /** scrypt cost as log2(N); default 15 (32 MiB per hash). */
  scryptCostLog2: number;
  /** Tuning of tenant moves (milliseconds); defaults in tenancy/moves/tenant-mover.ts. */
  moves: { propagationMs: number; cleanupDelayMs: number; staleAfterMs: number };
  /**
   * `QUOTAS=off` turns the quota pipeline off: no pricing, buckets, slots or cost extension.
   * For side-by-side benchmarks only; default on.
   */
  quotasEnabled: boolean;
  /** Replicas sharing Redis; while Redis is away each takes 1/replicas of every budget. Default 1. */
  replicas: number;
  /** How long in-flight operations may run after SIGTERM, in milliseconds; default 10 s. */
  shutdownGraceMs: number;
}

/** A configuration problem, named by its variable; the start stops with every problem listed. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const TIERS = ['SHARED', 'COLLECTION', 'DATABASE'] as const;

/** Reads and validates the environment once; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  const port = readInteger(env, 'PORT', 4000, 0, 65535, problems);
  const mongodbUri = readMongoUri(env.MONGODB_URI, 'MONGODB_URI', problems);
  const extraClusters = readClusters(env.MONGODB_CLUSTERS, problems);
  const { signingKeys, jwtSecretGenerated } = readSigningKeys(env, production, problems);
  const jwtTtlMs = readDuration(env, 'JWT_TTL', '30m', problems);
  const jwtRefreshTtlMs = readDuration(env, 'JWT_REFRESH_TTL', '30d', problems);
  const plans = readPlans(env.PLANS_FILE || null);
  problems.push(...plans.problems);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const defaultTier = (env.DEFAULT_TIER ?? 'SHARED') as Config['defaultTier'];
  if (!TIERS.includes(defaultTier)) {
    problems.push(`DEFAULT_TIER "${defaultTier}" is not one of ${TIERS.join(', ')}`);
  }
  const operatorApiKey = env.OPERATOR_API_KEY || null;
  if (operatorApiKey !== null && operatorApiKey.length < 16) {
    problems.push('OPERATOR_API_KEY must be at least 16 characters long');
  }

  const config: Config = {
    production,
    port,
    host: env.HOST || '127.0.0.1',
    mongodbUri,
    extraClusters,
    mongodbPoolSize: readInteger(env, 'MONGODB_POOL_SIZE', 50, 1, 1_000, problems),
    redisUrl: readRedisUrl(env.REDIS_URL, problems),
    redisCommandTimeoutMs: readInteger(env, 'REDIS_COMMAND_TIMEOUT_MS', 500, 10, 60_000, problems),
    signingKeys,
    jwtSecretGenerated,
    jwtTtlMs,
    jwtRefreshTtlMs,
    operatorApiKey,
    plans: plans.table,
    trustProxy: readTrustProxy(env.TRUST_PROXY, problems),
    logLevel,
    defaultTier,
    dataDir: path.resolve(env.TENANTGATE_DATA_DIR || '.data'),
    toolsDir: path.resolve(env.TENANTGATE_TOOLS_DIR || '.tools/bin'),
    scryptCostLog2: readInteger(env, 'SCRYPT_COST_LOG2', 15, 10, 20, problems),
    shutdownGraceMs: readInteger(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000, problems),
    replicas: readInteger(env, 'REPLICAS', 1, 1, 1_000, problems),
    quotasEnabled: readSwitch(env, 'QUOTAS', true, problems),
    moves: {
      propagationMs: readInteger(env, 'MOVE_PROPAGATION_MS', 2_000, 0, 60_000, problems),
      cleanupDelayMs: readInteger(env, 'MOVE_CLEANUP_DELAY_MS', 12_000, 0, 600_000, problems),
      staleAfterMs: readInteger(env, 'MOVE_STALE_AFTER_MS', 10_000, 1_000, 600_000, problems),
    },
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function readInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;

  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} "${text}" must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

function readDuration(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: string,
  problems: string[],
): number {
  const text = env[name] || fallback;
  const durationMs = parseDurationMs(text);
  if (durationMs === null) {
    problems.push(`${name} "${text}" must be a duration such as 30m, 900s or 1h`);
    return parseDurationMs(fallback) as number;
  }
  return durationMs;
}

function readMongoUri(text: string | undefined, name: string, problems: string[]): string | null {
  if (!text) return null;
  if (!/^mongodb(\+srv)?:\/\//.test(text)) {
    problems.push(`${name} must start with mongodb:// or mongodb+srv://`);
    return null;
  }
  return text;
}

function readClusters(text: string | undefined, problems: string[]): ClusterConfig[] {
  if (!text) return [];

  const clusters: ClusterConfig[] = [];
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const equals = entry.indexOf('=');
    const name = equals > 0 ? entry.slice(0, equals).trim() : '';
    const uri = equals > 0 ? entry.slice(equals + 1).trim() : '';
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(name) || name === 'master') {
      problems.push(
        `MONGODB_CLUSTERS entry "${name || entry.slice(0, 20)}" needs a name of lowercase letters, digits and dashes (not "master") before "="`,
      );
      continue;
    }
    const checked = readMongoUri(uri, `MONGODB_CLUSTERS entry "${name}"`, problems);
    if (checked) clusters.push({ name, uri: checked });
  }
  return clusters;
}

/**
 * `JWT_SECRET` (one HS256 key) or `JWT_KEYS_FILE` (a list, for rotation and EdDSA/ES256). Both
 * at once is refused: which key signs would depend on a rule the operator has to remember.
 */
function readSigningKeys(
  env: NodeJS.ProcessEnv,
  production: boolean,
  problems: string[],
): { signingKeys: SigningKeySet; jwtSecretGenerated: boolean } {
  const text = env.JWT_SECRET;
  const keysFile = env.JWT_KEYS_FILE;
  if (text && keysFile) {
    problems.push(
      'JWT_SECRET and JWT_KEYS_FILE are both set: keep one (list the secret in the file)',
    );
  } else if (keysFile) {
    const signingKeys = readSigningKeysFile(keysFile, problems);
    if (signingKeys) return { signingKeys, jwtSecretGenerated: false };
  } else if (text) {
    const jwtSecret = new TextEncoder().encode(text);
    if (jwtSecret.byteLength < 32) problems.push('JWT_SECRET must be at least 32 bytes long');
    return {
      signingKeys: new SigningKeySet([keyFromSecret(jwtSecret)]),
      jwtSecretGenerated: false,
    };
  } else if (production) {
    problems.push('JWT_SECRET or JWT_KEYS_FILE is required when NODE_ENV=production');
  }

  // Also the stand-in when the configured keys have problems: the start stops before using it.
  const generated = new Uint8Array(randomBytes(32));
  return { signingKeys: new SigningKeySet([keyFromSecret(generated)]), jwtSecretGenerated: true };
}

function readSwitch(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: boolean,
  problems: string[],
): boolean {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (text === 'on' || text === 'true') return true;
  if (text === 'off' || text === 'false') return false;
  problems.push(`${name} "${text}" must be on or off`);
  return fallback;
}

function readRedisUrl(text: string | undefined, problems: string[]): string | null {
  if (!text) return null;
  if (!/^rediss?:\/\//.test(text)) problems.push('REDIS_URL must start with redis:// or rediss://');
  return text;
}

/** Names Express's `trust proxy` knows besides addresses and subnets. */
const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `true`, a hop count, or a comma-separated list of addresses, subnets (`10.0.0.0/8`) and
 * Express's names. Anything else is a problem: Express would silently trust no one by it, and
 * per-address limits would then count the balancer as the only client.
 */
function readTrustProxy(text: string | undefined, problems: string[]): boolean | number | string {
  if (!text || text === 'false' || text === '0') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);

  const bad = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => !TRUST_PROXY_NAMES.includes(entry) && !isAddressOrSubnet(entry));
  if (bad.length > 0) {
    problems.push(
      `TRUST_PROXY has ${bad.map((entry) => `"${entry}"`).join(', ')}: use true, a hop count, addresses, subnets or ${TRUST_PROXY_NAMES.join(', ')}`,
    );
  }
  return text;
}

function isAddressOrSubnet(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  if (family === 4 && isIP(bits) === 4) return true; // a netmask: 10.0.0.0/255.0.0.0
  return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

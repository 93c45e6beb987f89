import { Redis } from 'ioredis';

import type { Logger } from '../logger.js';

/** How long a shared-state command may wait for Redis by default, in milliseconds. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 500;

/**
 * The Redis connection for shared state. Commands fail at once while Redis is away (no offline
 * queue), so callers can fall back to per-replica state instead of waiting; the client keeps
 * reconnecting in the background. A Redis that hangs with its connections open (a paused
 * process, a network path that drops packets silently) refuses nothing, so every command also
 * fails after `commandTimeoutMs`; the connection is kept, and commands already written are
 * still run if that Redis wakes up (their late replies are ignored).
 */
export function connectRedis(
  url: string,
  log: Logger,
  commandTimeoutMs = DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: commandTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });

  let down = false;
  redis.on('error', (error) => {
    if (!down)
      log.warn(
        { err: { message: error.message } },
        'Redis unreachable; using per-replica state until it returns',
      );
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('Redis reachable again; shared state restored');
    down = false;
  });
  return redis;
}

/**
 * Whether Redis answers a PING within `timeoutMs`. Never rejects and never waits longer, whatever
 * the connection's own options: readiness must answer while Redis hangs.
 */
export async function redisAnswers(redis: Redis, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answered = redis.ping().then(
    () => true,
    () => false,
  );

  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once Redis answers, or rejects after the timeout. */
export async function waitForRedis(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Redis did not answer in time')), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

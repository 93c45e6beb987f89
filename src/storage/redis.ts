import { Redis } from 'ioredis';

import type { Logger } from '../logger.js';

/**
 * The Redis connection for shared state. Commands fail at once while Redis is away (no offline
 * queue), so callers can fall back to per-replica state instead of waiting; the client keeps
 * reconnecting in the background.
 */
export function connectRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
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

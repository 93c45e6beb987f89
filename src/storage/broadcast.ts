import type { Redis } from 'ioredis';

import type { Logger } from '../logger.js';

/** A message every replica receives, best effort; the master database stays the source of truth. */
export interface Broadcast {
  publish(channel: string, message: unknown): Promise<void>;
  subscribe(channel: string, onMessage: (message: unknown) => void): Promise<void>;
  close(): void;
}

/**
 * Broadcast through Redis pub/sub, on a connection of its own (a subscribed connection can do
 * nothing else). A message lost while Redis is away is made up for by the pollers.
 */
export function redisBroadcast(redis: Redis, log: Logger): Broadcast {
  const subscriber = redis.duplicate();
  const handlers = new Map<string, (message: unknown) => void>();
  subscriber.on('message', (channel: string, text: string) => {
    try {
      handlers.get(channel)?.(JSON.parse(text));
    } catch (error) {
      log.warn({ err: error, channel }, 'ignored a malformed broadcast');
    }
  });
  subscriber.on('error', () => undefined); // reported once by the main connection

  return {
    async publish(channel, message) {
      await redis.publish(channel, JSON.stringify(message)).catch(() => undefined);
    },
    async subscribe(channel, onMessage) {
      handlers.set(channel, onMessage);
      await subscriber
        .subscribe(channel)
        .catch((error: Error) =>
          log.warn({ err: { message: error.message }, channel }, 'subscribe failed; polling only'),
        );
    },
    close() {
      subscriber.disconnect();
    },
  };
}

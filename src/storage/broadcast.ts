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
 *
 * The subscribing connection queues its SUBSCRIBE until it is connected and keeps it queued while
 * Redis is away (the main connection refuses at once instead): a subscription sent in the
 * moment before the new connection is up would otherwise fail, and that replica would hear no
 * broadcast for the rest of its life. Once subscribed, ioredis subscribes again after each
 * reconnection.
 */
export function redisBroadcast(redis: Redis, log: Logger): Broadcast {
  const subscriber = redis.duplicate({
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    // A SUBSCRIBE waits for Redis as long as it takes; the shared-state timeout is not for it.
    commandTimeout: undefined,
  });
  const handlers = new Map<string, (message: unknown) => void>();
  subscriber.on('message', (channel: string, text: string) => {
    try {
      handlers.get(channel)?.(JSON.parse(text));
    } catch (error) {
      log.warn({ err: error, channel }, 'ignored a malformed broadcast');
    }
  });
  subscriber.on('error', () => undefined); // reported once by the main connection
  // Every channel is asked for again each time the connection is up, whatever a reconnection
  // kept: a connection dropped while its first SUBSCRIBE was under way came back without it.
  // Subscribing twice to a channel changes nothing.
  subscriber.on('ready', () => {
    if (handlers.size > 0) void subscriber.subscribe(...handlers.keys()).catch(() => undefined);
  });

  return {
    async publish(channel, message) {
      await redis.publish(channel, JSON.stringify(message)).catch(() => undefined);
    },
    async subscribe(channel, onMessage) {
      handlers.set(channel, onMessage);
      // Not awaited: with Redis away at start the subscription waits for it, and the start must
      // not; the pollers cover the time until it is in place.
      void subscriber
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

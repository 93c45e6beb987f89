import { Writable } from 'node:stream';

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import { FallbackSwitch } from '../../src/quota/fallback-switch.js';

const PROBE_INTERVAL_MS = 50;
const FALLBACK_LOG = "Redis failed; quotas fall back to this replica's share";
const BACK_LOG = 'shared quota state is back in Redis';

/** A switch over a shared side that fails while `failing`, counting the calls it receives. */
function switchOver() {
  const messages: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      messages.push(JSON.parse(chunk.toString()).msg);
      done();
    },
  });
  const fallback = new FallbackSwitch(pino(sink), PROBE_INTERVAL_MS);
  const state = { failing: true, sharedCalls: 0 };
  const run = () =>
    fallback.run(
      async () => {
        state.sharedCalls += 1;
        if (state.failing) throw new Error('Command timed out');
        return 'shared';
      },
      async () => 'local',
    );
  return { fallback, state, run, messages };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FallbackSwitch', () => {
  describe('after a failure', () => {
    it('answers from local state without asking Redis until the probe interval has passed', async () => {
      const { state, run } = switchOver();

      const answers = [await run(), await run(), await run()];

      expect(answers).toEqual(['local', 'local', 'local']);
      expect(state.sharedCalls).toBe(1);
    });

    it('lets one operation probe Redis per interval while the others keep to local state', async () => {
      const { state, run } = switchOver();
      await run();
      await pause(PROBE_INTERVAL_MS + 10);

      await Promise.all([run(), run(), run()]);

      expect(state.sharedCalls).toBe(2);
    });

    it('returns to Redis once a probe succeeds, logging each switch once', async () => {
      const { state, run, messages } = switchOver();
      await run();
      await run();
      state.failing = false;
      await pause(PROBE_INTERVAL_MS + 10);

      const answers = [await run(), await run()];

      expect(answers).toEqual(['shared', 'shared']);
      expect(messages).toEqual([FALLBACK_LOG, BACK_LOG]);
    });

    it('returns to Redis at once when the connection comes back', async () => {
      const { fallback, state, run, messages } = switchOver();
      await run();
      state.failing = false;

      fallback.reconnected();

      expect(await run()).toBe('shared');
      expect(messages).toEqual([FALLBACK_LOG, BACK_LOG]);
    });
  });

  describe('while Redis answers', () => {
    it('logs nothing and never uses local state', async () => {
      const { state, run, messages } = switchOver();
      state.failing = false;

      expect([await run(), await run()]).toEqual(['shared', 'shared']);
      expect(messages).toEqual([]);
    });
  });
});

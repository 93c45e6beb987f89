import { AsyncLocalStorage } from 'node:async_hooks';

/** The database commands one request has caused so far. */
export interface CommandTally {
  commands: number;
}

const tallies = new AsyncLocalStorage<CommandTally>();

/**
 * Starts a tally for the rest of the current asynchronous flow: every database command started
 * from it, or from anything it awaits or schedules, counts for it. `enterWith` rather than `run`:
 * the request context is built inside Apollo's own flow, which goes on (parse, execute, answer)
 * after the context function has returned, and the tally must follow it there. Call it before
 * the first `await` of a flow that belongs to one request only.
 */
export function startCommandTally(): CommandTally {
  const tally: CommandTally = { commands: 0 };
  tallies.enterWith(tally);
  return tally;
}

/** The tally of the request this flow serves, or undefined (a poller's timer, start-up). */
export function currentCommandTally(): CommandTally | undefined {
  return tallies.getStore();
}

/** Counts one command for the request of the current flow; false when no request issued it. */
export function attributeCommand(): boolean {
  const tally = tallies.getStore();
  if (!tally) return false;

  tally.commands += 1;
  return true;
}

/**
 * Runs `work` outside any request's tally: for background work a request only starts (a tenant
 * move), whose commands are nobody's and must not keep the request's tally alive.
 */
export function outsideRequests<T>(work: () => T): T {
  return tallies.exit(work);
}

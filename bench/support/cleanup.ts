/** One thing to undo when the bench ends. */
interface CleanupStep {
  name: string;
  run: () => Promise<void>;
}

const steps: CleanupStep[] = [];
let running: Promise<void> | null = null;

/** Registers something to stop at the end; steps run last-registered first. */
export function atCleanup(name: string, run: () => Promise<void>): void {
  steps.push({ name, run });
}

/** Stops everything registered, once, reporting (not throwing) what failed to stop. */
export function runCleanup(): Promise<void> {
  running ??= (async () => {
    while (steps.length > 0) {
      const step = steps.pop()!;
      try {
        await step.run();
      } catch (error) {
        process.stderr.write(`cleanup of ${step.name} failed: ${(error as Error).message}\n`);
      }
    }
  })();
  return running;
}

/**
 * Runs a bench's main function so that its servers and workers stop however it ends: normally,
 * with an error, or on Ctrl-C.
 */
export function runBench(main: () => Promise<void>): void {
  const interrupt = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping everything this bench started\n`);
    void runCleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  main()
    .then(runCleanup)
    .then(() => process.exit(0))
    .catch(async (error: unknown) => {
      process.stderr.write(`bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
      await runCleanup();
      process.exit(1);
    });
}

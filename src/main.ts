import { ConfigError, loadConfig } from './config/config.js';
import { startGateway } from './http/gateway.js';
import { createLogger } from './logger.js';

/** Starts tenantgate from the environment and stops it cleanly on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const log = createLogger(config.logLevel);
  keepServingOnUnawaitedRejections(log);
  const gateway = await startGateway(config, log);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: finishing in-flight operations');
    const forced = setTimeout(() => process.exit(1), config.shutdownGraceMs + 5_000);
    forced.unref();
    await gateway.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/**
 * A promise that rejects with nobody awaiting it has no request left to answer; by default Node
 * stops the process for it, which would end every tenant's operations in flight for one
 * tenant's lost error. It is logged as the bug it is, and the gateway goes on. Uncaught
 * exceptions still stop the process: their state is unknown.
 */
function keepServingOnUnawaitedRejections(log: ReturnType<typeof createLogger>): void {
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'a rejected promise was not awaited');
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `tenantgate failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

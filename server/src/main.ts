/**
 * `npm run server`: HQ from its environment (CONTRACT.md). Prints `HQ listening on http://<host>:<port>`
 * on stdout once it takes requests; logs go to stderr. SIGTERM/SIGINT shut it down gracefully (in-flight
 * pushes finish); a second signal exits at once.
 */
import { ConfigError, configFromEnv } from './config';
import { createLogger } from './logger';
import { buildServer } from './server';

const log = createLogger();

async function main(): Promise<void> {
  const config = configFromEnv();
  const app = await buildServer({ ...config.options, logger: log });
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(130);
      stopping = true;
      log.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  process.stdout.write(`HQ listening on http://${host}:${port}\n`);
  process.stdout.write(`Back-office console: http://${host}:${port}/console\n`);
  if (app.hq.console.setupToken) {
    // Printed, never logged: whoever opens it first becomes the owner, and each start makes a new one.
    process.stdout.write(`No console owner yet. Open this one-time link to create one: http://${host}:${port}/console/setup#${app.hq.console.setupToken}\n`);
  }
  log.info({ instanceId: app.hq.instanceId, storage: config.options.storage.kind, demo: config.options.demo, faults: config.options.faultsEnabled }, 'HQ ready');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else log.fatal({ err: error }, 'HQ could not start');
  process.stderr.write(`HQ could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

/**
 * The web host: runs the register core in plain Node and serves the renderer and the API on 127.0.0.1,
 * for the browser preview and the end-to-end tests. Prints exactly one ready line on stdout.
 */
import path from 'node:path';
import { readRegisterConfig } from './core/config';
import { createKassaCore } from './core/kassa-core';
import { createLogger } from './core/logger';
import { WEB_HOST_SECRET_STORE } from './host/web-secret-store';
import { startWebServer } from './host/web-server';

const RENDERER_DIR = path.resolve(import.meta.dirname, '..', 'out', 'renderer');

async function main(): Promise<void> {
  const log = createLogger();
  const config = readRegisterConfig();
  // The page's token is a secret too: never in a support bundle.
  let token = '';
  // No keychain here: the core logs at start that the device token is kept in the clear, and diagnostics show it.
  const core = await createKassaCore({ config, log, secrets: () => (token ? [token] : []), secretStore: WEB_HOST_SECRET_STORE });
  const server = await startWebServer({ core, log, port: config.port, rendererDir: process.env.KASSA_RENDERER_DIR ?? RENDERER_DIR });
  token = server.token;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    core.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.write(`Kassa ready at ${server.url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Kassa could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

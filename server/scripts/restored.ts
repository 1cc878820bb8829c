/**
 * `npm run hq:restored -- [--data-dir <folder>] [--database-url <postgres://…>]`: run once after HQ's
 * database was restored from a backup, while HQ is stopped (docs/hq-restore.md). Gives the database a new
 * epoch, so every register reloads HQ's data and uploads again what HQ acknowledged after the backup.
 * Without options it uses HQ's environment (HQ_DATA_DIR or DATABASE_URL), as `npm run server` does.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, configFromEnv } from '../src/config';
import { openHqDatabase } from '../src/db/database';
import { renewEpoch } from '../src/db/epoch';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } }, strict: true });
  const env = { ...process.env };
  if (values['data-dir']) {
    env.HQ_DATA_DIR = path.resolve(values['data-dir']);
    delete env.DATABASE_URL;
  }
  if (values['database-url']) env.DATABASE_URL = values['database-url'];
  const { storage } = configFromEnv(env).options;
  const database = await openHqDatabase(storage);
  try {
    const { previous, epoch } = await renewEpoch(database.db);
    const where = storage.kind === 'sqlite' ? path.join(storage.dataDir, 'hq.db') : 'the PostgreSQL database';
    process.stdout.write(`HQ epoch of ${where} is now ${epoch} (was ${previous ?? 'none'}). Start HQ; registers reload its data and upload again what it lost.\n`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `The epoch could not be renewed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exit(1);
});

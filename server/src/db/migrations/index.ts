import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './001-initial';
import { orderIndexesMigration } from './002-order-indexes';
import { cardMoneyMigration } from './003-card-money';
import { cardKeyMigration } from './004-card-key';
import { epochMigration } from './005-epoch';
import { enrolmentCodesMigration } from './006-enrolment-codes';
import { labelPricesMigration } from './007-label-prices';
import { orderReturnsMigration } from './008-order-returns';
import { cashMigration } from './009-cash';
import { consoleMigration } from './010-console';
import { fleetMigration } from './011-fleet';
import { consoleCatalogMigration } from './012-console-catalog';
import { consoleReportsMigration } from './013-console-reports';
import { takingsDailyMigration } from './014-takings-daily';
import { sharedStateMigration } from './015-shared-state';
import { stagedChangesMigration } from './016-staged-changes';

/** Numbered, run in order, never edited after they ship (Kysely records each in kysely_migration). */
export const migrations: Record<string, Migration> = {
  '001-initial': initialMigration,
  '002-order-indexes': orderIndexesMigration,
  '003-card-money': cardMoneyMigration,
  '004-card-key': cardKeyMigration,
  '005-epoch': epochMigration,
  '006-enrolment-codes': enrolmentCodesMigration,
  '007-label-prices': labelPricesMigration,
  '008-order-returns': orderReturnsMigration,
  '009-cash': cashMigration,
  '010-console': consoleMigration,
  '011-fleet': fleetMigration,
  '012-console-catalog': consoleCatalogMigration,
  '013-console-reports': consoleReportsMigration,
  '014-takings-daily': takingsDailyMigration,
  '015-shared-state': sharedStateMigration,
  '016-staged-changes': stagedChangesMigration,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

import { productsMigration } from './001-products';
import { usersMigration } from './002-users';
import { salesMigration } from './003-sales';
import { paymentsMigration } from './004-payments';
import { outboxMigration } from './005-outbox';
import { connectivityLogMigration } from './006-connectivity-log';
import { syncMigration } from './007-sync';
import { tendersMigration } from './008-tenders';
import { cartOperationsMigration } from './009-cart-operations';
import { pricingMigration } from './010-pricing';
import { ordersMigration } from './011-orders';
import { membershipMigration } from './012-membership';
import { cardAttemptsMigration } from './013-card-attempts';
import { cardKeyMigration } from './014-card-key';
import { registerOrderMigration } from './015-register-order';
import { outboxArchiveMigration } from './016-outbox-archive';
import { labelPricesAndRefundReservationsMigration } from './017-label-prices-and-refund-reservations';
import { pinPepperMigration } from './018-pin-pepper';
import { lineRestoreMigration } from './019-line-restore';
import { returnLinesMigration } from './020-return-lines';
import { cashMigration } from './021-cash';
import { connectivityUidMigration } from './022-connectivity-uid';
import type { Migration } from './types';

/** Every migration in order; `version` is the `user_version` the database has after it ran. */
export const migrations: readonly Migration[] = [productsMigration, usersMigration, salesMigration, paymentsMigration, outboxMigration, connectivityLogMigration, syncMigration, tendersMigration, cartOperationsMigration, pricingMigration, ordersMigration, membershipMigration, cardAttemptsMigration, cardKeyMigration, registerOrderMigration, outboxArchiveMigration, labelPricesAndRefundReservationsMigration, pinPepperMigration, lineRestoreMigration, returnLinesMigration, cashMigration, connectivityUidMigration];

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]!.version;

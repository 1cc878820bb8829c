import { v7 as uuidv7 } from 'uuid';
import type { KassaModule } from '../../core/module';
import type { Platform } from '../../core/platform';
import { storeProfileOf } from '../../core/store-profile';
import type { Outbox } from '../../sync/outbox';
import type { AuthModule } from '../auth';
import type { CheckoutModule } from '../checkout';
import { cashHandlers, type CashChannels } from './cash.handlers';
import { CashRepository } from './cash.repository';
import { CashService } from './cash.service';

export type CashModule = KassaModule<CashChannels> & { cash: CashService };

/**
 * Cash management: the drawer session per register (float, paid in and out, drops, no-sale, blind count,
 * close), with each sale's and refund's cash journalled in their own transactions. Works offline: nothing
 * in it needs HQ; its operations reach HQ through the outbox.
 */
export function createCashModule({ platform, auth, checkout, outbox }: { platform: Platform; auth: AuthModule; checkout: Pick<CheckoutModule, 'printer'>; outbox: Outbox }): CashModule {
  const { db, settings, log } = platform;
  const cash = new CashService({
    cash: new CashRepository(db),
    outbox,
    rules: () => settings.cash,
    currency: () => storeProfileOf(platform).currency,
    approve: (pin, action, detail) => auth.policy.requireManager(pin, action, detail),
    // The drawer hangs off the receipt printer (ESC/POS); with the system printer the cashier opens it by hand.
    // Either way the movement is journalled; a drawer that does not open is logged, never an error for the sale.
    kick: (why) => {
      const printer = checkout.printer;
      if (!printer?.canKickDrawer) return log.debug({ why }, 'no cash drawer to open on this register');
      void printer.kickDrawer().then((outcome) => {
        if (!outcome.ok) log.warn({ why, outcome }, 'the cash drawer did not open');
      });
    },
    newId: uuidv7,
    log,
  });
  return {
    name: 'cash',
    cash,
    handlers: cashHandlers(cash),
    contributes: {
      saleCompleting: { completing: (saleId, payments, _currency, now, sale) => ({ memberId: null, operations: cash.saleCompleting(saleId, payments, sale.change, sale.cashierId, now) }) },
      refundWriting: cash,
      cashTender: () => cash.assertCashAllowed(),
    },
  };
}

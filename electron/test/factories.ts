import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CatalogProduct } from '../../shared/catalog';
import { gtinCheckDigit } from '../../shared/barcode';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase, type KassaDatabase, type OpenDatabaseOptions } from '../db/open';
import { catalogFeed, CatalogRepository } from '../modules/catalog';
import { checkoutFeed, PricingRulesRepository } from '../modules/checkout';
import { demoCardSealer } from '../modules/checkout/card-seal';
import { SimulatedTerminal } from '../modules/checkout/card-terminal';
import { CartRepository } from '../modules/checkout/cart.repository';
import { LedgerRepository } from '../modules/checkout/ledger.repository';
import { SaleService, type SaleServiceOptions } from '../modules/checkout/sale.service';
import type { FeedApplier } from '../sync/change-feed';
import { Outbox } from '../sync/outbox';

let sequence = 0;

/** The feed appliers of the modules that keep HQ's data (catalog, pricing rules, card settlements), as the register wires them. */
export function makeFeedAppliers(db: KassaDatabase): FeedApplier[] {
  return [catalogFeed(new CatalogRepository(db)), checkoutFeed(new PricingRulesRepository(db), new LedgerRepository(db))];
}

/** A fresh folder under the OS temp dir, removed by the returned cleanup. */
export function makeTempDir(prefix = 'kassa-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A valid EAN-13 that is unique within this test run. */
export function makeEan13(): string {
  const body = `40${String(++sequence).padStart(10, '0')}`;
  return body + gtinCheckDigit(body);
}

export function makeProduct(overrides: Partial<CatalogProduct> = {}): CatalogProduct {
  const n = ++sequence;
  return { sku: `SKU-T${n}`, barcodes: [makeEan13()], name: `Test product ${n}`, price: 199, taxClass: 'standard', ...overrides };
}

/** A migrated database in its own temp folder; close() also deletes the folder. */
export function makeDatabase(options: OpenDatabaseOptions = {}): { db: KassaDatabase; file: string; close: () => void } {
  const { dir, cleanup } = makeTempDir();
  const file = path.join(dir, 'kassa.db');
  const db = openDatabase(file, options);
  return {
    db,
    file,
    close: () => {
      if (db.open) db.close();
      cleanup();
    },
  };
}

/**
 * A sale service on `db` for store S01, register R01 in euros: online card through the simulated terminal,
 * offline card limits 50.00 / 100.00, any manager PIN approved as Max, cards kept for later sealed to a throwaway key. `overrides` replaces any of it.
 */
export function makeSaleService(db: KassaDatabase, overrides: Partial<SaleServiceOptions> = {}): SaleService {
  return new SaleService({
    carts: new CartRepository(db),
    sales: new LedgerRepository(db),
    outbox: new Outbox(db),
    numberPrefix: () => 'S01-R01',
    currency: () => 'EUR',
    newId: uuidv7,
    terminal: new SimulatedTerminal(),
    cardOnline: () => ({ available: true, reason: null }),
    offlineLimits: () => ({ perPaymentLimit: 5000, totalLimit: 10_000, uploadDeadlineHours: 24 }),
    managerByPin: async () => ({ name: 'Max' }),
    sealCard: demoCardSealer(),
    ...overrides,
  });
}

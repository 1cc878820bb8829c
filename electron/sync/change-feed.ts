import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { CatalogProductSchema } from '../../shared/catalog';
import { CHANGE_KINDS, ChangeDataSchemas, type Change, type ChangesResponse, type Snapshot } from '../../shared/hq/feed';
import type { Logger } from '../core/logger';
import type { KassaDatabase } from '../db/open';
import { CatalogRepository } from '../modules/catalog/catalog.repository';
import { hqMayOverwrite } from './conflict-policy';
import { HQ_EPOCH_KEY, RESYNC_DUE_KEY } from './hq-epoch';
import type { SyncState } from './sync-state';

export interface FeedTransport {
  changes(since: number, limit: number): Promise<ChangesResponse>;
  snapshot(): Promise<Snapshot>;
}

/** A module keeping its own copy of some of HQ's data (members, points): applies its kinds of change and its part of a snapshot, inside the feed's transactions. */
export interface FeedApplier {
  /** Applies the change if it is of this module's kinds; false leaves it to the next one. */
  applyChange(change: Change, now: number): boolean;
  applySnapshot(snapshot: Snapshot, now: number): void;
}

/** Told after each applied page, event or snapshot: how many changes, and of which kinds (a snapshot: every kind). */
export type AppliedListener = (applied: number, kinds: ReadonlySet<Change['kind']>) => void;

export const LAST_SEQ_KEY = 'lastSeq';
const PAGE = 500;
const STAGING_CHUNK = 5000;

/**
 * Brings HQ's authoritative data (catalog, tax classes, promotions) to the register: pages of the change
 * feed, each applied with its `lastSeq` in one transaction, or — when HQ no longer keeps the history the
 * register needs — a snapshot loaded into staging tables and swapped in by one short transaction, so a
 * register in the middle of a sale keeps working throughout.
 */
export class ChangeFeed {
  private running: Promise<{ applied: number; snapshot: boolean }> | null = null;
  private readonly catalog: CatalogRepository;
  private readonly upsertTaxClass;
  private readonly deleteTaxClass;
  private readonly upsertPromotion;
  private readonly deletePromotion;
  private readonly deactivateProduct;
  private readonly settleCard;
  private readonly listeners = new Set<AppliedListener>();

  constructor(
    private readonly db: KassaDatabase,
    private readonly state: SyncState,
    private readonly transport: FeedTransport,
    private readonly log: Logger,
    private readonly appliers: readonly FeedApplier[] = [],
  ) {
    this.catalog = new CatalogRepository(db);
    this.upsertTaxClass = db.prepare<[string, string, number]>(
      'INSERT INTO tax_classes (code, name, rate_basis_points) VALUES (?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name, rate_basis_points = excluded.rate_basis_points',
    );
    this.deleteTaxClass = db.prepare<[string]>('DELETE FROM tax_classes WHERE code = ?');
    this.upsertPromotion = db.prepare<[string, string]>('INSERT INTO promotions (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data');
    this.deletePromotion = db.prepare<[string]>('DELETE FROM promotions WHERE id = ?');
    this.deactivateProduct = db.prepare<[number, string]>('UPDATE products SET active = 0, updated_at = ? WHERE sku = ?');
    this.settleCard = db.prepare<[string, string | null, string]>("UPDATE payments SET settlement = ?, settlement_reason = ? WHERE id = ? AND status = 'stored'");
  }

  lastSeq(): number {
    return this.state.get<number>(LAST_SEQ_KEY) ?? 0;
  }

  /** Told after every applied page or event, with how many changes it held and their kinds (what was cached of them is stale). */
  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pulls until HQ has nothing more (single-flight). */
  pull(): Promise<{ applied: number; snapshot: boolean }> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Applies changes that follow `prevSeq` directly (a realtime event). Returns false when `prevSeq` is
   * not where the register is: a gap, to be closed by a pull.
   */
  applyFollowing(prevSeq: number, changes: readonly Change[], nextSeq: number): boolean {
    // HQ was restored: its sequence numbers may mean other changes now; a pull loads a snapshot first.
    if (this.resyncDue()) return false;
    if (prevSeq !== this.lastSeq()) return prevSeq < this.lastSeq() && nextSeq <= this.lastSeq();
    this.applyPage(changes, nextSeq);
    return true;
  }

  private async run(): Promise<{ applied: number; snapshot: boolean }> {
    let applied = 0;
    let snapshot = false;
    for (;;) {
      const page = await this.transport.changes(this.lastSeq(), PAGE);
      // resyncDue: HQ's epoch changed (it was restored from a backup; the transport told the epoch watch
      // before returning this page), so its history may have been rewritten below lastSeq.
      if (page.snapshotRequired || this.resyncDue()) {
        await this.loadSnapshot(await this.transport.snapshot());
        snapshot = true;
        continue;
      }
      this.applyPage(page.changes, page.nextSeq);
      applied += page.changes.length;
      if (!page.hasMore) return { applied, snapshot };
    }
  }

  private resyncDue(): boolean {
    return this.state.get<boolean>(RESYNC_DUE_KEY) === true;
  }

  private applyPage(changes: readonly Change[], nextSeq: number): void {
    const now = Date.now();
    const kinds = new Set<Change['kind']>();
    this.db.transaction(() => {
      // The realtime stream may have got ahead of a pull's page while it was on its way: what is at or
      // below lastSeq is here already, and applying it again would bring back older values.
      const from = this.lastSeq();
      for (const change of changes) {
        if (change.seq <= from) continue;
        this.applyChange(change, now);
        kinds.add(change.kind);
      }
      this.state.set(LAST_SEQ_KEY, Math.max(nextSeq, from));
    })();
    for (const listener of this.listeners) listener(changes.length, kinds);
  }

  private applyChange(change: Change, now: number): void {
    switch (change.kind) {
      case 'product':
        if (!hqMayOverwrite('product')) return;
        if (change.action === 'delete') this.deactivateProduct.run(now, change.entityId);
        else this.catalog.upsertMany([ChangeDataSchemas.product.parse(change.data)], now);
        return;
      case 'taxClass': {
        if (change.action === 'delete') return void this.deleteTaxClass.run(change.entityId);
        const t = ChangeDataSchemas.taxClass.parse(change.data);
        this.upsertTaxClass.run(t.code, t.name, t.rateBasisPoints);
        return;
      }
      case 'promotion':
        if (change.action === 'delete') this.deletePromotion.run(change.entityId);
        else this.upsertPromotion.run(change.entityId, JSON.stringify(ChangeDataSchemas.promotion.parse(change.data)));
        return;
      case 'cardSettlement': {
        // HQ's verdict on a card payment this register stored offline; a decline must reach a manager.
        const settlement = ChangeDataSchemas.cardSettlement.parse(change.data);
        this.settleCard.run(settlement.status, settlement.reason, settlement.id);
        return;
      }
      default:
        for (const applier of this.appliers) if (applier.applyChange(change, now)) return;
        // Orders of other registers are stored by their module once it keeps local copies; until then the
        // register only moves past them.
        return;
    }
  }

  /** Loads a full snapshot into staging tables in chunks (yielding between them), then applies the differences at once. */
  async loadSnapshot(snapshot: Snapshot): Promise<void> {
    const started = Date.now();
    const products = snapshot.products.map((p) => CatalogProductSchema.parse(p));
    this.db.exec('DELETE FROM products_staging; DELETE FROM product_barcodes_staging;');
    const insertProduct = this.db.prepare<[string, string, number, string, number, number]>(
      'INSERT OR REPLACE INTO products_staging (sku, name, price, tax_class, price_by_label, active, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?)',
    );
    const insertBarcode = this.db.prepare<[string, string]>('INSERT OR REPLACE INTO product_barcodes_staging (barcode, sku) VALUES (?, ?)');
    for (let i = 0; i < products.length; i += STAGING_CHUNK) {
      this.db.transaction(() => {
        for (const p of products.slice(i, i + STAGING_CHUNK)) {
          insertProduct.run(p.sku, p.name, p.price, p.taxClass, p.priceByLabel ? 1 : 0, started);
          for (const barcode of p.barcodes) insertBarcode.run(barcode, p.sku);
        }
      })();
      await yieldToEventLoop();
    }
    this.db.transaction(() => {
      // Only the differences are written: a register re-loading a catalog it mostly has (the usual case
      // after falling behind HQ's feed) holds the database, and the till's event loop, for a moment only.
      this.db.exec(`
        DELETE FROM products WHERE sku NOT IN (SELECT sku FROM products_staging);
        DELETE FROM product_barcodes WHERE barcode NOT IN (SELECT barcode FROM product_barcodes_staging);
        INSERT INTO products (sku, name, price, tax_class, price_by_label, active, updated_at)
          SELECT s.sku, s.name, s.price, s.tax_class, s.price_by_label, s.active, s.updated_at FROM products_staging s LEFT JOIN products p ON p.sku = s.sku
          WHERE p.sku IS NULL OR p.name IS NOT s.name OR p.price IS NOT s.price OR p.tax_class IS NOT s.tax_class OR p.price_by_label IS NOT s.price_by_label OR p.active IS NOT s.active
          ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price = excluded.price, tax_class = excluded.tax_class, price_by_label = excluded.price_by_label,
            active = excluded.active, updated_at = excluded.updated_at;
        INSERT INTO product_barcodes (barcode, sku)
          SELECT s.barcode, s.sku FROM product_barcodes_staging s LEFT JOIN product_barcodes b ON b.barcode = s.barcode
          WHERE b.barcode IS NULL OR b.sku IS NOT s.sku
          ON CONFLICT (barcode) DO UPDATE SET sku = excluded.sku;
        DELETE FROM product_barcodes_staging;
        DELETE FROM products_staging;
        DELETE FROM tax_classes;
        DELETE FROM promotions;
      `);
      for (const t of snapshot.taxClasses) this.upsertTaxClass.run(t.code, t.name, t.rateBasisPoints);
      for (const p of snapshot.promotions) this.upsertPromotion.run(p.id, JSON.stringify(p));
      for (const applier of this.appliers) applier.applySnapshot(snapshot, started);
      this.state.set(LAST_SEQ_KEY, snapshot.seq);
      // A snapshot of HQ's current epoch ends the resync an epoch change asked for (one of an older epoch,
      // fetched before the change was noticed, does not).
      if (snapshot.epoch === undefined || snapshot.epoch === this.state.get<string>(HQ_EPOCH_KEY)) this.state.set(RESYNC_DUE_KEY, null);
    })();
    this.log.info({ products: products.length, seq: snapshot.seq, ms: Date.now() - started }, 'catalog snapshot applied');
    const everything = new Set(CHANGE_KINDS);
    for (const listener of this.listeners) listener(products.length, everything);
  }
}

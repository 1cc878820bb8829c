import type { Promotion, TaxClass } from '../../../../shared/hq/feed';
import type { KassaDatabase } from '../../../db/open';

/** HQ's pricing rules as the register keeps them: the tax classes and promotions the cart is priced with. */
export class PricingRulesRepository {
  private readonly upsertTaxClass;
  private readonly deleteTaxClass;
  private readonly upsertPromotion;
  private readonly deletePromotion;

  constructor(private readonly db: KassaDatabase) {
    this.upsertTaxClass = db.prepare<[string, string, number]>(
      'INSERT INTO tax_classes (code, name, rate_basis_points) VALUES (?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name, rate_basis_points = excluded.rate_basis_points',
    );
    this.deleteTaxClass = db.prepare<[string]>('DELETE FROM tax_classes WHERE code = ?');
    this.upsertPromotion = db.prepare<[string, string]>('INSERT INTO promotions (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data');
    this.deletePromotion = db.prepare<[string]>('DELETE FROM promotions WHERE id = ?');
  }

  saveTaxClass(t: TaxClass): void {
    this.upsertTaxClass.run(t.code, t.name, t.rateBasisPoints);
  }

  removeTaxClass(code: string): void {
    this.deleteTaxClass.run(code);
  }

  savePromotion(id: string, promotion: Promotion): void {
    this.upsertPromotion.run(id, JSON.stringify(promotion));
  }

  removePromotion(id: string): void {
    this.deletePromotion.run(id);
  }

  /** Replaces every rule with a snapshot's (inside the feed's swap transaction). */
  replaceAll(taxClasses: readonly TaxClass[], promotions: readonly Promotion[]): void {
    this.db.exec('DELETE FROM tax_classes; DELETE FROM promotions;');
    for (const t of taxClasses) this.saveTaxClass(t);
    for (const p of promotions) this.savePromotion(p.id, p);
  }
}

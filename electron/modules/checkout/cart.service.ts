import type { Cart, Product } from '../../../shared/api';
import { readScanCode } from '../../../shared/barcode';
import { KassaError } from '../../../shared/errors';
import type { CatalogRepository } from '../catalog/catalog.repository';
import type { CartRepository } from './cart.repository';

const MISREAD: Record<string, string> = {
  'check-digit': 'did not read correctly (its check digit is wrong)',
  length: 'is not a barcode length Kassa knows (EAN-13, UPC-A or EAN-8)',
  characters: 'contains characters no barcode or SKU has',
  empty: 'is empty',
};

/** The cart of the open sale: scanning, looking up, reading it back. */
export class CartService {
  constructor(
    private readonly carts: CartRepository,
    private readonly catalog: CatalogRepository,
    private readonly currency: string,
    private readonly ids: { newId: () => string },
  ) {}

  get(): Cart {
    return this.carts.get(this.currency);
  }

  /** Finds the product a scanned barcode or typed SKU names, or says clearly why not. */
  lookup(raw: string): Product {
    const code = readScanCode(raw);
    const shown = JSON.stringify(raw.trim().slice(0, 32));
    if (code.kind === 'invalid') {
      throw new KassaError('INVALID_BARCODE', `The code ${shown} ${MISREAD[code.reason]}. Scan it again or type the SKU.`);
    }
    const product = code.kind === 'gtin' ? this.catalog.findByBarcode(code.gtin) : this.catalog.findBySku(code.sku);
    if (!product) {
      throw new KassaError('UNKNOWN_BARCODE', `No product with ${code.kind === 'gtin' ? 'barcode' : 'SKU'} ${shown} in this store's catalog. The cart is unchanged.`);
    }
    return product;
  }

  scan(raw: string, cashierId: string): Cart {
    const product = this.lookup(raw);
    this.carts.addOne(product, { sale: this.ids.newId, line: this.ids.newId }, cashierId, this.currency);
    return this.get();
  }
}

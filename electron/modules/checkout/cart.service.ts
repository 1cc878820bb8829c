import type { Cart, HeldCart, Product, User } from '../../../shared/api';
import { readEmbeddedBarcode, readScanCode, type EmbeddedBarcodeRule, type ScanCode } from '../../../shared/barcode';
import { KassaError } from '../../../shared/errors';
import { formatMoney } from '../../../shared/money';
import type { CatalogLookup } from '../catalog';
import { checkPrice, checkQuantity, grossOf, priced } from './cart-line';
import type { CartRepository, JournalEntry, StoredLine } from './cart.repository';

export interface CartOptions {
  newId: () => string;
  /** In-store scale labels; none are read when absent. */
  embeddedBarcode?: () => EmbeddedBarcodeRule;
  /** The manager whose PIN this is for `action` (the auth policy logs and rate-limits it), or a NOT_A_MANAGER error. */
  managerByPin?: (pin: string, action: string) => Promise<User>;
  /** `orders.noReceiptManagerAbove`: a return without a receipt worth more than this needs a manager's PIN. */
  noReceiptManagerAbove?: () => number;
  /** What a returned item at today's price gives back (with tax added where prices exclude it). */
  returnAmount?: (amount: number, taxClass: Product['taxClass']) => number;
  now?: () => number;
}

const MISREAD: Record<string, string> = {
  'check-digit': 'did not read correctly (its check digit is wrong)',
  length: 'is not a barcode length Kassa knows (EAN-13, UPC-A or EAN-8)',
  characters: 'contains characters no barcode or SKU has',
  empty: 'is empty',
};

function misread(raw: string, reason: Extract<ScanCode, { kind: 'invalid' }>['reason']): KassaError {
  return new KassaError('INVALID_BARCODE', `The code ${shown(raw)} ${MISREAD[reason]}. Scan it again or type the SKU.`);
}

function unknownCode(raw: string, code: ScanCode): KassaError {
  return new KassaError('UNKNOWN_BARCODE', `No product with ${code.kind === 'gtin' ? 'barcode' : 'SKU'} ${shown(raw)} in this store's catalog. The cart is unchanged.`);
}

function shown(raw: string): string {
  return JSON.stringify(raw.trim().slice(0, 32));
}

/** The cart of the open sale: scanning, looking up, reading it back. */
export class CartService {
  constructor(
    private readonly carts: CartRepository,
    private readonly catalog: CatalogLookup,
    private readonly currencyOf: string | (() => string),
    private readonly ids: CartOptions,
  ) {}

  /** The store's currency, read at each use: the store profile changes when the register enrols. */
  private get currency(): string {
    return typeof this.currencyOf === 'string' ? this.currencyOf : this.currencyOf();
  }

  get(): Cart {
    return this.carts.get(this.currency);
  }

  /** Finds the product a scanned barcode or typed SKU names, or says clearly why not. */
  lookup(raw: string): Product {
    const code = readScanCode(raw);
    if (code.kind === 'invalid') throw misread(raw, code.reason);
    const product = code.kind === 'gtin' ? this.catalog.findByBarcode(code.gtin) : this.catalog.findBySku(code.sku);
    if (!product) throw unknownCode(raw, code);
    return product;
  }

  /**
   * Adds what `raw` names; `quantity` (from "n *" typed before the scan) makes that line n of the product. The
   * code is read once: a product's own barcode or SKU first, then a scale label for a barcode no product has.
   */
  scan(raw: string, cashierId: string, quantity = 1): Cart {
    const code = readScanCode(raw);
    if (code.kind === 'invalid') throw misread(raw, code.reason);
    const product = this.catalog.saleItem(code.kind === 'gtin' ? { barcode: code.gtin } : { sku: code.sku });
    const ids = { sale: this.ids.newId, line: this.ids.newId };
    if (!product) {
      const label = code.kind === 'gtin' ? this.scaleLabel(code.gtin) : null;
      if (!label) throw unknownCode(raw, code);
      if (quantity !== 1) throw new KassaError('NOT_ALLOWED', 'A scale label prices one item: scan each label, without a quantity.');
      this.carts.addEmbedded(label, ids, cashierId, this.currency, this.now());
    } else {
      if (quantity !== 1) checkQuantity(quantity);
      this.carts.addOne(product, ids, cashierId, this.currency, this.now(), quantity);
    }
    return this.get();
  }

  /**
   * Opens the sale before its first item (a member shown first): the open sale's id, a new empty one when
   * the cart has none; `within` runs in the same transaction. The items scanned next join this sale.
   */
  open(cashierId: string, within?: (saleId: string) => void): string {
    return this.carts.open({ sale: this.ids.newId }, cashierId, this.currency, within, this.now());
  }

  /** Products by name or SKU for the search dialog. */
  search(query: string): Product[] {
    return this.catalog.search(query, 20);
  }

  /**
   * A returned item without a receipt: the product a code names at today's price × quantity, as a negative
   * line with the reason. Above `orders.noReceiptManagerAbove` a manager approves it with their PIN.
   */
  async addReturnWithoutReceipt(request: { code: string; quantity: number; reason: string; managerPin?: string | undefined }, cashierId: string): Promise<Cart> {
    checkQuantity(request.quantity);
    const reason = request.reason.trim();
    if (!reason) throw new KassaError('INVALID_INPUT', 'Say why the item comes back.');
    this.noPaymentYet();
    const product = this.lookup(request.code);
    const amount = this.ids.returnAmount?.(product.price * request.quantity, product.taxClass) ?? product.price * request.quantity;
    const limit = this.ids.noReceiptManagerAbove?.() ?? 0;
    if (amount > limit) {
      if (!request.managerPin) {
        throw new KassaError(
          'NOT_ALLOWED',
          `A return without a receipt worth more than ${formatMoney(limit, this.currency)} needs a manager's approval. A manager enters their PIN, or the item is not taken back.`,
        );
      }
      await this.manager(request.managerPin, 'cart.returnWithoutReceipt');
    }
    this.noPaymentYet();
    this.carts.addReturns(
      [{ sku: product.sku, name: product.name, quantity: request.quantity, unitPrice: product.price, taxClass: product.taxClass, amount, reason, from: null }],
      { sale: this.ids.newId, line: this.ids.newId },
      cashierId,
      this.currency,
      this.now(),
    );
    return this.get();
  }

  /** Returned items come into a cart only before any money is taken (the amount due must not fall under what was paid). */
  noPaymentYet(): void {
    const saleId = this.carts.openId();
    if (saleId && this.carts.paymentsTaken(saleId)) {
      throw new KassaError('NOT_ALLOWED', 'A payment was already taken for this sale, so nothing can be returned in it. Finish the sale, then take the item back in a new one.');
    }
  }

  setQuantity(lineId: string, quantity: number, userId: string): Cart {
    const { saleId, line } = this.openLine(lineId, 'change');
    checkQuantity(quantity);
    if (line.weightGrams !== null) throw new KassaError('NOT_ALLOWED', `${line.name} was weighed, so its quantity cannot change. Void the line and weigh it again.`);
    this.carts.changeLine(saleId, lineId, priced({ ...line, quantity }), this.entry(saleId, lineId, 'quantity', { from: line.quantity, to: quantity }, userId));
    return this.get();
  }

  voidLine(lineId: string, userId: string): Cart {
    const { saleId, line } = this.openLine(lineId);
    const detail = { sku: line.sku, quantity: line.quantity, unitPrice: line.unitPrice, lineTotal: line.lineTotal };
    this.carts.voidLine(saleId, lineId, this.entry(saleId, lineId, 'void-line', detail, userId));
    return this.get();
  }

  /** Undo of a line void: the line comes back exactly as it was, while the sale is still open and unpaid. */
  restoreLine(lineId: string, userId: string): Cart {
    const saleId = this.carts.openId();
    const { detail: _detail, ...entry } = this.entry(saleId ?? '', lineId, 'restore-line', {}, userId);
    if (!saleId || !this.carts.restoreLine(saleId, lineId, entry)) {
      throw new KassaError('NOT_FOUND', 'That line cannot come back: the sale moved on or a payment was taken. Scan the item again.');
    }
    return this.get();
  }

  /** Voids the whole open cart, keeping it (with the reason) for the record; the cashier starts afresh. */
  voidSale(reason: string, userId: string): Cart {
    const cart = this.get();
    const why = reason.trim();
    if (!cart.id) throw new KassaError('NOT_FOUND', 'There is no sale to void: the cart is empty.');
    if (why.length < 3) throw new KassaError('INVALID_INPUT', 'Say why the sale is voided (at least 3 characters).');
    if (this.carts.paymentsTaken(cart.id)) throw new KassaError('NOT_ALLOWED', 'A payment was already taken for this sale, so it cannot be voided. Finish the sale, then refund it.');
    this.carts.void(cart.id, why, this.entry(cart.id, null, 'void-sale', { reason: why, total: cart.total, lines: cart.lines.length }, userId));
    return this.get();
  }

  async overridePrice(lineId: string, price: number, managerPin: string, userId: string): Promise<Cart> {
    checkPrice(price);
    this.openLine(lineId, 'change');
    const manager = await this.manager(managerPin, 'cart.overridePrice');
    // Read again after the PIN check: the cart may have changed while it ran.
    const { saleId, line } = this.openLine(lineId, 'change');
    const changed = priced({ ...line, unitPrice: price, originalPrice: line.originalPrice ?? line.unitPrice, approvedBy: manager.id });
    this.carts.changeLine(saleId, lineId, changed, this.entry(saleId, lineId, 'price-override', { from: line.unitPrice, to: price }, userId, manager.id));
    return this.get();
  }

  /** A line discount as a percentage (1–100) or an amount in minor units, approved by a manager. */
  async discount(lineId: string, off: { percent?: number; amount?: number }, managerPin: string, userId: string): Promise<Cart> {
    const { line: before } = this.openLine(lineId, 'change');
    if ((off.percent === undefined) === (off.amount === undefined)) throw new KassaError('INVALID_INPUT', 'Give the discount either as a percentage or as an amount.');
    if (off.percent !== undefined && (off.percent < 1 || off.percent > 100)) throw new KassaError('INVALID_INPUT', 'A percentage discount is between 1 and 100.');
    if (off.amount !== undefined && off.amount < 0) throw new KassaError('INVALID_INPUT', 'A discount cannot be negative.');
    if (off.amount !== undefined && off.amount > grossOf(before)) throw new KassaError('INVALID_INPUT', 'A discount cannot be more than the line costs.');
    const manager = await this.manager(managerPin, 'cart.discount');
    const { saleId, line } = this.openLine(lineId, 'change');
    const changed = priced({ ...line, discount: off.amount ?? 0, discountPercent: off.percent ?? null, approvedBy: manager.id });
    this.carts.changeLine(saleId, lineId, changed, this.entry(saleId, lineId, 'discount', { ...off, amount: changed.discount }, userId, manager.id));
    return this.get();
  }

  /** Puts the open cart aside under a label (the time when none is given) and leaves an empty cart. */
  hold(label: string | undefined, userId: string): Cart {
    const cart = this.get();
    // A sale with no line (a member shown first, say) is not held: it sells nothing, and bringing it back
    // is one scan of the card, whereas a list of held carts with nothing in them only hides the real ones.
    if (!cart.id || cart.lines.length === 0) throw new KassaError('NOT_FOUND', 'There is nothing to hold: no item is scanned on this sale yet.');
    if (this.carts.paymentsTaken(cart.id)) throw new KassaError('NOT_ALLOWED', 'A payment was already taken for this sale, so it cannot be put on hold. Finish the sale first.');
    const now = this.now();
    // The register's own clock and time zone: the cashier reads the label on the same till.
    const name = label?.trim() || `Sale held at ${new Date(now).toTimeString().slice(0, 5)}`;
    this.carts.hold(cart.id, name, this.entry(cart.id, null, 'hold', { label: name, total: cart.total }, userId));
    return this.get();
  }

  /**
   * Another cashier takes over the till: a sale with items is held for the one who left (under `label`); a
   * sale without items (a member shown first, say) is voided, so the next customer's sale does not go to that
   * member. A sale with a payment taken stays open for the next cashier to finish. Null: nothing changed.
   */
  handOver(label: string, userId: string): Cart | null {
    const cart = this.get();
    if (!cart.id || this.carts.paymentsTaken(cart.id)) return null;
    if (cart.lines.length > 0) return this.hold(label, userId);
    const reason = 'no items yet when another cashier took over';
    if (!this.carts.void(cart.id, reason, this.entry(cart.id, null, 'void-sale', { reason }, userId))) return null;
    return this.get();
  }

  held(): HeldCart[] {
    return this.carts.held();
  }

  recall(saleId: string, userId: string): Cart {
    const open = this.get();
    if (open.lines.length > 0) throw new KassaError('CART_NOT_EMPTY', 'Finish or hold the sale in progress before recalling another.');
    if (!this.carts.held().some((held) => held.id === saleId)) throw new KassaError('NOT_FOUND', 'That cart is not held any more. Pick one from the list of held carts.');
    // An open sale with no line (every line voided, or only a member shown first) makes way for the recalled
    // one: it is voided, not carried over, since the recalled customer is rarely the one whose card was scanned.
    if (open.id) this.carts.void(open.id, 'empty cart replaced by a recalled one', this.entry(open.id, null, 'void-sale', { reason: 'recall' }, userId));
    if (!this.carts.recall(saleId, this.entry(saleId, null, 'recall', {}, userId))) throw new KassaError('NOT_FOUND', 'That cart is not held any more.');
    return this.get();
  }

  /** A scale label (in-store prefix) for a barcode no product has, priced from its embedded price or weight; null for any other code. */
  private scaleLabel(gtin: string) {
    const rule = this.ids.embeddedBarcode?.();
    const label = rule ? readEmbeddedBarcode(gtin, rule) : null;
    if (!label) return null;
    const product = this.labelProduct(label.zeroed, label.itemCode, gtin);
    if (label.amount === 0) throw new KassaError('INVALID_BARCODE', `The scale label for ${product.name} shows nothing (0). Weigh the item again.`);
    if (label.value === 'price') return { product, unitPrice: label.amount, weightGrams: null, lineTotal: label.amount };
    const lineTotal = grossOf({ quantity: 1, unitPrice: product.price, weightGrams: label.amount });
    return { product, unitPrice: product.price, weightGrams: label.amount, lineTotal };
  }

  /**
   * The one product a scale label names (by its own in-store barcode, or its item code exactly) that is
   * marked for label prices; a label for any other product is refused, so no label prices a gift card.
   */
  private labelProduct(zeroed: string, itemCode: string, gtin: string): Product {
    const own = this.catalog.findByBarcode(zeroed);
    const named = own ? [own] : this.catalog.findByItemCode(itemCode);
    if (named.length === 0) throw new KassaError('UNKNOWN_BARCODE', `No product with item code ${itemCode} (scale label ${gtin}) in this store's catalog. The cart is unchanged.`);
    const labelled = named.filter((p) => p.priceByLabel);
    if (labelled.length === 0) {
      throw new KassaError(
        'LABEL_PRICE_NOT_ALLOWED',
        `${named[0]!.name} is not sold by scale label, so the label ${gtin} cannot price it. Scan the product's own barcode; the cart is unchanged.`,
      );
    }
    if (labelled.length > 1) {
      throw new KassaError('INVALID_BARCODE', `The scale label ${gtin} names more than one product (item code ${itemCode}). Scan the product's own barcode or type its SKU; the cart is unchanged.`);
    }
    return labelled[0]!;
  }

  private openLine(lineId: string, intent: 'change' | 'void' = 'void'): { saleId: string; line: StoredLine } {
    const saleId = this.carts.openId();
    const line = saleId ? this.carts.line(saleId, lineId) : undefined;
    if (!saleId || !line) throw new KassaError('NOT_FOUND', 'That line is not in the cart any more. Pick a line from the cart.');
    // Once money is taken the amount due must not fall under it (a card overpaid would come back as cash).
    if (this.carts.paymentsTaken(saleId)) throw new KassaError('NOT_ALLOWED', 'A payment was already taken for this sale, so its lines cannot change. Finish the sale, then refund what is needed.');
    if (intent === 'change' && line.returnReason !== null) {
      throw new KassaError('NOT_ALLOWED', `${line.name} is a returned item: its quantity and price stay as they were taken back. Void the line and return it again to change it.`);
    }
    return { saleId, line };
  }

  private async manager(pin: string, action: string): Promise<User> {
    if (!this.ids.managerByPin) throw new KassaError('NOT_A_MANAGER', 'Manager approval is not available on this register.');
    return this.ids.managerByPin(pin, action);
  }

  private entry(saleId: string, lineId: string | null, action: JournalEntry['action'], detail: Record<string, unknown>, userId: string, managerId: string | null = null): JournalEntry {
    return { id: this.ids.newId(), saleId, lineId, action, detail, userId, managerId, at: this.now() };
  }

  private now(): number {
    return this.ids.now?.() ?? Date.now();
  }
}

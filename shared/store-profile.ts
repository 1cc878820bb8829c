/**
 * The store this register sells for, as every part of the register uses it: the cart, the sale and its
 * number, receipts, orders and the app's header. HQ's word when the register is enrolled, the register's
 * settings otherwise (demo mode, or before enrolment).
 */
export interface StoreProfile {
  storeName: string;
  /** Letters and digits, no hyphen: the first part of a sale number. */
  storeCode: string;
  /** Letters and digits, no hyphen: the second part of a sale number. */
  registerCode: string;
  /** ISO 4217, e.g. EUR. */
  currency: string;
  /** Whether shelf prices include tax (tax is extracted) or tax is added on top. */
  pricesIncludeTax: boolean;
  /** Cash amounts due are rounded to this step in minor units: 0 = none, 5 or 10. */
  cashRoundingMinor: 0 | 5 | 10;
}


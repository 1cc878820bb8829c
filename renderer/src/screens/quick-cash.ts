import { parseMoneyInput, toMoneyInput } from './cart/money-input';

/** The notes a customer hands over, in minor units, offered as quick amounts beside the exact amount. */
export const QUICK_NOTES = [500, 1000, 2000, 5000, 10000];

/**
 * The cash field as the cashier builds it: its text, and whether that text is still the amount the till
 * put there (the amount due, or Exact), which the next quick amount replaces instead of adding to.
 */
export interface CashEntry {
  text: string;
  prefilled: boolean;
}

/** The till puts an amount in the field (the amount due when Cash opens, or Exact). */
export function prefillCash(amount: number, currency: string): CashEntry {
  return { text: toMoneyInput(amount, currency), prefilled: true };
}

/** The cashier typed (keyboard or number pad): the text is theirs from now on. */
export function typeCash(text: string): CashEntry {
  return { text, prefilled: false };
}

/**
 * A quick amount tapped: notes add up (20 then 5 is 25 received), the first one replacing the amount the
 * till put in the field; an empty or unreadable field counts as nothing received yet.
 */
export function addQuickCash(entry: CashEntry, note: number, currency: string): CashEntry {
  const received = entry.prefilled ? 0 : (parseMoneyInput(entry.text, currency) ?? 0);
  return { text: toMoneyInput(Math.max(0, received) + note, currency), prefilled: false };
}

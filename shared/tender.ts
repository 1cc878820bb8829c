import { z } from 'zod';

/** How a payment is made: cash, a card, or the attached member's loyalty points. The one list of them. */
export const TENDERS = ['cash', 'card', 'points'] as const;
export const TenderSchema = z.enum(TENDERS);
export type Tender = z.infer<typeof TenderSchema>;

/** The tenders money moves by at the till and the card acquirer (points are not money handed over). */
export type MoneyTender = Extract<Tender, 'cash' | 'card'>;

export const isTender = (value: string): value is Tender => (TENDERS as readonly string[]).includes(value);

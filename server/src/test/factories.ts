import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import { gtinCheckDigit } from '../../../shared/barcode';
import type { CatalogProduct } from '../../../shared/catalog';
import type { Operation, OpResult, PushResponse, SalePayload } from '../../../shared/hq/ops';
import type { HqApp } from '../context';
import type { TestRegister } from './harness';

let sequence = 0;
const next = () => ++sequence;

/** A valid EAN-13 unique in this run, outside the demo catalog's prefixes. */
export function makeEan13(): string {
  const body = `21${String(next()).padStart(10, '0')}`;
  return body + gtinCheckDigit(body);
}

export function makeProduct(overrides: Partial<CatalogProduct> = {}): CatalogProduct {
  const n = next();
  return { sku: `TEST-${n}`, barcodes: [makeEan13()], name: `Test product ${n}`, price: 199, taxClass: 'standard', ...overrides };
}

export function makeSale(overrides: Partial<SalePayload> = {}): SalePayload {
  const n = next();
  return {
    id: uuidv7(),
    number: `S01-R01-${n}`,
    cashierId: 'cashier-1',
    currency: 'EUR',
    lines: [{ sku: 'SKU-000001', name: 'Meadowmere Whole Milk 1 L', quantity: 2, unitPrice: 129, taxClass: 'reduced', lineTotal: 258 }],
    total: 258,
    createdAt: new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString(),
    ...overrides,
  };
}

/** An operation around a payload whose `id` is the entity id. */
export function makeOp(entity: string, type: string, payload: { id: string } & Record<string, unknown>, overrides: Partial<Operation> = {}): Operation {
  return { id: uuidv4(), entity, entityId: payload.id, type, payload, createdAt: new Date().toISOString(), ...overrides };
}

export function makeSaleOp(overrides: Partial<SalePayload> = {}): Operation {
  return makeOp('sale', 'completed', makeSale(overrides));
}

export function makeMemberPayload(overrides: Record<string, unknown> = {}) {
  const n = next();
  return { id: uuidv7(), name: `Member ${n}`, phone: `+49170${String(n).padStart(7, '0')}`, createdAt: new Date().toISOString(), ...overrides };
}

export async function push(app: HqApp, register: TestRegister, ops: Operation[]): Promise<OpResult[]> {
  const res = await app.inject({ method: 'POST', url: '/sync/push', headers: register.auth, payload: { registerId: register.registerId, ops } });
  if (res.statusCode !== 200) throw new Error(`push failed: ${res.statusCode} ${res.body}`);
  return res.json<PushResponse>().results;
}

/** The sale's `payment` operations for its stored card payments, as the register writes them beside each one. */
export function cardPaymentOps(sale: SalePayload, stored: readonly Operation[], status: 'stored' | 'approved' = 'stored'): Operation[] {
  return stored.map((op) =>
    makeOp('payment', 'recorded', { id: op.entityId, orderId: sale.id, tender: 'card', amount: (op.payload as { amount: number }).amount, status, createdAt: sale.createdAt }),
  );
}

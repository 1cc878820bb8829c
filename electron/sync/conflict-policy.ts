/**
 * Who wins when HQ and this register disagree, per entity and field — the one written policy
 * (PRODUCT.md, "Data"). HQ is authoritative for the catalog, prices, promotions and member identity; the
 * register for the sales, refunds and payments it took; point ledger entries are never overwritten by
 * either side, only appended (a balance is a sum).
 */
export type Winner = 'hq' | 'register' | 'append-only';

export const CONFLICT_POLICY = {
  product: { name: 'hq', price: 'hq', taxClass: 'hq', barcodes: 'hq', active: 'hq' },
  taxClass: { name: 'hq', rateBasisPoints: 'hq' },
  promotion: { rule: 'hq', active: 'hq' },
  member: { name: 'hq', phone: 'hq', card: 'hq' },
  sale: { lines: 'register', total: 'register', number: 'register', createdAt: 'register' },
  refund: { lines: 'register', total: 'register', originalOrderId: 'register' },
  payment: { amount: 'register', tender: 'register', status: 'register' },
  pointLedger: { entries: 'append-only' },
} as const satisfies Record<string, Record<string, Winner>>;

export type PolicyEntity = keyof typeof CONFLICT_POLICY;

/** The value to keep for one field of one entity. */
export function resolve<T>(entity: PolicyEntity, field: string, local: T, remote: T): T {
  const winner = (CONFLICT_POLICY[entity] as Record<string, Winner>)[field];
  if (!winner) throw new Error(`No conflict policy for ${entity}.${field}: add it to CONFLICT_POLICY`);
  if (winner === 'hq') return remote;
  if (winner === 'register') return local;
  throw new Error(`${entity}.${field} is append-only: merge entries with mergeAppendOnly, never pick one side`);
}

/** Append-only entries from both sides, each once (by id), oldest first. */
export function mergeAppendOnly<T extends { id: string; createdAt: string }>(local: readonly T[], remote: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const entry of [...local, ...remote]) if (!byId.has(entry.id)) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** Whether a change that HQ sends about this entity may overwrite what the register holds. */
export function hqMayOverwrite(entity: PolicyEntity): boolean {
  return Object.values(CONFLICT_POLICY[entity]).every((winner) => winner === 'hq');
}

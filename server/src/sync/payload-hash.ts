import crypto from 'node:crypto';

/** JSON with object keys sorted, so the same operation hashes the same however its sender ordered the keys. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What identifies an operation's content: everything but its id. */
export function operationHash(op: { entity: string; entityId: string; type: string; payload: unknown; createdAt: string }): string {
  return crypto
    .createHash('sha256')
    .update(canonicalJson({ entity: op.entity, entityId: op.entityId, type: op.type, payload: op.payload, createdAt: op.createdAt }))
    .digest('base64url');
}

import crypto from 'node:crypto';

/** JSON with object keys sorted, so the same operation hashes the same however its sender ordered the keys. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    if (record[key] === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(record[key])}`;
    first = false;
  }
  return `${out}}`;
}

/** What identifies an operation's content: everything but its id. */
export function operationHash(op: { entity: string; entityId: string; type: string; payload: unknown; createdAt: string }): string {
  return crypto
    .createHash('sha256')
    .update(canonicalJson({ entity: op.entity, entityId: op.entityId, type: op.type, payload: op.payload, createdAt: op.createdAt }))
    .digest('base64url');
}

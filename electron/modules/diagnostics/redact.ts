/**
 * What never leaves the register in a support bundle: PINs, PIN hashes, the device token, card tokens
 * and the web host's token. Three layers: fields named like a secret are blanked in every JSON value and
 * log line; patterns that look like one (scrypt hashes, bearer headers, `token=` query strings) are cut
 * out of text; and every secret the register actually holds is searched for and replaced, whatever
 * file it would have landed in.
 */
const SECRET_KEY = /pin|token|secret|password|passwd|authorization|cookie|card_?number|cardnumber/i;
const REMOVED = '[removed]';

const PATTERNS: [RegExp, string][] = [
  [/scrypt\$[^\s"',]+/g, '[pin hash removed]'],
  [/Bearer\s+[^\s"',]+/gi, 'Bearer [removed]'],
  [/([?&](?:token|key)=)[^&\s"',]+/gi, `$1${REMOVED}`],
  [/(kassa_token=)[^;\s"',]+/gi, `$1${REMOVED}`],
];

/** A JSON-like value with every field named like a secret blanked (numbers, booleans and null of such fields too). */
export function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      // Keys that only count or describe secrets stay (e.g. `pinAttempts` would go; that is the safe side).
      out[key] = SECRET_KEY.test(key) && inner !== null && inner !== undefined && typeof inner !== 'boolean' ? REMOVED : redactValue(inner);
    }
    return out;
  }
  return value;
}

/** One log line: parsed and redacted when it is JSON (pino), then the patterns and known secrets. */
export function redactLogLine(line: string, secrets: readonly string[]): string {
  let text = line;
  try {
    text = JSON.stringify(redactValue(JSON.parse(line)));
  } catch {
    // not JSON: the text rules below still apply
  }
  return redactText(text, secrets);
}

/** Patterns that look like secrets, and every known secret, cut out of a text. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  for (const secret of secrets) {
    // Very short values (a 4-digit PIN) would match timestamps and amounts; they are never stored anyway.
    if (secret.length >= 8) out = out.split(secret).join(REMOVED);
  }
  return out;
}

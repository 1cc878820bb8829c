import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Writes bench/results/<name>.json with when and where it ran (the machine is shared: ratios, not absolutes). */
export function writeBenchResults(name: string, results: Record<string, unknown>): string {
  const out = path.join(import.meta.dirname, '..', 'results', `${name}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, ...results }, null, 2)}\n`);
  return out;
}

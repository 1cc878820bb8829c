import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The commit measured, marked `+changes` when the working tree differed from it. */
export function measuredCommit(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return null; // not a git checkout (an unpacked release)
  }
}

/** Writes bench/results/<name>.json with when, where and on which commit it ran (the machine is shared: ratios, not absolutes). */
export function writeBenchResults(name: string, results: Record<string, unknown>): string {
  const out = path.join(import.meta.dirname, '..', 'results', `${name}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), commit: measuredCommit(), node: process.version, cpus: os.cpus().length, ...results }, null, 2)}\n`);
  return out;
}

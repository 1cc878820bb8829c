import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogRing } from './logger';

describe('the recent log kept for support bundles', () => {
  it('keeps the newest lines, bounded by count', () => {
    const ring = new LogRing(3, 1_000_000);
    for (let i = 1; i <= 5; i++) ring.write(`{"n":${i}}\n`);
    expect(ring.recent()).toEqual(['{"n":3}', '{"n":4}', '{"n":5}']);
  });

  it('keeps the newest lines, bounded by size, and splits chunks into lines', () => {
    const ring = new LogRing(100, 25);
    ring.write('aaaaaaaaaa\nbbbbbbbbbb\n');
    ring.write('cccccccccc\n');
    expect(ring.recent()).toEqual(['bbbbbbbbbb', 'cccccccccc']);
  });
});

describe('the log file kept beside the register data', () => {
  it('appends every line, rotates once at its size, and reads back older file first', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-log-'));
    try {
      const ring = new LogRing();
      const stop = ring.persistTo(dir, 40);
      for (let i = 1; i <= 6; i++) ring.write(`line-${i}-aaaaaaa\n`); // 16 bytes each with the newline
      stop();
      ring.write('line-7-after-stop\n');
      expect(fs.readdirSync(dir).sort()).toEqual(['kassa.1.log', 'kassa.log']);
      expect(ring.persisted(dir)).toEqual(['line-3-aaaaaaa', 'line-4-aaaaaaa', 'line-5-aaaaaaa', 'line-6-aaaaaaa']);
      // A later start appends to the same file (what happened before a crash is kept).
      const again = new LogRing();
      again.persistTo(dir, 1000)();
      expect(again.persisted(dir)).toHaveLength(4);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns itself off when the folder cannot be written, without throwing', () => {
    // A folder inside a plain file cannot exist.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-log-'));
    fs.writeFileSync(path.join(dir, 'a-file'), '');
    try {
      const ring = new LogRing();
      const stop = ring.persistTo(path.join(dir, 'a-file', 'logs'));
      expect(() => ring.write('still fine\n')).not.toThrow();
      stop();
      expect(ring.recent()).toEqual(['still fine']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

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

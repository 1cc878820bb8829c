import { describe, expect, it } from 'vitest';
import { BurstDetector } from './burst';

const type = (detector: BurstDetector, text: string, start: number, gap: number) => {
  [...text].forEach((key, i) => detector.char(key, start + i * gap));
  return start + (text.length - 1) * gap;
};

describe('BurstDetector', () => {
  it('reads a scanner burst (characters a few ms apart, then Enter) as a code', () => {
    const d = new BurstDetector(35, 3);
    const last = type(d, '4006381333931', 1000, 4);
    expect(d.enter(last + 5)).toBe('4006381333931');
  });

  it('takes a gap of exactly the limit and refuses one just above it', () => {
    const d = new BurstDetector(35, 3);
    const last = type(d, '123', 0, 35);
    expect(d.enter(last + 35)).toBe('123');
    const slow = type(d, '123', 1000, 36);
    expect(d.enter(slow + 1)).toBeNull();
    const late = type(d, '123', 2000, 5);
    expect(d.enter(late + 36)).toBeNull();
  });

  it('does not take a person typing (80 ms a key), nor fewer characters than the minimum', () => {
    const d = new BurstDetector(35, 3);
    const last = type(d, '5000', 0, 80);
    expect(d.enter(last + 80)).toBeNull();
    const short = type(d, '12', 1000, 3);
    expect(d.enter(short + 3)).toBeNull();
  });

  it('starts afresh after a pause: only the burst after it counts', () => {
    const d = new BurstDetector(35, 3);
    d.char('x', 0);
    const last = type(d, '4006381333931', 500, 4);
    expect(d.enter(last + 4)).toBe('4006381333931');
    expect(d.enter(last + 8)).toBeNull();
  });

  it('says a burst is under way only within the gap', () => {
    const d = new BurstDetector(35, 3);
    expect(d.active(0)).toBe(false);
    d.char('1', 100);
    expect(d.active(120)).toBe(true);
    expect(d.active(136)).toBe(false);
  });
});

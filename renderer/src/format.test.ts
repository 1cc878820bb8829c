import { describe, expect, it } from 'vitest';
import { duration } from './format';

describe('duration()', () => {
  it('says a length of time in the largest unit that reads well', () => {
    expect(duration(45_000)).toBe('45 sec');
    expect(duration(20 * 60_000)).toBe('20 min');
    expect(duration(25 * 60_000 + 20_000)).toBe('25 min');
    expect(duration(150 * 60_000)).toBe('2.5 hr');
    expect(duration(3 * 24 * 3_600_000)).toBe('3 days');
  });

  it('never says a negative time (a clock set back)', () => {
    expect(duration(-5_000)).toBe('0 sec');
  });

  it('speaks the register’s language', () => {
    expect(duration(20 * 60_000, 'zh-CN')).toBe(new Intl.NumberFormat('zh-CN', { style: 'unit', unit: 'minute', unitDisplay: 'short' }).format(20));
  });
});

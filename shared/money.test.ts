import { describe, expect, it } from 'vitest';
import { addMinor, formatMoney } from './money';

describe('money', () => {
  it('adds integer minor units and refuses fractions', () => {
    expect(addMinor(129, 189, 1)).toBe(319);
    expect(() => addMinor(1.5)).toThrow(/integer number of minor units/);
  });

  it('formats with the currency’s own decimals', () => {
    expect(formatMoney(318, 'EUR', 'en')).toBe('€3.18');
    expect(formatMoney(318, 'JPY', 'en')).toBe('¥318');
    expect(formatMoney(-50, 'USD', 'en')).toBe('-$0.50');
    expect(formatMoney(123456, 'CNY', 'zh-CN')).toBe('¥1,234.56');
  });
});

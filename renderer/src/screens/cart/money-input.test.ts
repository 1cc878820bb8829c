import { describe, expect, it } from 'vitest';
import { parseMoneyInput, toMoneyInput } from './money-input';

describe('typed money', () => {
  it('reads 2, 2.5, 2,50 and 0.07 as cents', () => {
    expect(parseMoneyInput('2', 'EUR')).toBe(200);
    expect(parseMoneyInput('2.5', 'EUR')).toBe(250);
    expect(parseMoneyInput(' 2,50 ', 'EUR')).toBe(250);
    expect(parseMoneyInput('0.07', 'EUR')).toBe(7);
  });

  it('keeps the minus sign (the register refuses negative prices with its own message)', () => {
    expect(parseMoneyInput('-1', 'EUR')).toBe(-100);
  });

  it('refuses words, three decimals and empty text', () => {
    expect(parseMoneyInput('two', 'EUR')).toBeNull();
    expect(parseMoneyInput('1.234', 'EUR')).toBeNull();
    expect(parseMoneyInput('', 'EUR')).toBeNull();
  });

  it('uses the currency’s own decimals (yen has none)', () => {
    expect(parseMoneyInput('500', 'JPY')).toBe(500);
    expect(toMoneyInput(349, 'EUR')).toBe('3.49');
  });
});

import { describe, expect, it } from 'vitest';
import { addQuickCash, prefillCash, typeCash } from './quick-cash';

const tap = (entry: ReturnType<typeof prefillCash>, ...notes: number[]) => notes.reduce((e, note) => addQuickCash(e, note, 'EUR'), entry);

describe('quick cash amounts', () => {
  it('20 then 5 is 25 received: the first tap replaces the prefilled amount due, the next adds', () => {
    const due = prefillCash(1214, 'EUR');
    expect(due).toEqual({ text: '12.14', prefilled: true });
    expect(tap(due, 2000).text).toBe('20.00');
    expect(tap(due, 2000, 500).text).toBe('25.00');
    expect(tap(due, 5000, 5000, 1000).text).toBe('110.00');
  });

  it('adds to what the cashier typed, and counts an empty (cleared) or unreadable field as nothing yet', () => {
    expect(tap(typeCash('50'), 2000).text).toBe('70.00');
    expect(tap(typeCash(''), 500).text).toBe('5.00');
    expect(tap(typeCash('1.2.3'), 1000).text).toBe('10.00');
  });

  it('Exact starts over: the amount due is put back and the next tap replaces it', () => {
    const exact = prefillCash(1214, 'EUR');
    const afterTaps = tap(exact, 2000, 500);
    expect(afterTaps.prefilled).toBe(false);
    expect(tap(prefillCash(1214, 'EUR'), 1000).text).toBe('10.00');
  });
});

import { describe, expect, it } from 'vitest';
import type { ConnectivityLogEntry } from '../../../../shared/api';
import { bandsOf, latencySummary } from './timeline';

const entry = (id: number, at: number, to: 'online' | 'offline', reasons: ConnectivityLogEntry['reasons'] = []): ConnectivityLogEntry => ({
  id,
  at,
  from: 'online',
  to,
  fromReasons: [],
  reasons,
  trigger: 'probe',
  user: null,
  detail: null,
});

describe('the connectivity timeline', () => {
  it('cuts the window into stretches, starting with the state in force when it opens', () => {
    const bands = bandsOf([entry(1, 50, 'online'), entry(2, 120, 'offline', ['network']), entry(3, 150, 'offline', ['network', 'manual']), entry(4, 170, 'online')], 100, 200);
    expect(bands).toEqual([
      { from: 100, to: 120, state: 'online', reasons: [] },
      { from: 120, to: 150, state: 'offline', reasons: ['network'] },
      { from: 150, to: 170, state: 'offline', reasons: ['network', 'manual'] },
      { from: 170, to: 200, state: 'online', reasons: [] },
    ]);
  });

  it('draws nothing before the first known transition', () => {
    expect(bandsOf([entry(1, 150, 'offline', ['manual'])], 100, 200)).toEqual([{ from: 150, to: 200, state: 'offline', reasons: ['manual'] }]);
    expect(bandsOf([], 100, 200)).toEqual([]);
  });

  it('summarises probe latency as median and 90th percentile', () => {
    expect(latencySummary([5, 1, 3, 2, 4, 6, 7, 8, 9, 100])).toEqual({ median: 5, p90: 9 });
    expect(latencySummary([])).toBeNull();
  });
});

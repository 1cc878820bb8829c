import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../e2e/support/fault-proxy';
import { HqRequestError, requestOnce } from '../hq/http';

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

async function hqBehindProxy(): Promise<FaultProxy> {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closing.push(() => new Promise((resolve) => server.close(() => resolve())));
  const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: (server.address() as AddressInfo).port } });
  closing.push(() => proxy.close());
  return proxy;
}

/** `n` requests one after another through the proxy: for each, the answer or the kind of failure. */
async function outcomes(proxy: FaultProxy, n: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    seen.push(
      await requestOnce(new URL(`${proxy.url}/health`), { timeoutMs: 150 }).then(
        (answer) => String(answer.status),
        (error: unknown) => (error instanceof HqRequestError ? error.kind : 'other'),
      ),
    );
  }
  return seen;
}

describe('the fault proxy’s lossy link', () => {
  it('loses about the given share of new connections by stalling them (the request times out), and counts them', async () => {
    const proxy = await hqBehindProxy();
    await proxy.lossy({ dropProbability: 0.3, seed: 42 });
    expect(proxy.mode()).toBe('lossy');
    const seen = await outcomes(proxy, 40);
    expect(new Set(seen)).toEqual(new Set(['200', 'timeout']));
    const timedOut = seen.filter((s) => s === 'timeout').length;
    expect(timedOut).toBeGreaterThanOrEqual(4);
    expect(timedOut).toBeLessThanOrEqual(24);
    expect(proxy.stats()).toMatchObject({ lost: timedOut, accepted: { lossy: 40, pass: 0, stall: 0 } });
  });

  it('the same seed loses the same connections; lostBy drop resets them at once', async () => {
    const proxy = await hqBehindProxy();
    await proxy.lossy({ dropProbability: 0.3, seed: 7 });
    const first = await outcomes(proxy, 20);
    await proxy.set('lossy', { loss: { dropProbability: 0.3, seed: 7, lostBy: 'drop' } });
    const again = await outcomes(proxy, 20);
    expect(again.map((s) => (s === 'reset' ? 'lost' : s))).toEqual(first.map((s) => (s === 'timeout' ? 'lost' : s)));
    expect(again).toContain('reset');
  });

  it('probability 0 passes everything, 1 loses everything; no probability is refused', async () => {
    const proxy = await hqBehindProxy();
    await proxy.lossy({ dropProbability: 0 });
    expect(await outcomes(proxy, 5)).toEqual(['200', '200', '200', '200', '200']);
    await proxy.lossy({ dropProbability: 1, lostBy: 'drop' });
    expect(await outcomes(proxy, 3)).toEqual(['reset', 'reset', 'reset']);
    await expect(proxy.set('lossy')).rejects.toThrow(/needs/);
    await expect(proxy.lossy({ dropProbability: 1.5 })).rejects.toThrow(/between 0 and 1/);
  });
});

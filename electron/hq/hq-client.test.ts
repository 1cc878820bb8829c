import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HqClient, HqStatusError } from './hq-client';

let server: http.Server | null = null;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function hqAnswering(status: number): Promise<string> {
  server = http.createServer((_request, response) => response.writeHead(status, { 'content-type': 'application/json' }).end('{}'));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the HQ client’s service faults', () => {
  it('tells every registered listener of a failing whitelisted call, with its domain; other calls never count', async () => {
    const client = new HqClient({ baseUrl: await hqAnswering(503) });
    const heard: string[][] = [];
    client.onServiceFault((domain, detail) => heard.push(['first', domain, detail]));
    client.onServiceFault((domain) => heard.push(['second', domain]));
    await expect(client.call('GET', '/members/lookup?query=1')).rejects.toBeInstanceOf(HqStatusError);
    await expect(client.call('POST', '/reports/upload', {})).rejects.toBeInstanceOf(HqStatusError);
    expect(heard).toEqual([
      ['first', 'membership', 'HQ answered 503'],
      ['second', 'membership'],
    ]);
  });

  it('a refusal (4xx) is not a service fault', async () => {
    const client = new HqClient({ baseUrl: await hqAnswering(404) });
    const heard: string[] = [];
    client.onServiceFault((domain) => heard.push(domain));
    await expect(client.call('GET', '/orders/search')).rejects.toBeInstanceOf(HqStatusError);
    expect(heard).toEqual([]);
  });
});

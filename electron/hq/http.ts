import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import type { ProbeFailureKind } from '../connectivity/probe-result';

export interface HttpAnswer {
  status: number;
  body: string;
}

/** A request that failed before HQ answered, classified so the till can say why. */
export class HqRequestError extends Error {
  constructor(
    readonly kind: ProbeFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'HqRequestError';
  }
}

/** Answers larger than this are refused, unless the call allows more (a catalog snapshot). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * One HTTP request on a fresh connection (no keep-alive pool: a probe must see the network as it is now),
 * bounded by `timeoutMs` from start to the last byte.
 */
export function requestOnce(
  url: URL,
  options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs: number; signal?: AbortSignal; maxBytes?: number },
): Promise<HttpAnswer> {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: HqRequestError | null, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        request.destroy();
        reject(error);
      } else resolve(answer!);
    };
    const request = transport.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) finish(new HqRequestError('other', `HQ's answer was larger than ${maxBytes} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () => finish(null, { status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => finish(classify(error)));
    });
    const timer = setTimeout(() => finish(new HqRequestError('timeout', `HQ did not answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('error', (error) => finish(classify(error)));
    options.signal?.addEventListener('abort', () => finish(new HqRequestError('other', 'the request was cancelled')), { once: true });
    request.end(options.body);
  });
}

function classify(error: Error & { code?: string }): HqRequestError {
  switch (error.code) {
    case 'ECONNREFUSED':
      return new HqRequestError('refused', 'HQ refused the connection (nothing listening at its address)');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HqRequestError('dns', `HQ's name could not be resolved (${error.code})`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return new HqRequestError('reset', 'the connection to HQ was cut (reset)');
    case 'ETIMEDOUT':
      return new HqRequestError('timeout', 'the connection to HQ timed out');
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
    case 'ENETDOWN':
      return new HqRequestError(hasUsableInterface() ? 'other' : 'no-network', `HQ's network cannot be reached (${error.code})`);
    default:
      return new HqRequestError('other', error.message || String(error.code));
  }
}

/** Whether the OS reports any non-loopback interface with an address: a hint, never a verdict. */
export function hasUsableInterface(interfaces = os.networkInterfaces()): boolean {
  return Object.values(interfaces).some((list) => (list ?? []).some((i) => !i.internal && i.address));
}

import type { ServiceDomain } from '../../shared/api';
import type { ProbeResult, QosResult } from '../connectivity/probe-result';
import { HqRequestError, hasUsableInterface, requestOnce, type HttpAnswer } from './http';
import { domainOf } from './whitelist';

export interface HqClientOptions {
  baseUrl: string;
  /** The register's device token, once enrolled. */
  deviceToken?: () => string | null;
  /** Told about every failure of a whitelisted call (5xx, timeout, reset); the connectivity machine confirms it with QoS. */
  onServiceFault?: (domain: ServiceDomain, detail: string) => void;
  now?: () => number;
  requestTimeoutMs?: number;
}

/** HQ answered with an error status. */
export class HqStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HQ answered ${status}`);
    this.name = 'HqStatusError';
  }
}

/** What the register shows once HQ has revoked its device token. */
export const REVOKED_MESSAGE =
  'HQ revoked this register: it no longer uploads sales or receives HQ\'s changes. Every sale stays on this register. Ask HQ for an enrolment code and enrol the register again; its sales then upload.';

/** HQ revoked this register's device token (401 REGISTER_REVOKED): nothing it sends is taken until it is enrolled again. */
export class RegisterRevokedError extends HqStatusError {
  constructor(
    body: string,
    readonly hqMessage: string,
  ) {
    super(401, body);
    this.name = 'RegisterRevokedError';
    this.message = REVOKED_MESSAGE;
  }
}

/** HQ's message of a 401 REGISTER_REVOKED answer, or null for any other answer. */
function revokedMessage(status: number, body: string): string | null {
  if (status !== 401) return null;
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    return parsed.error === 'REGISTER_REVOKED' ? (typeof parsed.message === 'string' ? parsed.message : '') : null;
  } catch {
    return null;
  }
}

/** Every call the register makes to HQ goes through here, so service faults and a revoked token are seen in one place. */
export class HqClient {
  private readonly base: URL;
  private readonly now: () => number;
  private readonly revokedListeners = new Set<(hqMessage: string) => void>();
  private readonly faultListeners: ((domain: ServiceDomain, detail: string) => void)[] = [];

  constructor(private readonly options: HqClientOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.now = options.now ?? Date.now;
  }

  /** Told when a whitelisted HQ call fails: the service's domain and what went wrong (connectivity marks the service down). */
  onServiceFault(listener: (domain: ServiceDomain, detail: string) => void): void {
    this.faultListeners.push(listener);
  }

  /** A JSON call to HQ. Failures of whitelisted endpoints are reported as service faults, then thrown. */
  async call<T>(method: string, path: string, body?: unknown, options: { timeoutMs?: number; maxBytes?: number; signal?: AbortSignal } = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? 5000;
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.options.deviceToken?.();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let answer: HttpAnswer;
    try {
      answer = await requestOnce(this.url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), timeoutMs, maxBytes: options.maxBytes, signal: options.signal });
    } catch (error) {
      const kind = error instanceof HqRequestError ? error.kind : 'other';
      if (kind === 'timeout' || kind === 'reset') this.fault(method, path, (error as Error).message);
      throw error;
    }
    if (answer.status >= 500) this.fault(method, path, `HQ answered ${answer.status}`);
    const revoked = revokedMessage(answer.status, answer.body);
    if (revoked !== null) {
      for (const listener of this.revokedListeners) listener(revoked);
      throw new RegisterRevokedError(answer.body, revoked);
    }
    if (answer.status >= 400) throw new HqStatusError(answer.status, answer.body);
    return (answer.body ? JSON.parse(answer.body) : undefined) as T;
  }

  /** Told whenever HQ answers that it revoked this register's device token. */
  onRevoked(listener: (hqMessage: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /** Reachability: `GET /health` on a fresh connection within `timeoutMs`. Never throws. */
  async probe(timeoutMs: number): Promise<ProbeResult> {
    // The probe's duration on the monotonic clock (a wall clock set back mid-probe gives no negative time); `at` is for people.
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    try {
      const answer = await requestOnce(this.url('health'), { timeoutMs });
      const at = this.now();
      if (answer.status === 200) return { ok: true, at, durationMs: took() };
      return { ok: false, at, durationMs: took(), kind: 'http', message: `HQ's /health answered ${answer.status}` };
    } catch (error) {
      const at = this.now();
      const kind = error instanceof HqRequestError ? error.kind : 'other';
      // No usable interface at all is different evidence from a network that cannot reach HQ.
      const noNetwork = kind !== 'http' && !isLoopback(this.base) && !hasUsableInterface();
      return { ok: false, at, durationMs: took(), kind: noNetwork ? 'no-network' : kind, message: noNetwork ? 'this register has no network connection' : (error as Error).message };
    }
  }

  /** HQ's QoS verdict for a domain; a QoS endpoint that does not answer is network evidence. Never throws. */
  async qos(domain: ServiceDomain, timeoutMs: number): Promise<QosResult> {
    try {
      const answer = await requestOnce(this.url(`qos?domain=${domain}`), { timeoutMs });
      const parsed = JSON.parse(answer.body) as { status?: unknown };
      if (answer.status === 200 && (parsed.status === 'ok' || parsed.status === 'degraded' || parsed.status === 'down')) {
        return { domain, status: parsed.status, at: this.now() };
      }
      return { domain, status: 'unreachable', at: this.now(), message: `HQ's /qos answered ${answer.status}` };
    } catch (error) {
      return { domain, status: 'unreachable', at: this.now(), message: (error as Error).message };
    }
  }

  /** The absolute URL of an HQ path (for the realtime stream). */
  url(path: string): URL {
    return new URL(path.replace(/^\//, ''), this.base);
  }

  private fault(method: string, path: string, detail: string): void {
    const domain = domainOf(method, `/${path.replace(/^\//, '')}`);
    if (!domain) return;
    this.options.onServiceFault?.(domain, detail);
    for (const listener of this.faultListeners) listener(domain, detail);
  }
}

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname.startsWith('127.') || url.hostname === '[::1]';
}

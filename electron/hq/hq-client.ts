import type { ServiceDomain } from '../../shared/api';
import { HQ_ROUTES, requestOf, type HqRouteSpec, type RouteInput, type RouteOutput } from '../../shared/hq/routes';
import type { ProbeResult, QosResult, TrafficEvidence, TrafficSource } from '../connectivity/probe-result';
import { HqRequestError, hasUsableInterface, requestOnce, type HttpAnswer } from './http';
import { domainOfRouteCall } from './whitelist';

export interface HqClientOptions {
  baseUrl: string;
  /** The register's device token, once enrolled. */
  deviceToken?: () => string | null;
  /** Told about every failure of a whitelisted call (5xx, timeout, reset); the connectivity machine confirms it with QoS. */
  onServiceFault?: (domain: ServiceDomain, detail: string) => void;
  now?: () => number;
  requestTimeoutMs?: number;
}

/**
 * What an error answer of HQ means to the register, so no module reads a status code:
 * - `invalid`: HQ found the request malformed (400 and the like);
 * - `refused`: HQ does not let this register do it (a wrong PIN or token, another register's call);
 * - `not-found`: HQ knows no such thing (or no such route);
 * - `conflict`: it clashes with what HQ holds (a known phone, a changed epoch, a refund above the charge);
 * - `gone`: what was asked for is used up or expired (an enrolment code);
 * - `limited`: too many attempts; wait before the next;
 * - `unavailable`: HQ failed (5xx): the call may work later.
 */
export type HqAnswerKind = 'invalid' | 'refused' | 'not-found' | 'conflict' | 'gone' | 'limited' | 'unavailable';

function kindOf(status: number): HqAnswerKind {
  if (status >= 500) return 'unavailable';
  switch (status) {
    case 401:
    case 403:
      return 'refused';
    case 404:
      return 'not-found';
    case 409:
      return 'conflict';
    case 410:
      return 'gone';
    case 429:
      return 'limited';
    default:
      return 'invalid';
  }
}

/** HQ answered with an error: its kind, and HQ's own error code and details from the body when it sent them. */
export class HqStatusError extends Error {
  readonly kind: HqAnswerKind;
  /** HQ's stable error code (`MEMBER_NOT_FOUND`, `EPOCH_CHANGED`, …), or null when the body carries none. */
  readonly code: string | null;
  readonly details: unknown;

  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HQ answered ${status}`);
    this.name = 'HqStatusError';
    this.kind = kindOf(status);
    const parsed = errorBody(body);
    this.code = parsed?.error ?? null;
    this.details = parsed?.details;
  }

  /** HQ answered and refused the call as sent (any kind but `unavailable`): sending it again will not help. */
  get rejected(): boolean {
    return this.kind !== 'unavailable';
  }
}

function errorBody(body: string): { error: string; details?: unknown } | null {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; details?: unknown } | null;
    return parsed && typeof parsed.error === 'string' ? { error: parsed.error, details: parsed.details } : null;
  } catch {
    return null;
  }
}

/** HQ answered a call with success, but not with what its route promises. */
export class HqAnswerInvalidError extends Error {
  constructor(
    readonly operationId: string,
    problem: string,
  ) {
    super(`HQ's answer to ${operationId} is not what HQ's API promises (${problem}); HQ and this register may be on different versions.`);
    this.name = 'HqAnswerInvalidError';
  }
}

/** Whether HQ could not be asked or did not give a usable answer: no answer, a 5xx, or an answer that breaks its contract. */
export function isHqUnavailable(error: unknown): boolean {
  return error instanceof HqRequestError || error instanceof HqAnswerInvalidError || (error instanceof HqStatusError && error.kind === 'unavailable');
}

export interface HqCallOptions {
  timeoutMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

/** What a module needs of HQ: typed calls of HQ's routes (shared/hq/routes.ts), answers checked. */
export interface HqCaller {
  call<R extends HqRouteSpec>(route: R, input: RouteInput<R>, options?: HqCallOptions): Promise<RouteOutput<R>>;
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
export class HqClient implements HqCaller {
  private readonly base: URL;
  private readonly now: () => number;
  private readonly revokedListeners = new Set<(hqMessage: string) => void>();
  private readonly faultListeners: ((domain: ServiceDomain, detail: string) => void)[] = [];
  private readonly trafficListeners: ((evidence: TrafficEvidence) => void)[] = [];

  constructor(private readonly options: HqClientOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.now = options.now ?? Date.now;
  }

  /** Told when a whitelisted HQ call fails: the service's domain and what went wrong (connectivity marks the service down). */
  onServiceFault(listener: (domain: ServiceDomain, detail: string) => void): void {
    this.faultListeners.push(listener);
  }

  /**
   * Told whether HQ answered a sync request (`sync`) or a whitelisted call (`call`): any answer, whatever
   * its status, shows the link works; no answer (timeout, reset, refused, unresolved) is failed traffic.
   * A call the caller cancelled says nothing about the link, and neither do other routes. The probes
   * (`probe()`, `qos()`) are the connectivity machine's own and never told here.
   */
  onTraffic(listener: (evidence: TrafficEvidence) => void): void {
    this.trafficListeners.push(listener);
  }

  /**
   * A call of one of HQ's routes: the URL from the route's path and query, the body as JSON, and the answer
   * checked against the route's response schema. Failures of whitelisted routes are reported as service
   * faults, then thrown: HqRequestError (no answer), HqStatusError (an error answer), HqAnswerInvalidError.
   */
  async call<R extends HqRouteSpec>(route: R, input: RouteInput<R>, options: HqCallOptions = {}): Promise<RouteOutput<R>> {
    const request = requestOf(route, input);
    const text = await this.send(route, request.path, request.body, options);
    if (route.status === 204) return null as RouteOutput<R>;
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch (error) {
      throw new HqAnswerInvalidError(route.operationId, `not JSON: ${(error as Error).message}`);
    }
    const checked = route.response.safeParse(parsed);
    if (!checked.success) {
      const first = checked.error.issues[0];
      throw new HqAnswerInvalidError(route.operationId, `${first?.path.join('.') || 'the answer'} ${first?.message ?? 'is not valid'}`);
    }
    return checked.data as RouteOutput<R>;
  }

  /** One request to HQ; answers the body of a 2xx. */
  private async send(route: HqRouteSpec, path: string, body: unknown, options: HqCallOptions): Promise<string> {
    const method = route.method;
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
      if (kind === 'timeout' || kind === 'reset') this.fault(route, (error as Error).message);
      // Cancelled by the caller (the till went offline, the cashier gave up): no evidence either way.
      if (error instanceof HqRequestError && !options.signal?.aborted) this.traffic(route, false, `${route.operationId}: ${error.message}`);
      throw error;
    }
    this.traffic(route, true);
    if (answer.status >= 500) this.fault(route, `HQ answered ${answer.status}`);
    const revoked = revokedMessage(answer.status, answer.body);
    if (revoked !== null) {
      for (const listener of this.revokedListeners) listener(revoked);
      throw new RegisterRevokedError(answer.body, revoked);
    }
    if (answer.status >= 400) throw new HqStatusError(answer.status, answer.body);
    return answer.body;
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
      const answer = await requestOnce(this.url(requestOf(HQ_ROUTES.health).path), { timeoutMs });
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
      const answer = await requestOnce(this.url(requestOf(HQ_ROUTES.qos, { query: { domain } }).path), { timeoutMs });
      const parsed = JSON.parse(answer.body) as { status?: unknown };
      if (answer.status === 200 && (parsed.status === 'ok' || parsed.status === 'degraded' || parsed.status === 'down')) {
        return { domain, status: parsed.status, at: this.now() };
      }
      return { domain, status: 'unreachable', at: this.now(), message: `HQ's /qos answered ${answer.status}` };
    } catch (error) {
      return { domain, status: 'unreachable', at: this.now(), message: (error as Error).message };
    }
  }

  /** The absolute URL of a call of one of HQ's routes (for the realtime stream, which keeps its own transport). */
  urlOf<R extends HqRouteSpec>(route: R, input: RouteInput<R>): URL {
    return this.url(requestOf(route, input).path);
  }

  private url(path: string): URL {
    return new URL(path.replace(/^\//, ''), this.base);
  }

  private traffic(route: HqRouteSpec, ok: boolean, detail?: string): void {
    const source = trafficSourceOf(route);
    if (!source || this.trafficListeners.length === 0) return;
    const evidence: TrafficEvidence = ok ? { ok, source } : { ok, source, detail };
    for (const listener of this.trafficListeners) listener(evidence);
  }

  private fault(route: HqRouteSpec, detail: string): void {
    const domain = domainOfRouteCall(route);
    if (!domain) return;
    this.options.onServiceFault?.(domain, detail);
    for (const listener of this.faultListeners) listener(domain, detail);
  }
}

/** The sync engine's requests: the outbox upload, the change feed and the snapshot. */
const SYNC_OPERATIONS: ReadonlySet<string> = new Set([HQ_ROUTES.push.operationId, HQ_ROUTES.changes.operationId, HQ_ROUTES.snapshot.operationId]);

/** Whether a call of `route` is evidence of the link to HQ, and as what: a sync request, a whitelisted call, or neither. */
export function trafficSourceOf(route: HqRouteSpec): TrafficSource | null {
  if (SYNC_OPERATIONS.has(route.operationId)) return 'sync';
  return route.whitelisted ? 'call' : null;
}

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname.startsWith('127.') || url.hostname === '[::1]';
}

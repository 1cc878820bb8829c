import http from 'node:http';
import https from 'node:https';
import { ChangeSchema, type Change } from '../../shared/hq/feed';
import { HeartbeatWatch } from '../connectivity/heartbeat-watch';
import type { TrafficEvidence } from '../connectivity/probe-result';
import type { Logger } from '../core/logger';
import { backoffDelay } from './backoff';

export interface RealtimeOptions {
  /** Full URL of HQ's `/sync/stream`. */
  url: () => URL;
  token: () => string | null;
  lastSeq: () => number;
  /** Applies changes that follow `prevSeq`; false means a gap, to be closed by a pull. */
  apply: (prevSeq: number, changes: Change[], nextSeq: number) => boolean;
  onGap: () => void;
  log: Logger;
  /**
   * Told what the stream says about the link to HQ: something arrived (at most once a second, with the
   * time within which the stream will next be heard from or report its silence), or a heartbeat did not
   * come, the connection failed or was cut while the stream was wanted. Never told about a stream closed
   * on purpose.
   */
  onTraffic?: (evidence: TrafficEvidence) => void;
  /**
   * Told when the stream is closed on purpose while its successes still promise that it reports HQ's
   * silence (`expectNextWithinMs`): from now on nobody watches the heartbeat, so the till must check HQ
   * itself (connectivity probes now, and on its own schedule after that). Nothing else is told on close.
   */
  onWatchEnded?: () => void;
  /** The heartbeat interval assumed until HQ announces its own (`: heartbeat-ms N`); 15 s. */
  heartbeatMs?: number;
  now?: () => number;
}

/** HQ's heartbeat interval when its stream does not announce one. */
export const DEFAULT_HEARTBEAT_MS = 15_000;
/** Successes are told at most this often: every chunk of a busy stream is evidence, but the machine needs one a second at most. */
export const TRAFFIC_OK_EVERY_MS = 1000;

const ANNOUNCED_HEARTBEAT = /^: ?heartbeat-ms (\d+)\s*$/;

/**
 * The realtime stream (Server-Sent Events from HQ's `/sync/stream`), kept open while the till is online:
 * resumes from the register's last sequence, applies each change that directly follows it, asks for a
 * pull when one is missing, and reconnects with jittered backoff. Closed cleanly when going offline.
 *
 * It is also live evidence about the link to HQ: HQ writes a heartbeat comment every interval (announced
 * at open), so every chunk that arrives is a beat and a silence longer than the interval is a missed
 * heartbeat: told as failed traffic, and the stream (likely dead) is opened again.
 */
export class RealtimeStream {
  private request: http.ClientRequest | null = null;
  private wanted = false;
  private attempt = 0;
  private retry: NodeJS.Timeout | null = null;
  private answered = false;
  private heartbeatMs: number;
  private lastOkAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;
  private readonly watch: HeartbeatWatch;

  constructor(private readonly options: RealtimeOptions) {
    this.now = options.now ?? Date.now;
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.watch = new HeartbeatWatch({
      intervalMs: this.heartbeatMs,
      onBeat: (nextWithinMs) => this.reportOk(nextWithinMs),
      onMissed: (silentForMs) => this.missed(silentForMs),
      now: this.now,
    });
  }

  open(): void {
    this.wanted = true;
    if (!this.request && !this.retry) this.connect();
  }

  /** Going offline on purpose: the silence that follows is expected, and no traffic is told. */
  close(): void {
    // A success told since the last failure promised word of any silence; the watch stops keeping it.
    const promised = this.lastOkAt !== Number.NEGATIVE_INFINITY;
    this.wanted = false;
    this.watch.stop();
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.request?.destroy();
    this.request = null;
    this.lastOkAt = Number.NEGATIVE_INFINITY;
    if (promised) this.options.onWatchEnded?.();
  }

  isOpen(): boolean {
    return this.request !== null;
  }

  private connect(): void {
    const token = this.options.token();
    if (!token) return;
    const url = this.options.url();
    const seq = this.options.lastSeq();
    url.searchParams.set('since', String(seq));
    const transport = url.protocol === 'https:' ? https : http;
    this.answered = false;
    const request = transport.get(url, { headers: { accept: 'text/event-stream', authorization: `Bearer ${token}`, 'last-event-id': String(seq) }, agent: false }, (response) => {
      if (this.request !== request) {
        response.resume();
        return;
      }
      if (response.statusCode !== 200) {
        response.resume();
        this.failed(`HQ's stream answered ${response.statusCode}`);
        return;
      }
      this.attempt = 0;
      this.answered = true;
      // HQ's first bytes (the retry hint and the announced interval) are the first beat, told with that interval.
      this.watch.start(this.heartbeatMs);
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (this.request !== request) return;
        buffer += chunk;
        for (let end; (end = buffer.indexOf('\n\n')) >= 0; ) {
          this.onEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        this.watch.beat();
      });
      // HQ ending the stream (snapshot-required, a restart) is an answer, not a fault of the link.
      response.on('end', () => {
        if (this.request === request) this.reconnectLater('HQ closed the stream');
      });
      response.on('error', () => this.failed('the stream from HQ was cut', request));
    });
    // Until HQ answers, the same watch bounds the wait: a connection that stalls is a missed heartbeat.
    this.watch.start(this.heartbeatMs);
    request.on('error', (error) => this.failed(this.answered ? 'the stream from HQ was cut' : `HQ's stream could not be opened: ${error.message}`, request));
    this.request = request;
  }

  private onEvent(block: string): void {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      const announced = ANNOUNCED_HEARTBEAT.exec(line);
      if (announced && Number(announced[1]) > 0) {
        this.heartbeatMs = Number(announced[1]);
        this.watch.start(this.heartbeatMs);
      } else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if (!data) return;
    try {
      const parsed = JSON.parse(data) as Record<string, unknown>;
      if (event === 'change') {
        const change = ChangeSchema.parse(parsed);
        if (!this.options.apply(Number(parsed.prevSeq), [change], change.seq)) this.options.onGap();
      } else if (event === 'position') {
        if (!this.options.apply(Number(parsed.prevSeq), [], Number(parsed.seq))) this.options.onGap();
      } else if (event === 'snapshot-required') this.options.onGap();
    } catch (error) {
      this.options.log.warn({ err: error }, 'a realtime event could not be read; pulling the change feed instead');
      this.options.onGap();
    }
  }

  /** The stream failed while wanted (no answer, an error answer, a cut): told as failed traffic, then opened again. */
  private failed(why: string, request: http.ClientRequest | null = this.request): void {
    if (request !== this.request || !this.wanted) return;
    this.report({ ok: false, source: 'stream', detail: why });
    this.reconnectLater(why);
  }

  private missed(silentForMs: number): void {
    if (!this.wanted || !this.request) return;
    const seconds = Math.round(silentForMs / 100) / 10;
    this.failed(this.answered ? `no heartbeat from HQ for ${seconds} s` : `HQ's stream did not answer within ${seconds} s`);
  }

  /**
   * The stream is alive, and the next beat or a miss comes within `nextWithinMs` of this one. Told at most
   * once a second: a beat left untold still re-arms the watch, so what is told promises the next word
   * (a told beat or a miss) within the rate limit plus `nextWithinMs`.
   */
  private reportOk(nextWithinMs: number): void {
    const now = this.now();
    if (now - this.lastOkAt < TRAFFIC_OK_EVERY_MS) return;
    this.lastOkAt = now;
    this.report({ ok: true, source: 'stream', expectNextWithinMs: nextWithinMs + TRAFFIC_OK_EVERY_MS });
  }

  private report(evidence: TrafficEvidence): void {
    // After a failure the next success is told at once: it is the news.
    if (!evidence.ok) this.lastOkAt = Number.NEGATIVE_INFINITY;
    this.options.onTraffic?.(evidence);
  }

  private reconnectLater(why: string): void {
    this.watch.stop();
    const request = this.request;
    this.request = null;
    request?.destroy();
    if (!this.wanted || this.retry) return;
    const delay = backoffDelay(this.attempt++, Math.random, 500, 30_000);
    this.options.log.debug({ why, retryInMs: delay }, 'realtime stream closed');
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.wanted) this.connect();
    }, delay);
    this.retry.unref();
  }
}

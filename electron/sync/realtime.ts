import http from 'node:http';
import https from 'node:https';
import { ChangeSchema, type Change } from '../../shared/hq/feed';
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
}

/**
 * The realtime stream (Server-Sent Events from HQ's `/sync/stream`), kept open while the till is online:
 * resumes from the register's last sequence, applies each change that directly follows it, asks for a
 * pull when one is missing, and reconnects with jittered backoff. Closed cleanly when going offline.
 */
export class RealtimeStream {
  private request: http.ClientRequest | null = null;
  private wanted = false;
  private attempt = 0;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly options: RealtimeOptions) {}

  open(): void {
    this.wanted = true;
    if (!this.request && !this.retry) this.connect();
  }

  close(): void {
    this.wanted = false;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.request?.destroy();
    this.request = null;
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
    const request = transport.get(url, { headers: { accept: 'text/event-stream', authorization: `Bearer ${token}`, 'last-event-id': String(seq) }, agent: false }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        this.reconnectLater(`HQ's stream answered ${response.statusCode}`);
        return;
      }
      this.attempt = 0;
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end; (end = buffer.indexOf('\n\n')) >= 0; ) {
          this.onEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
      response.on('end', () => this.reconnectLater('HQ closed the stream'));
      response.on('error', () => this.reconnectLater('the stream was cut'));
    });
    request.on('error', (error) => this.reconnectLater(error.message));
    this.request = request;
  }

  private onEvent(block: string): void {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
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

  private reconnectLater(why: string): void {
    this.request?.destroy();
    this.request = null;
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

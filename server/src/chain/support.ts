/**
 * What the multi-instance proofs share: a fresh PostgreSQL schema for a chain of HQ instances, light
 * registers that push sales one at a time through a load balancer and retry the same operation until HQ
 * answers it (as a register's outbox does), and a light realtime stream that resumes with Last-Event-ID
 * (as electron/sync/realtime.ts does).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
import type { Operation, OpResult } from '../../../shared/hq/ops';
import { ADMIN_TOKEN } from '../test/harness';
import { makeSaleOp } from '../test/factories';

export const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

export interface ChainSchema {
  schema: string;
  /** The environment of an HQ instance on this schema (demo store S01, enrolment code DEMO, faults on). */
  env: Record<string, string>;
  /** One query on the schema (the test's own connection). */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/** A fresh schema in the test database; every instance of one chain connects to it with its search_path. */
export async function chainSchema(databaseUrl: string): Promise<ChainSchema> {
  const schema = `kassa_chain_${crypto.randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(`SET search_path TO ${schema}`);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    schema,
    env: { DATABASE_URL: url.toString(), HQ_DEMO: '1', HQ_ADMIN_TOKEN: ADMIN_TOKEN, HQ_ENROLMENT_CODE: 'DEMO', HQ_FAULTS: '1' },
    query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => (await client.query<R>(text, values)).rows,
    drop: async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await client.end().catch(() => {});
    },
  };
}

export interface Answer {
  status: number;
  body: string;
}

/** One HTTP call on a connection of its own (HQ's answer, or the error of a refused or cut connection). */
export function call(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown, timeoutMs = 10_000): Promise<Answer> {
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path: `${url.pathname}${url.search}`, agent: false, timeout: timeoutMs, headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export async function json<T>(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown, expected = 200): Promise<T> {
  const answer = await call(base, method, path, headers, body);
  if (answer.status !== expected) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  return JSON.parse(answer.body) as T;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RegisterStats {
  /** Requests that got no answer: the connection was refused or cut. */
  cut: number;
  /** Requests answered 503 (an instance shutting down). */
  unavailable: number;
  /** Operations whose first answer was `duplicate`: HQ applied them, but the answer was lost. */
  committedUnanswered: number;
}

/** A register that pushes sales one per request and retries each until HQ answers it. */
export class LightRegister {
  readonly sent: Operation[] = [];
  /** Every answer HQ gave to each operation, in order. */
  readonly answers = new Map<string, OpResult['status'][]>();
  /** Answers no register should ever get (a conflict, a rejection, an error other than 503). */
  readonly unexpected: string[] = [];
  readonly stats: RegisterStats = { cut: 0, unavailable: 0, committedUnanswered: 0 };
  private selling = false;
  private loop: Promise<void> | null = null;

  constructor(
    readonly id: string,
    readonly code: string,
    readonly token: string,
  ) {}

  static async enrol(base: string): Promise<LightRegister> {
    const body = await json<{ registerId: string; registerCode: string; token: string }>(base, 'POST', '/registers/enrol', {}, { code: 'DEMO' }, 201);
    return new LightRegister(body.registerId, body.registerCode, body.token);
  }

  get auth(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }

  /** A new sale of 1..5 items, so the totals differ. */
  newSale(): Operation {
    const n = this.sent.length + 1;
    const quantity = 1 + (n % 5);
    const op = makeSaleOp({
      number: `S01-${this.code}-${n}`,
      lines: [{ sku: 'SKU-000001', name: 'Meadowmere Whole Milk 1 L', quantity, unitPrice: 129, taxClass: 'reduced', lineTotal: 129 * quantity }],
      total: 129 * quantity,
    });
    this.sent.push(op);
    return op;
  }

  /** Pushes one operation again and again (the same id) until HQ answers it; false if HQ refused it for good. */
  async pushUntilAnswered(base: () => string, op: Operation): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      let answer: Answer;
      try {
        answer = await call(base(), 'POST', '/sync/push', this.auth, { registerId: this.id, ops: [op] });
      } catch {
        this.stats.cut++;
        await sleep(Math.min(20 * (attempt + 1), 200));
        continue;
      }
      if (answer.status === 503) {
        this.stats.unavailable++;
        await sleep(Math.min(20 * (attempt + 1), 200));
        continue;
      }
      if (answer.status !== 200) {
        this.unexpected.push(`${this.code}: push answered ${answer.status}: ${answer.body.slice(0, 200)}`);
        return false;
      }
      const result = (JSON.parse(answer.body) as { results: OpResult[] }).results[0]!;
      const seen = this.answers.get(op.id) ?? [];
      if (seen.length === 0 && result.status === 'duplicate') this.stats.committedUnanswered++;
      this.answers.set(op.id, [...seen, result.status]);
      if (result.status === 'applied' || result.status === 'duplicate') return true;
      this.unexpected.push(`${this.code}: op ${op.id} answered ${JSON.stringify(result)}`);
      return false;
    }
  }

  /** Sells and pushes, one sale at a time, until stop(). */
  startSelling(base: () => string): void {
    this.selling = true;
    this.loop = (async () => {
      while (this.selling) if (!(await this.pushUntilAnswered(base, this.newSale()))) return;
    })();
  }

  /** Stops selling once the sale in flight is answered. */
  async stop(): Promise<void> {
    this.selling = false;
    await this.loop;
  }
}

/**
 * A register's realtime stream through the balancer, as electron/sync/realtime.ts holds it: resumes from
 * its position with Last-Event-ID (and since=), applies an event only when its prevSeq is the position
 * (a gap is counted, never skipped over), and opens again shortly after the stream ends or is cut.
 */
export class LightStream {
  position: number;
  /** The change sequences received, in order. */
  readonly received: number[] = [];
  gaps = 0;
  connects = 0;
  cuts = 0;
  private request: http.ClientRequest | null = null;
  private wanted = true;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly base: string,
    private readonly token: string,
    from: number,
  ) {
    this.position = from;
    this.connect();
  }

  private connect(): void {
    const url = new URL(`/sync/stream?since=${this.position}`, this.base);
    this.connects++;
    let buffer = '';
    const request = http.get(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, agent: false, headers: { accept: 'text/event-stream', authorization: `Bearer ${this.token}`, 'last-event-id': String(this.position) } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          this.reconnect();
          return;
        }
        res.setEncoding('utf8').on('data', (chunk: string) => {
          buffer += chunk;
          for (let end; (end = buffer.indexOf('\n\n')) >= 0; ) {
            this.onEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        });
        res.on('close', () => this.reconnect(request));
      },
    );
    request.on('error', () => this.reconnect(request));
    this.request = request;
  }

  private onEvent(block: string): void {
    let event = '';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if (event !== 'change' && event !== 'position') return;
    const parsed = JSON.parse(data) as { seq: number; prevSeq: number };
    if (parsed.prevSeq !== this.position) {
      this.gaps++;
      return;
    }
    if (event === 'change') this.received.push(parsed.seq);
    this.position = parsed.seq;
  }

  private reconnect(request: http.ClientRequest | null = this.request): void {
    if (request !== this.request) return;
    this.request = null;
    request?.destroy();
    if (!this.wanted || this.retry) return;
    this.cuts++;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.wanted) this.connect();
    }, 100 + Math.floor(Math.random() * 200));
  }

  close(): void {
    this.wanted = false;
    if (this.retry) clearTimeout(this.retry);
    this.request?.destroy();
    this.request = null;
  }
}

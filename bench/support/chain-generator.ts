/**
 * One load-generator process of `npm run bench:chain` (forked by bench/chain.ts, talking over IPC): light
 * registers that each enrol, hold a realtime stream open (`GET /sync/stream`, reconnecting with
 * Last-Event-ID like a register), push one sale every N seconds from an outbox (the same operation id
 * again after an error or a cut connection, until HQ answers it) and pull the feed now and then.
 *
 * Every register checks its stream: each event's `prevSeq` must be where the previous one left it (no
 * change missed) and its id must move forward (none delivered twice). The ledger of acknowledged sales
 * (count and money) goes back to the orchestrator, which compares it with HQ's tables.
 */
import http from 'node:http';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import type { Operation, SalePayload } from '../../shared/hq/ops';
import { requestText, type TextAnswer } from './http-text';

export interface RegisterSpec {
  storeCode: string;
  enrolmentCode: string;
  /** The store's address as HAProxy forwards it (X-Forwarded-For): HQ limits enrolment attempts per address. */
  address: string;
}

export type ToGenerator =
  | { type: 'init'; base: string; registers: RegisterSpec[]; saleIntervalMs: number; pullIntervalMs: number; spreadMs: number; priceSku: string; enrolConcurrency: number }
  | { type: 'start' }
  | { type: 'phase' }
  | { type: 'price-mark'; price: number }
  | { type: 'reach' }
  | { type: 'stop-sales' }
  | { type: 'resume-sales' }
  | { type: 'positions' }
  | { type: 'count' }
  | { type: 'close' };

export interface PhaseStats {
  /** Push requests HQ answered 200, and the operations in them. */
  pushes: number;
  opsAcknowledged: number;
  opsDuplicate: number;
  opsRejected: number;
  salesCreated: number;
  /** ms of each push request answered 200 (first byte sent to last byte read). */
  pushLatencies: number[];
  /** ms from a sale's creation to HQ's acknowledgement (retries included). */
  saleLatencies: number[];
  /** Failures by kind: `push 503`, `push reset`, `push timeout`, `stream 502`, `pull reset`, … */
  errors: Record<string, number>;
  streamConnects: number;
  reconnects: number;
  /** Stream events whose prevSeq was not the register's last position (a change missed or seen again). */
  gaps: number;
  /** Stream events at or below the register's position (delivered twice). */
  duplicates: number;
  /** A price change delivered to the same register twice. */
  priceDuplicates: number;
  snapshotRequired: number;
  events: number;
  pulls: number;
  connectedNow: number;
}

export type FromGenerator =
  | { type: 'enrolled'; registers: number; failed: number; firstError: string | null; retried: number }
  | { type: 'phase'; stats: PhaseStats }
  | { type: 'marked' }
  | { type: 'reach'; changes: { price: number; connected: number; arrivals: number[] }[] }
  | { type: 'drained'; pending: number; pendingSales: { id: string; total: number }[]; ledger: { sales: number; money: number; ids: string[] } }
  | { type: 'positions'; connected: number; positions: number[] }
  | { type: 'count'; connected: number }
  | { type: 'closed' };

const send = (message: FromGenerator) => process.send!(message);

const emptyStats = (): PhaseStats => ({
  pushes: 0,
  opsAcknowledged: 0,
  opsDuplicate: 0,
  opsRejected: 0,
  salesCreated: 0,
  pushLatencies: [],
  saleLatencies: [],
  errors: {},
  streamConnects: 0,
  reconnects: 0,
  gaps: 0,
  duplicates: 0,
  priceDuplicates: 0,
  snapshotRequired: 0,
  events: 0,
  pulls: 0,
  connectedNow: 0,
});

let stats = emptyStats();
const fail = (kind: string) => (stats.errors[kind] = (stats.errors[kind] ?? 0) + 1);

let base: URL;
let saleIntervalMs = 10_000;
let pullIntervalMs = 60_000;
let priceSku = '';
let spreadMs = 0;
let salesOn = false;
let closing = false;
/**
 * A connection per request for pushes, pulls and enrolment, as a register makes them (electron/hq/http.ts,
 * `agent: false`): no idle sockets held at the balancer, and no cap, so a slow HQ shows as latency at HQ
 * and never as a queue inside the generator.
 */
const agent = false as const;

type Answer = TextAnswer;

function request(method: string, pathname: string, headers: Record<string, string>, body?: string, timeoutMs = 10_000): Promise<Answer> {
  return requestText(base, { method, path: pathname, headers, body, agent, timeoutMs });
}

const errorKind = (error: unknown) => {
  const code = (error as { code?: string }).code;
  if (code === 'TIMEOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  if (code === 'ECONNREFUSED') return 'refused';
  return code ?? 'error';
};
/** `503 SHUTTING_DOWN` (HQ's own error code), or `503 balancer` for an answer that is not HQ's JSON. */
const statusKind = (res: Answer) => {
  if (!res.body.startsWith('{')) return `${res.status} balancer`;
  try {
    return `${res.status} ${(JSON.parse(res.body) as { error?: string }).error ?? ''}`.trim();
  } catch {
    return `${res.status}`;
  }
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();

interface PendingSale {
  op: Operation;
  total: number;
  createdAt: number;
}

interface PriceChange {
  price: number;
  /** Registers with an open stream when the change was made: they are the ones it must reach. */
  connected: Set<Register>;
  arrivals: number[];
}
const priceChanges = new Map<number, PriceChange>();
const registers: Register[] = [];
const ledger = { sales: 0, money: 0, ids: [] as string[] };
/** Every failed enrolment attempt (retried up to five times), for the report. */
const enrolErrors: string[] = [];

class Register {
  registerId = '';
  registerCode = '';
  token = '';
  position = 0;
  connected = false;
  private streamAttempts = 0;
  private outbox: PendingSale[] = [];
  private pushing = false;
  private saleNumber = 0;
  private stream: http.ClientRequest | null = null;
  private saleTimer: NodeJS.Timeout | null = null;
  private pullTimer: NodeJS.Timeout | null = null;
  private seenPrices = new Set<number>();

  constructor(private readonly spec: RegisterSpec) {}

  private get auth() {
    return { authorization: `Bearer ${this.token}`, 'x-forwarded-for': this.spec.address };
  }

  async enrol(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await request('POST', '/registers/enrol', { 'x-forwarded-for': this.spec.address }, JSON.stringify({ code: this.spec.enrolmentCode }));
        if (res.status !== 201) throw new Error(`enrolment answered ${res.status}: ${res.body.slice(0, 200)}`);
        const body = JSON.parse(res.body) as { registerId: string; registerCode: string; token: string };
        Object.assign(this, { registerId: body.registerId, registerCode: body.registerCode, token: body.token });
        return;
      } catch (error) {
        enrolErrors.push(error instanceof Error ? error.message : String(error));
        if (attempt >= 4) throw error;
        await sleep(500 * (attempt + 1));
      }
    }
  }

  /** Catches up with the feed from the start (as a register does before it streams), then streams. */
  async start(delayMs: number): Promise<void> {
    await sleep(delayMs);
    if (closing) return;
    try {
      for (;;) {
        const page = await this.pull(this.position, 5000);
        if (!page) break;
        this.position = page.nextSeq;
        if (!page.hasMore) break;
      }
    } catch {
      // the stream starts from where the pull got to; its backlog brings the rest
    }
    this.openStream();
    this.pullTimer = setTimeout(() => this.pullNowAndThen(), Math.random() * pullIntervalMs);
    // The first sale comes at a random point of the first interval, so the load is spread evenly.
    this.saleTimer = setTimeout(() => this.saleTick(), Math.random() * saleIntervalMs);
  }

  private async pull(since: number, limit: number): Promise<{ nextSeq: number; hasMore: boolean } | null> {
    try {
      const res = await request('GET', `/sync/changes?since=${since}&limit=${limit}`, this.auth);
      stats.pulls++;
      if (res.status !== 200) {
        fail(`pull ${statusKind(res)}`);
        return null;
      }
      return JSON.parse(res.body) as { nextSeq: number; hasMore: boolean };
    } catch (error) {
      fail(`pull ${errorKind(error)}`);
      return null;
    }
  }

  private pullNowAndThen(): void {
    if (closing) return;
    void this.pull(this.position, 500).finally(() => {
      if (!closing) this.pullTimer = setTimeout(() => this.pullNowAndThen(), pullIntervalMs);
    });
  }

  private saleTick(): void {
    if (closing) return;
    if (salesOn) {
      this.outbox.push(this.sale());
      void this.flush();
    }
    this.saleTimer = setTimeout(() => this.saleTick(), saleIntervalMs);
  }

  private sale(): PendingSale {
    const n = ++this.saleNumber;
    stats.salesCreated++;
    const lines = Array.from({ length: 1 + (n % 3) }, (_, i) => ({ sku: `CHAIN-${String(((n * 7 + i) % 500) + 1).padStart(4, '0')}`, name: `Product ${i}`, quantity: 1 + i, unitPrice: 199, taxClass: 'standard' as const, lineTotal: 199 * (1 + i) }));
    const createdAt = new Date().toISOString();
    const payload: SalePayload = {
      id: uuidv7(),
      number: `${this.spec.storeCode}-${this.registerCode}-${n}`,
      cashierId: 'bench-cashier',
      currency: 'EUR',
      lines,
      total: lines.reduce((sum, l) => sum + l.lineTotal, 0),
      createdAt,
    };
    return { op: { id: uuidv4(), entity: 'sale', entityId: payload.id, type: 'completed', payload, createdAt }, total: payload.total, createdAt: now() };
  }

  /** Sends the outbox (at most 100 operations a request) until it is empty; an error is retried with backoff. */
  async flush(): Promise<void> {
    if (this.pushing) return;
    this.pushing = true;
    try {
      let failures = 0;
      while (this.outbox.length > 0 && !closing) {
        const batch = this.outbox.slice(0, 100);
        const t0 = now();
        let answered = false;
        try {
          const res = await request('POST', '/sync/push', this.auth, JSON.stringify({ registerId: this.registerId, ops: batch.map((s) => s.op) }));
          if (res.status === 200) {
            const t1 = now();
            stats.pushes++;
            stats.pushLatencies.push(t1 - t0);
            const results = (JSON.parse(res.body) as { results: { opId: string; status: string }[] }).results;
            for (const [i, result] of results.entries()) {
              const sale = batch[i]!;
              if (result.status === 'applied' || result.status === 'duplicate') {
                if (result.status === 'duplicate') stats.opsDuplicate++;
                else stats.opsAcknowledged++;
                ledger.sales++;
                ledger.money += sale.total;
                ledger.ids.push(sale.op.entityId);
                stats.saleLatencies.push(t1 - sale.createdAt);
              } else {
                stats.opsRejected++;
                fail(`push rejected ${JSON.stringify(result).slice(0, 120)}`);
              }
            }
            this.outbox.splice(0, batch.length);
            answered = true;
            failures = 0;
          } else fail(`push ${statusKind(res)}`);
        } catch (error) {
          fail(`push ${errorKind(error)}`);
        }
        if (!answered) await sleep(Math.min(5_000, 250 * 2 ** failures++) * (0.5 + Math.random() / 2));
      }
    } finally {
      this.pushing = false;
    }
  }

  get pending(): number {
    return this.outbox.length;
  }

  pendingSales(): { id: string; total: number }[] {
    return this.outbox.map((s) => ({ id: s.op.entityId, total: s.total }));
  }

  private openStream(): void {
    if (closing) return;
    const headers: Record<string, string> = { ...this.auth, accept: 'text/event-stream', 'last-event-id': String(this.position) };
    const req = http.request({ agent: false, host: base.hostname, port: base.port, method: 'GET', path: '/sync/stream', headers });
    this.stream = req;
    let retried = false;
    const again = (kind: string | null) => {
      if (retried) return;
      retried = true;
      if (this.connected) stats.connectedNow--;
      this.connected = false;
      this.stream = null;
      if (closing) return;
      if (kind) fail(`stream ${kind}`);
      stats.reconnects++;
      // A register waits before it reconnects, with the register's own backoff (electron/sync/backoff.ts: full jitter, 0.5 s doubling to 30 s),
      // so a fleet cut at once does not come back at once.
      setTimeout(() => this.openStream(), Math.round(Math.random() * Math.min(30_000, 500 * 2 ** this.streamAttempts++)));
    };
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        again(`${res.statusCode}`);
        return;
      }
      this.connected = true;
      this.streamAttempts = 0;
      stats.connectedNow++;
      stats.streamConnects++;
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          this.onEvent(block);
        }
      });
      res.on('end', () => again(null));
      res.on('error', (error) => again(errorKind(error)));
      res.on('close', () => again(null));
    });
    req.on('error', (error) => again(errorKind(error)));
    req.end();
  }

  private onEvent(block: string): void {
    let id: number | null = null;
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = Number(value);
      else if (field === 'event') event = value;
      else if (field === 'data') data += value;
    }
    if (event === 'snapshot-required') {
      stats.snapshotRequired++;
      return;
    }
    if ((event !== 'change' && event !== 'position') || id === null) return;
    stats.events++;
    const body = JSON.parse(data) as { prevSeq: number; kind?: string; entityId?: string; data?: { price?: number } };
    if (body.prevSeq !== this.position) stats.gaps++;
    if (id <= this.position) {
      stats.duplicates++;
      return;
    }
    this.position = id;
    if (event === 'change' && body.kind === 'product' && body.entityId === priceSku && typeof body.data?.price === 'number') {
      const price = body.data.price;
      if (this.seenPrices.has(price)) stats.priceDuplicates++;
      this.seenPrices.add(price);
      const change = priceChanges.get(price);
      if (change?.connected.has(this)) change.arrivals.push(now());
    }
  }

  close(): void {
    if (this.saleTimer) clearTimeout(this.saleTimer);
    if (this.pullTimer) clearTimeout(this.pullTimer);
    this.stream?.destroy();
  }
}

async function runPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function drain(): Promise<number> {
  const until = now() + 30_000;
  for (;;) {
    const pending = registers.reduce((sum, r) => sum + r.pending, 0);
    if (pending === 0 || now() > until) return pending;
    for (const r of registers) if (r.pending > 0) void r.flush();
    await sleep(200);
  }
}

process.on('message', (message: ToGenerator) => {
  void (async () => {
    switch (message.type) {
      case 'init': {
        base = new URL(message.base);
        saleIntervalMs = message.saleIntervalMs;
        pullIntervalMs = message.pullIntervalMs;
        priceSku = message.priceSku;
        let failed = 0;
        let firstError: string | null = null;
        const record = () => (firstError ??= enrolErrors[0] ?? null);
        const created = message.registers.map((spec) => new Register(spec));
        await runPool(created, message.enrolConcurrency, async (r) => {
          try {
            await r.enrol();
            registers.push(r);
          } catch {
            failed++;
          }
        });
        record();
        spreadMs = message.spreadMs;
        send({ type: 'enrolled', registers: registers.length, failed, firstError, retried: enrolErrors.length });
        break;
      }
      case 'start':
        salesOn = true;
        registers.forEach((r, i) => void r.start((i / registers.length) * spreadMs));
        break;
      case 'phase': {
        const out = stats;
        stats = emptyStats();
        stats.connectedNow = out.connectedNow;
        send({ type: 'phase', stats: out });
        break;
      }
      case 'price-mark':
        priceChanges.set(message.price, { price: message.price, connected: new Set(registers.filter((r) => r.connected)), arrivals: [] });
        send({ type: 'marked' });
        break;
      case 'reach':
        send({ type: 'reach', changes: [...priceChanges.values()].map((c) => ({ price: c.price, connected: c.connected.size, arrivals: c.arrivals })) });
        priceChanges.clear();
        break;
      case 'stop-sales': {
        salesOn = false;
        const pending = await drain();
        send({ type: 'drained', pending, pendingSales: registers.flatMap((r) => r.pendingSales()), ledger });
        break;
      }
      case 'resume-sales':
        salesOn = true;
        break;
      case 'positions':
        send({ type: 'positions', connected: registers.filter((r) => r.connected).length, positions: registers.filter((r) => r.connected).map((r) => r.position) });
        break;
      case 'count':
        send({ type: 'count', connected: registers.filter((r) => r.connected).length });
        break;
      case 'close':
        closing = true;
        for (const r of registers) r.close();
        send({ type: 'closed' });
        setTimeout(() => process.exit(0), 100);
        break;
    }
  })();
});
process.on('disconnect', () => process.exit(0));

import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Change } from '../../../shared/hq/feed';
import type { FeedNotifier } from './feed-notifier';
import { readerFilter, visibleTo, type FeedReader, type FeedRepository, type FeedRow, type ReaderFilter } from './feed.repository';

const PAGE = 500;

export interface HubLimits {
  /** Recent changes kept in memory for streams that join or reconnect: at most this many… */
  ringChanges: number;
  /** …and at most this many bytes of them. */
  ringBytes: number;
  /** A stream whose socket holds more than this unsent is closed (the register reconnects and resumes). */
  streamBufferBytes: number;
  /** A stream whose socket has not drained for this long is closed too. */
  drainMs: number;
  /**
   * A register's position past changes it does not see (`position` events) is sent at most this often; a
   * change it sees always goes out at once. Without it, every commit of any store would cost a write to
   * every stream of the instance (thousands of writes per commit at a chain's scale).
   */
  positionEveryMs: number;
}

export const DEFAULT_HUB_LIMITS: HubLimits = { ringChanges: 20_000, ringBytes: 32 * 1024 * 1024, streamBufferBytes: 1024 * 1024, drainMs: 10_000, positionEveryMs: 1000 };

export interface HubStats {
  /** Open realtime streams on this instance. */
  streams: number;
  /** Streams closed because their register did not read fast enough. */
  dropped: number;
  /** Changes held in memory. */
  ringSize: number;
  /** The last change this instance has read (its position in the feed). */
  lastSeq: number;
}

/** A change as the hub keeps it: what a reader's filter looks at, and its event's JSON without the closing brace. */
interface Entry {
  seq: number;
  kind: Change['kind'];
  storeId: string | null;
  originRegisterId: string | null;
  /** `{"seq":…,"kind":…,"action":…,"entityId":…,"data":…` — each stream adds its own `,"prevSeq":N}`. */
  head: string;
}

interface Stream {
  res: ServerResponse;
  reader: FeedReader;
  filter: ReaderFilter;
  /** Where this reader's feed position stands: every change up to it was sent or skipped. */
  last: number;
  /** The id of the last event written to it (what its register holds as its position; `prevSeq` of the next one). */
  sent: number;
  /** When its last `position` event was written. */
  positionAt: number;
  /** Caught up: the hub hands it every change after `last` as it reads them. */
  joined: boolean;
  closed: boolean;
  /** When a write last found the socket full, until it drains. */
  blockedSince: number | null;
  onClose: () => void;
}

function entryOf(row: FeedRow): Entry {
  const change = JSON.stringify({ seq: row.seq, kind: row.kind, action: row.action, entityId: row.entityId, data: JSON.parse(row.data) as unknown });
  return { seq: row.seq, kind: row.kind, storeId: row.storeId, originRegisterId: row.originRegisterId, head: change.slice(0, -1) };
}

/**
 * Realtime fan-out of the change feed for one HQ instance. Each time the feed moves (FeedNotifier: this
 * instance's commits, and other instances' through LISTEN), the hub reads the new changes once, for every
 * reader, keeps the recent ones in a bounded ring, and hands them to every open stream, which keeps those
 * its register is meant to see (visibleTo: the same rule as the database read). Events are as a stream
 * reading the feed for itself would send them: `change` with `prevSeq`, `position` past skipped changes,
 * `snapshot-required` when the reader's position is older than the kept history; ids are sequence numbers.
 *
 * A stream that opens (or reconnects with Last-Event-ID) behind the ring catches up from the database, then
 * joins. One timer sends every stream's heartbeat and rereads the feed once, so a missed wake-up costs at
 * most one heartbeat. Writes are never awaited: a register that does not read is closed once its socket
 * holds more than `streamBufferBytes` or has not drained for `drainMs`, and resumes from its last id.
 */
export class FeedHub {
  readonly limits: HubLimits;
  private readonly streams = new Set<Stream>();
  private ring: Entry[] = [];
  private ringBytes = 0;
  /** The ring holds every change after ringStart up to head. */
  private ringStart = 0;
  private head = 0;
  private prunedThrough = 0;
  private dropped = 0;
  private pumping = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private positionTimer: NodeJS.Timeout | null = null;
  /** Streams whose position moved past changes they do not see since their last event. */
  private readonly behind = new Set<Stream>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly feed: FeedRepository,
    private readonly notifier: FeedNotifier,
    private readonly heartbeatMs: number,
    private readonly log: Logger,
    limits: Partial<HubLimits> = {},
  ) {
    this.limits = { ...DEFAULT_HUB_LIMITS, ...limits };
  }

  async start(): Promise<void> {
    const state = await this.feed.state();
    this.head = this.ringStart = state.headSeq;
    this.prunedThrough = state.prunedThrough;
    // A NOTIFY of a change this instance has already read (its own commits arrive both ways) costs nothing.
    this.unsubscribe = this.notifier.subscribe((seq) => {
      if (seq === 0 || seq > this.head) this.wake();
    });
    this.timer = setInterval(() => this.beat(), this.heartbeatMs);
    this.timer.unref();
    this.positionTimer = setInterval(() => this.sendPositions(), Math.max(50, this.limits.positionEveryMs));
    this.positionTimer.unref();
    // A commit between the read above and the subscription.
    this.wake();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.positionTimer) clearInterval(this.positionTimer);
    this.timer = this.positionTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  stats(): HubStats {
    return { streams: this.streams.size, dropped: this.dropped, ringSize: this.ring.length, lastSeq: this.head };
  }

  /** Serves one opened event stream (headers already sent) from `since` (absent: from now); `onClose` runs once when it ends. */
  async open(res: ServerResponse, reader: FeedReader, since: number | undefined, onClose: () => void): Promise<void> {
    // One read per stream opened: its starting point, and whether history it needs was pruned since the hub last looked.
    const state = await this.feed.state();
    this.prunedThrough = Math.max(this.prunedThrough, state.prunedThrough);
    const last = since ?? state.headSeq;
    const stream: Stream = { res, reader, filter: readerFilter(reader), last, sent: last, positionAt: 0, joined: false, closed: false, blockedSince: null, onClose };
    this.streams.add(stream);
    const close = () => this.close(stream);
    // The response's close, not the request's: a request closes as soon as its (empty) body is read.
    res.on('close', close);
    res.on('error', close);
    res.on('drain', () => {
      stream.blockedSince = null;
    });
    if (res.destroyed) close();
    try {
      await this.catchUp(stream);
    } catch (error) {
      this.log.warn({ err: error }, 'the change stream could not read the feed; closing it so the register reconnects');
      close();
    }
  }

  /** Brings a stream to the hub's position, from the ring when it can, else from the database, then joins it. */
  private async catchUp(stream: Stream): Promise<void> {
    for (;;) {
      if (stream.closed) return;
      if (stream.last >= this.ringStart && stream.last >= this.prunedThrough && stream.last <= this.head) {
        this.deliver(stream, this.ring.slice(this.firstAfter(stream.last)), this.head, true);
        stream.joined = true;
        return;
      }
      const page = await this.feed.page(stream.last, PAGE, stream.reader);
      if (stream.closed) return;
      if (page.snapshotRequired) {
        this.snapshotRequired(stream);
        return;
      }
      this.deliver(stream, page.rows.map(entryOf), page.nextSeq, true);
      if (page.hasMore) await this.drained(stream);
      // Ahead of (or at) the hub: the hub hands it whatever it reads next, skipping what it already has.
      if (!page.hasMore && stream.last >= this.head) {
        stream.joined = true;
        return;
      }
    }
  }

  /** The index of the ring's first change after `seq` (the ring is in sequence order). */
  private firstAfter(seq: number): number {
    let lo = 0;
    let hi = this.ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ring[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Sends a stream the changes of `entries` after its position that it may see, then moves it to `to`. Its
   * `position` event past changes it does not see goes out now when `now` is set or the last one is older
   * than `positionEveryMs`, else with the next round of sendPositions().
   */
  private deliver(stream: Stream, entries: readonly Entry[], to: number, now = false): void {
    let out = '';
    let prev = stream.sent;
    for (const entry of entries) {
      if (entry.seq <= stream.last || !visibleTo(stream.filter, entry)) continue;
      // Each event says where the previous one left the reader (`prevSeq`), so a register can tell a
      // lost event from a change it was never meant to see; `position` moves it past skipped changes.
      out += `id: ${entry.seq}\nevent: change\ndata: ${entry.head},"prevSeq":${prev}}\n\n`;
      prev = entry.seq;
    }
    stream.sent = prev;
    if (to > stream.last) stream.last = to;
    if (stream.last > stream.sent) {
      if (now || Date.now() - stream.positionAt >= this.limits.positionEveryMs) out += this.positionEvent(stream);
      else this.behind.add(stream);
    }
    if (out) this.write(stream, out);
  }

  private positionEvent(stream: Stream): string {
    const event = `id: ${stream.last}\nevent: position\ndata: ${JSON.stringify({ seq: stream.last, prevSeq: stream.sent })}\n\n`;
    stream.sent = stream.last;
    stream.positionAt = Date.now();
    this.behind.delete(stream);
    return event;
  }

  /** The positions held back since the last round. */
  private sendPositions(): void {
    for (const stream of this.behind) {
      if (!stream.closed && stream.last > stream.sent) this.write(stream, this.positionEvent(stream));
      this.behind.delete(stream);
    }
  }

  private snapshotRequired(stream: Stream): void {
    this.write(stream, `event: snapshot-required\ndata: ${JSON.stringify({ since: stream.last })}\n\n`);
    stream.res.end();
    this.close(stream);
  }

  /**
   * Never waits: a socket that does not keep up is closed, and its register resumes from its last id. Not
   * keeping up: what was written before is still unsent beyond the bound, or the socket has not drained for
   * `drainMs` (a burst written into a socket that had drained is always accepted).
   */
  private write(stream: Stream, text: string): void {
    if (stream.closed) return;
    const stuck = stream.res.writableLength > this.limits.streamBufferBytes ? 'its unsent events exceed the bound' : stream.blockedSince !== null && Date.now() - stream.blockedSince > this.limits.drainMs ? 'its socket has not drained' : null;
    if (stuck) this.drop(stream, stuck);
    else if (!stream.res.write(text)) stream.blockedSince ??= Date.now();
  }

  /** A stream catching up from the database reads its next page once its socket took the last one: a slow link is not dropped for its own backlog. */
  private async drained(stream: Stream): Promise<void> {
    if (stream.closed || stream.blockedSince === null) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        stream.res.off('drain', done);
        stream.res.off('close', done);
        resolve();
      };
      stream.res.on('drain', done);
      stream.res.on('close', done);
    });
  }

  private drop(stream: Stream, why: string): void {
    if (stream.closed) return;
    this.dropped++;
    this.log.info({ why, position: stream.last }, 'closing a realtime stream that does not keep up; its register reconnects and resumes');
    this.close(stream);
    stream.res.destroy();
  }

  private close(stream: Stream): void {
    if (stream.closed) return;
    stream.closed = true;
    this.streams.delete(stream);
    this.behind.delete(stream);
    if (!stream.res.writableEnded && !stream.res.destroyed) stream.res.end();
    stream.onClose();
  }

  /** The one heartbeat timer of this instance: a comment on every stream, a drain check, one read of the feed. */
  private beat(): void {
    for (const stream of this.streams) this.write(stream, ': heartbeat\n\n');
    this.wake();
  }

  /** Reads what the feed gained, once for every stream; calls while a read runs make it read again after. */
  wake(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void (async () => {
      try {
        do {
          this.again = false;
          await this.readNew();
        } while (this.again);
      } catch (error) {
        this.log.warn({ err: error }, 'the realtime fan-out could not read the feed; it tries again at the next change or heartbeat');
      } finally {
        this.pumping = false;
      }
    })();
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const page = await this.feed.page(this.head, PAGE, { storeId: null, registerId: null });
      this.prunedThrough = page.prunedThrough;
      if (page.snapshotRequired) {
        await this.restart();
        return;
      }
      const entries = page.rows.map(entryOf);
      this.append(entries, page.nextSeq);
      for (const stream of this.streams) if (stream.joined) this.deliver(stream, entries, this.head);
      if (!page.hasMore) return;
    }
  }

  private append(entries: Entry[], head: number): void {
    this.head = head;
    for (const entry of entries) {
      this.ring.push(entry);
      this.ringBytes += entry.head.length;
    }
    let drop = 0;
    let bytes = this.ringBytes;
    while (drop < this.ring.length && (this.ring.length - drop > this.limits.ringChanges || bytes > this.limits.ringBytes)) bytes -= this.ring[drop++]!.head.length;
    if (drop === 0) return;
    this.ringStart = this.ring[drop - 1]!.seq;
    this.ring.splice(0, drop);
    this.ringBytes = bytes;
    if (this.ring.length === 0) this.ringStart = head;
  }

  /**
   * The history after the hub's position was pruned before the hub read it (or the feed is behind it: a
   * restored database): streams behind the kept history need a snapshot; the others catch up from the
   * database, as a stream that opened now would.
   */
  private async restart(): Promise<void> {
    const state = await this.feed.state();
    this.ring = [];
    this.ringBytes = 0;
    this.head = this.ringStart = state.headSeq;
    this.prunedThrough = state.prunedThrough;
    for (const stream of this.streams) {
      if (!stream.joined) continue;
      stream.joined = false;
      void this.catchUp(stream).catch((error: unknown) => {
        this.log.warn({ err: error }, 'the change stream could not read the feed; closing it so the register reconnects');
        this.close(stream);
      });
    }
  }
}

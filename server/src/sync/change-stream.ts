import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { HqContext } from '../context';
import type { FeedReader } from './feed.repository';
import { startEventStream } from '../http/sse';

const PAGE = 500;

/**
 * One Server-Sent Events stream: the backlog after `since`, then every change as it commits (woken by
 * the feed notifier; on PostgreSQL that includes other HQ instances' commits via LISTEN/NOTIFY). The
 * heartbeat also re-reads the feed, so a missed wake-up costs at most one heartbeat.
 */
export async function openChangeStream(ctx: HqContext, res: ServerResponse, reader: FeedReader, since: number | undefined, log: FastifyBaseLogger): Promise<void> {
  startEventStream(ctx, res);
  let last = since ?? (await ctx.feed.state()).headSeq;
  let closed = false;
  let pumping = false;
  let again = false;

  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    ctx.streams.delete(res);
    if (!res.writableEnded) res.end();
  };

  const pump = async (): Promise<void> => {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        for (;;) {
          if (closed) return;
          const page = await ctx.feed.changes(last, PAGE, reader);
          if (page.snapshotRequired) {
            res.write(`event: snapshot-required\ndata: ${JSON.stringify({ since: last })}\n\n`);
            close();
            return;
          }
          // Each event says where the previous one left the reader (`prevSeq`), so a register can tell a
          // lost event from a change it was never meant to see; `position` moves it past skipped changes.
          let out = '';
          let prev = last;
          for (const change of page.changes) {
            out += `id: ${change.seq}\nevent: change\ndata: ${JSON.stringify({ ...change, prevSeq: prev })}\n\n`;
            prev = change.seq;
          }
          if (page.nextSeq > prev) out += `id: ${page.nextSeq}\nevent: position\ndata: ${JSON.stringify({ seq: page.nextSeq, prevSeq: prev })}\n\n`;
          if (out) res.write(out);
          last = page.nextSeq;
          if (!page.hasMore) break;
        }
      } while (again);
    } catch (error) {
      log.warn({ err: error }, 'the change stream could not read the feed; closing it so the register reconnects');
      close();
    } finally {
      pumping = false;
    }
  };

  const unsubscribe = ctx.notifier.subscribe(() => void pump());
  const heartbeat = setInterval(() => {
    res.write(': heartbeat\n\n');
    void pump();
  }, ctx.settings.heartbeatMs);
  // The response's close, not the request's: a request closes as soon as its (empty) body is read.
  res.on('close', close);
  res.on('error', close);
  await pump();
}

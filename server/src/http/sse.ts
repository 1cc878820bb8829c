import type { ServerResponse } from 'node:http';
import type { HqContext } from '../context';

/**
 * Starts a Server-Sent Events answer: the headers (no caching, no proxy buffering), a reconnect delay of
 * 1 s, and a comment (invisible to SSE consumers) announcing the heartbeat interval, so a client can tell
 * a silent stream from a quiet one without assuming HQ's setting. The stream joins `ctx.streams`, which
 * shutdown ends.
 */
export function startEventStream(ctx: HqContext, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: 1000\n\n: heartbeat-ms ${ctx.settings.heartbeatMs}\n\n`);
  ctx.streams.add(res);
}

import type { ServerResponse } from 'node:http';
import type { HqContext } from '../context';
import type { FeedReader } from './feed.repository';
import { startEventStream } from '../http/sse';

/**
 * One Server-Sent Events stream: the backlog after `since`, then every change as it commits, served by this
 * instance's fan-out (feed-hub.ts), which reads each change once for every stream and sends the heartbeats.
 */
export async function openChangeStream(ctx: HqContext, res: ServerResponse, reader: FeedReader, since: number | undefined): Promise<void> {
  startEventStream(ctx, res);
  await ctx.hub.open(res, reader, since, () => ctx.streams.delete(res));
}

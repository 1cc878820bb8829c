/** A minimal Server-Sent Events client over real HTTP for HQ's tests: events and comments as they arrive. */
import http from 'node:http';

export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

export function openStream(port: number, path: string, headers: Record<string, string>) {
  const events: (SseEvent & { at: number })[] = [];
  const comments: string[] = [];
  let status = 0;
  let ended = false;
  let buffer = '';
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((fn) => fn());
  const req = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
    status = res.statusCode ?? 0;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) comments.push(line.slice(1).trim());
          const m = /^(id|event|data): ?(.*)$/.exec(line);
          if (m) event[m[1] as keyof SseEvent] = m[2];
        }
        if (event.event) events.push({ ...event, at: Date.now() });
      }
      wake();
    });
    res.on('end', () => {
      ended = true;
      wake();
    });
  });
  req.on('error', () => {
    ended = true;
    wake();
  });
  const until = async (predicate: () => boolean, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`stream condition not met within ${ms} ms; events: ${JSON.stringify(events.slice(-3))}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
  };
  return { events, comments, status: () => status, ended: () => ended, until, close: () => req.destroy() };
}

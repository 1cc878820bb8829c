import crypto from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { WsRequestSchema } from '../../shared/api';
import type { KassaCore } from '../core/kassa-core';
import type { Logger } from '../core/logger';
import { CONTENT_SECURITY_POLICY } from './csp';

export const TOKEN_COOKIE = 'kassa_token';
/** The largest message a renderer may send; a scan or a login is a few hundred bytes. */
const MAX_MESSAGE_BYTES = 64 * 1024;

export interface WebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export interface WebServerOptions {
  core: KassaCore;
  log: Logger;
  port: number;
  rendererDir: string;
  token?: string;
}

/**
 * Serves the built renderer and the API (WebSocket at /api) on 127.0.0.1 only. Every request must carry
 * this launch's token (query or cookie) and a loopback Host header, which stops other local users' pages
 * and DNS-rebinding sites from driving the register.
 */
export async function startWebServer({ core, log, port, rendererDir, token = newToken() }: WebServerOptions): Promise<WebServer> {
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(`The register's screens are not built (${rendererDir}/index.html is missing). Run npm run build:renderer first.`);
  }
  const app = Fastify({ logger: false, bodyLimit: MAX_MESSAGE_BYTES });
  let boundPort = port;
  const access = (req: IncomingMessage): 'ok' | 'bad-host' | 'no-token' => {
    if (!isLoopbackHost(req.headers.host, boundPort)) return 'bad-host';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const presented = url.searchParams.get('token') ?? readCookie(req.headers.cookie, TOKEN_COOKIE);
    return presented !== null && sameSecret(presented, token) ? 'ok' : 'no-token';
  };

  app.addHook('onRequest', async (request, reply) => {
    const verdict = access(request.raw);
    if (verdict === 'bad-host') return reply.code(403).type('text/plain').send('Forbidden: this register only answers on 127.0.0.1 or localhost.');
    if (verdict === 'no-token') return reply.code(401).type('text/plain').send('Unauthorized: open the address Kassa printed when it started.');
    if (new URL(request.raw.url ?? '/', 'http://127.0.0.1').searchParams.has('token')) {
      reply.header('set-cookie', `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`);
    }
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cache-control', 'no-store');
  });
  await app.register(fastifyStatic, { root: path.resolve(rendererDir), index: 'index.html', wildcard: true });
  app.get('/api', async (_request, reply) => reply.code(426).type('text/plain').send('The API speaks WebSocket: upgrade this connection.'));

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  sockets.on('connection', (socket) => serveApi(socket, core, log));
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = access(req);
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (verdict === 'bad-host') return refuseUpgrade(socket, 403, 'Forbidden');
    if (verdict === 'no-token') return refuseUpgrade(socket, 401, 'Unauthorized');
    if (pathname !== '/api') return refuseUpgrade(socket, 404, 'Not Found');
    if (req.headers.origin && !isLoopbackOrigin(req.headers.origin, boundPort)) return refuseUpgrade(socket, 403, 'Forbidden');
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  await app.listen({ host: '127.0.0.1', port });
  boundPort = (app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${boundPort}/?token=${token}`,
    port: boundPort,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await app.close();
    },
  };
}

function serveApi(socket: WebSocket, core: KassaCore, log: Logger): void {
  // What this connection's own call changed comes back in the call's answer, not a second time as an event.
  const unsubscribe = core.events.subscribe((event, answered) => {
    if (answered !== socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify({ event }));
  });
  socket.on('close', unsubscribe);
  // An oversized or malformed frame closes this connection; it must never take the register down.
  socket.on('error', (error) => log.warn({ err: error }, 'API connection closed after a bad frame'));
  socket.on('message', async (data, isBinary) => {
    let message: unknown;
    try {
      message = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      message = undefined;
    }
    const request = WsRequestSchema.safeParse(message);
    if (!request.success) {
      log.warn('API message refused: not a valid request');
      socket.send(JSON.stringify({ id: null, result: { ok: false, error: { code: 'INVALID_INPUT', message: 'The register could not read that request.' } } }));
      return;
    }
    const result = await core.dispatch(request.data.channel, request.data.input, { host: 'web', trustedSender: true, origin: socket });
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ id: request.data.id, result }));
  });
}

function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

function sameSecret(presented: string, token: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function isLoopbackOrigin(origin: string, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}

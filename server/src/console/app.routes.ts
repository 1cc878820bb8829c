/**
 * The console web app (`npm run build:console` → `out/console`), served by HQ at `/console`: the page for
 * `/console` and every path of the app (it routes in the browser), its hashed assets with a long cache.
 * `HQ_CONSOLE_DIR` serves a build from elsewhere. Without a build, a sentence says how to make one.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import { serve } from '../http/contract';

const DEFAULT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'out', 'console');

/** The page may load only HQ's own scripts, call only HQ, and be framed by nobody. */
export const CONSOLE_CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
};

const ACCESS = { public: 'the console app is static; its API checks the session' } as const;

export const consoleAppRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  const dir = path.resolve(process.env.HQ_CONSOLE_DIR || DEFAULT_DIR);
  const assets = path.join(dir, 'assets');

  const page = async (reply: FastifyReply) => {
    let html: string;
    try {
      html = await fs.readFile(path.join(dir, 'index.html'), 'utf8');
    } catch {
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send(`The console is not built on this HQ (no ${path.join(dir, 'index.html')}). Run \`npm run build:console\`, or start HQ with \`npm run server\`, which builds it.\n`);
    }
    // The page names the current hashed assets, so it is never cached itself.
    return reply.header('content-security-policy', CONSOLE_CSP).header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  };

  serve(app, HQ_ROUTES.consoleRoot, { access: ACCESS }, async (_request, reply) => page(reply));

  serve(app, HQ_ROUTES.consoleApp, { access: ACCESS }, async (request, reply) => {
    const rest = (request.params as { '*': string })['*'] ?? '';
    // An API path HQ does not serve is a missing route, not a page of the app.
    if (rest === 'api' || rest.startsWith('api/')) return reply.code(404).send({ error: 'NOT_FOUND', message: `HQ has no console API route ${request.method} ${request.url.split('?')[0]}.` });
    if (rest.startsWith('assets/')) {
      const file = path.resolve(dir, rest);
      const type = TYPES[path.extname(file)];
      if (!file.startsWith(assets + path.sep) || !type) return reply.code(404).type('text/plain; charset=utf-8').send('No such file in the console app.\n');
      try {
        const body = await fs.readFile(file);
        // Vite names every asset by its content's hash: a new build names new files, so these never change.
        return reply.header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff').type(type).send(body);
      } catch {
        return reply.code(404).type('text/plain; charset=utf-8').send('No such file in the console app. Reload the page: the console may have been rebuilt.\n');
      }
    }
    return page(reply);
  });
};

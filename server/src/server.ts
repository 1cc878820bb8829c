/**
 * buildServer(): the HQ server as a Fastify instance, ready to `listen()` or to `inject()` in tests.
 * Closing it ends realtime streams, waits for in-flight pushes and imports, then closes the database.
 */
import fastifySwagger from '@fastify/swagger';
import type { ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { domainOfRoute } from '../../shared/hq/domains';
import { MAX_PUSH_BYTES } from '../../shared/hq/ops';
import { HQ_TAGS } from '../../shared/hq/routes';
import { makeGuards } from './auth/guards';
import { UsersRepository } from './auth/users.repository';
import { CatalogRepository } from './catalog/catalog.repository';
import { catalogRoutes } from './catalog/catalog.routes';
import { FLEET_CHANNEL, FleetEvents } from './console/fleet-events';
import { fleetStreamRoutes } from './console/fleet-stream.routes';
import { statusRoutes } from './console/status.routes';
import { InFlight, type HqApp, type HqContext } from './context';
import { CONSOLE_FAILURE_LIMIT, prepareFirstOwner } from './console/first-owner';
import { ConsoleUsersRepository } from './console/console-users.repository';
import { consoleAuthRoutes } from './console/auth.routes';
import { consoleFleetRoutes } from './console/fleet.routes';
import { consoleMoneyRoutes } from './console/money.routes';
import { consoleStoreRoutes } from './console/stores.routes';
import { consoleRegisterRoutes } from './console/registers.routes';
import { consolePeopleRoutes } from './console/people.routes';
import { consoleCatalogRoutes } from './console/catalog.routes';
import { consoleAppRoutes } from './console/app.routes';
import { openHqDatabase, type StorageOptions } from './db/database';
import { readEpoch } from './db/epoch';
import { Writer } from './db/writer';
import { seedDemo } from './demo/seed';
import { enforceAccess } from './http/access';
import { refuseRoutesOutsideContract } from './http/contract';
import { installErrorHandling } from './http/errors';
import { healthRoutes } from './http/health.routes';
import { silentLogger, type Logger } from './logger';
import { MembersRepository } from './members/members.repository';
import { memberRoutes } from './members/members.routes';
import { OrdersRepository } from './orders/orders.repository';
import { orderRoutes } from './orders/orders.routes';
import { DatabaseLedger } from './payments/acquirer-ledger';
import { loadCardKey, sealLegacyCardTokens } from './payments/card-key';
import { CardSimulator } from './payments/card-simulator';
import { ChargesReport } from './payments/charges';
import { chargeRoutes } from './payments/charges.routes';
import { CashReport } from './cash/cash.report';
import { cashRoutes } from './cash/cash.routes';
import type { CardGateway } from './payments/gateway';
import { PaymentsService } from './payments/payments.service';
import { paymentRoutes } from './payments/payments.routes';
import { FaultInjector } from './qos/fault-injector';
import { faultRoutes } from './qos/faults.routes';
import type { FailureLimit } from './http/failure-limiter';
import { InstanceMetrics, makeInstanceId } from './http/instance-metrics';
import { metricsRoutes } from './http/metrics.routes';
import { makeGuessLimits } from './http/shared-failure-limiter';
import { startSharedState, type SharedStateOptions } from './qos/shared-state';
import { DEFAULT_QOS, QosMonitor, type QosOptions } from './qos/qos-monitor';
import { RegistersRepository } from './registers/registers.repository';
import { registerRoutes } from './registers/registers.routes';
import { FeedNotifier } from './sync/feed-notifier';
import { FeedHub } from './sync/feed-hub';
import { notify, PgListener } from './db/pg-listener';
import { DEFAULT_RETENTION, FeedRepository, type FeedRetention } from './sync/feed.repository';
import { PushService } from './sync/push.service';
import { syncRoutes } from './sync/sync.routes';

export interface HqOptions {
  storage: StorageOptions;
  /** The bearer token of admin calls; null or empty turns admin calls off. */
  adminToken?: string | null;
  /** HQ_FAULTS=1: /admin/faults works (from loopback, with the admin token). */
  faultsEnabled?: boolean;
  /** HQ_DEMO=1: seed the demo store, users, catalog, promotions and members. */
  demo?: boolean;
  enrolmentCode?: string;
  logger?: Logger;
  /** Change-feed history kept; a register behind it gets snapshotRequired. */
  retention?: Partial<FeedRetention>;
  /** How often the feed is pruned to the retention (0: only when prune() is called). */
  pruneEveryMs?: number;
  heartbeatMs?: number;
  qos?: Partial<QosOptions>;
  gateway?: CardGateway;
  gatewayTimeoutMs?: number;
  /** How often stored offline card payments are retried and abandoned approvals swept (0: only after a push that needs it). */
  settleEveryMs?: number;
  /** An approved card payment that no uploaded sale uses is voided after this long (default 24 h). */
  cardVoidAfterMs?: number;
  /** How long shutdown waits for in-flight writes before closing the database anyway. */
  shutdownGraceMs?: number;
  /** Wrong enrolment codes (per client address) and wrong PINs (per register) allowed per window. */
  failureLimit?: FailureLimit;
  /** Wrong console passwords allowed per window, per client address and per email. */
  consoleFailureLimit?: FailureLimit;
  /** HQ_OWNER_EMAIL / HQ_OWNER_PASSWORD: the console's first owner, created at start when HQ has none. */
  ownerEmail?: string;
  ownerPassword?: string;
  /**
   * HQ_TRUST_PROXY: the proxy in front of HQ whose X-Forwarded-For names the client (true: any; addresses
   * or CIDR ranges: only those). Off by default: the client is the connection's own address, so a client
   * cannot pick the address the enrolment limit counts against.
   */
  trustProxy?: boolean | string[];
  /** HQ_INSTANCE_ID: this instance's name in logs, the X-Kassa-Instance header and /metrics (default host:pid:random). */
  instanceId?: string;
  /** PostgreSQL: how often faults and QoS windows are exchanged with the other instances. */
  sharedState?: SharedStateOptions;
}

/** What a request body may weigh unless its route is listed below: every other call carries a small JSON object. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Routes that carry more: a push batch, a catalog import (JSON or CSV), a set of promotions. */
export const ROUTE_BODY_LIMITS: Readonly<Record<string, number>> = {
  'POST /sync/push': MAX_PUSH_BYTES,
  'POST /catalog/import': 64 * 1024 * 1024,
  'POST /console/api/catalog/import': 64 * 1024 * 1024,
  'POST /catalog/promotions': 1024 * 1024,
};

declare module 'fastify' {
  interface FastifyInstance {
    hq: HqContext;
  }
}

export async function buildServer(options: HqOptions): Promise<HqApp> {
  const log = options.logger ?? silentLogger();
  const database = await openHqDatabase(options.storage);
  const notifier = new FeedNotifier();
  const listener = database.listenClient ? new PgListener(database.listenClient, log) : null;
  const writer = new Writer(database, notifier, Date.now, { sequencing: options.storage.kind === 'postgres' ? options.storage.feedSequencing : undefined, log });
  const registers = new RegistersRepository(database.read, writer);
  const cardKey = await loadCardKey(database.read, writer);
  const epoch = await readEpoch(database.read);
  const resealed = await sealLegacyCardTokens(database.read, writer, cardKey);
  if (resealed > 0) log.info({ resealed }, 'card numbers stored in the clear by an earlier HQ are now sealed');
  const consoleUsers = new ConsoleUsersRepository(database.read, writer);
  const faults = new FaultInjector();
  const instanceId = makeInstanceId(options.instanceId);
  const inFlight = new InFlight();
  const streams = new Set<ServerResponse>();
  const retention = { ...DEFAULT_RETENTION, ...options.retention };
  const feed = new FeedRepository(database.read, writer);
  // One gateway for paying and for reporting, so /admin/charges shows what PaymentsService moved.
  const gateway = options.gateway ?? new CardSimulator({ ledger: new DatabaseLedger(database.read, writer) });
  const ctx: HqContext = {
    database,
    writer,
    notifier,
    listener,
    registers,
    guards: makeGuards(registers, options.adminToken ?? null, consoleUsers),
    users: new UsersRepository(database.read, writer),
    consoleUsers,
    console: { setupToken: null },
    catalog: new CatalogRepository(database.read, writer),
    members: new MembersRepository(database.read, writer),
    orders: new OrdersRepository(database.read),
    payments: new PaymentsService(database.read, writer, { gateway, timeoutMs: options.gatewayTimeoutMs ?? 10_000, abandonedAfterMs: options.cardVoidAfterMs ?? 24 * 3_600_000, cardKey }, log),
    charges: new ChargesReport(gateway, database.read),
    cash: new CashReport(database.read),
    cardKey,
    feed,
    hub: new FeedHub(feed, notifier, options.heartbeatMs ?? 15_000, log),
    epoch,
    push: new PushService(writer),
    fleet: new FleetEvents(),
    faults,
    qos: new QosMonitor(faults, { ...DEFAULT_QOS, ...options.qos }),
    settings: { faultsEnabled: options.faultsEnabled ?? false, heartbeatMs: options.heartbeatMs ?? 15_000, retention },
    instanceId,
    metrics: new InstanceMetrics({ instanceId, streams: () => streams.size, inFlightWrites: () => inFlight.size, pool: () => (database.pool ? { total: database.pool.totalCount, idle: database.pool.idleCount, waiting: database.pool.waitingCount } : null) }),
    limits: makeGuessLimits(database, options.failureLimit, options.consoleFailureLimit ?? CONSOLE_FAILURE_LIMIT),
    inFlight,
    streams,
    closing: false,
  };
  if (listener) notifier.follow(listener);
  if (listener) registers.follow(listener);
  if (listener) ctx.fleet.follow(listener, (payload) => notify(database.db, FLEET_CHANNEL, payload), log);
  await listener?.start();
  writer.sequencer?.start();
  await ctx.hub.start();
  ctx.metrics.provide('realtime', () => ctx.hub.stats());
  ctx.metrics.provide('groupCommit', () => ctx.push.groups);
  if (writer.sequencer) ctx.metrics.provide('feedSequencer', () => writer.sequencer!.stats);
  const stopSharedState = await startSharedState(ctx, log, options.sharedState);
  log.info({ instanceId }, 'HQ instance started');
  if (options.demo) await seedDemo(ctx, { enrolmentCode: options.enrolmentCode ?? 'DEMO', log });
  ctx.console.setupToken = await prepareFirstOwner(ctx, { email: options.ownerEmail, password: options.ownerPassword, demo: options.demo ?? false }, log);

  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // One line per failed request comes from the onResponse hook below instead of two per request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: DEFAULT_BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    // Registers keep connections open; a load balancer in front may too.
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('hq', ctx);
  app.decorateRequest('caller', null);
  installErrorHandling(app);
  // HQ serves the routes of its table (shared/hq/routes.ts) and no other.
  app.addHook('onRoute', refuseRoutesOutsideContract);
  // Every route declares who may call it; its guard and store checks are derived from that declaration.
  app.addHook('onRoute', enforceAccess(ctx.guards, database));
  // Each route reads at most what its calls need, so an unauthenticated caller cannot make HQ hold large bodies.
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    const listed = methods.map((m) => ROUTE_BODY_LIMITS[`${m} ${route.url}`]).find((limit) => limit !== undefined);
    route.bodyLimit = listed ?? DEFAULT_BODY_LIMIT;
  });
  // A call without a body (DELETE /admin/faults) may still carry Content-Type: application/json.
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => (body === '' ? done(null, undefined) : parseJson(request, body.toString(), done)));

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Kassa HQ', version: '1', description: 'The head-office API the Kassa registers sync with.', contact: { name: "Your chain's HQ operator" } },
      servers: [{ url: '/', description: 'This HQ' }],
      tags: Object.entries(HQ_TAGS).map(([name, description]) => ({ name, description })),
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.addHook('onRequest', (_request, reply, done) => {
    reply.raw.setHeader('x-kassa-instance', instanceId);
    done();
  });
  installFaultsAndQos(app, ctx);
  const routeGroups = [
    healthRoutes,
    metricsRoutes,
    faultRoutes,
    registerRoutes,
    syncRoutes,
    catalogRoutes,
    memberRoutes,
    orderRoutes,
    paymentRoutes,
    chargeRoutes,
    cashRoutes,
    statusRoutes,
    // The back-office console's API (console/).
    consoleAuthRoutes,
    consoleStoreRoutes,
    consoleRegisterRoutes,
    consolePeopleRoutes,
    consoleCatalogRoutes,
    consoleMoneyRoutes,
    consoleFleetRoutes,
    fleetStreamRoutes,
    consoleAppRoutes,
  ];
  for (const routes of routeGroups) await app.register(routes);

  const timers: NodeJS.Timeout[] = [];
  if ((options.pruneEveryMs ?? 60_000) > 0) {
    timers.push(setInterval(() => void ctx.feed.prune(retention).catch((error: unknown) => log.error({ err: error }, 'pruning the change feed failed')), options.pruneEveryMs ?? 60_000));
  }
  if ((options.settleEveryMs ?? 60_000) > 0) timers.push(setInterval(() => void ctx.payments.sweepAbandoned().catch((error: unknown) => log.error({ err: error }, 'sweeping abandoned card payments failed')), options.settleEveryMs ?? 60_000));
  timers.forEach((t) => t.unref());

  app.addHook('preClose', async () => {
    ctx.closing = true;
    timers.forEach(clearInterval);
    await stopSharedState();
    ctx.metrics.stop();
    for (const res of ctx.streams) res.end();
    ctx.streams.clear();
  });
  app.addHook('onClose', async () => {
    const grace = options.shutdownGraceMs ?? 30_000;
    if (ctx.inFlight.size > 0) {
      log.info({ writes: ctx.inFlight.size }, 'waiting for in-flight writes to finish before closing the database');
      await Promise.race([ctx.inFlight.drained(), new Promise((resolve) => setTimeout(resolve, grace).unref())]);
    }
    await ctx.payments.settlePending().catch(() => {});
    await writer.sequencer?.stop();
    ctx.hub.stop();
    notifier.close();
    await listener?.close();
    await database.close();
  });
  void ctx.payments.settlePending();
  return app;
}

/** Whether an answer says something about a domain's health: one to a caller HQ authenticated, served (2xx) or failed (5xx). */
export function countsForQos(caller: unknown, statusCode: number): boolean {
  return caller !== null && ((statusCode >= 200 && statusCode < 300) || statusCode >= 500);
}

/**
 * QoS samples the authenticated 2xx and 5xx answers of a domain: anyone can send slow or refused calls,
 * and those must not mark a domain degraded for every register. Injected faults act before the handler
 * runs (before authentication) and are sampled where they act.
 */
function installFaultsAndQos(app: HqApp, ctx: HqContext): void {
  app.addHook('onResponse', async (request, reply) => {
    const pattern = request.routeOptions.url;
    ctx.metrics.record(request.method, pattern, reply.statusCode, reply.elapsedTime, request.method === 'POST' && pattern === '/sync/push' ? pushedOps(request.body) : undefined);
    if (!pattern || pattern === '/sync/stream') return;
    const domain = domainOfRoute(request.method, pattern);
    if (domain && countsForQos(request.caller, reply.statusCode)) ctx.qos.record(domain, reply.statusCode >= 500, reply.elapsedTime);
    if (reply.statusCode >= 500) request.log.warn({ route: pattern, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request failed');
    else request.log.debug({ route: pattern, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.addHook('onRequest', async (request, reply) => {
    const pattern = request.routeOptions.url;
    if (!ctx.settings.faultsEnabled || !pattern || pattern === '/admin/faults' || pattern === '/docs/json') return;
    const action = ctx.faults.decide(request.method, pattern, request.url.split('?')[0]!);
    if (!action) return;
    const domain = domainOfRoute(request.method, pattern);
    switch (action.mode) {
      case 'error':
        if (domain) ctx.qos.record(domain, true, 0);
        return reply.code(503).send({ error: 'FAULT_INJECTED', message: 'HQ answered with an injected fault (HQ_FAULTS).' });
      case 'drop':
        if (domain) ctx.qos.record(domain, true, 0);
        reply.hijack();
        request.raw.socket.destroy();
        return reply;
      case 'slow':
        await sleep(action.delayMs, reply);
        return;
      case 'timeout':
        await sleep(action.delayMs, reply);
        if (domain) ctx.qos.record(domain, true, action.delayMs);
        return reply.code(504).send({ error: 'FAULT_TIMEOUT', message: 'HQ held this request as an injected timeout (HQ_FAULTS).' });
    }
  });
}

function pushedOps(body: unknown): number {
  const ops = (body as { ops?: unknown } | null | undefined)?.ops;
  return Array.isArray(ops) ? ops.length : 0;
}

/** Waits, or less if the client goes away (the response closing before it is sent). */
function sleep(ms: number, reply: { raw: { once(event: 'close', fn: () => void): unknown } }): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    reply.raw.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

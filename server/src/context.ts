import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Guards } from './auth/guards';
import type { UsersRepository } from './auth/users.repository';
import type { ConsoleUsersRepository } from './console/console-users.repository';
import type { CatalogRepository } from './catalog/catalog.repository';
import type { HqDatabase } from './db/database';
import type { PgListener } from './db/pg-listener';
import type { Writer } from './db/writer';
import type { AttemptLimiter, KeyedQueue } from './http/failure-limiter';
import type { MembersRepository } from './members/members.repository';
import type { OrdersRepository } from './orders/orders.repository';
import type { ChargesReport } from './payments/charges';
import type { CashReport } from './cash/cash.report';
import type { FleetEvents } from './console/fleet-events';
import type { CardKey } from './payments/card-key';
import type { PaymentsService } from './payments/payments.service';
import type { InstanceMetrics } from './http/instance-metrics';
import type { FaultInjector } from './qos/fault-injector';
import type { QosMonitor } from './qos/qos-monitor';
import type { RegistersRepository } from './registers/registers.repository';
import type { FeedNotifier } from './sync/feed-notifier';
import type { FeedHub } from './sync/feed-hub';
import type { FeedRepository, FeedRetention } from './sync/feed.repository';
import type { PushService } from './sync/push.service';

export type HqApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** Everything the routes use, built once per server by buildServer(). */
export interface HqContext {
  database: HqDatabase;
  writer: Writer;
  guards: Guards;
  registers: RegistersRepository;
  users: UsersRepository;
  /** The back-office console's users and sessions. */
  consoleUsers: ConsoleUsersRepository;
  /** The first owner's one-time setup token while HQ has no owner (printed as a link at start-up), else null. */
  console: { setupToken: string | null };
  catalog: CatalogRepository;
  members: MembersRepository;
  orders: OrdersRepository;
  payments: PaymentsService;
  /** The card acquirer's movements of money, read from the same gateway PaymentsService uses. */
  charges: ChargesReport;
  /** The registers' drawer sessions and cash movements as uploaded (GET /admin/cash). */
  cash: CashReport;
  /** HQ's key pair for sealed card numbers: registers get the public half at enrolment. */
  cardKey: CardKey;
  feed: FeedRepository;
  /** HQ's epoch (db/epoch.ts), read at start-up: it changes only while HQ is stopped, after a restore. */
  epoch: string;
  notifier: FeedNotifier;
  /** This instance's one LISTEN connection on PostgreSQL (null on SQLite): `listen(channel, handler)`. */
  listener: PgListener | null;
  push: PushService;
  /** This instance's realtime fan-out of the feed to its open streams. */
  hub: FeedHub;
  /** Registers whose state HQ just stored (status reports, uploaded transitions), for the console's live view. */
  fleet: FleetEvents;
  faults: FaultInjector;
  qos: QosMonitor;
  /** This instance's id among the HQ instances behind a load balancer (HQ_INSTANCE_ID, else host:pid:random), sent as X-Kassa-Instance. */
  instanceId: string;
  metrics: InstanceMetrics;
  settings: {
    faultsEnabled: boolean;
    heartbeatMs: number;
    retention: FeedRetention;
  };
  /** Guessing limits for enrolment codes (per client address) and PINs (per register and user); PIN checks run one at a time per register and user. */
  limits: { enrol: AttemptLimiter; login: AttemptLimiter; pinChecks: KeyedQueue; consoleSignIn: AttemptLimiter };
  /** Requests that write (pushes, imports) and must finish before shutdown closes the database. */
  inFlight: InFlight;
  /** Open realtime streams, which shutdown ends. */
  streams: Set<ServerResponse>;
  /** True once shutdown has begun: /health answers 503 so a load balancer drains this instance. */
  closing: boolean;
}

/** Counts running writes so a graceful shutdown can wait for them. */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.count++;
    try {
      return await work();
    } finally {
      if (--this.count === 0) this.waiters.splice(0).forEach((fn) => fn());
    }
  }

  get size(): number {
    return this.count;
  }

  drained(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

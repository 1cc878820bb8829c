/** The console's money reports and every report's CSV export. */
import type { FastifyRequest } from 'fastify';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import { serve } from '../http/contract';
import { HqError } from '../http/errors';
import { listAudit } from './audit';
import { toCsv, type CsvCell } from './csv';
import { fleetTimeline } from './fleet';
import { cashSessions, dayRange, offlineCards, refunds, takings, type ReportScope } from './money';
import { storesToShow } from './scope';

const REGISTER_ID = { in: 'query', name: 'registerId', kind: 'register', unknown: 'refuse' } as const;
const ACCESS = { caller: 'console', roles: ['owner', 'area-manager', 'store-manager'], ids: [REGISTER_ID] } as const;
/** A fleet export covers at most a month of timelines. */
const FLEET_EXPORT_DAYS = 31;
/** The audit log is read a page at a time, newest first, until the page is older than the days asked for. */
const AUDIT_PAGE = 1_000;
const AUDIT_EXPORT_MAX = 100_000;

function scopeOf(request: FastifyRequest, query: { from: string; to: string; storeId?: string | undefined; registerId?: string | undefined }, maxDays?: number): ReportScope {
  const stores = storesToShow(request, query.storeId);
  return { ...dayRange(query.from, query.to, maxDays), stores, registerId: query.registerId };
}

export async function consoleMoneyRoutes(app: HqApp): Promise<void> {
  const db = app.hq.database.read;
  const dialect = app.hq.database.dialect;

  serve(app, HQ_ROUTES.consoleTakings, { access: ACCESS }, async (request) => ({ rows: await takings(db, scopeOf(request, request.query), request.query.by) }));

  serve(app, HQ_ROUTES.consoleRefunds, { access: ACCESS }, async (request) => ({ refunds: await refunds(db, scopeOf(request, request.query)) }));

  serve(app, HQ_ROUTES.consoleOfflineCards, { access: ACCESS }, async (request) => ({ payments: await offlineCards(db, { ...scopeOf(request, request.query), status: request.query.status }) }));

  serve(app, HQ_ROUTES.consoleCashSessions, { access: ACCESS }, async (request) => ({ sessions: await cashSessions(db, scopeOf(request, request.query)) }));

  serve(app, HQ_ROUTES.consoleExport, { access: ACCESS }, async (request, reply) => {
    const report = request.params.report;
    const query = request.query;
    const scope = scopeOf(request, query, report === 'fleet' ? FLEET_EXPORT_DAYS : undefined);
    let header: string[];
    let rows: CsvCell[][];
    switch (report) {
      case 'takings':
        header = ['day', 'storeId', 'registerId', 'tender', 'currency', 'sales', 'refunds', 'net', 'orders'];
        rows = (await takings(db, scope)).map((r) => [r.day, r.storeId, r.registerId, r.tender, r.currency, r.sales, r.refunds, r.net, r.orders]);
        break;
      case 'refunds':
        header = ['id', 'number', 'storeId', 'registerId', 'cashierId', 'originalOrderId', 'total', 'currency', 'createdAt'];
        rows = (await refunds(db, scope, null)).map((r) => [r.id, r.number, r.storeId, r.registerId, r.cashierId, r.originalOrderId, r.total, r.currency, r.createdAt]);
        break;
      case 'offline-cards':
        header = ['id', 'orderId', 'orderNumber', 'storeId', 'registerId', 'cashierId', 'amount', 'currency', 'last4', 'status', 'reason', 'capturedAt'];
        rows = (await offlineCards(db, { ...scope, status: query.status }, null)).map((r) => [r.id, r.orderId, r.orderNumber, r.storeId, r.registerId, r.cashierId, r.amount, r.currency, r.last4, r.status, r.reason, r.capturedAt]);
        break;
      case 'cash-sessions':
        header = ['id', 'storeId', 'registerId', 'currency', 'openedAt', 'closedAt', 'float', 'expected', 'counted', 'variance', 'note', 'reconciled'];
        rows = (await cashSessions(db, scope)).map((r) => [r.id, r.storeId, r.registerId, r.currency, r.openedAt, r.closedAt, r.float, r.expected, r.counted, r.variance, r.note, r.reconciled]);
        break;
      case 'fleet': {
        // The days asked for, up to now: a timeline does not run into the future.
        const end = Math.min(scope.end, Date.now());
        header = ['storeId', 'registerId', 'registerCode', 'registerName', 'from', 'to', 'state', 'reasons', 'switchedBy'];
        rows = end <= scope.start ? [] : (await fleetTimeline(db, { dialect, ...scope }, scope.start, end)).flatMap((r) => r.segments.map((s) => [r.storeId, r.registerId, r.code, r.name, s.from, s.to, s.state, s.reasons.join(' '), s.switchedBy]));
        break;
      }
      case 'audit': {
        if (query.registerId !== undefined) throw new HqError(400, 'NOT_BY_REGISTER', 'The audit log is kept per store, not per register: export it without registerId.');
        header = ['at', 'userEmail', 'action', 'target', 'storeId', 'detail', 'address'];
        rows = [];
        let before: string | undefined;
        for (;;) {
          const page = await listAudit(db, { stores: scope.stores, limit: AUDIT_PAGE, ...(before ? { before } : {}) });
          for (const e of page) {
            const at = Date.parse(e.at);
            if (at >= scope.start && at < scope.end) rows.push([e.at, e.userEmail, e.action, e.target, e.storeId, JSON.stringify(e.detail), e.address]);
          }
          const last = page.at(-1);
          if (!last || page.length < AUDIT_PAGE || Date.parse(last.at) < scope.start || rows.length >= AUDIT_EXPORT_MAX) break;
          before = last.id;
        }
        break;
      }
    }
    const name = `kassa-${report}-${query.from}-to-${query.to}${query.storeId ? `-${query.storeId}` : ''}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(toCsv(header, rows));
  });
}

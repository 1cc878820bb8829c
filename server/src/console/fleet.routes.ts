/** The console's view of the fleet's connectivity: per store now and over 7 days, and per register's timeline. */
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import { serve } from '../http/contract';
import { FleetWeekCache, fleetSummary, fleetTimeline, fleetWindow } from './fleet';
import { storesToShow } from './scope';

const ROLES = ['owner', 'area-manager', 'store-manager'] as const;

export async function consoleFleetRoutes(app: HqApp): Promise<void> {
  const db = app.hq.database.read;

  const weeks = new FleetWeekCache(db, app.hq.database.dialect);

  serve(app, HQ_ROUTES.consoleFleet, { access: { caller: 'console', roles: ROLES, ids: [] } }, async (request) => {
    const stores = storesToShow(request, undefined);
    return { stores: await fleetSummary(db, stores, await weeks.week(stores), Date.now()) };
  });

  serve(app, HQ_ROUTES.consoleFleetTimeline, { access: { caller: 'console', roles: ROLES, ids: [{ in: 'query', name: 'registerId', kind: 'register', unknown: 'refuse' }] } }, async (request) => {
    const { start, end } = fleetWindow(Date.now(), request.query.days);
    const registers = await fleetTimeline(db, { dialect: app.hq.database.dialect, stores: storesToShow(request, request.query.storeId), registerId: request.query.registerId }, start, end);
    return { from: new Date(start).toISOString(), to: new Date(end).toISOString(), registers };
  });
}

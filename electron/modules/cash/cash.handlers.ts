import type { Handlers } from '../../core/handle';
import type { CashService } from './cash.service';

export type CashChannels = 'cash.state' | 'cash.open' | 'cash.move' | 'cash.xReport' | 'cash.count' | 'cash.close';

/** The cash channels, one line each (access is declared in shared/modules/cash.api.ts and enforced by handle()). */
export function cashHandlers(cash: CashService): Pick<Handlers, CashChannels> {
  return {
    'cash.state': () => cash.state(),
    'cash.open': (count, { user }) => cash.open(count, user),
    'cash.move': async (movement, { user }) => cash.move(movement, user),
    'cash.xReport': () => cash.xReport(),
    'cash.count': async ({ managerPin, ...count }, { user }) => cash.count(count, user, managerPin),
    'cash.close': async (request, { user }) => cash.close(request, user),
  };
}

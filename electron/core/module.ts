import type { Channel } from '../../shared/channels';
import type { SaleCompletionHook, SaleService } from '../modules/checkout/sale.service';
import type { OrdersService, RefundWritingHook } from '../modules/orders/orders.service';
import type { FeedApplier } from '../sync/change-feed';
import type { DrainerOptions } from '../sync/drainer';
import type { SyncService } from '../sync/sync.service';
import type { Handlers } from './handle';
import type { Tender } from '../../shared/tender';

/** A section a module adds to the diagnostics page or the support bundle: a name and its figures. */
export interface DiagnosticsSection {
  name: string;
  figures: () => Record<string, unknown>;
}

/** A line a module adds to the end-of-day (Z) report. */
export interface ZReportLine {
  label: string;
  amount: () => number;
}

/** A way to pay a module offers at the tender screen (points, gift cards). */
export interface TenderKind {
  tender: Tender;
}

/** What a module gives the rest of the register, beside its channels. Every field is optional: a module contributes what it has. */
export interface ModuleContributions {
  /** Copies of HQ data the module keeps, applied with the change feed. */
  feedAppliers?: readonly FeedApplier[];
  /** Writes with each completed sale, inside its transaction. */
  saleCompleting?: SaleCompletionHook;
  /** Writes with each refund of a past order, inside its transaction. */
  refundWriting?: RefundWritingHook;
  /** May refuse cash before it is taken at the tender screen (throws a KassaError saying why). */
  cashTender?: () => void;
  /** Told of each operation HQ accepted, inside the transaction that removes it from the outbox. */
  acknowledged?: NonNullable<DrainerOptions['onAcknowledged']>;
  tenders?: readonly TenderKind[];
  /** Strings never to appear in a support bundle. */
  secrets?: () => string[];
  diagnostics?: readonly DiagnosticsSection[];
  zReportLines?: readonly ZReportLine[];
}

/** A module as the composition root lists it: its channels, what it contributes, and what to stop on close. */
export interface KassaModule<C extends Channel = Channel> {
  name: string;
  handlers: Pick<Handlers, C>;
  contributes?: ModuleContributions;
  stop?: () => void;
}

/** Any module, whatever its channels (a list of modules). */
export type AnyModule = KassaModule<never>;

/** The registries modules plug into. */
export interface PlugPoints {
  sales: Pick<SaleService, 'onCompleting' | 'onCashTender'>;
  orders: Pick<OrdersService, 'onRefundWriting'>;
  sync: Pick<SyncService, 'addFeedApplier' | 'onAcknowledged'>;
}

/** Registers every module's contributions with the services that run them. */
export function plugIn(modules: readonly AnyModule[], points: PlugPoints): void {
  for (const { contributes } of modules) {
    if (!contributes) continue;
    for (const applier of contributes.feedAppliers ?? []) points.sync.addFeedApplier(applier);
    if (contributes.saleCompleting) points.sales.onCompleting(contributes.saleCompleting);
    if (contributes.cashTender) points.sales.onCashTender(contributes.cashTender);
    if (contributes.refundWriting) points.orders.onRefundWriting(contributes.refundWriting);
    if (contributes.acknowledged) points.sync.onAcknowledged(contributes.acknowledged);
  }
}

/** Every secret the modules name, for redaction. */
export function moduleSecrets(modules: readonly AnyModule[]): string[] {
  return modules.flatMap((m) => m.contributes?.secrets?.() ?? []);
}

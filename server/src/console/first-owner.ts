/**
 * The console's first owner: from HQ_OWNER_EMAIL / HQ_OWNER_PASSWORD when set, the demo's owner with
 * HQ_DEMO=1, or else a one-time setup link HQ prints at start (main.ts) while no owner exists.
 */
import { EmailSchema, PasswordSchema } from '../../../shared/hq/console';
import type { HqContext } from '../context';
import type { FailureLimit } from '../http/failure-limiter';
import type { Logger } from '../logger';
import { writeAudit } from './audit';

/** Ten wrong passwords in fifteen minutes per address and per email, then 429 until the oldest ages out. */
export const CONSOLE_FAILURE_LIMIT: FailureLimit = { failures: 10, windowMs: 15 * 60_000 };

/** The demo's owner (README): sign in at /console with these on a demo HQ. */
export const DEMO_OWNER = { email: 'owner@kassa.demo', name: 'Demo Owner', password: 'kassa-demo-owner' } as const;

/** Creates the first owner when HQ has none and one is configured; returns the setup token to print otherwise. */
export async function prepareFirstOwner(ctx: HqContext, options: { email?: string; password?: string; demo: boolean }, log: Logger): Promise<string | null> {
  if (await ctx.consoleUsers.ownerExists()) return null;
  const configured = options.email && options.password ? { email: EmailSchema.parse(options.email), name: 'Owner', password: PasswordSchema.parse(options.password) } : options.demo ? DEMO_OWNER : null;
  if (configured) {
    const hash = await ctx.consoleUsers.hashPassword(configured.password);
    await ctx.writer.transaction(async (tx) => {
      await ctx.consoleUsers.insert(tx, { email: configured.email, name: configured.name, role: 'owner', storeIds: [], password: configured.password }, hash);
      await writeAudit(tx, { action: 'console-user.first-owner', target: configured.email, detail: { from: options.demo && !options.email ? 'demo' : 'HQ_OWNER_EMAIL' } }, null, 'start-up');
    });
    log.info({ email: configured.email }, 'console owner created');
    return null;
  }
  return ctx.consoleUsers.issueSetupToken();
}

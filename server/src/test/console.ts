/** Console users for tests: created straight in HQ's database, signed in over HTTP like the console app. */
import type { ConsoleRole } from '../../../shared/hq/console';
import { hashPassword } from '../console/password';
import type { HqApp } from '../context';

export const CONSOLE_PASSWORD = 'correct horse battery';

/** Creates a console user and signs them in; the headers carry the session cookie (GETs need no CSRF token). */
export async function signedInConsoleUser(app: HqApp, role: ConsoleRole, storeIds: string[], email = `${role}-${storeIds.join('-') || 'all'}@example.com`): Promise<{ cookie: string; csrf: string; headers: Record<string, string> }> {
  const ctx = app.hq;
  const hash = await hashPassword(CONSOLE_PASSWORD);
  await ctx.writer.transaction((tx) => ctx.consoleUsers.insert(tx, { email, name: email.split('@')[0]!, role, storeIds, password: CONSOLE_PASSWORD }, hash));
  const res = await app.inject({ method: 'POST', url: '/console/api/sign-in', payload: { email, password: CONSOLE_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`console sign-in failed: ${res.statusCode} ${res.body}`);
  const setCookie = [res.headers['set-cookie']].flat()[0] ?? '';
  const cookie = setCookie.split(';')[0]!;
  const csrf = res.json<{ csrf: string }>().csrf;
  return { cookie, csrf, headers: { cookie } };
}

/** Signing in to the console in HQ tests: a user of any role, and the headers their calls send. */
import type { ConsoleRole, ConsoleUser } from '../../../shared/hq/console';
import { CONSOLE_COOKIE, CSRF_HEADER } from '../../../shared/hq/console';
import type { HqApp } from '../context';
import { hashPassword } from '../console/password';

export interface ConsoleSession {
  user: ConsoleUser;
  /** Headers of a read (the cookie). */
  read: Record<string, string>;
  /** Headers of a change (the cookie and the CSRF token). */
  write: Record<string, string>;
}

export const TEST_PASSWORD = 'correct horse battery';

export async function addConsoleUser(app: HqApp, user: { email: string; role: ConsoleRole; storeIds?: string[]; name?: string; password?: string }): Promise<ConsoleUser> {
  const hash = await hashPassword(user.password ?? TEST_PASSWORD);
  return app.hq.writer.transaction((tx) => app.hq.consoleUsers.insert(tx, { email: user.email, name: user.name ?? user.email, role: user.role, storeIds: user.storeIds ?? [], password: user.password ?? TEST_PASSWORD }, hash));
}

export async function signIn(app: HqApp, email: string, password = TEST_PASSWORD): Promise<ConsoleSession> {
  const response = await app.inject({ method: 'POST', url: '/console/api/sign-in', payload: { email, password } });
  if (response.statusCode !== 200) throw new Error(`sign-in of ${email} answered ${response.statusCode}: ${response.body}`);
  const cookie = String(response.headers['set-cookie']).split(';')[0]!;
  if (!cookie.startsWith(`${CONSOLE_COOKIE}=`)) throw new Error(`sign-in set no console cookie: ${String(response.headers['set-cookie'])}`);
  const body = response.json<{ user: ConsoleUser; csrf: string }>();
  return { user: body.user, read: { cookie }, write: { cookie, [CSRF_HEADER]: body.csrf } };
}

/** A user of the role working for the given stores, signed in. */
export async function consoleSession(app: HqApp, role: ConsoleRole, storeIds: string[] = [], email = `${role}-${storeIds.join('-') || 'all'}@example.test`): Promise<ConsoleSession> {
  await addConsoleUser(app, { email, role, storeIds });
  return signIn(app, email);
}

export const CONSOLE_PASSWORD = TEST_PASSWORD;

/** The same, as the cookie, the CSRF token and the headers of a read. */
export async function signedInConsoleUser(app: HqApp, role: ConsoleRole, storeIds: string[], email = `${role}-${storeIds.join('-') || 'all'}@example.com`): Promise<{ cookie: string; csrf: string; headers: Record<string, string> }> {
  const session = await consoleSession(app, role, storeIds, email);
  return { cookie: session.read.cookie!, csrf: session.write[CSRF_HEADER]!, headers: session.read };
}

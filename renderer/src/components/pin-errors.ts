import { call, CallError, errorText } from '../api/client';
import type { TFunction } from '../i18n';

/**
 * The sentence for a failed PIN: a lockout says how long it lasts in the register's language (the time
 * comes from `session.get`), everything else is the register's own message.
 */
export async function pinErrorText(error: unknown, t: TFunction): Promise<string> {
  if (!(error instanceof CallError) || error.code !== 'TOO_MANY_ATTEMPTS') return errorText(error);
  const { signInLockedUntil } = await call('session.get', {}).catch(() => ({ signInLockedUntil: null }));
  if (!signInLockedUntil) return errorText(error);
  const count = Math.max(1, Math.ceil((signInLockedUntil - Date.now()) / 60_000));
  const message = t('auth:lockout.message', { time: t('auth:lockout.minutes', { count }) });
  return error.message.includes('A manager can unlock') ? `${message} ${t('auth:lockout.manager')}` : message;
}

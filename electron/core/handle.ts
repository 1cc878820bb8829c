import type { z } from 'zod';
import { api, type Api, type ChannelOutput, type User } from '../../shared/api';
import { isChannel, type Channel } from '../../shared/channels';
import { KassaError, type ApiResult } from '../../shared/errors';
import type { Logger } from './logger';

/** Where a call came from; the host decides whether it trusts the sender before anything runs. */
export interface CallContext {
  host: 'electron' | 'web';
  trustedSender: boolean;
  /** The connection the call came on (a WebSocket, a window's web contents): events the call causes skip it, its answer has them. */
  origin?: object;
}

/** Who is calling: a channel declared for signed-in users or managers always gets its user. */
export type Caller<C extends Channel> = Api[C]['access'] extends 'anyone' ? { user?: User | null } : { user: User };

export type Handlers = {
  [C in Channel]: (input: z.output<Api[C]['input']>, context: CallContext & Caller<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
};

export type Dispatch = (channel: unknown, input: unknown, context: CallContext) => Promise<ApiResult<unknown>>;

/** The register's session as `handle()` enforces channel access with it. */
export interface SessionGate {
  current(): User | null;
  isLocked(): boolean;
}

export interface HandleOptions {
  /** Turns a failure the handler did not mean (a full disk, say) into an error the cashier can act on; null leaves it INTERNAL. */
  translate?: (error: unknown, channel: Channel) => KassaError | null;
  /** Every call that went through (the disk monitor looks again while the disk counted as full). */
  succeeded?: (channel: Channel) => void;
  /** Enforces each channel's access, lock and passive rules (`shared/channel-spec.ts`); without one every trusted call runs. */
  session?: SessionGate;
  /** A call the cashier caused (not passive): the auto-lock's idle time starts again. */
  cashierActive?: () => void;
}

const LOCKED = 'The register is locked: unlock it with your PIN.';
const SIGN_IN_FIRST = { signedIn: 'Sign in with your PIN first.', manager: 'Sign in first.' } as const;

/** Calls a locked register still answers: the status bar, the lock screen and sign-out. */
export function allowedWhileLocked(channel: string): boolean {
  return isChannel(channel) && (api[channel] as { whileLocked?: boolean }).whileLocked === true;
}

/** Reads the renderer makes on its own (status bar, screen refreshes, polling) are not the cashier at work. */
export function isCashierActivity(channel: string): boolean {
  return !isChannel(channel) || (api[channel] as { passive?: boolean }).passive !== true;
}

/**
 * The one wrapper every call goes through, whatever the host: checks the sender first, then the lock, knows
 * the channel, parses the input with the channel's zod schema, checks who may call it, runs the handler, and
 * turns every failure into a typed error result the renderer can translate. Nothing thrown crosses the
 * boundary as a raw exception.
 */
export function handle(handlers: Handlers, log: Logger, options: HandleOptions = {}): Dispatch {
  const { session } = options;
  return async (channel, input, context) => {
    if (!context.trustedSender) {
      log.warn({ channel: String(channel), host: context.host }, 'call refused: untrusted sender');
      return failure('UNTRUSTED_SENDER', 'This window is not allowed to talk to the register.');
    }
    const name = String(channel);
    if (session?.isLocked() && !allowedWhileLocked(name)) return failure('NOT_SIGNED_IN', LOCKED);
    if (session && isCashierActivity(name)) options.cashierActive?.();
    if (!isChannel(channel)) return failure('UNKNOWN_CHANNEL', `There is no call named ${JSON.stringify(name.slice(0, 64))}.`);
    const spec = api[channel] as (typeof api)[Channel] & { refusal?: string };
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      return failure('INVALID_INPUT', `${channel}: ${first?.path.join('.') || 'input'} ${first?.message ?? 'is not valid'}.`);
    }
    let call: CallContext & { user?: User | null } = context;
    if (session) {
      const user = session.current();
      if (spec.access !== 'anyone') {
        if (!user) return failure('NOT_SIGNED_IN', SIGN_IN_FIRST[spec.access]);
        if (session.isLocked()) return failure('NOT_SIGNED_IN', LOCKED);
        if (spec.access === 'manager' && user.role !== 'manager') return failure('NOT_A_MANAGER', spec.refusal ?? 'That is for managers: sign in with a manager PIN.');
      }
      // Object.assign, not `{ ...context, user }`: Node 20's V8 takes a slow path for a spread plus a field, on every call.
      call = Object.assign({}, context, { user });
    }
    try {
      const handler = handlers[channel] as (input: unknown, context: CallContext) => unknown;
      const value = await handler(parsed.data, call);
      options.succeeded?.(channel);
      return { ok: true, value };
    } catch (error) {
      if (error instanceof KassaError) return failure(error.code, error.message);
      const translated = options.translate?.(error, channel);
      if (translated) {
        log.error({ err: error, channel, code: translated.code }, 'call failed');
        return failure(translated.code, translated.message);
      }
      log.error({ err: error, channel }, 'call failed');
      return failure('INTERNAL', 'Something went wrong on this register. Nothing was lost; try again, and call IT if it keeps happening.');
    }
  };
}

function failure(code: KassaError['code'], message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}

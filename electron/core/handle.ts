import type { z } from 'zod';
import { api, type Api, type ChannelOutput } from '../../shared/api';
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

export type Handlers = {
  [C in Channel]: (input: z.output<Api[C]['input']>, context: CallContext) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
};

export type Dispatch = (channel: unknown, input: unknown, context: CallContext) => Promise<ApiResult<unknown>>;

export interface HandleOptions {
  /** Turns a failure the handler did not mean (a full disk, say) into an error the cashier can act on; null leaves it INTERNAL. */
  translate?: (error: unknown, channel: Channel) => KassaError | null;
  /** Every call that went through (the disk monitor looks again while the disk counted as full). */
  succeeded?: (channel: Channel) => void;
}

/**
 * The one wrapper every call goes through, whatever the host: checks the sender, knows the channel,
 * parses the input with the channel's zod schema, runs the handler, and turns every failure into a typed
 * error result the renderer can translate. Nothing thrown crosses the boundary as a raw exception.
 */
export function handle(handlers: Handlers, log: Logger, options: HandleOptions = {}): Dispatch {
  return async (channel, input, context) => {
    if (!context.trustedSender) {
      log.warn({ channel: String(channel), host: context.host }, 'call refused: untrusted sender');
      return failure('UNTRUSTED_SENDER', 'This window is not allowed to talk to the register.');
    }
    if (!isChannel(channel)) return failure('UNKNOWN_CHANNEL', `There is no call named ${JSON.stringify(String(channel).slice(0, 64))}.`);
    const parsed = api[channel].input.safeParse(input ?? {});
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      return failure('INVALID_INPUT', `${channel}: ${first?.path.join('.') || 'input'} ${first?.message ?? 'is not valid'}.`);
    }
    try {
      const handler = handlers[channel] as (input: unknown, context: CallContext) => unknown;
      const value = await handler(parsed.data, context);
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

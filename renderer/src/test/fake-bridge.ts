import type { ChannelInput, ChannelOutput, KassaEvent } from '../../../shared/api';
import type { KassaBridge } from '../../../shared/bridge';
import type { Channel } from '../../../shared/channels';
import type { ApiResult } from '../../../shared/errors';

type Answer = { [C in Channel]?: (input: ChannelInput<C>) => ApiResult<ChannelOutput<C>> };

/** A `window.kassa` for component tests: answers calls from a table and lets the test push events. */
export function installFakeBridge(answers: Answer) {
  const listeners = new Set<(event: KassaEvent) => void>();
  const calls: { channel: Channel; input: unknown }[] = [];
  const bridge: KassaBridge = {
    invoke: async (channel, input) => {
      calls.push({ channel, input });
      const answer = answers[channel] as ((input: unknown) => ApiResult<unknown>) | undefined;
      if (!answer) return { ok: false, error: { code: 'INTERNAL', message: `no fake answer for ${channel}` } } as never;
      return answer(input) as never;
    },
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  window.kassa = bridge;
  return { calls, emit: (event: KassaEvent) => listeners.forEach((l) => l(event)) };
}

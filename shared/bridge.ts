import type { Channel } from './channels';
import type { ChannelInput, ChannelOutput, KassaEvent } from './api';
import type { ApiResult } from './errors';

/** What the renderer sees as `window.kassa` (Electron preload) or gets from the web host's WebSocket client. */
export interface KassaBridge {
  invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ApiResult<ChannelOutput<C>>>;
  /** Calls `listener` for every event; returns the function that stops it. */
  onEvent(listener: (event: KassaEvent) => void): () => void;
}

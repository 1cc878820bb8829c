import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebSocketBridge } from './ws-bridge';

/** A WebSocket stand-in: opens when told, records what is sent, answers when told. */
class FakeSocket extends EventTarget {
  static readonly OPEN = 1;
  static last: FakeSocket | null = null;
  readyState = 0;
  readonly sent: string[] = [];
  constructor(readonly url: string) {
    super();
    FakeSocket.last = this;
  }
  send(data: string) {
    this.sent.push(data);
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }
  answer(id: number, value: unknown) {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify({ id, result: { ok: true, value } }) }));
  }
}

afterEach(() => vi.unstubAllGlobals());

describe('the web host bridge', () => {
  it('sends a call at once on an open connection, before anything else runs (a scan leaves before the screen re-renders)', async () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    const bridge = createWebSocketBridge('ws://127.0.0.1:1/api');
    const socket = FakeSocket.last!;
    socket.open();
    const answer = bridge.invoke('cart.scan', { code: '4006381333931' });
    expect(socket.sent.map((m) => JSON.parse(m) as unknown)).toEqual([{ id: 1, channel: 'cart.scan', input: { code: '4006381333931' } }]);
    socket.answer(1, { id: 's1' });
    expect(await answer).toEqual({ ok: true, value: { id: 's1' } });
  });

  it('holds a call made before the connection opens and sends it once it does', async () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    const bridge = createWebSocketBridge('ws://127.0.0.1:1/api');
    const socket = FakeSocket.last!;
    const answer = bridge.invoke('app.info', {});
    await Promise.resolve();
    expect(socket.sent).toEqual([]);
    socket.open();
    await vi.waitFor(() => expect(socket.sent).toHaveLength(1));
    socket.answer(1, { version: '0' });
    expect(await answer).toEqual({ ok: true, value: { version: '0' } });
  });
});

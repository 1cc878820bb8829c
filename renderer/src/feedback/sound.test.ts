// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** What a played tone looked like: its oscillator's wave and frequency, its gain over time, when it started and stopped. */
interface Played {
  wave: string;
  frequency: number;
  gains: number[];
  start: number;
  stop: number;
  connectedToOutput: boolean;
}

/** A stand-in AudioContext that records every tone instead of sounding it. */
class FakeAudioContext {
  static made = 0;
  static played: Played[] = [];
  state: 'suspended' | 'running' | 'closed' = 'suspended';
  currentTime = 12.5;
  readonly destination = { kind: 'speakers' };
  resumed = 0;

  constructor() {
    FakeAudioContext.made++;
    FakeAudioContext.contexts.push(this);
  }
  static contexts: FakeAudioContext[] = [];

  resume(): Promise<void> {
    this.resumed++;
    this.state = 'running';
    return Promise.resolve();
  }

  createOscillator() {
    const played: Played = { wave: 'sine', frequency: NaN, gains: [], start: NaN, stop: NaN, connectedToOutput: false };
    return {
      set type(wave: string) {
        played.wave = wave;
      },
      frequency: { setValueAtTime: (value: number) => (played.frequency = value) },
      connect: (gain: { attach(p: Played): void }) => gain.attach(played),
      disconnect: () => undefined,
      onended: null as (() => void) | null,
      start: (at: number) => {
        played.start = at;
        FakeAudioContext.played.push(played);
      },
      stop: (at: number) => (played.stop = at),
    };
  }

  createGain() {
    const values: number[] = [];
    let played: Played | null = null;
    const record = (value: number) => {
      values.push(value);
      if (played) played.gains = values;
    };
    return {
      attach: (p: Played) => {
        played = p;
        p.gains = values;
      },
      gain: { setValueAtTime: record, linearRampToValueAtTime: record, exponentialRampToValueAtTime: record },
      connect: (to: unknown) => {
        if (played && to === this.destination) played.connectedToOutput = true;
      },
      disconnect: () => undefined,
    };
  }
}

const peak = (p: Played) => Math.max(...p.gains);
const length = (p: Played) => p.stop - p.start;

/** The module afresh for each test: its one shared context starts unmade. */
const load = () => import('./sound');

beforeEach(() => {
  vi.resetModules();
  FakeAudioContext.made = 0;
  FakeAudioContext.played = [];
  FakeAudioContext.contexts = [];
  vi.stubGlobal('AudioContext', FakeAudioContext);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('the till’s sounds', () => {
  it('a tick and an error tone differ: the error is lower and longer, and both reach the speakers', async () => {
    const sound = await load();
    sound.configureSound({ enabled: true, volume: 1 });
    sound.playTick();
    sound.playError();
    const [tick, error] = FakeAudioContext.played;
    expect(tick).toMatchObject({ frequency: 1760, wave: 'sine', connectedToOutput: true, start: 12.5 });
    expect(error).toMatchObject({ frequency: 220, wave: 'square', connectedToOutput: true, start: 12.5 });
    expect(error!.frequency).toBeLessThan(tick!.frequency / 4);
    expect(length(tick!)).toBeCloseTo(0.06);
    expect(length(error!)).toBeGreaterThan(length(tick!) * 5);
    // Silence at both ends: no click.
    expect(tick!.gains[0]).toBe(0);
    expect(tick!.gains.at(-1)).toBe(0);
  });

  it('the volume scales the gain, and every sound shares one context made on first need', async () => {
    const sound = await load();
    expect(FakeAudioContext.made).toBe(0);
    sound.configureSound({ enabled: true, volume: 1 });
    sound.playTick();
    sound.configureSound({ enabled: true, volume: 0.25 });
    sound.playTick();
    sound.playError();
    const [loud, quiet, error] = FakeAudioContext.played;
    expect(peak(loud!)).toBeCloseTo(0.6);
    expect(peak(quiet!)).toBeCloseTo(0.6 * 0.25);
    expect(peak(error!)).toBeCloseTo(0.3 * 0.25);
    expect(FakeAudioContext.made).toBe(1);
  });

  it('sound switched off, or the volume at 0, plays nothing and makes no context', async () => {
    const sound = await load();
    sound.configureSound({ enabled: false, volume: 1 });
    sound.playTick();
    sound.playError();
    sound.configureSound({ enabled: true, volume: 0 });
    sound.playTick();
    expect(FakeAudioContext.played).toEqual([]);
    expect(FakeAudioContext.made).toBe(0);
    // Switched on again: it sounds.
    sound.configureSound({ enabled: true, volume: 0.5 });
    sound.playError();
    expect(FakeAudioContext.played).toHaveLength(1);
  });

  it('settings that do not parse leave the ones in force', async () => {
    const sound = await load();
    sound.configureSound({ enabled: false, volume: 1 });
    sound.configureSound(undefined);
    sound.configureSound({ enabled: true, volume: 7 } as never);
    sound.playTick();
    expect(FakeAudioContext.played).toEqual([]);
  });

  it('without Web Audio, or when it fails, nothing throws and nothing sounds', async () => {
    vi.stubGlobal('AudioContext', undefined);
    let sound = await load();
    sound.configureSound({ enabled: true, volume: 1 });
    expect(() => {
      sound.playTick();
      sound.playError();
      window.dispatchEvent(new KeyboardEvent('keydown', { key: '4' }));
    }).not.toThrow();

    vi.resetModules();
    vi.stubGlobal(
      'AudioContext',
      class {
        constructor() {
          throw new Error('The number of hardware contexts provided (6) is greater than or equal to the maximum bound (6).');
        }
      },
    );
    sound = await load();
    sound.configureSound({ enabled: true, volume: 1 });
    expect(() => sound.playError()).not.toThrow();

    vi.resetModules();
    vi.stubGlobal(
      'AudioContext',
      class extends FakeAudioContext {
        override createOscillator(): never {
          throw new Error('broken audio device');
        }
      },
    );
    sound = await load();
    sound.configureSound({ enabled: true, volume: 1 });
    expect(() => sound.playTick()).not.toThrow();
    expect(FakeAudioContext.played).toEqual([]);
  });

  it('the first key or tap resumes the suspended context, once', async () => {
    const sound = await load();
    sound.configureSound({ enabled: true, volume: 0.5 });
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '4' }));
    const [audio] = FakeAudioContext.contexts;
    expect(audio?.state).toBe('running');
    expect(audio?.resumed).toBe(1);
    await Promise.resolve();
    window.dispatchEvent(new Event('pointerdown'));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '0' }));
    expect(audio?.resumed).toBe(1);
    expect(FakeAudioContext.made).toBe(1);
  });
});

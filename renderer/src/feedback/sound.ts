import { z } from 'zod';
export { flashScanField } from './scan-flash';

/**
 * The till's sounds, drawn with the Web Audio API (no sound files to ship or load): a short high tick on a
 * good scan, a lower, longer tone on an error, so a cashier hears which without looking up. One shared
 * AudioContext, created on first need and resumed on the first key or tap (browsers start it suspended until
 * the page is used). Where Web Audio is missing or fails, the till simply stays silent.
 */

/** Settings `checkout.sound` as app.info gives them. */
export const SoundSettingsSchema = z.object({ enabled: z.boolean(), volume: z.number().min(0).max(1) });
export type SoundSettings = z.infer<typeof SoundSettingsSchema>;

interface Tone {
  /** Hz */
  frequency: number;
  /** seconds */
  duration: number;
  wave: OscillatorType;
  /** The gain at full volume: a square wave sounds louder than a sine at the same gain. */
  peak: number;
}

/** A short, high, soft-edged tick: heard over a shop's noise, never tiring after hundreds of scans. */
export const TICK: Readonly<Tone> = { frequency: 1760, duration: 0.06, wave: 'sine', peak: 0.6 };
/** Lower, longer and buzzier than the tick, so an error never passes for a good scan. */
export const ERROR_TONE: Readonly<Tone> = { frequency: 220, duration: 0.42, wave: 'square', peak: 0.3 };

const ATTACK_S = 0.005;
const RELEASE_S = 0.03;

let settings: SoundSettings = { enabled: true, volume: 0.5 };
let context: AudioContext | null = null;
let unavailable = false;
let gestureListening = false;
const GESTURES = ['pointerdown', 'keydown', 'touchstart'] as const;

/** Takes the till's sound settings (called whenever app.info changes); anything malformed leaves them as they were. */
export function configureSound(next: SoundSettings | undefined | null): void {
  const parsed = SoundSettingsSchema.safeParse(next);
  if (!parsed.success) return;
  settings = parsed.data;
  if (settings.enabled) listenForFirstGesture();
}

/** A good scan. */
export function playTick(): void {
  play(TICK);
}

/** An error the cashier must look at (an unknown barcode, a refused payment). */
export function playError(): void {
  play(ERROR_TONE);
}

function play(tone: Tone): void {
  if (!settings.enabled || settings.volume <= 0) return;
  try {
    const audio = sharedContext();
    if (!audio || audio.state === 'closed') return;
    if (audio.state === 'suspended') void audio.resume().catch(() => undefined);
    const start = audio.currentTime;
    const end = start + tone.duration;
    const level = tone.peak * settings.volume;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = tone.wave;
    oscillator.frequency.setValueAtTime(tone.frequency, start);
    // A few milliseconds of ramp at each end: an abrupt start or stop clicks.
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(level, start + ATTACK_S);
    gain.gain.setValueAtTime(level, end - RELEASE_S);
    gain.gain.linearRampToValueAtTime(0, end);
    oscillator.connect(gain);
    gain.connect(audio.destination);
    oscillator.onended = () => {
      oscillator.disconnect();
      gain.disconnect();
    };
    oscillator.start(start);
    oscillator.stop(end);
  } catch {
    // A sound is a courtesy: the scan and its message on screen stand without it.
  }
}

function sharedContext(): AudioContext | null {
  if (context || unavailable) return context;
  const Context = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Context) {
    unavailable = true;
    return null;
  }
  try {
    context = new Context();
  } catch {
    unavailable = true;
  }
  return context;
}

/** Browsers keep an AudioContext suspended until the page is used: the first key (a scanner types too) or tap wakes it. */
function listenForFirstGesture(): void {
  if (gestureListening || typeof window === 'undefined') return;
  gestureListening = true;
  const stop = () => {
    for (const type of GESTURES) window.removeEventListener(type, wake, true);
  };
  const wake = () => {
    if (!settings.enabled) return;
    try {
      const audio = sharedContext();
      if (!audio) return stop();
      if (audio.state === 'running') return stop();
      void audio.resume().then(
        () => audio.state === 'running' && stop(),
        () => undefined,
      );
    } catch {
      stop();
    }
  };
  for (const type of GESTURES) window.addEventListener(type, wake, { capture: true, passive: true });
}

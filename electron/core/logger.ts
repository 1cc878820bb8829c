import pino from 'pino';

export type Logger = pino.Logger;

/** Structured logs (JSON lines) on stderr, so stdout stays free for the host's ready line. */
export function createLogger(level = process.env.KASSA_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'kassa', level }, pino.destination(2));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs on stderr; stdout carries only the ready line. */
export function createLogger(level = process.env.HQ_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'kassa-hq', level }, pino.destination(2));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

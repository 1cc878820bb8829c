import { Writable } from 'node:stream';
import pino from 'pino';

export type Logger = pino.Logger;

/** How much of the recent log the register keeps in memory for the support bundle. */
export const LOG_RING_LINES = 2000;
export const LOG_RING_BYTES = 1024 * 1024;

/**
 * The last log lines, bounded by count and bytes (the oldest go first), so a manager's support bundle
 * carries what happened just before the problem without the register ever writing an unbounded file.
 */
export class LogRing extends Writable {
  private lines: string[] = [];
  private bytes = 0;

  constructor(
    private readonly maxLines = LOG_RING_LINES,
    private readonly maxBytes = LOG_RING_BYTES,
  ) {
    super({ decodeStrings: false });
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    for (const line of String(chunk).split('\n')) if (line) this.push1(line);
    done();
  }

  private push1(line: string): void {
    this.lines.push(line);
    this.bytes += line.length;
    while (this.lines.length > this.maxLines || (this.bytes > this.maxBytes && this.lines.length > 1)) this.bytes -= this.lines.shift()!.length;
  }

  recent(): string[] {
    return [...this.lines];
  }
}

/** The process's recent log (every logger from `createLogger` writes into it). */
export const recentLog = new LogRing();

/** Structured logs (JSON lines) on stderr, so stdout stays free for the host's ready line; the recent ones also in `recentLog`. */
export function createLogger(level = process.env.KASSA_LOG_LEVEL ?? 'info'): Logger {
  if (level === 'silent') return silentLogger();
  const streams = pino.multistream([
    { level: level as pino.Level, stream: pino.destination(2) },
    { level: level as pino.Level, stream: recentLog },
  ]);
  return pino({ name: 'kassa', level }, streams);
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

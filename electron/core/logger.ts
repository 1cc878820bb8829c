import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';

export type Logger = pino.Logger;

/** How much of the recent log the register keeps in memory for the support bundle. */
export const LOG_RING_LINES = 2000;
export const LOG_RING_BYTES = 1024 * 1024;
/** The log file in `<dataDir>/logs/`, rotated once at this size (one older file kept). */
export const LOG_FILE = 'kassa.log';
export const LOG_FILE_BYTES = 1024 * 1024;

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

  /** The file the lines also go to, so a support bundle after a crash still has what led to it. */
  private file: { dir: string; fd: number; bytes: number; maxBytes: number } | null = null;

  /**
   * Also appends every line to `<dir>/kassa.log`, rotated to `kassa.1.log` at `maxBytes` (so at most twice
   * that on disk). Returns the function that stops it. A write that fails turns the file off, never the register.
   */
  persistTo(dir: string, maxBytes = LOG_FILE_BYTES): () => void {
    try {
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, LOG_FILE);
      const fd = fs.openSync(file, 'a');
      this.closeFile();
      this.file = { dir, fd, bytes: fs.fstatSync(fd).size, maxBytes };
      const mine = this.file;
      return () => {
        if (this.file === mine) this.closeFile();
      };
    } catch {
      return () => undefined;
    }
  }

  /** The persisted log, older file first, as lines (empty without a file). */
  persisted(dir: string): string[] {
    return [`${LOG_FILE.replace('.log', '.1.log')}`, LOG_FILE].flatMap((name) => {
      try {
        return fs.readFileSync(path.join(dir, name), 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    });
  }

  private append(line: string): void {
    const file = this.file;
    if (!file) return;
    try {
      if (file.bytes + line.length + 1 > file.maxBytes) {
        fs.closeSync(file.fd);
        fs.renameSync(path.join(file.dir, LOG_FILE), path.join(file.dir, LOG_FILE.replace('.log', '.1.log')));
        file.fd = fs.openSync(path.join(file.dir, LOG_FILE), 'a');
        file.bytes = 0;
      }
      file.bytes += fs.writeSync(file.fd, `${line}\n`);
    } catch {
      this.file = null;
    }
  }

  private closeFile(): void {
    if (!this.file) return;
    try {
      fs.closeSync(this.file.fd);
    } catch {
      // already closed
    }
    this.file = null;
  }

  private push1(line: string): void {
    this.append(line);
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

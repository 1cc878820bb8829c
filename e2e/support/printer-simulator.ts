import net from 'node:net';

/**
 * A network receipt printer for tests: an ESC/POS printer listening on 127.0.0.1 (a free port) the way a
 * real one listens on port 9100. It records every byte, reads the ESC/POS stream as a printer would (the
 * commands the register sends, text in GB18030 while Chinese character mode is on), counts drawer kicks,
 * answers DLE EOT real-time status queries, and can play the ways a real printer fails.
 *
 * - `online`: prints and answers.
 * - `paperOut`: answers status with "paper out" (and offline), prints nothing (a real printer holds the job).
 * - `coverOpen`: answers status with "cover open" (offline).
 * - `refuse`: stops listening, so connections are refused (switched off, unplugged); resumes on the next mode.
 * - `stall`: accepts the connection and never reads nor answers (a hung printer); the peer's timeout decides.
 * - `silent`: prints, but never answers a status query (a printer with status replies turned off).
 */
export type PrinterSimMode = 'online' | 'paperOut' | 'coverOpen' | 'refuse' | 'stall' | 'silent';

export interface PrinterSimJob {
  /** The bytes one connection sent, in order. */
  bytes: Buffer;
  /** The printed text, one string per line fed (LF), commands removed. */
  lines: string[];
  kicks: number;
  cuts: number;
  barcodes: string[];
  statusQueries: number;
}

export interface PrinterSimulator {
  readonly port: number;
  /** "127.0.0.1:<port>", as printer.address. */
  readonly address: string;
  mode(): PrinterSimMode;
  set(mode: PrinterSimMode): Promise<void>;
  /** One job per connection, the latest last. */
  jobs(): PrinterSimJob[];
  /** Every printed line of every job. */
  printedText(): string;
  /** Drawer kicks seen, ESC p and DLE DC4 1 alike, across all connections. */
  kicks(): number;
  /** Every byte received, across all connections. */
  received(): Buffer;
  close(): Promise<void>;
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
const LF = 0x0a;

/** Font A: 12 dots a column. */
const DOTS_PER_COLUMN = 12;

/** Columns a printed string takes: East Asian wide and full-width characters take two. */
function columnsOf(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    width += (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6) || code >= 0x20000 ? 2 : 1;
  }
  return width;
}

/** The answer to DLE EOT n in a mode (Epson's bit layout: bits 1 and 4 always set). */
export function statusByte(mode: PrinterSimMode, n: number): number {
  const fixed = 0x12;
  const paperOut = mode === 'paperOut';
  const coverOpen = mode === 'coverOpen';
  switch (n) {
    case 1:
      return fixed | (paperOut || coverOpen ? 0x08 : 0);
    case 2:
      return fixed | (coverOpen ? 0x04 : 0) | (paperOut ? 0x20 : 0);
    case 3:
      return fixed;
    case 4:
      return fixed | (paperOut ? 0x6c : 0);
    default:
      return fixed;
  }
}

/**
 * Reads an ESC/POS byte stream as it arrives (a command may be split across chunks): text goes to lines,
 * commands change the state or are counted, real-time status queries are answered through `answer`.
 */
export class EscPosReader {
  readonly job: PrinterSimJob = { bytes: Buffer.alloc(0), lines: [], kicks: 0, cuts: 0, barcodes: [], statusQueries: 0 };
  private pending = Buffer.alloc(0);
  private text: number[] = [];
  private textChinese = false;
  private chinese = false;

  /**
   * `answer`: sends the reply to DLE EOT n. `printing`: false while the printer holds what it receives
   * (out of paper, cover open): status is still answered, nothing is printed, no drawer opens.
   */
  constructor(
    private readonly answer: (queryN: number) => void = () => {},
    private readonly printing: () => boolean = () => true,
  ) {}

  push(chunk: Buffer): void {
    this.job.bytes = Buffer.concat([this.job.bytes, chunk]);
    this.pending = Buffer.concat([this.pending, chunk]);
    let at = 0;
    for (;;) {
      const used = this.step(this.pending, at);
      if (used === 0) break;
      at += used;
    }
    this.pending = this.pending.subarray(at);
  }

  /** Ends the line still being fed, as a printer does when the job ends. */
  flush(): void {
    if (this.text.length > 0 || this.carried !== '') this.endLine();
  }

  private decode(bytes: number[], chinese: boolean): string {
    return new TextDecoder(chinese ? 'gb18030' : 'latin1').decode(Uint8Array.from(bytes));
  }

  private addText(byte: number) {
    if (!this.printing()) return;
    if (this.text.length === 0) this.textChinese = this.chinese;
    this.text.push(byte);
  }

  /** Text of the current line decoded before a mode change. */
  private carried = '';

  private endLine() {
    if (!this.printing()) return;
    this.job.lines.push((this.carried + this.decode(this.text, this.textChinese)).replace(/\s+$/, ''));
    this.text = [];
    this.carried = '';
  }

  /** The line so far as text, the bytes not yet decoded included. */
  private lineSoFar(): string {
    if (this.text.length > 0) {
      this.carried += this.decode(this.text, this.textChinese);
      this.text = [];
    }
    return this.carried;
  }

  /** A position command: spaces up to the column (12 dots per column in font A; wide characters take two). */
  private moveTo(dots: number) {
    if (!this.printing()) return;
    const line = this.lineSoFar();
    const target = Math.round(dots / DOTS_PER_COLUMN);
    const width = columnsOf(line);
    if (target > width) this.carried = line + ' '.repeat(target - width);
  }

  private moveBy(dots: number) {
    if (!this.printing()) return;
    const line = this.lineSoFar();
    this.moveTo((columnsOf(line) * DOTS_PER_COLUMN) + dots);
  }

  /** Keeps the text so far when the mode changes mid-line. */
  private modeChange(chinese: boolean) {
    if (chinese === this.chinese) return;
    if (this.text.length > 0) {
      this.carried += this.decode(this.text, this.textChinese);
      this.text = [];
    }
    this.chinese = chinese;
  }

  /** Consumes one command or text byte at `at`; 0 when the buffer ends inside a command. */
  private step(b: Buffer, at: number): number {
    const left = b.length - at;
    if (left <= 0) return 0;
    const c = b[at]!;
    const need = (n: number) => (left >= n ? n : 0);
    if (c === LF) {
      this.endLine();
      return 1;
    }
    if (c === 0x0d || c === 0x09) return 1;
    if (c === DLE) {
      if (left < 2) return 0;
      const fn = b[at + 1]!;
      if (fn === 0x04) {
        if (left < 3) return 0;
        this.job.statusQueries++;
        this.answer(b[at + 2]!);
        return 3;
      }
      if (fn === 0x14) {
        // DLE DC4 fn m t: fn 1 is the real-time drawer pulse.
        if (left < 5) return 0;
        // Real-time: it opens the drawer even while the printer holds the job.
        if (b[at + 2] === 1) this.job.kicks++;
        return 5;
      }
      return 2;
    }
    if (c === ESC) {
      if (left < 2) return 0;
      const cmd = b[at + 1]!;
      switch (cmd) {
        case 0x40: // ESC @ initialise
          this.modeChange(false);
          return 2;
        case 0x32: // ESC 2
        case 0x3c: // ESC <
          return 2;
        case 0x70: // ESC p m t1 t2: drawer kick
          if (!need(5)) return 0;
          if (this.printing()) this.job.kicks++;
          return 5;
        case 0x24: // ESC $ nL nH: absolute print position, in dots
          if (!need(4)) return 0;
          this.moveTo(b[at + 2]! + b[at + 3]! * 256);
          return 4;
        case 0x5c: // ESC \ nL nH: relative print position, in dots (signed)
          if (!need(4)) return 0;
          this.moveBy(((b[at + 2]! + b[at + 3]! * 256) << 16) >> 16);
          return 4;
        case 0x2a: {
          // ESC * m nL nH d…: bit image
          if (left < 5) return 0;
          const m = b[at + 2]!;
          const n = b[at + 3]! + b[at + 4]! * 256;
          return need(5 + n * (m >= 32 ? 3 : 1));
        }
        case 0x44: {
          // ESC D n… NUL: tab stops
          const end = b.indexOf(0, at + 2);
          return end < 0 ? 0 : end - at + 1;
        }
        case 0x69: // ESC i: partial cut
        case 0x6d: // ESC m
          this.job.cuts++;
          return 2;
        default:
          // ESC with one parameter byte: a, E, -, M, SP, 3, {, t, R, !, d, J, G, V, c…
          return need(3);
      }
    }
    if (c === GS) {
      if (left < 2) return 0;
      const cmd = b[at + 1]!;
      switch (cmd) {
        case 0x56: {
          // GS V m [n]: cut (m 65, 66, 97, 98, 103, 104 take a feed amount)
          if (left < 3) return 0;
          const m = b[at + 2]!;
          const withFeed = m === 65 || m === 66 || m === 97 || m === 98 || m === 103 || m === 104;
          const length = withFeed ? 4 : 3;
          if (!need(length)) return 0;
          this.flush();
          if (this.printing()) this.job.cuts++;
          return length;
        }
        case 0x4c: // GS L nL nH
        case 0x57: // GS W nL nH
        case 0x50: // GS P x y
          return need(4);
        case 0x6b: {
          // GS k m …: barcode, NUL-terminated (m 0-6) or counted (m 65-79)
          if (left < 3) return 0;
          const m = b[at + 2]!;
          if (m <= 6) {
            const end = b.indexOf(0, at + 3);
            if (end < 0) return 0;
            this.job.barcodes.push(b.subarray(at + 3, end).toString('latin1'));
            return end - at + 1;
          }
          if (left < 4) return 0;
          const n = b[at + 3]!;
          if (!need(4 + n)) return 0;
          this.job.barcodes.push(code128Text(b.subarray(at + 4, at + 4 + n)));
          return 4 + n;
        }
        case 0x28: {
          // GS ( x pL pH …: counted
          if (left < 5) return 0;
          return need(5 + b[at + 3]! + b[at + 4]! * 256);
        }
        case 0x38: {
          // GS 8 L p1 p2 p3 p4 …: counted in four bytes
          if (left < 7) return 0;
          const n = b[at + 3]! + b[at + 4]! * 0x100 + b[at + 5]! * 0x10000 + b[at + 6]! * 0x1000000;
          return need(7 + n);
        }
        case 0x76: {
          // GS v 0 m xL xH yL yH d…: raster image
          if (left < 8) return 0;
          const x = b[at + 4]! + b[at + 5]! * 256;
          const y = b[at + 6]! + b[at + 7]! * 256;
          return need(8 + x * y);
        }
        default:
          // GS with one parameter byte: !, B, a, h, w, H, f, r…
          return need(3);
      }
    }
    if (c === FS) {
      if (left < 2) return 0;
      const cmd = b[at + 1]!;
      switch (cmd) {
        case 0x26: // FS &: Chinese character mode on
          this.modeChange(true);
          return 2;
        case 0x2e: // FS .: off
          this.modeChange(false);
          return 2;
        case 0x53: // FS S n1 n2
          return need(4);
        case 0x28: {
          if (left < 5) return 0;
          return need(5 + b[at + 3]! + b[at + 4]! * 256);
        }
        case 0x70: // FS p n m: stored logo
          return need(4);
        default:
          // FS with one parameter byte: C, -, !, W…
          return need(3);
      }
    }
    if (c < 0x20) return 1;
    // A two-byte (or four-byte) GB18030 character is text too; it is kept whole by decoding at line end.
    this.addText(c);
    return 1;
  }
}

/** The data of a Code 128 barcode (GS k 73) without its code-set switches: {A {B {C and their digits. */
function code128Text(data: Buffer): string {
  let out = '';
  let set: 'A' | 'B' | 'C' = 'B';
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === 0x7b && i + 1 < data.length) {
      const next = String.fromCharCode(data[i + 1]!);
      if (next === 'A' || next === 'B' || next === 'C') {
        set = next;
        i++;
        continue;
      }
      if (next === '{') {
        out += '{';
        i++;
        continue;
      }
      i++;
      continue;
    }
    out += set === 'C' ? String(byte).padStart(2, '0') : String.fromCharCode(byte);
  }
  return out;
}

export async function startPrinterSimulator(options: { mode?: PrinterSimMode; stallLimitMs?: number } = {}): Promise<PrinterSimulator> {
  const sockets = new Set<net.Socket>();
  const readers: EscPosReader[] = [];
  const stallLimitMs = options.stallLimitMs ?? 60_000;
  let current: PrinterSimMode = options.mode ?? 'online';
  let closed = false;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (current === 'refuse') {
      socket.resetAndDestroy();
      return;
    }
    if (current === 'stall') {
      // Never read: what is sent fills the socket's buffers and no status query is answered.
      socket.pause();
      socket.setTimeout(stallLimitMs, () => socket.destroy());
      return;
    }
    const reader = new EscPosReader(
      (n) => {
        if (current === 'silent' || current === 'stall') return;
        socket.write(Uint8Array.of(statusByte(current, n)));
      },
      // Out of paper or with its cover open, a printer takes the bytes but prints nothing until it is fixed.
      () => current !== 'paperOut' && current !== 'coverOpen',
    );
    readers.push(reader);
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('end', () => {
      reader.flush();
      socket.end();
    });
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

  const port = await listen(0);
  if (current === 'refuse') await stopListening();

  return {
    port,
    address: `127.0.0.1:${port}`,
    mode: () => current,
    set: async (mode) => {
      if (closed) throw new Error('the printer simulator is closed');
      current = mode;
      if (mode === 'refuse') {
        for (const socket of sockets) socket.resetAndDestroy();
        await stopListening();
      } else if (!server.listening) await listen(port);
    },
    jobs: () => readers.map((r) => r.job),
    printedText: () => readers.flatMap((r) => r.job.lines).join('\n'),
    kicks: () => readers.reduce((sum, r) => sum + r.job.kicks, 0),
    received: () => Buffer.concat(readers.map((r) => r.job.bytes)),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const socket of sockets) socket.destroy();
      await stopListening();
    },
  };
}

import fs from 'node:fs';
import net from 'node:net';
import { isStatusByte } from './escpos';

/** How a transport failed: the printer could not be reached, or did not answer in time. */
export class TransportError extends Error {
  constructor(
    readonly failure: 'offline' | 'timeout' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** One conversation with the printer: bytes out, and (over the network) real-time status answers back. */
export interface PrinterConnection {
  /** Whether the printer can answer `query` here (a device file is written only). */
  readonly canQuery: boolean;
  write(bytes: Uint8Array): Promise<void>;
  /** Sends a DLE EOT query and resolves with the printer's one-byte answer. */
  query(bytes: Uint8Array): Promise<number>;
  close(): void;
}

export interface PrinterTransport {
  /** The address, for messages: "192.168.1.50:9100", "/dev/usb/lp0". */
  readonly name: string;
  open(): Promise<PrinterConnection>;
}

export interface TransportTimeouts {
  /** To connect (TCP) or open the device file. */
  connectTimeoutMs: number;
  /** For the bytes of one write to be taken. */
  writeTimeoutMs: number;
  /** For the answer to one status query. */
  replyTimeoutMs: number;
}

export const DEFAULT_TIMEOUTS: TransportTimeouts = { connectTimeoutMs: 3000, writeTimeoutMs: 10_000, replyTimeoutMs: 2000 };

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** A device path: /dev/usb/lp0, /dev/ttyUSB0, \\.\COM3, COM3, LPT1. Anything else is a network address. */
export function isDevicePath(address: string): boolean {
  return /^(\/dev\/\S+|\\\\\.\\\S+|(COM|LPT)\d{1,3})$/i.test(address);
}

/** "host:port", "host" (port 9100, the raw printing port), "[v6]:port". */
export function parseNetworkAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s]+))(?::(\d{1,5}))?$/.exec(address.trim());
  if (!match) throw new TransportError('failed', `"${address}" is not a printer address ("host:port" or a device path).`);
  return { host: match[1] ?? match[2]!, port: match[3] ? Number(match[3]) : 9100 };
}

/** An ESC/POS printer on the network, raw TCP (port 9100). */
export class TcpTransport implements PrinterTransport {
  readonly name: string;
  private readonly target: { host: string; port: number };

  constructor(
    address: string,
    private readonly timeouts: TransportTimeouts = DEFAULT_TIMEOUTS,
  ) {
    this.target = parseNetworkAddress(address);
    this.name = address;
  }

  open(): Promise<PrinterConnection> {
    const { connectTimeoutMs, writeTimeoutMs, replyTimeoutMs } = this.timeouts;
    const name = this.name;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.target.host, port: this.target.port });
      socket.setNoDelay(true);
      let broken: TransportError | null = null;
      const waiters: { resolve: (byte: number) => void; reject: (error: Error) => void }[] = [];
      const fail = (error: TransportError) => {
        broken ??= error;
        for (const waiter of waiters.splice(0)) waiter.reject(broken);
      };
      const connectTimer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError('timeout', `The receipt printer at ${name} did not answer within ${seconds(connectTimeoutMs)}.`));
      }, connectTimeoutMs);
      socket.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(connectTimer);
        const failure = new TransportError('offline', `The receipt printer at ${name} cannot be reached (${error.code ?? error.message}).`);
        fail(failure);
        reject(failure);
      });
      socket.on('close', () => fail(new TransportError('offline', `The receipt printer at ${name} closed the connection.`)));
      socket.on('data', (chunk: Buffer) => {
        // Only answers to our queries are expected back; anything else (automatic status) is not ours.
        for (const byte of chunk) if (isStatusByte(byte)) waiters.shift()?.resolve(byte);
      });
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        resolve({
          canQuery: true,
          write: (bytes) =>
            new Promise<void>((done, failed) => {
              if (broken) return failed(broken);
              const timer = setTimeout(() => failed(new TransportError('timeout', `The receipt printer at ${name} did not take the receipt within ${seconds(writeTimeoutMs)}.`)), writeTimeoutMs);
              socket.write(bytes, (error) => {
                clearTimeout(timer);
                if (error) failed(broken ?? new TransportError('offline', `The receipt printer at ${name} stopped taking data (${error.message}).`));
                else done();
              });
            }),
          query: (bytes) =>
            new Promise<number>((answered, failed) => {
              if (broken) return failed(broken);
              const waiter = {
                resolve: (byte: number) => {
                  clearTimeout(timer);
                  answered(byte);
                },
                reject: (error: Error) => {
                  clearTimeout(timer);
                  failed(error);
                },
              };
              const timer = setTimeout(() => {
                const at = waiters.indexOf(waiter);
                if (at >= 0) waiters.splice(at, 1);
                failed(new TransportError('timeout', `The receipt printer at ${name} did not answer within ${seconds(replyTimeoutMs)}.`));
              }, replyTimeoutMs);
              waiters.push(waiter);
              socket.write(bytes);
            }),
          close: () => {
            broken ??= new TransportError('failed', 'The connection to the printer is closed.');
            socket.end();
            // A printer that stopped reading never finishes the close; let it go after a moment.
            setTimeout(() => socket.destroy(), 1000).unref();
          },
        });
      });
    });
  }
}

/**
 * A printer on a device file, written as a stream: a USB printer class device (/dev/usb/lp0), a serial port
 * already set to the printer's speed (/dev/ttyUSB0), or a Windows port (\\.\COM3). Writing only: the
 * printer's answers are not read here, so it has no status.
 */
export class DeviceFileTransport implements PrinterTransport {
  constructor(
    readonly name: string,
    private readonly timeouts: TransportTimeouts = DEFAULT_TIMEOUTS,
  ) {}

  async open(): Promise<PrinterConnection> {
    const name = this.name;
    const path = /^(COM|LPT)\d{1,3}$/i.test(name) ? `\\\\.\\${name}` : name;
    const within = <T>(ms: number, work: Promise<T>, what: string): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new TransportError('timeout', `The receipt printer at ${name} ${what} within ${seconds(ms)}.`)), ms);
        work.then(
          (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          (error: NodeJS.ErrnoException) => {
            clearTimeout(timer);
            reject(deviceError(name, error));
          },
        );
      });
    // Write-only and never created: an unplugged printer's device file is missing, and must not become a regular file.
    const handle = await within(this.timeouts.connectTimeoutMs, fs.promises.open(path, fs.constants.O_WRONLY), 'could not be opened');
    return {
      canQuery: false,
      write: async (bytes) => {
        await within(this.timeouts.writeTimeoutMs, handle.write(bytes), 'did not take the receipt');
      },
      query: () => Promise.reject(new TransportError('failed', `The receipt printer at ${name} cannot report its status.`)),
      close: () => void handle.close().catch(() => undefined),
    };
  }
}

function deviceError(name: string, error: NodeJS.ErrnoException): TransportError {
  switch (error.code) {
    case 'ENOENT':
    case 'ENODEV':
    case 'ENXIO':
      return new TransportError('offline', `There is no receipt printer at ${name} (${error.code}): it is switched off or unplugged.`);
    case 'EBUSY':
      return new TransportError('offline', `The receipt printer at ${name} is in use by another program (EBUSY).`);
    case 'EACCES':
    case 'EPERM':
      return new TransportError('failed', `Kassa may not write to ${name} (${error.code}): give its user access to the printer (on Linux, the "lp" group).`);
    default:
      return new TransportError('failed', `The receipt printer at ${name} failed (${error.code ?? error.message}).`);
  }
}

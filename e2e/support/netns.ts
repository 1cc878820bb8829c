import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

/**
 * A register behind its own network link: a Linux network namespace joined to the host by a veth pair,
 * so a test can take the link down the way a shop's cable or switch fails (packets vanish, no reset, no
 * refusal). HQ stays on the host's 127.0.0.1; a plain forwarder on the host side of the pair is HQ's
 * address for the register. Needs root and `ip netns`; `namespaceSupport()` says whether and why not.
 */

export type NamespaceSupport = { ok: true } | { ok: false; reason: string };

let support: NamespaceSupport | null = null;

/** Whether this machine lets a test create a network namespace (root and `ip netns`), and why not. */
export function namespaceSupport(): NamespaceSupport {
  if (support) return support;
  if (process.platform !== 'linux') return (support = { ok: false, reason: `network namespaces are Linux only (this is ${process.platform})` });
  if (process.getuid?.() !== 0) return (support = { ok: false, reason: 'creating a network namespace needs root' });
  const probe = `kassa-probe-${process.pid}-${crypto.randomBytes(2).toString('hex')}`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return (support = { ok: true });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return (support = { ok: false, reason: `\`ip netns add\` failed: ${stderr || (error as Error).message}` });
  }
}

export interface RegisterLink {
  /** The namespace's name (unique per link). */
  readonly name: string;
  /** Prefix for a command run inside the namespace: `ip netns exec <name>`. */
  readonly prefix: string[];
  /** The host side's address as the register sees it. */
  readonly hostAddress: string;
  /**
   * Takes the link down. `host` (the default): the host side, so the register's packets go nowhere and
   * its calls time out; `register`: its own side, so it has no route (unreachable at once).
   */
  cut(side?: 'host' | 'register'): void;
  /** Brings both sides up again. */
  restore(): void;
  isCut(): boolean;
  /** A forwarder on the host side of the pair to `target` (HQ on 127.0.0.1): its URL is HQ's address for the register. */
  gateway(target: string): Promise<FaultProxy>;
  /**
   * Picks a free port on the host's 127.0.0.1 and forwards it to the same port on the namespace's own
   * 127.0.0.1 (the same number, so a server's Host check still passes; a fresh namespace has every port
   * free), over a Unix socket: path sockets cross network namespaces, so the browser's way in does not go
   * over the link the test cuts. Start the server inside on the returned port.
   */
  expose(): Promise<number>;
  /** Stops the forwarders and deletes the namespace (and with it the veth pair). Processes inside must be stopped first. */
  close(): Promise<void>;
}

/** Creates a namespace with a veth pair up, loopback up and a /30 between the two sides. */
export async function createRegisterLink(): Promise<RegisterLink> {
  const id = crypto.randomBytes(3).toString('hex');
  const name = `kassa-${id}`;
  const hostSide = `kh${id}`;
  const registerSide = `kr${id}`;
  const subnet = `10.${200 + (parseInt(id.slice(0, 2), 16) % 50)}.${parseInt(id.slice(2, 4), 16)}`;
  const hostAddress = `${subnet}.1`;
  ip('netns', 'add', name);
  const closers: (() => unknown)[] = [() => ip('netns', 'del', name)]; // also removes the veth pair
  try {
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', registerSide);
    ip('link', 'set', registerSide, 'netns', name);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostSide);
    ip('link', 'set', hostSide, 'up');
    ip('-n', name, 'addr', 'add', `${subnet}.2/30`, 'dev', registerSide);
    ip('-n', name, 'link', 'set', registerSide, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (error) {
    closers[0]!();
    throw error;
  }
  let cut = false;
  const close = async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch {
        // best effort: the namespace may already be gone
      }
    }
    closers.length = 0;
  };
  return {
    name,
    prefix: ['ip', 'netns', 'exec', name],
    hostAddress,
    cut: (side = 'host') => {
      if (side === 'host') ip('link', 'set', hostSide, 'down');
      else ip('-n', name, 'link', 'set', registerSide, 'down');
      cut = true;
    },
    restore: () => {
      ip('link', 'set', hostSide, 'up');
      ip('-n', name, 'link', 'set', registerSide, 'up');
      cut = false;
    },
    isCut: () => cut,
    gateway: async (target) => {
      const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: Number(new URL(target).port) }, host: hostAddress });
      closers.splice(1, 0, () => proxy.close());
      return proxy;
    },
    expose: async () => {
      const socketPath = path.join(os.tmpdir(), `${name}-${crypto.randomBytes(3).toString('hex')}.sock`);
      const open = new Set<net.Socket>();
      const outer = net.createServer((client) => {
        const upstream = net.connect(socketPath);
        open.add(client).add(upstream);
        client.on('close', () => open.delete(client));
        upstream.on('close', () => open.delete(upstream));
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      });
      await new Promise<void>((resolve, reject) => outer.once('error', reject).listen(0, '127.0.0.1', resolve));
      const port = (outer.address() as net.AddressInfo).port;
      const inner = await startInnerRelay(name, socketPath, port).catch(async (error: unknown) => {
        await new Promise((resolve) => outer.close(resolve));
        throw error;
      });
      closers.push(
        () => {
          for (const socket of open) socket.destroy();
          return new Promise((resolve) => outer.close(resolve));
        },
        () => {
          inner.kill('SIGKILL');
          fs.rmSync(socketPath, { force: true });
        },
      );
      return port;
    },
    close,
  };
}

const RELAY = `
const net = require('node:net');
const [socketPath, port] = process.argv.slice(1);
net.createServer((client) => {
  const upstream = net.connect(Number(port), '127.0.0.1');
  client.pipe(upstream).pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
}).listen(socketPath, () => process.stdout.write('relay ready\\n'));
`;

/** A forwarder inside the namespace from a Unix socket to its own 127.0.0.1:port. */
async function startInnerRelay(namespace: string, socketPath: string, port: number): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, '-e', RELAY, socketPath, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the relay in ${namespace} did not start:\n${output}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('relay ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the relay in ${namespace} exited (code ${code}):\n${output}`));
    });
  });
  return child;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

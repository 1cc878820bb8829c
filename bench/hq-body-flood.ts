/**
 * `npm run bench:hq-flood`: what unauthenticated oversized bodies cost HQ's memory.
 *
 * The real HQ server (`server/src/main.ts`) runs in a child process on a fresh SQLite database. The bench
 * reads the child's resident memory (VmRSS, Linux /proc) at rest, then sends `--parallel` (default 4)
 * bodies of `--mib` (default 60) MiB at once to `POST /registers/enrol`, which needs no token, once as
 * CSV and once as JSON, sampling VmRSS every 20 ms until every answer is in. It reports the answers, how
 * long HQ took to refuse them, and the peak memory growth as a ratio to the bytes sent. The physical floor
 * is 0: a refused body need not be held at all. Results go to bench/results/hq-flood.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { writeBenchResults } from './support/results';

const ROOT = path.resolve(import.meta.dirname, '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const PARALLEL = arg('parallel', 4);
const MIB = arg('mib', 60);
const DEADLINE_MS = 3 * 60_000;

const deadline = setTimeout(() => {
  console.error(`bench:hq-flood: still running after ${DEADLINE_MS / 1000} s; stopping.`);
  child?.kill('SIGKILL');
  process.exit(2);
}, DEADLINE_MS);
deadline.unref();

let child: ChildProcess | undefined;

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function startHq(): Promise<{ url: URL; pid: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-hq-flood-'));
  child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', HQ_LOG_LEVEL: 'warn', HQ_DATA_DIR: dir, HQ_DEMO: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child!.once('exit', (code) => reject(new Error(`HQ exited before it was ready (code ${code})`)));
    child!.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /^HQ listening on (http:\/\/\S+)$/m.exec(out);
      if (match) resolve({ url: new URL(match[1]!), pid: child!.pid! });
    });
  });
}

/** Sends a body of `bytes` in 1 MiB chunks; resolves with the status (or the socket error) when HQ answers or hangs up. */
function flood(url: URL, contentType: string, bytes: number): Promise<{ status: number | string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/registers/enrol', headers: { 'content-type': contentType, 'content-length': String(bytes) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: error.code ?? error.message, ms: performance.now() - started }));
    const chunk = Buffer.alloc(1024 * 1024, contentType === 'text/csv' ? 'a,' : ' ');
    let sent = 0;
    const write = () => {
      while (sent < bytes) {
        const size = Math.min(chunk.length, bytes - sent);
        sent += size;
        if (!req.write(size === chunk.length ? chunk : chunk.subarray(0, size))) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

async function run(url: URL, pid: number, contentType: string) {
  const before = rssMiB(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20);
  const answers = await Promise.all(Array.from({ length: PARALLEL }, () => flood(url, contentType, MIB * 1024 * 1024)));
  clearInterval(sampler);
  peak = Math.max(peak, rssMiB(pid));
  const sentMiB = PARALLEL * MIB;
  return { contentType, before: Math.round(before), peak: Math.round(peak), growthMiB: Math.round(peak - before), sentMiB, growthPerSent: Number(((peak - before) / sentMiB).toFixed(3)), statuses: answers.map((a) => a.status), slowestMs: Math.round(Math.max(...answers.map((a) => a.ms))) };
}

const { url, pid } = await startHq();
const rows = [await run(url, pid, 'text/csv'), await run(url, pid, 'application/json')];
child?.kill('SIGTERM');
console.log(`HQ memory under ${PARALLEL} × ${MIB} MiB unauthenticated bodies to POST /registers/enrol (floor: 0 MiB growth)`);
console.table(rows.map((r) => ({ 'content-type': r.contentType, 'RSS before MiB': r.before, 'RSS peak MiB': r.peak, 'growth MiB': r.growthMiB, 'growth / sent': r.growthPerSent, answers: r.statuses.join(' '), 'slowest ms': r.slowestMs })));
writeBenchResults('hq-flood', { parallel: PARALLEL, mib: MIB, rows });
process.exit(0);

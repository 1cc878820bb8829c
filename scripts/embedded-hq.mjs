/**
 * The HQ server `npm start` runs beside the register, so a fresh checkout shows the whole product: a demo
 * store on 127.0.0.1 (HQ_DEMO=1), which the register enrols with, syncs its catalog from and uploads
 * sales to. Not started when KASSA_HQ_URL points at a real HQ, or with KASSA_EMBEDDED_HQ=0.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY = /HQ listening on (http:\/\/127\.0\.0\.1:\d+)/;

/** Starts the embedded HQ; resolves with its URL and a stop function, or null when it is not wanted. */
export async function startEmbeddedHq(env = process.env) {
  if (env.KASSA_HQ_URL || env.KASSA_EMBEDDED_HQ === '0') return null;
  const hqEnv = { ...env, PORT: '0', HOST: '127.0.0.1', HQ_DEMO: '1' };
  // Beside the register's data when that folder is given; otherwise HQ's own default folder.
  if (env.KASSA_DATA_DIR) hqEnv.HQ_DATA_DIR = path.join(env.KASSA_DATA_DIR, 'embedded-hq');
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], { cwd: ROOT, env: hqEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('the embedded HQ did not start within 30 s')), 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(READY);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the embedded HQ stopped (code ${code}) before it was ready`));
    });
  });
  process.stderr.write(`Kassa: embedded HQ (demo store) at ${url}; set KASSA_HQ_URL to use a real HQ, or KASSA_EMBEDDED_HQ=0 for none.\n`);
  return {
    url,
    enrolmentCode: env.HQ_ENROLMENT_CODE || 'DEMO',
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

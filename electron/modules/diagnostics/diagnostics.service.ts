import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { ConnectivityLogEntry, ConnectivityState, SyncStatus } from '../../../shared/api';
import type { Diagnostics, ProbeRecord } from '../../../shared/modules/admin.api';
import type { DeadLetterSummary } from '../../sync/dead-letters';
import { redactLogLine, redactText, redactValue } from './redact';

/** What the modules tell diagnostics, each from its own tables. */
export interface DiagnosticsFigures {
  /** Sync: the operations waiting to upload. */
  queue(): Diagnostics['queue'];
  /** Sync: the operations HQ rejected, without their payloads. */
  deadLetters: { count(): number; summaries(): DeadLetterSummary[] };
  /** Checkout: the sales by state. */
  sales(): { completed: number; open: number; voided: number };
  /** Every secret a module keeps (PIN hashes, the device token, card tokens), each module's own list. */
  secrets: readonly (() => readonly string[])[];
}

export interface DiagnosticsOptions {
  figures: DiagnosticsFigures;
  /** The database schema's version (`user_version`). */
  databaseVersion: () => number;
  dataDir: string;
  appVersion: string;
  /** The settings in force (after defaults); the file as written is read from `dataDir`. */
  settings: unknown;
  transitions: { list(limit: number, beforeId?: number): ConnectivityLogEntry[] };
  connectivity: { current(): ConnectivityState; recentProbes(): ProbeRecord[]; lastTraffic?(): Diagnostics['traffic'] };
  sync: { status(): SyncStatus };
  /** HQ's `/health` body; null in demo mode. */
  hqHealth: (() => Promise<{ version?: string; database?: string }>) | null;
  hqUrl: string | null;
  /** The recent log lines (JSON lines). */
  logs: () => string[];
  /** Secrets the host holds outside the database (the web host's token); searched for and removed too. */
  extraSecrets?: () => string[];
  /** How the device token is kept at rest (sealed by the OS keychain, or in the clear and why). */
  deviceTokenStorage?: Diagnostics['deviceTokenStorage'];
  storeCode: () => string;
  registerCode: () => string;
  now?: () => number;
}

const HOUR = 3_600_000;
/** Transitions kept in a bundle (the page reads a window of hours). */
const BUNDLE_TRANSITIONS = 1000;

/**
 * What a manager or IT needs to see why a register misbehaves: the connectivity timeline, probe
 * latencies, the upload queue, versions, and a support bundle (zip) of logs, settings and counts that
 * never carries a PIN, a PIN hash, a token or a card.
 */
export class DiagnosticsService {
  private readonly now: () => number;

  constructor(private readonly options: DiagnosticsOptions) {
    this.now = options.now ?? Date.now;
  }

  async overview(hours: number): Promise<Diagnostics> {
    const now = this.now();
    const from = now - hours * HOUR;
    return {
      generatedAt: now,
      versions: await this.versions(),
      hqUrl: this.options.hqUrl,
      ...(this.options.deviceTokenStorage ? { deviceTokenStorage: this.options.deviceTokenStorage } : {}),
      connectivity: this.options.connectivity.current(),
      timeline: this.timeline(from),
      probes: this.options.connectivity.recentProbes(),
      traffic: this.options.connectivity.lastTraffic?.() ?? null,
      queue: this.options.figures.queue(),
      deadLetters: this.options.figures.deadLetters.count(),
      sales: this.options.figures.sales().completed,
    };
  }

  /** The transitions since `from`, oldest first, led by the one in force at `from` (if any). */
  timeline(from: number): ConnectivityLogEntry[] {
    const entries: ConnectivityLogEntry[] = [];
    let before: number | undefined;
    for (;;) {
      const page = this.options.transitions.list(500, before);
      for (const entry of page) {
        entries.push(entry);
        if (entry.at <= from) return entries.reverse();
      }
      if (page.length < 500) return entries.reverse();
      before = page[page.length - 1]!.id;
    }
  }

  async versions(): Promise<Diagnostics['versions']> {
    let hq: Diagnostics['versions']['hq'] = null;
    // While probes find HQ unreachable, asking it would only make the page wait for a timeout.
    if (this.options.hqHealth && this.options.connectivity.current().hq.reachable !== false) {
      try {
        const health = await this.options.hqHealth();
        hq = { version: typeof health.version === 'string' ? health.version : null, database: typeof health.database === 'string' ? health.database : null };
      } catch {
        hq = null;
      }
    }
    return {
      app: this.options.appVersion,
      database: this.options.databaseVersion(),
      hq,
      runtime: process.versions.electron ? `Electron ${process.versions.electron} (Node ${process.versions.node})` : `Node ${process.versions.node}`,
      platform: `${process.platform} ${os.release()} ${process.arch}`,
    };
  }

  /** The support bundle: a zip of text files, each cleaned of every secret the register holds. */
  async bundle(): Promise<{ fileName: string; bytes: Uint8Array }> {
    const now = this.now();
    const secrets = this.secrets();
    const overview = await this.overview(24);
    const json = (value: unknown) => redactText(JSON.stringify(redactValue(value), null, 2), secrets);
    const files: Record<string, string> = {
      'README.txt': README,
      'versions.json': json(overview.versions),
      'machine.json': json(this.machine()),
      'settings.json': json(this.settingsFile()),
      'settings-in-force.json': json(this.options.settings),
      'connectivity-state.json': json(overview.connectivity),
      'connectivity-log.json': json(this.options.transitions.list(BUNDLE_TRANSITIONS).reverse()),
      'probes.json': json(overview.probes),
      'counts.json': json({
        sales: this.options.figures.sales(),
        outbox: overview.queue,
        deadLetters: overview.deadLetters,
        hqUrl: overview.hqUrl,
      }),
      'sync-status.json': json(this.options.sync.status()),
      // What HQ refused and why, without the payloads (they hold customers' and cards' data).
      'dead-letters.json': json(this.options.figures.deadLetters.summaries()),
      'logs/kassa.log': this.options
        .logs()
        .map((line) => redactLogLine(line, secrets))
        .join('\n'),
    };
    const zipped = zipSync(
      Object.fromEntries(Object.entries(files).map(([name, text]) => [name, [strToU8(text), { mtime: new Date(now) }]])),
      { level: 6 },
    );
    const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
    return { fileName: `kassa-support-${this.options.storeCode()}-${this.options.registerCode()}-${stamp}.zip`, bytes: zipped };
  }

  /** Every secret this register holds, so none can slip into a bundle under a name no rule expects. */
  secrets(): string[] {
    const all = [...this.options.figures.secrets.flatMap((secrets) => secrets()), ...(this.options.extraSecrets?.() ?? [])];
    // Longest first, so a secret that contains another is removed whole.
    return [...new Set(all.filter((v) => v.length > 0))].sort((a, b) => b.length - a.length);
  }

  private settingsFile(): unknown {
    const file = path.join(this.options.dataDir, 'settings.json');
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    } catch (error) {
      return { unreadable: (error as Error).message };
    }
  }

  private machine(): Record<string, unknown> {
    return {
      hostname: os.hostname(),
      platform: process.platform,
      release: os.release(),
      arch: process.arch,
      cpus: os.cpus().length,
      memoryTotalMb: Math.round(os.totalmem() / 1_048_576),
      memoryFreeMb: Math.round(os.freemem() / 1_048_576),
      processRssMb: Math.round(process.memoryUsage().rss / 1_048_576),
      uptimeSeconds: Math.round(os.uptime()),
      processUptimeSeconds: Math.round(process.uptime()),
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      dataFolderFreeMb: freeMb(this.options.dataDir),
    };
  }

}

function freeMb(dir: string): number | null {
  try {
    const stats = fs.statfsSync(dir);
    return Math.round((stats.bavail * stats.bsize) / 1_048_576);
  } catch {
    return null;
  }
}

const README = `Kassa support bundle

versions.json            app, database schema (user_version), HQ and runtime versions
machine.json             operating system, memory, disk space of the data folder
settings.json            <dataDir>/settings.json as written; settings-in-force.json with the defaults filled in
connectivity-state.json  online/offline now, its reasons, what the last probe of HQ saw
connectivity-log.json    the last transitions between online and offline (time, reasons, trigger, who pressed)
probes.json              the recent probes of HQ /health with their latency
counts.json              sales, operations waiting to upload (by entity, oldest first), rejected operations
sync-status.json         the upload and change-feed state
dead-letters.json        operations HQ rejected, with its reason (without their contents)
logs/kassa.log           the register's recent log (JSON lines, bounded)

PINs, PIN hashes, the register's device token, card tokens and the browser preview's token are never
included: fields named like them are blanked and every such value the register holds is removed.
`;

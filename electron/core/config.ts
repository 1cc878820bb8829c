import os from 'node:os';
import path from 'node:path';
import { LOCALES, type Locale } from '../../shared/api';
import { isSecureOrLoopback } from '../settings/secure-url';

/** How this register was started: from the environment (see CONTRACT.md), never from the renderer. */
export interface RegisterConfig {
  dataDir: string;
  port: number;
  hqUrl: string | null;
  enrolmentCode: string | null;
  locale: Locale;
  /** KASSA_HQ_ALLOW_HTTP=1: plain http to an HQ off this machine, for a test network only (logged loudly at start). */
  plainHttpHq?: true;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The per-user app data folder, where Electron's `app.getPath('userData')` would put it. */
export function defaultDataDir(platform = process.platform, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Kassa');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Kassa');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Kassa');
}

export function readRegisterConfig(env: NodeJS.ProcessEnv = process.env, fallbackDataDir = defaultDataDir()): RegisterConfig {
  const portText = env.PORT ?? '5317';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new ConfigError(`PORT must be a port number from 0 to 65535 (0 picks a free one), got ${JSON.stringify(portText)}.`);

  let hqUrl: string | null = null;
  let plainHttp = false;
  if (env.KASSA_HQ_URL) {
    let url: URL;
    try {
      url = new URL(env.KASSA_HQ_URL);
    } catch {
      throw new ConfigError(`KASSA_HQ_URL must be an https URL such as https://hq.example, got ${JSON.stringify(env.KASSA_HQ_URL)}.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`KASSA_HQ_URL must use http or https, got ${url.protocol}`);
    // PINs and the device token travel to HQ: plain http is for an HQ on this machine only (the demo, the tests).
    if (!isSecureOrLoopback(url) && env.KASSA_HQ_ALLOW_HTTP !== '1')
      throw new ConfigError(
        `KASSA_HQ_URL must be https: plain http would send PINs and this register's token across the network unencrypted (plain http only to this machine: 127.0.0.1, localhost, ::1), got ${JSON.stringify(env.KASSA_HQ_URL)}.`,
      );
    if (!isSecureOrLoopback(url)) plainHttp = true;
    hqUrl = url.toString().replace(/\/$/, '');
  }

  const locale = (env.KASSA_LOCALE || 'en') as Locale;
  if (!LOCALES.includes(locale)) throw new ConfigError(`KASSA_LOCALE must be one of ${LOCALES.join(', ')}, got ${JSON.stringify(env.KASSA_LOCALE)}.`);

  return {
    dataDir: path.resolve(env.KASSA_DATA_DIR || fallbackDataDir),
    port,
    hqUrl,
    enrolmentCode: env.KASSA_ENROLMENT_CODE || null,
    locale,
    ...(plainHttp ? { plainHttpHq: true as const } : {}),
  };
}

import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LOCALES, type Locale } from '../../shared/schemas';
import { writeFileAtomic } from '../fs/atomic-write';

export const LOCALE_FILE = 'locale.json';

const LocaleFileSchema = z.object({ locale: z.enum(LOCALES), by: z.string().nullable(), at: z.number().int() });

/**
 * The language a cashier or manager chose on screen, kept in `<dataDir>/locale.json` (replaced atomically)
 * so it survives a restart. Kept apart from settings.json so the store's hand-written settings are never
 * rewritten by the register.
 */
export class LocaleChoiceStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, LOCALE_FILE);
  }

  /** The saved choice; none when nobody chose or the file is unreadable (a language is not worth refusing to start for). */
  read(): Locale | null {
    try {
      return LocaleFileSchema.parse(JSON.parse(fs.readFileSync(this.file, 'utf8'))).locale;
    } catch {
      return null;
    }
  }

  write(locale: Locale, by: string | null, at = Date.now()): void {
    writeFileAtomic(this.file, `${JSON.stringify({ locale, by, at })}\n`);
  }
}

/** The register's language: the on-screen choice, else settings `ui.locale`, else `KASSA_LOCALE` (default `en`). */
export function registerLocale(choice: Locale | null, settingsLocale: Locale | undefined, envLocale: Locale): Locale {
  return choice ?? settingsLocale ?? envLocale;
}

/** The register's language now, held in one place: receipts and reports read it at each render; the cashier may change it while the register runs. */
export class RegisterLocaleHolder {
  private chosen: Locale;

  constructor(
    private readonly store: LocaleChoiceStore,
    settingsLocale: Locale | undefined,
    envLocale: Locale,
  ) {
    this.chosen = registerLocale(store.read(), settingsLocale, envLocale);
  }

  get current(): Locale {
    return this.chosen;
  }

  /** Kept across restarts, with who chose it. */
  choose(locale: Locale, by: string | null): void {
    this.store.write(locale, by);
    this.chosen = locale;
  }
}

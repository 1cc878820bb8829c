/**
 * The renderer's languages: English and Simplified Chinese. Every string a person reads comes from the
 * JSON files in `locales/<language>/<namespace>.json` (one namespace per module or screen family), so a
 * module adds its own file without touching anyone else's. Money, dates and numbers are formatted with
 * `Intl` for the active locale (see `../format.ts`), never by hand.
 *
 * A key missing in the active language is an error: in tests it throws (so a missing key fails the
 * suite), in the app it is logged and the English text shows. `i18n.test.ts` checks both languages have
 * the same keys and that every key the code names exists.
 */
import i18next, { type TFunction } from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import type { Locale } from '../../../shared/api';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', { eager: true });

/** `{ en: { checkout: {...}, ... }, 'zh-CN': { ... } }` from the files above. */
export const resources: Resources = {};
for (const [file, module] of Object.entries(files)) {
  const match = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(file);
  if (!match) continue;
  const [, language, namespace] = match as unknown as [string, string, string];
  (resources[language] ??= {})[namespace] = module.default;
}

export const NAMESPACES = Object.keys(resources.en ?? {});
export const DEFAULT_NAMESPACE = 'common';

const strict = import.meta.env.MODE === 'test';

void i18next.use(initReactI18next).init({
  resources,
  lng: 'en',
  fallbackLng: 'en',
  ns: NAMESPACES,
  defaultNS: DEFAULT_NAMESPACE,
  // Keys look like `checkout:pay` or `tender.change`; a key contains no `:` of its own.
  nsSeparator: ':',
  keySeparator: '.',
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false,
  saveMissing: true,
  missingKeyHandler: (languages, namespace, key) => {
    const message = `Missing translation ${namespace}:${key} for ${languages.join(', ')}`;
    if (strict) throw new Error(message);
    console.error(message);
  },
});

/** Switches every screen to this language (the register's `KASSA_LOCALE` or the settings choice). */
export function setLocale(locale: Locale): void {
  if (i18next.language !== locale) void i18next.changeLanguage(locale);
  document.documentElement.lang = locale;
}

export { i18next, useTranslation };
export type { TFunction };

/**
 * The console's languages: English and Simplified Chinese, one JSON file each in `locales/`. As on the
 * register, a key missing in the active language is logged and the English text shows; `i18n.test.ts`
 * checks both files have the same keys.
 */
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
export const resources = { en: { console: en }, 'zh-CN': { console: zhCN } };

const STORAGE_KEY = 'kassa-console-language';

function initialLanguage(): Language {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  const browser = typeof navigator === 'undefined' ? 'en' : navigator.language;
  return browser.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

void i18next.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  ns: ['console'],
  defaultNS: 'console',
  keySeparator: '.',
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
  saveMissing: true,
  missingKeyHandler: (languages, namespace, key) => console.error(`Missing translation ${namespace}:${key} for ${languages.join(', ')}`),
});
if (typeof document !== 'undefined') document.documentElement.lang = i18next.language;

export function setLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
  void i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

export { i18next, useTranslation };

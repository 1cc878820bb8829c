import { useState } from 'react';
import type { AppInfo, Locale } from '../../../shared/api';
import { call, errorText } from '../api/client';
import { useTranslation } from '../i18n';
import { ErrorAlert } from './ErrorAlert';

/** Each language is named in itself, so a cashier who cannot read the current one still finds theirs. */
const CHOICES: { locale: Locale; key: 'language.en' | 'language.zh-CN' }[] = [
  { locale: 'en', key: 'language.en' },
  { locale: 'zh-CN', key: 'language.zh-CN' },
];

/** English / 中文: switches every window of the register and is kept across restarts (`app.setLocale`). */
export function LanguageSwitch({ info, onChanged }: { info: AppInfo; onChanged: (info: AppInfo) => void }) {
  const { t } = useTranslation('common');
  const [error, setError] = useState<string | null>(null);
  const choose = (locale: Locale) => {
    if (locale === info.locale) return;
    setError(null);
    call('app.setLocale', { locale }).then(onChanged, (e: unknown) => setError(errorText(e)));
  };
  return (
    <div className="language-switch" role="group" aria-label={t('language.label')}>
      {CHOICES.map(({ locale, key }) => (
        <button key={locale} type="button" lang={locale} className="language-switch__choice" aria-pressed={info.locale === locale} onClick={() => choose(locale)}>
          {t(key)}
        </button>
      ))}
      <ErrorAlert error={error} />
    </div>
  );
}

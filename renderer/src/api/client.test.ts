import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/errors';
import { i18next, resources } from '../i18n';
import { CallError, errorText } from './client';

afterEach(() => i18next.changeLanguage('en'));

describe('errors a person reads', () => {
  it('every error code has an English and a Chinese sentence', () => {
    for (const language of ['en', 'zh-CN']) {
      const errors = resources[language]!.errors as Record<string, string>;
      expect(ERROR_CODES.filter((code) => !errors[code]?.trim()), `${language} errors without a translation`).toEqual([]);
    }
  });

  it("in English shows the register's own sentence, which names the barcode or the limit", () => {
    expect(errorText(new CallError({ code: 'UNKNOWN_BARCODE', message: 'No product has the barcode 4006381333931.' }))).toBe('No product has the barcode 4006381333931.');
  });

  it('in Chinese translates by the code', async () => {
    await i18next.changeLanguage('zh-CN');
    expect(errorText(new CallError({ code: 'UNKNOWN_BARCODE', message: 'No product has the barcode 4006381333931.' }))).toBe(resources['zh-CN']!.errors!.UNKNOWN_BARCODE);
    expect(errorText(new CallError({ code: 'PAYMENT_DECLINED', message: 'The card was declined by the issuer.' }))).toMatch(/拒绝/);
  });

  it("falls back to the register's English sentence for a code with no translation yet", async () => {
    await i18next.changeLanguage('zh-CN');
    const unknown = new CallError({ code: 'SOMETHING_NEW' as never, message: 'Something new went wrong.' });
    expect(errorText(unknown)).toBe('Something new went wrong.');
  });

  it('shows other failures as their message', () => {
    expect(errorText(new Error('socket closed'))).toBe('socket closed');
    expect(errorText('plain')).toBe('plain');
  });
});

import { useId, useRef, type KeyboardEvent } from 'react';
import { useTranslation, type TFunction } from '../i18n';

/** The reasons a cashier picks most, in the order keys 1 to 5 choose them; 6 is Other (free text). */
export const REASON_PRESETS = ['damaged', 'wrongItem', 'changedMind', 'doesNotFit', 'faulty'] as const;
export type ReasonPreset = (typeof REASON_PRESETS)[number];

/** A preset, Other (the words typed), or nothing chosen yet. */
export interface ReasonChoice {
  preset: ReasonPreset | 'other' | null;
  text: string;
}

export const NO_REASON: ReasonChoice = { preset: null, text: '' };

/** What is stored and sent to HQ: the preset's words in the register's language, or what was typed. */
export function reasonText(choice: ReasonChoice, t: TFunction<'returns'>): string {
  if (choice.preset && choice.preset !== 'other') return t(`reason.presets.${choice.preset}`);
  return choice.text.trim();
}

/**
 * Why an item comes back: one key (1–6) or a click picks a preset; Other, or typing in the field,
 * takes free words. Used by refunds, and ready for returns in the cart and voided sales.
 */
export function ReasonPicker({ value, onChange, label }: { value: ReasonChoice; onChange: (choice: ReasonChoice) => void; label?: string }) {
  const { t } = useTranslation('returns');
  const name = useId();
  const textField = useRef<HTMLInputElement>(null);
  const choices = [...REASON_PRESETS, 'other'] as const;

  const pick = (preset: ReasonChoice['preset']) => {
    onChange({ preset, text: preset === 'other' ? value.text : '' });
    if (preset === 'other') textField.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLFieldSetElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey || !/^[1-6]$/.test(event.key)) return;
    event.preventDefault();
    pick(choices[Number(event.key) - 1]!);
  };

  return (
    <div className="reason-picker">
      <fieldset className="choices reason-picker__choices" onKeyDown={onKeyDown} data-testid="reason-picker" data-reason={value.preset ?? ''}>
        <legend>
          {t('reason.legend')} <span className="reason-picker__hint">({t('reason.hint')})</span>
        </legend>
        {choices.map((preset, i) => (
          <label key={preset} className={`button button--choice${value.preset === preset ? ' is-selected' : ''}`}>
            <input type="radio" name={name} value={preset} checked={value.preset === preset} onChange={() => pick(preset)} />
            <kbd aria-hidden="true">{i + 1}</kbd> {preset === 'other' ? t('reason.other') : t(`reason.presets.${preset}`)}
          </label>
        ))}
      </fieldset>
      <label className="field">
        {label ?? t('reason.text')}
        <input
          ref={textField}
          className="field__input"
          value={value.preset === 'other' || value.preset === null ? value.text : ''}
          maxLength={200}
          placeholder={value.preset && value.preset !== 'other' ? t(`reason.presets.${value.preset}`) : undefined}
          onChange={(e) => onChange({ preset: e.target.value ? 'other' : null, text: e.target.value })}
        />
      </label>
    </div>
  );
}

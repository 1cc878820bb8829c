// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { i18next, useTranslation } from '../i18n';
import { NO_REASON, ReasonPicker, reasonText, type ReasonChoice } from './ReasonPicker';

afterEach(async () => {
  cleanup();
  await i18next.changeLanguage('en');
});

/** The picker as a dialog holds it, with what would be stored shown beside it. */
function Harness({ initial = NO_REASON }: { initial?: ReasonChoice }) {
  const { t } = useTranslation('returns');
  const [choice, setChoice] = useState(initial);
  return (
    <>
      <ReasonPicker value={choice} onChange={setChoice} />
      <output data-testid="stored">{reasonText(choice, t)}</output>
    </>
  );
}

const stored = () => screen.getByTestId('stored').textContent;
const radio = (name: string) => screen.getByRole('radio', { name: new RegExp(name) }) as HTMLInputElement;

describe('the reason picker', () => {
  it('keys 1 to 5 pick Damaged, Wrong item, Changed mind, Doesn’t fit and Faulty while the picker has focus', () => {
    render(<Harness />);
    const expected = ['Damaged', 'Wrong item', 'Changed mind', 'Doesn’t fit', 'Faulty'];
    radio('Damaged').focus();
    expected.forEach((words, i) => {
      fireEvent.keyDown(document.activeElement!, { key: String(i + 1) });
      expect(radio(words).checked).toBe(true);
      expect(stored()).toBe(words);
    });
    expect(screen.getAllByRole('radio').filter((r) => (r as HTMLInputElement).checked)).toHaveLength(1);
  });

  it('key 6 picks Other and puts the cursor in the free-text field, whose words are then the reason', () => {
    render(<Harness />);
    radio('Damaged').focus();
    fireEvent.keyDown(document.activeElement!, { key: '1' });
    fireEvent.keyDown(document.activeElement!, { key: '6' });
    const field = screen.getByLabelText('Reason');
    expect(radio('Other').checked).toBe(true);
    expect(document.activeElement).toBe(field);
    expect(stored()).toBe('');
    fireEvent.change(field, { target: { value: '  Lid cracked  ' } });
    expect(stored()).toBe('Lid cracked');
  });

  it('ignores other keys, keys with a modifier, and digits typed into the free-text field', () => {
    render(<Harness />);
    radio('Faulty').focus();
    fireEvent.keyDown(document.activeElement!, { key: '7' });
    fireEvent.keyDown(document.activeElement!, { key: '2', ctrlKey: true });
    fireEvent.keyDown(document.activeElement!, { key: '1', altKey: true });
    expect(screen.getAllByRole('radio').some((r) => (r as HTMLInputElement).checked)).toBe(false);
    fireEvent.keyDown(screen.getByLabelText('Reason'), { key: '3' });
    expect(radio('Changed mind').checked).toBe(false);
  });

  it('typing words chooses Other; clicking a preset after that stores the preset, not the words', () => {
    render(<Harness />);
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'Smells odd' } });
    expect(radio('Other').checked).toBe(true);
    expect(stored()).toBe('Smells odd');
    fireEvent.click(radio('Wrong item'));
    expect(stored()).toBe('Wrong item');
    expect((screen.getByLabelText('Reason') as HTMLInputElement).value).toBe('');
  });

  it('stores a preset in the register’s language', async () => {
    await i18next.changeLanguage('zh-CN');
    render(<Harness initial={{ preset: 'damaged', text: '' }} />);
    expect(stored()).toBe('商品损坏');
  });
});

// @vitest-environment jsdom
import { act, cleanup, createEvent, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppInfo, ConnectivityState } from '../../../shared/api';
import { i18next } from '../i18n';
import { installFakeBridge } from '../test/fake-bridge';
import { StatusBar } from './StatusBar';

afterEach(() => {
  cleanup();
  void i18next.changeLanguage('en');
});

const info: AppInfo = { version: '0.1.0', storeCode: 'S01', registerCode: 'R01', currency: 'EUR', locale: 'en', mode: 'demo', enrolled: false };
const hq: ConnectivityState['hq'] = { configured: true, reachable: true, lastProbeAt: 1, latencyMs: 4, evidence: null, lastError: null };
const online: ConnectivityState = { state: 'online', reasons: [], since: 0, manualBy: null, warning: null, hq };
const manual: ConnectivityState = { state: 'offline', reasons: ['manual'], since: Date.UTC(2026, 10, 23, 10, 42), manualBy: 'Ana', warning: null, hq };
const ana = { id: 'u', name: 'Ana', role: 'cashier' as const };
const unreachable: ConnectivityState['hq'] = { ...hq, reachable: false, evidence: 'hq-unreachable', lastError: 'HQ refused the connection' };

describe('the status bar', () => {
  it('shows the state and reasons as the contract’s data attributes and in words', () => {
    render(<StatusBar info={info} connectivity={manual} user={null} />);
    const indicator = screen.getByTestId('connectivity');
    expect(indicator.dataset.state).toBe('offline');
    expect(indicator.dataset.reasons).toBe('manual');
    expect(indicator.textContent).toMatch(/Offline — switched by Ana at/);
    expect(screen.getByTestId('offline-toggle').textContent).toBe('Go online');
  });

  it('says why in words for each reason, so colour is never the only signal', () => {
    const { rerender } = render(<StatusBar info={info} connectivity={{ ...online, state: 'offline', reasons: ['network'], hq: unreachable }} user={null} />);
    expect(screen.getByTestId('connectivity').textContent).toMatch(/HQ not reachable since/);
    expect(screen.getByTestId('connectivity').title).toBe('HQ refused the connection');
    rerender(<StatusBar info={info} connectivity={{ ...online, state: 'offline', reasons: ['network'], hq: { ...unreachable, evidence: 'no-network' } }} user={null} />);
    expect(screen.getByTestId('connectivity').textContent).toMatch(/Offline — no network since/);
    rerender(<StatusBar info={info} connectivity={{ ...online, state: 'offline', reasons: ['service:checkout'] }} user={null} />);
    expect(screen.getByTestId('connectivity').textContent).toMatch(/checkout service degraded/);
  });

  it('tells a cashier who switched offline that HQ is reachable again, and not otherwise', () => {
    const { rerender } = render(<StatusBar info={info} connectivity={manual} user={null} />);
    expect(screen.getByText('HQ reachable again')).toBeTruthy();
    rerender(<StatusBar info={info} connectivity={{ ...manual, hq: unreachable }} user={null} />);
    expect(screen.queryByText('HQ reachable again')).toBeNull();
  });

  it('warns before the data folder’s disk is full, says when it is full, and says nothing while there is room', async () => {
    const MiB = 1024 * 1024;
    const room = { path: '/var/lib/kassa', freeBytes: 900 * MiB, totalBytes: 1000 * MiB, lowBytes: 200 * MiB, low: false, full: false };
    const { rerender } = render(<StatusBar info={info} connectivity={online} user={null} disk={room} />);
    expect(screen.queryByTestId('disk-space')).toBeNull();
    rerender(<StatusBar info={info} connectivity={online} user={null} disk={{ ...room, freeBytes: 187.4 * MiB, low: true }} />);
    const warning = screen.getByTestId('disk-space');
    expect(warning.getAttribute('role')).toBe('alert');
    expect(warning.textContent).toBe('⚠ Disk space low: 187 MiB free on the register. Call IT before it runs out.');
    expect(warning.title).toBe('Data folder: /var/lib/kassa');
    rerender(<StatusBar info={info} connectivity={online} user={null} disk={{ ...room, freeBytes: 0.2 * MiB, low: true, full: true }} />);
    expect(screen.getByTestId('disk-space').dataset.full).toBe('true');
    expect(screen.getByTestId('disk-space').textContent).toMatch(/The register's disk is full: sales cannot be saved/);
    await act(() => i18next.changeLanguage('zh-CN'));
    rerender(<StatusBar info={{ ...info, locale: 'zh-CN' }} connectivity={online} user={null} disk={{ ...room, freeBytes: 8.44 * MiB, low: true }} />);
    expect(screen.getByTestId('disk-space').textContent).toBe('⚠ 磁盘空间不足：收银机仅剩 8.4 MiB。请在空间用完之前联系 IT。');
  });

  it('warns while the receipt printer is offline, out of paper or open, with what to do as its title; nothing while it is fine or cannot say', () => {
    const printer = { kind: 'escpos' as const, name: '10.0.0.40:9100', state: 'online' as const, paperLow: false, message: 'Ready.', checkedAt: 1 };
    const { rerender } = render(<StatusBar info={info} connectivity={online} user={null} printer={printer} />);
    expect(screen.queryByTestId('printer-status')).toBeNull();
    rerender(<StatusBar info={info} connectivity={online} user={null} printer={{ ...printer, state: 'unknown' }} />);
    expect(screen.queryByTestId('printer-status')).toBeNull();
    rerender(<StatusBar info={info} connectivity={online} user={null} printer={{ ...printer, state: 'paperOut', message: 'The printer is out of paper: load a new roll.' }} />);
    const warning = screen.getByTestId('printer-status');
    expect(warning.textContent).toBe('⚠ Printer out of paper');
    expect(warning.title).toBe('The printer is out of paper: load a new roll.');
    expect(warning.getAttribute('role')).toBe('alert');
    rerender(<StatusBar info={info} connectivity={online} user={null} printer={{ ...printer, state: 'offline' }} />);
    expect(screen.getByTestId('printer-status').dataset.state).toBe('offline');
  });

  it('shows the number of operations waiting to upload, the number alone as its text', () => {
    const sync = { pending: 7, oldestPendingAt: 1, lastSyncAt: null, lastError: { at: 1, message: 'HQ refused the connection' }, deadLetters: 0, lastSeq: 0, realtime: false, hq: true, nearestCardDeadline: null, declinedCardPayments: 0 };
    render(<StatusBar info={info} connectivity={online} user={null} sync={sync} />);
    const pending = screen.getByTestId('pending-sync');
    expect(pending.textContent).toBe('7');
    expect(pending.getAttribute('aria-label')).toBe('Operations waiting to upload: 7');
    expect(pending.parentElement!.title).toBe('Last upload failed: HQ refused the connection');
  });

  it('says plainly when HQ revoked the register and that it must be enrolled again', () => {
    const sync = { pending: 4, oldestPendingAt: 1, lastSyncAt: null, lastError: null, deadLetters: 0, lastSeq: 0, realtime: false, hq: true, nearestCardDeadline: null, declinedCardPayments: 0 };
    const { rerender } = render(<StatusBar info={info} connectivity={online} user={null} sync={sync} />);
    expect(screen.queryByTestId('register-revoked')).toBeNull();
    rerender(<StatusBar info={info} connectivity={online} user={null} sync={{ ...sync, revokedAt: 1 }} />);
    const alert = screen.getByTestId('register-revoked');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toBe('⚠ Register revoked by HQ — enrol it again');
    expect(alert.title).toMatch(/Every sale stays on this register/);
  });

  it('counts down to the nearest offline card deadline and warns about card payments HQ declined', () => {
    const sync = { pending: 3, oldestPendingAt: 1, lastSyncAt: null, lastError: null, deadLetters: 0, lastSeq: 0, realtime: false, hq: true, nearestCardDeadline: Date.now() + 2 * 3_600_000 + 5_000, declinedCardPayments: 2 };
    render(<StatusBar info={info} connectivity={online} user={null} sync={sync} />);
    expect(screen.getByTestId('card-deadline').textContent).toMatch(/Card upload due in 2:00:0\d/);
    expect(screen.getByRole('alert').textContent).toMatch(/2 card payments taken offline were declined by HQ/);
    expect(screen.getByRole('button', { name: 'Show' })).toBeTruthy();
  });

  it('asks the main process to go offline when the cashier presses the button', async () => {
    const fake = installFakeBridge({ 'connectivity.goOffline': () => ({ ok: true, value: manual }) });
    render(<StatusBar info={info} connectivity={online} user={{ id: 'u', name: 'Ana', role: 'cashier' }} />);
    await act(async () => fireEvent.click(screen.getByTestId('offline-toggle')));
    expect(fake.calls.map((c) => c.channel)).toEqual(['connectivity.goOffline']);
  });

  it('offers Go offline while only a degraded service holds the till offline, and presses exactly that', async () => {
    const fake = installFakeBridge({ 'connectivity.goOffline': () => ({ ok: true, value: manual }) });
    render(<StatusBar info={info} connectivity={{ ...online, state: 'offline', reasons: ['service:membership'] }} user={ana} />);
    expect(screen.getByTestId('offline-toggle').textContent).toBe('Go offline');
    await act(async () => fireEvent.click(screen.getByTestId('offline-toggle')));
    expect(fake.calls.map((c) => c.channel)).toEqual(['connectivity.goOffline']);
  });

  it('shows a refused switch as an alert', async () => {
    installFakeBridge({ 'connectivity.goOffline': () => ({ ok: false, error: { code: 'INTERNAL', message: 'The switch could not be saved.' } }) });
    render(<StatusBar info={info} connectivity={online} user={ana} />);
    fireEvent.click(screen.getByTestId('offline-toggle'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('The switch could not be saved.'));
  });

  it('shows the warning when the saved switch could not be read', () => {
    render(<StatusBar info={info} connectivity={{ ...manual, warning: 'The saved offline switch could not be used.' }} user={null} />);
    expect(screen.getByRole('alert').textContent).toBe('The saved offline switch could not be used.');
  });
  it('names every reason, the most important first, each with its own time', () => {
    const at = (h: number, m: number) => new Date(new Date().setHours(h, m, 0, 0)).getTime();
    const state: ConnectivityState = {
      ...manual,
      reasons: ['network', 'service:membership', 'manual'],
      since: at(10, 40),
      reasonSince: { network: at(10, 40), manual: at(10, 42), 'service:membership': at(10, 41) },
      hq: unreachable,
    };
    render(<StatusBar info={info} connectivity={state} user={null} />);
    expect(screen.getByTestId('connectivity').textContent).toBe('⚠Offline — switched by Ana at 10:42 AM; HQ not reachable since 10:40 AM; membership service degraded');
  });

  it('speaks the register’s language, times formatted for its locale', async () => {
    await i18next.changeLanguage('zh-CN');
    const at = new Date(new Date().setHours(9, 5, 0, 0)).getTime();
    render(<StatusBar info={{ ...info, locale: 'zh-CN' }} connectivity={{ ...online, state: 'offline', reasons: ['network', 'service:membership'], since: at, hq: unreachable }} user={null} />);
    expect(screen.getByTestId('connectivity').textContent).toBe('⚠离线 — 自 9:05 起无法连接总部；会员服务降级');
    expect(screen.getByTestId('offline-toggle').textContent).toBe('切换离线');
  });

  it('the offline switch waits for a signed-in cashier and says why: sign in first, or unlock a locked screen', async () => {
    const calls: string[] = [];
    installFakeBridge({ 'connectivity.goOffline': () => (calls.push('goOffline'), { ok: true, value: manual }) });
    const { rerender } = render(<StatusBar info={info} connectivity={online} user={null} />);
    const toggle = screen.getByTestId('offline-toggle') as HTMLButtonElement;
    expect(toggle.disabled).toBe(true);
    expect(toggle.title).toBe('Sign in to switch the register offline or online.');
    rerender(<StatusBar info={info} connectivity={online} user={ana} locked />);
    expect(toggle.disabled).toBe(true);
    expect(toggle.title).toBe('Unlock the register to switch it offline or online.');
    fireEvent.click(toggle);
    rerender(<StatusBar info={info} connectivity={online} user={ana} />);
    expect(toggle.disabled).toBe(false);
    expect(toggle.title).toBe('');
    fireEvent.click(toggle);
    await waitFor(() => expect(calls).toEqual(['goOffline']));
  });

  it('F1 and the Help button open the shortcut sheet; Escape closes it and focus goes back', async () => {
    render(<StatusBar info={info} connectivity={online} user={ana} />);
    const toggle = screen.getByTestId('offline-toggle');
    toggle.focus();
    fireEvent.keyDown(window, { key: 'F1' });
    const sheet = await screen.findByTestId('help-sheet');
    expect(sheet.textContent).toContain('Find a product by name');
    expect(sheet.textContent).toContain('F10');
    expect(sheet.textContent).toContain('Alt+D');
    expect(document.activeElement?.textContent).toMatch(/^Close/);
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('help-sheet')).toBeNull());
    expect(document.activeElement).toBe(toggle);
    fireEvent.click(screen.getByRole('button', { name: /Help/ }));
    expect(await screen.findByTestId('help-sheet')).toBeTruthy();
  });

  it('keeps the screen behind from acting on function keys while the help sheet is open', async () => {
    const seen: string[] = [];
    const listener = (event: KeyboardEvent) => seen.push(event.key);
    window.addEventListener('keydown', listener);
    render(<StatusBar info={info} connectivity={online} user={null} />);
    fireEvent.keyDown(window, { key: 'F1' });
    await screen.findByTestId('help-sheet');
    fireEvent.keyDown(window, { key: 'F2' });
    fireEvent.keyDown(window, { key: 's', altKey: true });
    window.removeEventListener('keydown', listener);
    expect(seen).toEqual(['F1']);
  });
});

const sync = { pending: 7, oldestPendingAt: null, lastSyncAt: null, lastError: { at: 1, message: 'HQ refused the connection' }, deadLetters: 0, lastSeq: 0, realtime: false, hq: true, nearestCardDeadline: null, declinedCardPayments: 0 };
const pill = () => screen.getByTestId('connectivity').closest('.status-pill') as HTMLElement;
const details = () => screen.getByTestId('status-details');
const detailsButton = () => screen.getByRole('button', { name: 'Status details' });

describe('the status pill: Limited or an outage', () => {
  it('says Limited, in its own colour, when only a service checkout does without is degraded; the contract’s attributes stay as they were', async () => {
    const { rerender } = render(<StatusBar info={info} connectivity={{ ...online, state: 'offline', reasons: ['service:membership'] }} user={ana} />);
    const indicator = screen.getByTestId('connectivity');
    expect(indicator.dataset.state).toBe('offline');
    expect(indicator.dataset.reasons).toBe('service:membership');
    expect(indicator.dataset.display).toBe('limited');
    expect(indicator.textContent).toBe("◐Limited — members from this register's copy");
    expect(pill().className).toContain('status-pill--limited');
    expect(pill().className).not.toContain('status-pill--offline');
    // The cashier's switch still offers going offline, as for any degraded service.
    expect(screen.getByTestId('offline-toggle').textContent).toBe('Go offline');

    rerender(<StatusBar info={info} connectivity={{ ...online, state: 'offline', reasons: ['service:orders', 'service:membership'] }} user={ana} />);
    expect(indicator.dataset.display).toBe('limited');
    expect(indicator.textContent).toBe("◐Limited — orders of this register only; members from this register's copy");

    await act(() => i18next.changeLanguage('zh-CN'));
    rerender(<StatusBar info={{ ...info, locale: 'zh-CN' }} connectivity={{ ...online, state: 'offline', reasons: ['service:membership'] }} user={ana} />);
    expect(indicator.textContent).toBe('◐受限 — 会员信息来自本收银机的副本');
  });

  it('shows the outage pill when checkout itself is degraded, or the network or the cashier’s switch joins a limited service', () => {
    const { rerender } = render(<StatusBar info={info} connectivity={{ ...online, state: 'offline', reasons: ['service:checkout'] }} user={ana} />);
    const indicator = screen.getByTestId('connectivity');
    expect(indicator.dataset.display).toBe('offline');
    expect(indicator.textContent).toBe('⚠Offline — checkout service degraded');
    expect(pill().className).toContain('status-pill--offline');

    rerender(<StatusBar info={info} connectivity={{ ...online, state: 'offline', reasons: ['service:membership', 'service:checkout'] }} user={ana} />);
    expect(indicator.dataset.display).toBe('offline');
    expect(indicator.textContent).toBe('⚠Offline — membership service degraded; checkout service degraded');

    rerender(<StatusBar info={info} connectivity={{ ...online, state: 'offline', reasons: ['network', 'service:membership'], hq: unreachable }} user={ana} />);
    expect(indicator.dataset.display).toBe('offline');

    rerender(<StatusBar info={info} connectivity={{ ...manual, reasons: ['manual', 'service:membership'] }} user={ana} />);
    expect(indicator.dataset.display).toBe('offline');

    rerender(<StatusBar info={info} connectivity={online} user={ana} />);
    expect(indicator.dataset.display).toBe('online');
    expect(pill().className).toContain('status-pill--online');
  });
});

describe('the status details', () => {
  it('F11 opens every reason, the reachable-again notice and the upload backlog; Escape closes them and focus stays where it was', () => {
    const at = (h: number, m: number) => new Date(new Date().setHours(h, m, 0, 0)).getTime();
    const state: ConnectivityState = { ...manual, reasons: ['service:membership', 'manual'], reasonSince: { manual: at(10, 42), 'service:membership': at(10, 41) } };
    render(<StatusBar info={info} connectivity={state} user={ana} sync={{ ...sync, oldestPendingAt: at(10, 12) }} />);
    const toggle = screen.getByTestId('offline-toggle');
    toggle.focus();
    expect(details().hidden).toBe(true);
    expect(detailsButton().getAttribute('aria-expanded')).toBe('false');

    fireEvent.keyDown(window, { key: 'F11' });
    expect(details().hidden).toBe(false);
    expect(detailsButton().getAttribute('aria-expanded')).toBe('true');
    expect(detailsButton().getAttribute('aria-controls')).toBe(details().id);
    expect([...details().querySelectorAll('li')].map((li) => li.textContent)).toEqual(['switched by Ana at 10:42 AM', "membership service degraded since 10:41 AM — members from this register's copy"]);
    expect(details().textContent).toContain('HQ is reachable again: Go online sends what waits to upload.');
    expect(details().textContent).toContain('7 operations waiting to upload, the oldest from 10:12 AM. Last upload failed: HQ refused the connection');
    expect(document.activeElement).toBe(toggle);

    fireEvent.keyDown(toggle, { key: 'Escape' });
    expect(details().hidden).toBe(true);
    expect(detailsButton().getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(toggle);
  });

  it('a click on details the mouse opened by resting on the pill keeps them open; the next click closes them', async () => {
    render(<StatusBar info={info} connectivity={{ ...online, state: 'offline', reasons: ['service:membership'] }} user={ana} sync={sync} />);
    // React hears pointerenter through pointerover; jsdom has no PointerEvent, so the pointer type is set on the event.
    const over = createEvent.pointerOver(pill());
    Object.defineProperty(over, 'pointerType', { value: 'mouse' });
    fireEvent(pill(), over);
    await waitFor(() => expect(details().hidden).toBe(false));
    fireEvent.click(detailsButton());
    expect(details().hidden).toBe(false);
    fireEvent.click(detailsButton());
    expect(details().hidden).toBe(true);
  });

  it('F11 toggles; a tap on the pill opens them, a tap outside closes them, and so does Close', () => {
    render(<StatusBar info={info} connectivity={{ ...online, state: 'offline', reasons: ['service:membership'] }} user={ana} sync={sync} />);
    fireEvent.keyDown(window, { key: 'F11' });
    expect(details().hidden).toBe(false);
    expect(details().textContent).toContain('Limited: sales, cash and card payments work as usual');
    fireEvent.keyDown(window, { key: 'F11' });
    expect(details().hidden).toBe(true);

    fireEvent.click(detailsButton());
    expect(details().hidden).toBe(false);
    fireEvent.pointerDown(details());
    expect(details().hidden).toBe(false);
    fireEvent.pointerDown(document.body);
    expect(details().hidden).toBe(true);

    fireEvent.click(detailsButton());
    fireEvent.click(screen.getByRole('button', { name: /^Close/ }));
    expect(details().hidden).toBe(true);
  });

  it('leaves Escape to the screen while the details are closed, and to an open dialog while they are open', async () => {
    const seen: string[] = [];
    const listener = (event: KeyboardEvent) => seen.push(event.key);
    window.addEventListener('keydown', listener);
    render(<StatusBar info={info} connectivity={online} user={ana} />);
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(seen).toEqual(['Escape']);
    fireEvent.keyDown(window, { key: 'F11' });
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(seen).toEqual(['Escape', 'F11']);
    expect(details().hidden).toBe(true);

    fireEvent.keyDown(window, { key: 'F11' });
    fireEvent.keyDown(window, { key: 'F1' });
    const sheet = await screen.findByTestId('help-sheet');
    fireEvent.keyDown(sheet, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('help-sheet')).toBeNull());
    expect(details().hidden).toBe(false);
    window.removeEventListener('keydown', listener);
  });

  it('lists F11 in the help sheet', async () => {
    render(<StatusBar info={info} connectivity={online} user={ana} />);
    fireEvent.keyDown(window, { key: 'F1' });
    const sheet = await screen.findByTestId('help-sheet');
    const row = [...sheet.querySelectorAll('.help-sheet__row')].find((r) => r.querySelector('kbd')?.textContent === 'F11');
    expect(row?.querySelector('dd')?.textContent).toMatch(/status details/);
  });
});

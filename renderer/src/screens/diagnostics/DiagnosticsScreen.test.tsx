// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppInfo } from '../../../../shared/api';
import type { Diagnostics } from '../../../../shared/modules/admin.api';
import { installFakeBridge } from '../../test/fake-bridge';
import { DiagnosticsScreen } from './DiagnosticsScreen';

afterEach(cleanup);

const info: AppInfo = { version: '0.1.0', storeCode: 'S01', registerCode: 'R01', currency: 'EUR', locale: 'en', mode: 'hq', enrolled: true };
const now = Date.now();
const overview: Diagnostics = {
  generatedAt: now,
  versions: { app: '0.1.0', database: 10, hq: { version: '0.1.0', database: 'sqlite' }, runtime: 'Node 20', platform: 'linux' },
  hqUrl: 'http://127.0.0.1:8080',
  connectivity: { state: 'online', reasons: [], since: now - 60_000, manualBy: null, warning: null, hq: { configured: true, reachable: true, lastProbeAt: now, latencyMs: 4, evidence: null, lastError: null } },
  timeline: [
    { id: 1, at: now - 3_600_000, from: 'starting', to: 'online', fromReasons: [], reasons: [], trigger: 'start', user: null, detail: null },
    { id: 2, at: now - 1_800_000, from: 'online', to: 'offline', fromReasons: [], reasons: ['network'], trigger: 'timer', user: null, detail: 'HQ refused the connection' },
    { id: 3, at: now - 600_000, from: 'offline', to: 'online', fromReasons: ['network'], reasons: [], trigger: 'probe', user: null, detail: null },
  ],
  probes: [
    { at: now - 20_000, ok: true, latencyMs: 4, error: null },
    { at: now - 10_000, ok: false, latencyMs: 500, error: 'timed out' },
    { at: now, ok: true, latencyMs: 6, error: null },
  ],
  queue: { pending: 3, oldestAt: now - 25 * 60_000, byEntity: [{ entity: 'sale', count: 2, oldestAt: now - 25 * 60_000 }, { entity: 'payment', count: 1, oldestAt: now - 60_000 }] },
  deadLetters: 1,
  sales: 12,
  deviceTokenStorage: { protection: 'clear', detail: 'the web host runs headless, with no keychain' },
};
const letter = { id: 'op-1', entity: 'sale', entityId: 'sale-1', type: 'completed', payload: {}, createdAt: now - 100_000, code: 'INVALID_PAYLOAD', message: 'total does not match', rejectedAt: now - 90_000 };

describe('the diagnostics page', () => {
  it('shows the timeline, latencies, the queue with its age, refused operations and versions', async () => {
    installFakeBridge({ 'diagnostics.overview': () => ({ ok: true, value: overview }), 'sync.deadLetters': () => ({ ok: true, value: { deadLetters: [letter] } }) });
    render(<DiagnosticsScreen info={info} />);
    const timeline = await screen.findByTestId('connectivity-timeline');
    expect(timeline.getAttribute('aria-label')).toBe('Offline 1 time, 20 min in all');
    expect(screen.getByRole('heading', { name: /^Connectivity, / })).toBeTruthy();
    expect(timeline.querySelectorAll('[data-state="offline"]')).toHaveLength(1);
    expect(screen.getByTestId('transitions').textContent).toContain('HQ not reachable');
    expect(screen.getByTestId('latency-chart').getAttribute('aria-label')).toBe('Latency of the last 3 probes of HQ, 1 failed');
    expect(screen.getByTestId('diag-pending').textContent).toBe('3');
    expect(screen.getByText(/oldest waiting 25 min/)).toBeTruthy();
    expect(within(screen.getByTestId('dead-letters')).getByText(/total does not match/)).toBeTruthy();
    expect(screen.getByTestId('versions').textContent).toMatch(/Database schema10/);
    expect(screen.getByTestId('versions').textContent).toMatch(/HQ0\.1\.0 \(sqlite\)/);
    expect(screen.getByTestId('token-storage').textContent).toBe('In the clear (no keychain on this host)');
    expect(screen.getByTestId('token-storage').getAttribute('title')).toMatch(/no keychain/);
    expect(screen.getByTestId('live-traffic').textContent).toBe('none yet');
  });

  it('shows the last live traffic with HQ, and says when the stream’s heartbeats stand in for probes', async () => {
    const withTraffic = (traffic: Diagnostics['traffic']) => () => ({ ok: true as const, value: { ...overview, traffic } });
    installFakeBridge({ 'diagnostics.overview': withTraffic({ at: now - 3000, ok: true, source: 'stream', detail: null }), 'sync.deadLetters': () => ({ ok: true, value: { deadLetters: [] } }) });
    render(<DiagnosticsScreen info={info} />);
    expect((await screen.findByTestId('live-traffic')).textContent).toBe('✓ realtime stream, 3 sec ago');
    expect(screen.getByText("While HQ's realtime stream answers, its heartbeats stand in for probes.")).toBeTruthy();
    cleanup();
    installFakeBridge({ 'diagnostics.overview': withTraffic({ at: now - 120_000, ok: false, source: 'sync', detail: 'no answer within 30 s' }), 'sync.deadLetters': () => ({ ok: true, value: { deadLetters: [] } }) });
    render(<DiagnosticsScreen info={info} />);
    expect((await screen.findByTestId('live-traffic')).textContent).toBe('✕ sync, 2 min ago · no answer within 30 s');
    expect(screen.queryByText(/stand in for probes/)).toBeNull();
  });

  it('retries a refused operation with a manager PIN', async () => {
    const fake = installFakeBridge({
      'diagnostics.overview': () => ({ ok: true, value: overview }),
      'sync.deadLetters': () => ({ ok: true, value: { deadLetters: [letter] } }),
      'sync.retry': () => ({ ok: true, value: { pending: 4, oldestPendingAt: 1, lastSyncAt: null, lastError: null, deadLetters: 0, lastSeq: 0, realtime: false, hq: true, nearestCardDeadline: null, declinedCardPayments: 0 } }),
    });
    render(<DiagnosticsScreen info={info} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Retry' }));
    fireEvent.change(screen.getByLabelText('Manager PIN'), { target: { value: '9999' } });
    await act(async () => fireEvent.submit(screen.getByLabelText('Manager PIN').closest('form')!));
    expect(fake.calls.find((c) => c.channel === 'sync.retry')?.input).toEqual({ id: 'op-1', managerPin: '9999' });
    expect(await screen.findByText('The operation is back in the upload queue.')).toBeTruthy();
  });

  it('the manager PIN field of a retry is the register’s PIN field: digits only, never autofilled', async () => {
    installFakeBridge({ 'diagnostics.overview': () => ({ ok: true, value: overview }), 'sync.deadLetters': () => ({ ok: true, value: { deadLetters: [letter] } }) });
    render(<DiagnosticsScreen info={info} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Retry' }));
    const field = screen.getByLabelText<HTMLInputElement>('Manager PIN');
    fireEvent.change(field, { target: { value: '99a9 9' } });
    expect(field.value).toBe('9999');
    expect(field.getAttribute('autocomplete')).toBe('off');
    expect(field.maxLength).toBe(8);
  });

  it('downloads the support bundle the register hands over', async () => {
    installFakeBridge({
      'diagnostics.overview': () => ({ ok: true, value: overview }),
      'sync.deadLetters': () => ({ ok: true, value: { deadLetters: [] } }),
      'diagnostics.bundle': () => ({ ok: true, value: { fileName: 'kassa-support-S01-R01.zip', size: 2048, base64: btoa('PK'), savedTo: null } }),
    });
    const createObjectURL = vi.fn(() => 'blob:bundle');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    render(<DiagnosticsScreen info={info} />);
    await act(async () => fireEvent.click(await screen.findByTestId('export-bundle')));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/kassa-support-S01-R01\.zip \(2 kB\) downloaded/));
    expect(clicked).toEqual(['kassa-support-S01-R01.zip']);
    click.mockRestore();
  });

  it('shows a refusal for a cashier as an alert', async () => {
    installFakeBridge({ 'diagnostics.overview': () => ({ ok: false, error: { code: 'NOT_A_MANAGER', message: 'Diagnostics are for managers.' } }), 'sync.deadLetters': () => ({ ok: true, value: { deadLetters: [] } }) });
    render(<DiagnosticsScreen info={info} />);
    expect((await screen.findByRole('alert')).textContent).toBe('Diagnostics are for managers.');
  });
});

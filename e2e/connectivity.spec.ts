import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, signIn, test } from './fixtures';
import { startFaultProxy } from './support/fault-proxy';
import { startHqStandIn } from './support/hq-stand-in';
import { startHq } from './support/hq-server';
import { SHELF, payAndComplete, ringUp, signInOnline } from './support/shop';
import { startRegister } from './support/web-host';

const FAST = { t1Ms: 1000, t2Ms: 1000, t2OfflineMs: 500, probeTimeoutMs: 500, recoverSuccesses: 2, qosPollMs: 1000 };
/** How long a sustained outage may take to show: one probe interval + T1 + the probe timeout. */
const DETECTION_BOUND_MS = FAST.t2Ms * 1.1 + FAST.t1Ms + FAST.probeTimeoutMs;
/** The page hears of it over the WebSocket and renders; a loaded CI machine gets some slack. */
const UI_SLACK_MS = 1500;

test('Go offline shows at once with reason manual, survives a reload, and Go online returns', async ({ till }) => {
  const connectivity = till.getByTestId('connectivity');
  await expect(connectivity).toHaveAttribute('data-state', 'online');
  // The switch is a signed-in cashier's: on the sign-in screen it waits, saying why.
  await expect(till.getByTestId('offline-toggle')).toBeDisabled();
  await expect(till.getByTestId('offline-toggle')).toHaveAttribute('title', 'Sign in to switch the register offline or online.');
  await signIn(till);
  await expect(till.getByTestId('scan-input')).toBeFocused();
  await till.getByTestId('offline-toggle').click();
  // The call answers with the new state; the indicator shows it without waiting for a probe.
  await expect(connectivity).toHaveAttribute('data-state', 'offline', { timeout: 1000 });
  await expect(connectivity).toHaveAttribute('data-reasons', 'manual');
  await expect(connectivity).toContainText('Offline — switched by Ana at');

  await till.reload();
  await expect(till.getByTestId('connectivity')).toHaveAttribute('data-reasons', 'manual');

  await till.getByTestId('offline-toggle').click();
  await expect(till.getByTestId('connectivity')).toHaveAttribute('data-state', 'online');
  await expect(till.getByTestId('connectivity')).toHaveAttribute('data-reasons', '');
});

test('when HQ stops answering the till goes offline with reason network within the bound, and back when HQ returns', async ({ page }) => {
  const hq = await startHqStandIn();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-hq-'));
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ connectivity: FAST }));
  const register = await startRegister({ dataDir, env: { KASSA_HQ_URL: hq.url } });
  try {
    await page.goto(register.url);
    const connectivity = page.getByTestId('connectivity');
    await expect(connectivity).toHaveAttribute('data-state', 'online');

    await hq.stop();
    const stoppedAt = Date.now();
    await expect(connectivity).toHaveAttribute('data-reasons', 'network', { timeout: DETECTION_BOUND_MS + UI_SLACK_MS + 5000 });
    const detectedIn = Date.now() - stoppedAt;
    expect(detectedIn, `detected in ${detectedIn} ms`).toBeLessThanOrEqual(DETECTION_BOUND_MS + UI_SLACK_MS);
    await expect(connectivity).toContainText('HQ not reachable since');

    await hq.start();
    await expect(connectivity).toHaveAttribute('data-state', 'online', { timeout: 10_000 });
  } finally {
    await register.stop();
    await hq.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('while the cashier has switched offline, the status bar says when HQ is reachable again', async ({ page }) => {
  // The real HQ: the switch is a signed-in cashier's, and signing in needs an enrolled register.
  const hq = await startHq();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-hq-'));
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ connectivity: FAST }));
  const register = await startRegister({ dataDir, env: { KASSA_HQ_URL: hq.url, KASSA_ENROLMENT_CODE: 'DEMO' } });
  try {
    await page.goto(register.url);
    await expect(page.getByTestId('connectivity')).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
    await signIn(page);
    await expect(page.getByTestId('scan-input')).toBeFocused({ timeout: 15_000 });
    await page.getByTestId('offline-toggle').click();
    await expect(page.getByTestId('connectivity')).toHaveAttribute('data-reasons', 'manual');
    await expect(page.getByRole('status').filter({ hasText: 'HQ reachable again' })).toBeVisible();
    await hq.stop();
    await expect(page.getByText('HQ reachable again')).toHaveCount(0, { timeout: DETECTION_BOUND_MS + 5000 });
    await expect(page.getByTestId('connectivity')).toHaveAttribute('data-reasons', /manual/);
  } finally {
    await register.stop();
    await hq.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the status bar shows on the sign-in screen, and Go offline survives a restart of the register', async ({ till, register, browser }) => {
  const connectivity = till.getByTestId('connectivity');
  await expect(connectivity).toHaveAttribute('data-state', 'online');
  await expect(connectivity).toHaveAttribute('data-reasons', '');
  await signIn(till);
  await expect(till.getByTestId('scan-input')).toBeFocused();
  await till.getByTestId('offline-toggle').click();
  await expect(connectivity).toHaveAttribute('data-state', 'offline');
  await expect(connectivity).toHaveAttribute('data-reasons', 'manual');
  await expect(till.getByTestId('offline-toggle')).toHaveText('Go online');

  await register.stop({ keepData: true });
  const restarted = await startRegister({ dataDir: register.dataDir });
  try {
    const page = await browser.newPage();
    await page.goto(restarted.url);
    // After the restart the sign-in screen already says why the till is offline.
    await expect(page.getByTestId('connectivity')).toHaveAttribute('data-reasons', 'manual');
    await signIn(page);
    await expect(page.getByTestId('scan-input')).toBeFocused();
    await page.getByTestId('offline-toggle').click();
    await expect(page.getByTestId('connectivity')).toHaveAttribute('data-state', 'online');
  } finally {
    await restarted.stop();
  }
});

/** The lossy-link journey: how long, how lossy, and the seed of the proxy's coin (print it to replay a run). */
const LOSSY = { durationMs: 120_000, dropProbability: 0.1, seed: 2026, pollMs: 250 };

test('a cashier sells for 2 minutes on a lossy link (each connection to HQ lost with p = 0.1, stalled until it times out): the till never shows offline, and every sale reaches HQ', async ({ page }, testInfo) => {
  test.setTimeout(LOSSY.durationMs + 120_000);
  // The real HQ (an enrolled register keeps its realtime stream open, pulls the feed and uploads its sales), through the fault proxy.
  const hq = await startHq();
  const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: Number(new URL(hq.url).port) } });
  // The short test timings: probe timeout 0.5 s, T1 1 s, so a lost probe costs little time and a false
  // verdict would come quickly. A connected stream replaces scheduled probes, so the link's traffic here is
  // the cashier's: every sale uploads (a new connection), and every upload the link loses starts a probe round.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-lossy-'));
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ connectivity: FAST }));
  const register = await startRegister({ dataDir, env: { KASSA_HQ_URL: proxy.url, KASSA_ENROLMENT_CODE: 'DEMO' } });
  try {
    await page.goto(register.url);
    const connectivity = page.getByTestId('connectivity');
    await expect(connectivity).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
    await signInOnline(page);
    // The first sale waits for HQ's catalog; it uploads on a clean link.
    await ringUp(page, SHELF.slice(0, 2), { waitForCatalog: true });
    await payAndComplete(page, 'cash');
    await expect(page.getByTestId('pending-sync')).toHaveText('0', { timeout: 20_000 });

    // Every state the status bar shows, however briefly: a MutationObserver in the page reports each change.
    const shown: { state: string | null; atMs: number }[] = [];
    let started = Date.now();
    await page.exposeFunction('kassaConnectivityShown', (state: string | null) => shown.push({ state, atMs: Date.now() - started }));
    await page.evaluate(() => {
      const read = () => document.querySelector('[data-testid="connectivity"]')?.getAttribute('data-state') ?? null;
      let last = read();
      new MutationObserver(() => {
        const now = read();
        if (now === last) return;
        last = now;
        (window as unknown as { kassaConnectivityShown: (state: string | null) => void }).kassaConnectivityShown(now);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    });

    await proxy.lossy({ dropProbability: LOSSY.dropProbability, seed: LOSSY.seed, lostBy: 'stall' });
    started = Date.now();
    const over = () => Date.now() - started >= LOSSY.durationMs;
    // A poll besides the observer, in case the page itself were replaced.
    const polled: { state: string | null; atMs: number }[] = [];
    const polling = (async () => {
      while (!over()) {
        const state = await connectivity.getAttribute('data-state');
        if (state !== 'online') polled.push({ state, atMs: Date.now() - started });
        await page.waitForTimeout(LOSSY.pollMs);
      }
    })();
    // Meanwhile the cashier sells in cash, two items a sale, as fast as the screen lets her.
    let sales = 1;
    while (!over()) {
      const at = sales % (SHELF.length - 1);
      await ringUp(page, SHELF.slice(at, at + 2));
      await payAndComplete(page, 'cash');
      sales++;
    }
    await polling;
    const stats = proxy.stats();
    testInfo.annotations.push({
      type: 'lossy link',
      description: `seed ${LOSSY.seed}: ${stats.lost} of ${stats.accepted.lossy} connections lost (stalled) in ${LOSSY.durationMs / 1000} s, ${sales} sales; status bar changes: ${JSON.stringify(shown)}`,
    });
    // The link really was lossy: the proxy lost connections the till opened.
    expect(stats.accepted.lossy, 'connections the till opened through the lossy link').toBeGreaterThan(0);
    expect(stats.lost, 'connections the lossy link lost').toBeGreaterThan(0);
    // And the till never said offline.
    expect(shown, 'every change of the status bar during the lossy minutes').toEqual([]);
    expect(polled, 'polled states other than online').toEqual([]);
    // Every sale reaches HQ (the outbox retries the uploads the link lost).
    await expect(page.getByTestId('pending-sync')).toHaveText('0', { timeout: 60_000 });
  } finally {
    await register.stop();
    await proxy.close();
    await hq.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EscPosReader, startPrinterSimulator, type PrinterSimulator } from '../../../e2e/support/printer-simulator';
import { makeTempDir } from '../../test/factories';
import { displayWidth } from './escpos';
import { createPrinter, EscPosPrinter, SystemPrinter, TcpTransport, DeviceFileTransport, type PrintDocument, type PrinterSettings, type PrinterStatus } from './index';

const sims: PrinterSimulator[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) await sim.close();
  cleanups.splice(0).forEach((fn) => fn());
});
async function simulator(...args: Parameters<typeof startPrinterSimulator>) {
  const sim = await startPrinterSimulator(...args);
  sims.push(sim);
  return sim;
}

const FAST = { connectTimeoutMs: 500, writeTimeoutMs: 500, replyTimeoutMs: 300 };
const networkPrinter = (sim: PrinterSimulator, paperWidthMm: 58 | 80 = 80) => new EscPosPrinter(new TcpTransport(sim.address, FAST), { paperWidthMm, encoding: 'gb18030' });

const document: PrintDocument = {
  title: '小票 S01-R01-42',
  html: '<p>unused here</p>',
  lines: [
    { kind: 'text', text: '幸福超市 Kassa', align: 'center', bold: true, large: true },
    { kind: 'text', text: '门店 S01 · 收银机 R01', align: 'center' },
    { kind: 'rule' },
    { kind: 'row', left: '有机全脂牛奶 1L | "Bio" {A}', right: '¥12.50' },
    { kind: 'text', text: '  2 × ¥6.25' },
    { kind: 'row', left: '合计', right: '¥12.50', bold: true, large: true },
    { kind: 'text', text: '谢谢惠顾', align: 'center' },
    { kind: 'barcode', value: 'S01-R01-42' },
  ],
};

describe('an ESC/POS printer on the network (against the printer simulator)', () => {
  it('prints a receipt whose Chinese text comes back whole: GB18030 in Chinese character mode, ¥ as the full-width ￥ every GB font has', async () => {
    const sim = await simulator();
    const printer = networkPrinter(sim);
    expect(await printer.print(document)).toEqual({ ok: true, printer: sim.address });
    const text = sim.printedText();
    expect(text).toContain('幸福超市 Kassa');
    expect(text).toContain('门店 S01 · 收银机 R01');
    expect(text).toMatch(/有机全脂牛奶 1L \| "Bio" \{A\}\s+￥12\.50/);
    expect(text).toMatch(/合计\s+￥12\.50/);
    expect(text).toContain('谢谢惠顾');
    expect(text).not.toContain('¥');
    const [job] = sim.jobs();
    expect(job).toMatchObject({ cuts: 1, kicks: 0, barcodes: ['S01-R01-42'] });
    // Chinese character mode (FS &) is on before the Chinese text.
    expect(job!.bytes.includes(Buffer.from([0x1c, 0x26]))).toBe(true);
    expect(printer.status()).toMatchObject({ state: 'online', paperLow: false });
  });

  it('lays the same receipt out for 58 mm (32 columns) and 80 mm (48), a Chinese character taking two', async () => {
    for (const [paperWidthMm, columns] of [
      [58, 32],
      [80, 48],
    ] as const) {
      const sim = await simulator();
      const long: PrintDocument = { ...document, lines: [{ kind: 'row', left: '进口新西兰奇异果礼盒装特级大果十二个装', right: '¥168.00' }, { kind: 'rule' }] };
      expect((await networkPrinter(sim, paperWidthMm).print(long)).ok).toBe(true);
      const lines = sim.jobs()[0]!.lines.filter((l) => l !== '');
      for (const line of lines) expect(displayWidth(line), `${paperWidthMm} mm: ${line}`).toBeLessThanOrEqual(columns);
      expect(lines.at(-1)).toBe('-'.repeat(columns));
      expect(lines[0]!.endsWith('￥168.00')).toBe(true);
    }
  });

  it('opens the cash drawer with one ESC p, seen exactly once; a print opens none', async () => {
    const sim = await simulator();
    const printer = networkPrinter(sim);
    await printer.print(document);
    expect(sim.kicks()).toBe(0);
    expect(await printer.kickDrawer()).toEqual({ ok: true, printer: sim.address });
    expect(sim.kicks()).toBe(1);
    expect(sim.jobs().at(-1)!.bytes.includes(Buffer.from([0x1b, 0x70, 0x00, 25, 250]))).toBe(true);
  });

  it('out of paper: the receipt is not sent, the cashier is told to load a roll, and the status says paperOut', async () => {
    const sim = await simulator({ mode: 'paperOut' });
    const printer = networkPrinter(sim);
    const seen: PrinterStatus[] = [];
    printer.onStatus((s) => seen.push(s));
    const outcome = await printer.print(document);
    expect(outcome).toMatchObject({ ok: false, failure: 'paperOut', message: expect.stringMatching(/out of paper\. Load a new roll/) });
    expect(sim.printedText()).toBe('');
    expect(sim.received().includes(Buffer.from('Kassa'))).toBe(false);
    expect(seen.map((s) => s.state)).toEqual(['paperOut']);
    // The drawer still opens, with the real-time pulse a printer carries out while it holds a job.
    expect(await printer.kickDrawer()).toMatchObject({ ok: true });
    expect(sim.kicks()).toBe(1);
    await sim.set('online');
    expect((await printer.checkStatus()).state).toBe('online');
    expect(seen.map((s) => s.state)).toEqual(['paperOut', 'online']);
  });

  it('cover open: says so', async () => {
    const sim = await simulator({ mode: 'coverOpen' });
    expect(await networkPrinter(sim).print(document)).toMatchObject({ ok: false, failure: 'coverOpen', message: expect.stringMatching(/cover is open/) });
  });

  it('switched off (connection refused): a result naming the printer and what to check, never a thrown error', async () => {
    const sim = await simulator();
    await sim.set('refuse');
    const printer = networkPrinter(sim);
    const outcome = await printer.print(document);
    expect(outcome).toMatchObject({ ok: false, failure: 'offline' });
    if (outcome.ok) return;
    expect(outcome.message).toContain(sim.address);
    expect(outcome.message).toMatch(/ECONNREFUSED.*switched on and connected, then print the receipt again/);
    expect(printer.status().state).toBe('offline');
    expect(await printer.kickDrawer()).toMatchObject({ ok: false, failure: 'offline' });
    expect((await printer.checkStatus()).state).toBe('offline');
  });

  it('a printer that stalls (takes the connection, never answers) times out within the bound', async () => {
    const sim = await simulator({ mode: 'stall' });
    const printer = networkPrinter(sim);
    const started = Date.now();
    const outcome = await printer.print(document);
    const took = Date.now() - started;
    expect(outcome).toMatchObject({ ok: false, failure: 'timeout', message: expect.stringMatching(/did not answer within 0\.3 s/) });
    expect(took).toBeLessThan(FAST.connectTimeoutMs + FAST.writeTimeoutMs + 2 * FAST.replyTimeoutMs);
    expect(printer.status().state).toBe('offline');
  });

  it('an unreachable address times out on connecting, within the connect bound', async () => {
    // 192.0.2.0/24 is reserved for documentation: nothing answers there.
    const printer = new EscPosPrinter(new TcpTransport('192.0.2.1:9100', FAST), { paperWidthMm: 80, encoding: 'gb18030' });
    const started = Date.now();
    const outcome = await printer.print(document);
    expect(outcome.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(FAST.connectTimeoutMs + 500);
  });

  it('a printer that never answers status is refused the receipt rather than sent it blind', async () => {
    const sim = await simulator({ mode: 'silent' });
    expect(await networkPrinter(sim).print(document)).toMatchObject({ ok: false, failure: 'timeout' });
  });

  it('one operation at a time: a kick asked for during a print follows it on its own connection', async () => {
    const sim = await simulator();
    const printer = networkPrinter(sim);
    const [printed, kicked] = await Promise.all([printer.print(document), printer.kickDrawer()]);
    expect(printed.ok && kicked.ok).toBe(true);
    expect(sim.jobs().map((j) => [j.cuts, j.kicks])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('a listener that throws does not break the printer', async () => {
    const sim = await simulator({ mode: 'paperOut' });
    const printer = networkPrinter(sim);
    printer.onStatus(() => {
      throw new Error('listener bug');
    });
    const off = vi.fn();
    const unsubscribe = printer.onStatus(off);
    unsubscribe();
    expect((await printer.print(document)).ok).toBe(false);
    expect(off).not.toHaveBeenCalled();
  });
});

describe('an ESC/POS printer on a device file', () => {
  it('writes the receipt and the kick as a stream; it cannot report status and says so', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'lp0');
    fs.writeFileSync(file, '');
    const printer = new EscPosPrinter(new DeviceFileTransport(file, FAST), { paperWidthMm: 58, encoding: 'gb18030' });
    expect(await printer.print(document)).toEqual({ ok: true, printer: file });
    const reader = new EscPosReader();
    reader.push(fs.readFileSync(file));
    reader.flush();
    expect(reader.job.lines.join('\n')).toContain('谢谢惠顾');
    expect(printer.status()).toMatchObject({ state: 'unknown', message: expect.stringMatching(/does not report paper/) });
    expect(await printer.kickDrawer()).toMatchObject({ ok: true });
    const written = new EscPosReader();
    written.push(fs.readFileSync(file));
    expect(written.job.kicks).toBe(1);
  });

  it('an unplugged printer whose device file is gone is not written as a new file', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'lp0');
    const printer = new EscPosPrinter(new DeviceFileTransport(file, FAST), { paperWidthMm: 80, encoding: 'gb18030' });
    expect(await printer.print(document)).toMatchObject({ ok: false, failure: 'offline', message: expect.stringMatching(/switched off or unplugged/) });
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a device that is not there: a result saying it is off or unplugged', async () => {
    const printer = new EscPosPrinter(new DeviceFileTransport('/dev/no-such-printer/lp9', FAST), { paperWidthMm: 80, encoding: 'gb18030' });
    expect(await printer.print(document)).toMatchObject({ ok: false, failure: 'offline', message: expect.stringMatching(/no receipt printer at \/dev\/no-such-printer\/lp9.*switched off or unplugged/) });
  });
});

describe('the system printer', () => {
  it('prints the HTML to the named device; a failure is a result with a sentence', async () => {
    const systemPrint = vi.fn(async () => {});
    expect(await new SystemPrinter(systemPrint, 'EPSON TM-T20III').print(document)).toEqual({ ok: true, printer: 'EPSON TM-T20III' });
    expect(systemPrint).toHaveBeenCalledWith(document.html, 'EPSON TM-T20III');
    const jammed = new SystemPrinter(() => Promise.reject(new Error('Printer out of paper')), '');
    expect(await jammed.print(document)).toMatchObject({ ok: false, failure: 'failed', message: expect.stringContaining('(Printer out of paper)') });
  });

  it('cannot open the drawer: resolves notSupported, never throws', async () => {
    const printer = new SystemPrinter(async () => {}, '');
    expect(printer.canKickDrawer).toBe(false);
    expect(await printer.kickDrawer()).toMatchObject({ ok: false, failure: 'notSupported', message: expect.stringMatching(/cannot be opened through the system printer/) });
    expect((await printer.checkStatus()).state).toBe('unknown');
  });
});

describe('createPrinter', () => {
  const settings = (over: Partial<PrinterSettings>): PrinterSettings => ({ kind: 'system', deviceName: '', address: '', paperWidthMm: 80, encoding: 'gb18030', ...over });
  it('chooses by printer.kind and the address', () => {
    expect(createPrinter(settings({ deviceName: 'TM' }), async () => {})).toMatchObject({ kind: 'system', name: 'TM' });
    expect(createPrinter(settings({}), null)).toBeNull();
    expect(createPrinter(settings({ kind: 'escpos', address: '10.0.0.9' }), null)).toMatchObject({ kind: 'escpos', name: '10.0.0.9', canKickDrawer: true });
    expect(createPrinter(settings({ kind: 'escpos', address: '/dev/usb/lp0' }), async () => {})).toMatchObject({ kind: 'escpos', name: '/dev/usb/lp0' });
  });
});

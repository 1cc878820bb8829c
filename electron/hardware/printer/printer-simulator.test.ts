import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EscPosReader, startPrinterSimulator, statusByte, type PrinterSimulator } from '../../../e2e/support/printer-simulator';

const sims: PrinterSimulator[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) await sim.close();
});
async function simulator(...args: Parameters<typeof startPrinterSimulator>) {
  const sim = await startPrinterSimulator(...args);
  sims.push(sim);
  return sim;
}

/** GB18030 bytes of a few known characters (the simulator's decoder is Node's; the encoder is this table). */
function gb18030(text: string): Buffer {
  const table: Record<string, number[]> = { 小: [0xd0, 0xa1], 计: [0xbc, 0xc6], 合: [0xba, 0xcf], '￥': [0xa3, 0xa4] };
  return Buffer.from([...text].flatMap((c) => table[c] ?? [c.charCodeAt(0)]));
}

/** Sends bytes, then reads what comes back for a moment. */
async function exchange(port: number, bytes: Buffer, { waitMs = 100, hangUp = false } = {}): Promise<Buffer> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const back: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => back.push(chunk));
  socket.write(bytes);
  await new Promise((r) => setTimeout(r, waitMs));
  const closed = new Promise((r) => socket.once('close', r));
  // A printer that stopped reading never finishes a polite close.
  if (hangUp) socket.destroy();
  else socket.end();
  await closed;
  return Buffer.concat(back);
}

describe('the ESC/POS reader', () => {
  it('decodes text in Chinese character mode as GB18030 and outside it as single bytes, removing commands', () => {
    const reader = new EscPosReader();
    reader.push(Buffer.concat([Buffer.from([0x1b, 0x40, 0x1b, 0x61, 0x01, 0x1d, 0x21, 0x01]), Buffer.from('Total '), Buffer.from([0x1c, 0x26]), gb18030('合计 ￥12.50'), Buffer.from([0x1c, 0x2e, 0x0a])]));
    expect(reader.job.lines).toEqual(['Total 合计 ￥12.50']);
  });

  it('keeps a command or a character split across chunks whole', () => {
    const reader = new EscPosReader();
    const bytes = Buffer.concat([Buffer.from([0x1c, 0x26]), gb18030('小计'), Buffer.from([0x1b, 0x70, 0x00, 0x19, 0xfa, 0x0a])]);
    for (const byte of bytes) reader.push(Buffer.from([byte]));
    expect(reader.job.lines).toEqual(['小计']);
    expect(reader.job.kicks).toBe(1);
  });

  it('counts drawer kicks (ESC p and DLE DC4 1), cuts and Code 128 barcodes', () => {
    const reader = new EscPosReader();
    reader.push(Buffer.from([0x1b, 0x70, 0x00, 0x19, 0xfa, 0x10, 0x14, 0x01, 0x00, 0x01, 0x1d, 0x56, 0x42, 0x00]));
    reader.push(Buffer.concat([Buffer.from([0x1d, 0x6b, 0x49, 15]), Buffer.from('{BS01-R01-{C'), Buffer.from([0, 0, 42])]));
    expect(reader.job).toMatchObject({ kicks: 2, cuts: 1, barcodes: ['S01-R01-000042'] });
  });
});

describe('the printer simulator', () => {
  it('records a job per connection and answers DLE EOT with online status', async () => {
    const sim = await simulator();
    const back = await exchange(sim.port, Buffer.concat([Buffer.from('Hello\n'), Buffer.from([0x10, 0x04, 0x01, 0x10, 0x04, 0x04])]));
    expect([...back]).toEqual([0x12, 0x12]);
    expect(sim.jobs()).toHaveLength(1);
    expect(sim.jobs()[0]!.statusQueries).toBe(2);
    expect(sim.printedText()).toBe('Hello');
  });

  it('out of paper: says so in DLE EOT 1, 2 and 4, and prints nothing and opens no drawer until loaded', async () => {
    const sim = await simulator({ mode: 'paperOut' });
    const back = await exchange(sim.port, Buffer.concat([Buffer.from('Lost\n'), Buffer.from([0x1b, 0x70, 0, 25, 250, 0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04])]));
    expect([...back]).toEqual([statusByte('paperOut', 1), statusByte('paperOut', 2), statusByte('paperOut', 4)]);
    expect(back[0]! & 0x08).toBe(0x08);
    expect(back[1]! & 0x20).toBe(0x20);
    expect(back[2]! & 0x60).toBe(0x60);
    expect(sim.printedText()).toBe('');
    expect(sim.kicks()).toBe(0);
    expect(sim.received().includes(Buffer.from('Lost'))).toBe(true);
  });

  it('refuse: connections are refused until the printer is back', async () => {
    const sim = await simulator();
    await sim.set('refuse');
    await expect(exchange(sim.port, Buffer.from('x'))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await sim.set('online');
    await exchange(sim.port, Buffer.from('back\n'));
    expect(sim.printedText()).toBe('back');
  });

  it('stall: accepts and never answers a status query', async () => {
    const sim = await simulator({ mode: 'stall' });
    expect([...(await exchange(sim.port, Buffer.from([0x10, 0x04, 0x01]), { waitMs: 200, hangUp: true }))]).toEqual([]);
  });
});

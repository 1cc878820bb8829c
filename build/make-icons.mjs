/**
 * `node build/make-icons.mjs`: draws Kassa's app icon (a till receipt on a rounded blue tile, as in
 * build/icon.svg) into build/icons/<size>x<size>.png for Linux and build/icons/icon.ico for Windows, with
 * Node alone (zlib for PNG), so packaging needs no image tools. Deterministic: the same bytes every run.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const OUT = path.join(import.meta.dirname, 'icons');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

/** Inside a rounded rectangle (x, y, w, h, radius) in the 512-unit design space. */
function inRoundedRect(px, py, x, y, w, h, r) {
  if (px < x || py < y || px > x + w || py > y + h) return false;
  const cx = Math.min(Math.max(px, x + r), x + w - r);
  const cy = Math.min(Math.max(py, y + r), y + h - r);
  return (px - cx) ** 2 + (py - cy) ** 2 <= r * r;
}

/** The colour at a point of the 512×512 design, as [r, g, b, a] (straight alpha). */
function paint(x, y) {
  if (!inRoundedRect(x, y, 16, 16, 480, 480, 96)) return [0, 0, 0, 0];
  // The receipt: white paper whose bottom edge is a zig-zag tear.
  const tooth = 40;
  const tear = 404 + Math.abs(((x - 136) % tooth) - tooth / 2);
  if (x >= 136 && x <= 376 && y >= 112 && y <= tear) {
    // printed lines and the total
    const line = (top, left, right) => y >= top && y <= top + 16 && x >= left && x <= right;
    if (line(160, 168, 344) || line(204, 168, 300) || line(248, 168, 320)) return [148, 163, 184, 255];
    if (y >= 300 && y <= 328 && x >= 168 && x <= 344) return [30, 58, 138, 255];
    return [255, 255, 255, 255];
  }
  // the till's paper slot above the receipt
  if (inRoundedRect(x, y, 104, 92, 304, 28, 14)) return [15, 23, 42, 255];
  // the tile: a vertical gradient from #2563eb to #1e3a8a
  const t = (y - 16) / 480;
  return [Math.round(0x25 + (0x1e - 0x25) * t), Math.round(0x63 + (0x3a - 0x63) * t), Math.round(0xeb + (0x8a - 0xeb) * t), 255];
}

/** RGBA pixels of the icon at `size`, each pixel the average of 4×4 samples (smooth edges). */
function render(size) {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const [cr, cg, cb, ca] = paint(((px + (sx + 0.5) / samples) * 512) / size, ((py + (sy + 0.5) / samples) * 512) / size);
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const i = (py * size + px) * 4;
      pixels[i] = a ? Math.round(r / a) : 0;
      pixels[i + 1] = a ? Math.round(g / a) : 0;
      pixels[i + 2] = a ? Math.round(b / a) : 0;
      pixels[i + 3] = Math.round(a / (samples * samples));
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG (8-bit RGBA, no interlace) of `size`×`size` pixels. */
export function png(size, pixels = render(size)) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4); // filter 0 per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A Windows .ico holding PNG images (Windows Vista and later read PNG entries). */
export function ico(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size; // 0 means 256
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((image) => image.data)]);
}

if (process.argv[1] === import.meta.filename) {
  fs.mkdirSync(OUT, { recursive: true });
  const made = new Map();
  for (const size of SIZES) {
    const data = png(size);
    made.set(size, data);
    fs.writeFileSync(path.join(OUT, `${size}x${size}.png`), data);
  }
  fs.writeFileSync(path.join(OUT, 'icon.ico'), ico(ICO_SIZES.map((size) => ({ size, data: made.get(size) }))));
  console.log(`Icons written to ${path.relative(process.cwd(), OUT)}/: ${SIZES.map((s) => `${s}x${s}.png`).join(', ')}, icon.ico`);
}

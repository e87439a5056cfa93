/**
 * An animated PNG from PNG frames of the same size and format (Playwright screenshots of one
 * viewport), without decoding them: the first frame's IDAT chunks stay, the others become
 * fdAT chunks (APNG spec: https://wiki.mozilla.org/APNG_Specification).
 */
import { crc32 } from 'node:zlib';

const SIG = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

interface Chunk { type: string; data: Buffer }

export function chunks(png: Buffer): Chunk[] {
  if (!png.subarray(0, 8).equals(SIG)) throw new Error('not a PNG');
  const out: Chunk[] = [];
  for (let i = 8; i < png.length;) {
    const len = png.readUInt32BE(i);
    out.push({ type: png.toString('latin1', i + 4, i + 8), data: png.subarray(i + 8, i + 8 + len) });
    i += 12 + len;
  }
  return out;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** `frames` shown `delayMs` each, looping forever. */
export function apng(frames: readonly Buffer[], delayMs = 1500): Buffer {
  if (frames.length === 0) throw new Error('no frames');
  const parsed = frames.map(chunks);
  const ihdr = parsed[0]!.find((c) => c.type === 'IHDR')!.data;
  for (const p of parsed) {
    if (!p.find((c) => c.type === 'IHDR')!.data.equals(ihdr)) throw new Error('frames differ in size or format');
  }
  const width = ihdr.readUInt32BE(0), height = ihdr.readUInt32BE(4);
  const out: Buffer[] = [SIG, chunk('IHDR', ihdr)];
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(frames.length, 0);
  actl.writeUInt32BE(0, 4); // loop forever
  out.push(chunk('acTL', actl));
  let seq = 0;
  parsed.forEach((p, i) => {
    const fctl = Buffer.alloc(26);
    fctl.writeUInt32BE(seq++, 0);
    fctl.writeUInt32BE(width, 4);
    fctl.writeUInt32BE(height, 8);
    fctl.writeUInt32BE(0, 12);
    fctl.writeUInt32BE(0, 16);
    fctl.writeUInt16BE(Math.min(65535, delayMs), 20);
    fctl.writeUInt16BE(1000, 22);
    fctl[24] = 0; // dispose: none
    fctl[25] = 0; // blend: source
    out.push(chunk('fcTL', fctl));
    for (const c of p.filter((x) => x.type === 'IDAT')) {
      if (i === 0) out.push(chunk('IDAT', c.data));
      else {
        const sn = Buffer.alloc(4);
        sn.writeUInt32BE(seq++, 0);
        out.push(chunk('fdAT', Buffer.concat([sn, c.data])));
      }
    }
  });
  out.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(out);
}

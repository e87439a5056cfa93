import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { apng, chunks } from '../scripts/demo/apng';

/** A tiny RGB PNG of one colour. */
function png(w: number, h: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8); head.writeUInt32BE(data.length, 0); head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const rows = Buffer.concat(Array.from({ length: h }, () => Buffer.from([0, ...Array.from({ length: w }, () => rgb).flat()])));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

describe('apng', () => {
  it('frames become one animated PNG: IHDR, acTL, fcTL+IDAT, then fcTL+fdAT with sequence numbers', () => {
    const a = apng([png(4, 3, [255, 0, 0]), png(4, 3, [0, 255, 0]), png(4, 3, [0, 0, 255])], 800);
    const cs = chunks(a);
    expect(cs.map((c) => c.type)).toEqual(['IHDR', 'acTL', 'fcTL', 'IDAT', 'fcTL', 'fdAT', 'fcTL', 'fdAT', 'IEND']);
    expect(cs[1]!.data.readUInt32BE(0)).toBe(3);
    expect([cs[2], cs[4], cs[5], cs[6], cs[7]].map((c) => c!.data.readUInt32BE(0))).toEqual([0, 1, 2, 3, 4]);
    expect(cs[4]!.data.readUInt16BE(20)).toBe(800);
  });

  it('refuses frames of different sizes', () => {
    expect(() => apng([png(4, 3, [0, 0, 0]), png(5, 3, [0, 0, 0])])).toThrow(/differ/);
  });
});

/** Merkle–Damgård padding shared by SHA-1 and SHA-256: the message, 0x80, zeros, and the
 * bit length as a big-endian u64, to a multiple of 64 bytes. */
export function mdPad(msg: Uint8Array): DataView {
  const ml = msg.length;
  const padded = new Uint8Array(((ml + 9 + 63) >> 6) << 6);
  padded.set(msg);
  padded[ml] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 4, (ml * 8) >>> 0);
  view.setUint32(padded.length - 8, Math.floor((ml * 8) / 2 ** 32));
  return view;
}

/** SHA-1 (FIPS 180-4), for program tags before 6.18. Small inputs only. */
export function sha1(msg: Uint8Array): Uint8Array {
  const view = mdPad(msg);
  let h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476, h4 = 0xc3d2e1f0;
  const w = new Uint32Array(80);
  for (let off = 0; off < view.byteLength; off += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(off + t * 4);
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number, kk: number;
      if (t < 20) { f = (b & c) | (~b & d); kk = 0x5a827999; }
      else if (t < 40) { f = b ^ c ^ d; kk = 0x6ed9eba1; }
      else if (t < 60) { f = (b & c) | (b & d) | (c & d); kk = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; kk = 0xca62c1d6; }
      const temp = (((a << 5) | (a >>> 27)) + f + e + kk + w[t]!) >>> 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = temp;
    }
    h0 = (h0 + a) >>> 0; h1 = (h1 + b) >>> 0; h2 = (h2 + c) >>> 0; h3 = (h3 + d) >>> 0; h4 = (h4 + e) >>> 0;
  }
  const out = new Uint8Array(20);
  const ov = new DataView(out.buffer);
  [h0, h1, h2, h3, h4].forEach((h, i) => ov.setUint32(i * 4, h));
  return out;
}

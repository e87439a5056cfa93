/**
 * The instructions the oracle loads for a program the contract describes without any: the
 * model's canonical sequence (src/kernel/insns.ts), so the kernel computes the same tag:
 * one `ld_imm64 r1, map_fd` per map the program uses, then `r0 = <retval>; exit`.
 */

/** A return value the verifier accepts for the program type (and that lets packets pass). */
export function canonicalRetval(progType: number): number {
  switch (progType) {
    case 6: return 2; // XDP: XDP_PASS
    case 8: case 9: case 13: case 14: case 15: case 16: case 18: case 21: case 23: case 25: case 30: case 32:
      return 1; // cgroup kinds, sock_ops, sk_skb, sk_msg, sk_reuseport, sk_lookup, netfilter: allow / pass
    default: return 0;
  }
}

export function canonicalInsns(progType: number, mapFds: readonly number[]): Uint8Array {
  const n = 2 * mapFds.length + 2;
  const buf = new Uint8Array(n * 8);
  const view = new DataView(buf.buffer);
  let i = 0;
  for (const fd of mapFds) {
    buf[i * 8] = 0x18; // BPF_LD | BPF_DW | BPF_IMM
    buf[i * 8 + 1] = 1 | (1 << 4); // dst r1, src BPF_PSEUDO_MAP_FD
    view.setInt32(i * 8 + 4, fd, true);
    i += 2;
  }
  buf[i * 8] = 0xb7; // r0 = imm
  view.setInt32(i * 8 + 4, canonicalRetval(progType), true);
  buf[(i + 1) * 8] = 0x95; // exit
  return buf;
}

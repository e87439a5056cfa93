/**
 * The instructions of a modelled program. The model loads programs without instructions;
 * for the program tag (`bpf_prog_calc_tag`: the first 8 bytes of the SHA-1 of the
 * instructions, with map-fd immediates zeroed) and for the real-kernel oracle, every
 * program is this canonical sequence: one `ld_imm64 r1, map` per map it uses, then
 * `r0 = <a return value the verifier accepts for the type>; exit`.
 */
import { sha1 } from './sha1';
import { sha256 } from './sha256';

const BPF_PSEUDO_MAP_FD = 1;

/** What the canonical program returns, by program type (a value the verifier allows). */
export function canonicalRetval(progType: number): number {
  switch (progType) {
    case 6: return 2; // XDP: XDP_PASS
    case 8: case 9: case 13: case 14: case 15: case 16: case 18: case 21: case 23: case 25: case 30: case 32:
      return 1; // cgroup kinds, sock_ops, sk_skb, sk_msg, sk_reuseport, sk_lookup, netfilter: allow / pass
    default: return 0;
  }
}

/**
 * The size of the canonical program's x86-64 JIT image (`jited_prog_len`), as the 6.18 JIT
 * of the machines this project is checked on makes it: 20 bytes for `r0 = 0; exit`
 * (prologue, `xor eax, eax`, epilogue), 3 more when it returns another value (`mov eax,
 * imm32`), 10 per map (`movabs`). Measured with programs of 0 to 3 maps of each return
 * value; the oracle compares it.
 */
export function jitedProgLen(progType: number, mapCount: number): number {
  return 20 + 10 * mapCount + (canonicalRetval(progType) !== 0 ? 3 : 0);
}

/** The canonical program's instructions, 8 bytes each; `mapFds` go into the ld_imm64s. */
export function canonicalInsns(progType: number, mapFds: readonly number[]): Uint8Array {
  const n = 2 * mapFds.length + 2;
  const buf = new Uint8Array(n * 8);
  const view = new DataView(buf.buffer);
  let i = 0;
  for (const fd of mapFds) {
    buf[i * 8] = 0x18; // BPF_LD | BPF_DW | BPF_IMM
    buf[i * 8 + 1] = 1 | (BPF_PSEUDO_MAP_FD << 4); // dst r1, src pseudo map fd
    view.setInt32(i * 8 + 4, fd, true);
    i += 2; // the second half of ld_imm64 stays zero
  }
  buf[i * 8] = 0xb7; // BPF_ALU64 | BPF_MOV | BPF_K: r0 = imm
  view.setInt32(i * 8 + 4, canonicalRetval(progType), true);
  i++;
  buf[i * 8] = 0x95; // BPF_JMP | BPF_EXIT
  return buf;
}

/** Tags computed so far: the canonical instructions depend only on the program type and the
 * number of maps, so the tag depends only on those and the digest. */
const TAGS = new Map<string, string>();

/** `bpf_prog_calc_tag`: hex of the first 8 bytes of a digest of the instructions with
 * map-fd immediates zeroed: SHA-1 until 6.17, SHA-256 from 6.18 (commit 603b44162325
 * "bpf: Update the bpf_prog_calc_tag to use SHA256"). */
export function progTag(progType: number, mapCount: number, version: number): string {
  const key = `${progType}/${mapCount}/${version >= 618 ? 'sha256' : 'sha1'}`;
  let tag = TAGS.get(key);
  if (tag === undefined) {
    const insns = canonicalInsns(progType, new Array<number>(mapCount).fill(0));
    const digest = version >= 618 ? sha256(insns) : sha1(insns);
    tag = Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
    TAGS.set(key, tag);
  }
  return tag;
}

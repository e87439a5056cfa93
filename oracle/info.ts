/**
 * Decoding what the kernel wrote into `struct bpf_prog_info`, `bpf_map_info` and
 * `bpf_link_info` (6.18 layouts), with uapi names for the enum fields, as the contract's
 * `attr.info` objects.
 */
import { BPF_ATTACH_TYPE, BPF_LINK_TYPE, BPF_MAP_TYPE, BPF_PROG_TYPE } from './uapi';
import { ITER_TARGETS } from '../src/kernel/btf';
import { cutUnionMember, LINK_INFO_UNIONS } from '../src/kernel/info';

type Info = Record<string, unknown>;

const name = (table: readonly string[], v: number): string | number => table[v] || v;
const cstr = (b: Uint8Array, off: number, len: number): string => {
  const s = b.subarray(off, off + len);
  const end = s.indexOf(0);
  return Buffer.from(end < 0 ? s : s.subarray(0, end)).toString('latin1');
};

class Reader {
  private readonly v: DataView;
  constructor(private readonly b: Uint8Array) { this.v = new DataView(b.buffer, b.byteOffset, b.byteLength); }
  u32 = (off: number): number => (off + 4 <= this.b.length ? this.v.getUint32(off, true) : 0);
  s32 = (off: number): number => (off + 4 <= this.b.length ? this.v.getInt32(off, true) : 0);
  u64 = (off: number): number => (off + 8 <= this.b.length ? Number(this.v.getBigUint64(off, true)) : 0);
}

const PROG_U32: [string, number][] = [['jited_prog_len', 16], ['xlated_prog_len', 20], ['created_by_uid', 48],
  ['nr_map_ids', 52], ['ifindex', 80], ['nr_jited_ksyms', 104], ['nr_jited_func_lens', 108], ['btf_id', 128],
  ['func_info_rec_size', 132], ['nr_func_info', 144], ['nr_line_info', 148], ['nr_jited_line_info', 168],
  ['line_info_rec_size', 172], ['jited_line_info_rec_size', 176], ['nr_prog_tags', 180], ['verified_insns', 216],
  ['attach_btf_obj_id', 220], ['attach_btf_id', 224]];
const PROG_U64: [string, number][] = [['jited_prog_insns', 24], ['xlated_prog_insns', 32], ['load_time', 40],
  ['netns_dev', 88], ['netns_ino', 96], ['jited_ksyms', 112], ['jited_func_lens', 120], ['func_info', 136],
  ['line_info', 152], ['jited_line_info', 160], ['prog_tags', 184], ['run_time_ns', 192], ['run_cnt', 200],
  ['recursion_misses', 208]];

/** Only the fields inside the `len` bytes the kernel copied are present. */
function fit(info: Info, offsets: Record<string, number>, len: number): Info {
  const out: Info = {};
  for (const [k, v] of Object.entries(info)) if ((offsets[k] ?? 0) < len) out[k] = v;
  return out;
}

export function decodeProgInfo(b: Uint8Array, len: number, mapIds: Uint8Array): Info {
  const r = new Reader(b);
  const off: Record<string, number> = { type: 0, id: 4, tag: 8, map_ids: 56, name: 64, gpl_compatible: 84 };
  const info: Info = {
    type: name(BPF_PROG_TYPE, r.u32(0)), id: r.u32(4),
    tag: Buffer.from(b.subarray(8, 16)).toString('hex'),
  };
  for (const [k, o] of [...PROG_U32, ...PROG_U64]) off[k] = o;
  for (const [k, o] of PROG_U32) info[k] = r.u32(o);
  for (const [k, o] of PROG_U64) info[k] = r.u64(o);
  const ids = new Reader(mapIds);
  const n = Math.min(r.u32(52), mapIds.length / 4);
  info.map_ids = Array.from({ length: n }, (_, i) => ids.u32(4 * i));
  info.name = cstr(b, 64, 16);
  info.gpl_compatible = r.u32(84) & 1;
  return fit(info, off, len);
}

const MAP_FIELDS: [string, number, 4 | 8][] = [['key_size', 8, 4], ['value_size', 12, 4], ['max_entries', 16, 4],
  ['map_flags', 20, 4], ['ifindex', 40, 4], ['btf_vmlinux_value_type_id', 44, 4], ['netns_dev', 48, 8],
  ['netns_ino', 56, 8], ['btf_id', 64, 4], ['btf_key_type_id', 68, 4], ['btf_value_type_id', 72, 4],
  ['btf_vmlinux_id', 76, 4], ['map_extra', 80, 8], ['hash', 88, 8], ['hash_size', 96, 4]];

export function decodeMapInfo(b: Uint8Array, len: number): Info {
  const r = new Reader(b);
  const info: Info = { type: name(BPF_MAP_TYPE, r.u32(0)), id: r.u32(4) };
  const off: Record<string, number> = { type: 0, id: 4, name: 24 };
  for (const [k, o, size] of MAP_FIELDS) { info[k] = size === 4 ? r.u32(o) : r.u64(o); off[k] = o; }
  info.name = cstr(b, 24, 16);
  return fit(info, off, len);
}

/** The per-type member of the link info union (at offset 16), as the kernel fills it. */
function linkUnion(type: number, r: Reader, tpName: Uint8Array): [string, Info] | null {
  const at = (v: number): string | number => name(BPF_ATTACH_TYPE, v);
  switch (BPF_LINK_TYPE[type]) {
    case 'BPF_LINK_TYPE_RAW_TRACEPOINT':
      return ['raw_tracepoint', { tp_name: cstr(tpName, 0, tpName.length), tp_name_len: r.u32(24), cookie: r.u64(32) }];
    case 'BPF_LINK_TYPE_TRACING':
      return ['tracing', { attach_type: at(r.u32(16)), target_obj_id: r.u32(20), target_btf_id: r.u32(24), cookie: r.u64(32) }];
    case 'BPF_LINK_TYPE_CGROUP': return ['cgroup', { cgroup_id: r.u64(16), attach_type: at(r.u32(24)) }];
    case 'BPF_LINK_TYPE_NETNS': return ['netns', { netns_ino: r.u32(16), attach_type: at(r.u32(20)) }];
    case 'BPF_LINK_TYPE_XDP': return ['xdp', { ifindex: r.u32(16) }];
    case 'BPF_LINK_TYPE_STRUCT_OPS': return ['struct_ops', { map_id: r.u32(16) }];
    case 'BPF_LINK_TYPE_NETFILTER':
      return ['netfilter', { pf: r.u32(16), hooknum: r.u32(20), priority: r.s32(24), flags: r.u32(28) }];
    case 'BPF_LINK_TYPE_TCX': return ['tcx', { ifindex: r.u32(16), attach_type: at(r.u32(20)) }];
    case 'BPF_LINK_TYPE_ITER': {
      // bpf_iter_link_fill_link_info: target_name (the second call's buffer), then the target's fields
      const target = cstr(tpName, 0, tpName.length);
      const it: Info = { target_name: target, target_name_len: r.u32(24) };
      const attach = ITER_TARGETS[target]?.attach;
      if (attach === 'map') it.map = { map_id: r.u32(28) };
      if (attach === 'cgroup') it.cgroup = { cgroup_id: r.u64(32), order: r.u32(40) };
      if (attach === 'task' && (r.u32(32) || r.u32(36))) it.task = { tid: r.u32(32), pid: r.u32(36) };
      return ['iter', it];
    }
    case 'BPF_LINK_TYPE_NETKIT': return ['netkit', { ifindex: r.u32(16), attach_type: at(r.u32(20)) }];
    case 'BPF_LINK_TYPE_SOCKMAP': return ['sockmap', { map_id: r.u32(16), attach_type: at(r.u32(20)) }];
    default: return null;
  }
}

export function decodeLinkInfo(b: Uint8Array, len: number, tpName: Uint8Array): Info {
  const r = new Reader(b);
  const type = r.u32(0);
  const info: Info = fit({ type: name(BPF_LINK_TYPE, type), id: r.u32(4), prog_id: r.u32(8) },
    { type: 0, id: 4, prog_id: 8 }, len);
  const u = len > 16 ? linkUnion(type, r, tpName) : null;
  // only the member's fields inside the len bytes the kernel copied out (a cut one keeps its low bytes)
  if (u) info[u[0]] = cutUnionMember(u[1], LINK_INFO_UNIONS[u[0]] ?? {}, len);
  return info;
}

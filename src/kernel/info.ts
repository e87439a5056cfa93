/**
 * `BPF_OBJ_GET_INFO_BY_FD` (kernel/bpf/syscall.c `bpf_obj_get_info_by_fd`,
 * `bpf_prog_get_info_by_fd`, `bpf_map_get_info_by_fd`, `bpf_link_get_info_by_fd`).
 *
 * The model writes the struct into `attr.info` as an object. With `info_len` given, only
 * the fields that fit in that many bytes are written and `info_len` is set to
 * min(info_len, sizeof struct), as the kernel copies; without it the whole struct.
 */
import { checkAttr, putUser, u32 } from './attr';
import { VMLINUX_BTF_OBJ_ID } from './btf';
import type { BpfAttr } from './call';
import { Errno } from './errno';
import { fget } from './fdtable';
import { jitedProgLen } from './insns';
import type { BpfLink, BpfMap, BpfProg, Process } from './objects';
import { fail, type KernelState } from './state';
import { BPF_ATTACH_TYPE, BPF_LINK_TYPE, BPF_MAP_TYPE, BPF_PROG_TYPE, enumName } from './uapi';

/** [field, byte offset] of the struct members the model fills, and the struct size. */
type Layout = { size: number; fields: [string, number][] };

const PROG_INFO: Layout = {
  size: 232,
  fields: [['type', 0], ['id', 4], ['tag', 8], ['jited_prog_len', 16], ['xlated_prog_len', 20], ['load_time', 40],
    ['created_by_uid', 48], ['nr_map_ids', 52], ['map_ids', 56], ['name', 64], ['ifindex', 80], ['gpl_compatible', 84],
    ['netns_dev', 88], ['netns_ino', 96], ['nr_jited_ksyms', 104], ['nr_jited_func_lens', 108], ['btf_id', 128],
    ['func_info_rec_size', 132], ['line_info_rec_size', 172], ['jited_line_info_rec_size', 176], ['nr_prog_tags', 180],
    ['run_time_ns', 192], ['run_cnt', 200],
    ['recursion_misses', 208], ['verified_insns', 216], ['attach_btf_obj_id', 220], ['attach_btf_id', 224]],
};
const MAP_INFO: Layout = {
  size: 104,
  fields: [['type', 0], ['id', 4], ['key_size', 8], ['value_size', 12], ['max_entries', 16], ['map_flags', 20],
    ['name', 24], ['ifindex', 40], ['btf_vmlinux_value_type_id', 44], ['netns_dev', 48], ['netns_ino', 56],
    ['btf_id', 64], ['btf_key_type_id', 68], ['btf_value_type_id', 72], ['btf_vmlinux_id', 76], ['map_extra', 80],
    ['hash', 88], ['hash_size', 96]],
};
const LINK_INFO: Layout = { size: 64, fields: [['type', 0], ['id', 4], ['prog_id', 8]] };
/** Per-type members of the `struct bpf_link_info` union (at offset 16). */
const LINK_UNION = 16;

/** Where each field of a `struct bpf_link_info` union member lies: [offset in the struct,
 * size] (a nested struct as its own table). The kernel copies `info_len` bytes of the
 * struct out: a field at or past them is not written, one cut by them keeps its low bytes
 * (little-endian). The oracle decodes the real struct with the same table. */
export type UnionLayout = { readonly [field: string]: readonly [number, number] | UnionLayout };
export const LINK_INFO_UNIONS: Readonly<Record<string, UnionLayout>> = {
  raw_tracepoint: { tp_name: [16, 8], tp_name_len: [24, 4], cookie: [32, 8] },
  tracing: { attach_type: [16, 4], target_obj_id: [20, 4], target_btf_id: [24, 4], cookie: [32, 8] },
  cgroup: { cgroup_id: [16, 8], attach_type: [24, 4] },
  iter: { target_name: [16, 8], target_name_len: [24, 4], map: { map_id: [28, 4] },
    cgroup: { cgroup_id: [32, 8], order: [40, 4] }, task: { tid: [32, 4], pid: [36, 4] } },
  netns: { netns_ino: [16, 4], attach_type: [20, 4] },
  xdp: { ifindex: [16, 4] },
  struct_ops: { map_id: [16, 4] },
  netfilter: { pf: [16, 4], hooknum: [20, 4], priority: [24, 4], flags: [28, 4] },
  tcx: { ifindex: [16, 4], attach_type: [20, 4] },
  netkit: { ifindex: [16, 4], attach_type: [20, 4] },
  sockmap: { map_id: [16, 4], attach_type: [20, 4] },
};
/** A name's buffer (`tp_name`, `target_name`) is handed in only where the struct the kernel
 * reads holds its length too (offset 24): with a shorter `info_len` nothing is written to it. */
const NAME_BUFFER_FROM = 28;

/** The fields of a union member (`value`, laid out as `layout`) the kernel copies out in
 * `len` bytes; a nested struct with none of its fields left goes too. */
export function cutUnionMember(value: Record<string, unknown>, layout: UnionLayout, len: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) {
    const spec = layout[name];
    if (!spec) out[name] = v;
    else if (!Array.isArray(spec)) {
      const sub = cutUnionMember(v as Record<string, unknown>, spec as UnionLayout, len);
      if (Object.keys(sub).length) out[name] = sub;
    } else {
      const [off, size] = spec as readonly [number, number];
      if (off >= len) continue;
      if (typeof v === 'number' && off + size > len) out[name] = Number(BigInt.asUintN(8 * (len - off), BigInt(v)));
      else if (typeof v === 'string' && size === 8) out[name] = len >= NAME_BUFFER_FROM ? v : '';
      else out[name] = v;
    }
  }
  return out;
}

function progInfo(k: KernelState, p: BpfProg): Record<string, unknown> {
  return {
    type: enumName(BPF_PROG_TYPE, p.type), id: p.id, tag: p.tag,
    jited_prog_len: jitedProgLen(p.type, (p.insnCnt - 2) / 2), xlated_prog_len: p.insnCnt * 8, load_time: p.loadTime, created_by_uid: 0,
    nr_map_ids: p.usedMaps.length, map_ids: p.usedMaps.map((m) => m.id).slice(0, 64),
    name: p.name, ifindex: 0, gpl_compatible: p.gplCompatible ? 1 : 0, netns_dev: 0, netns_ino: 0,
    // One JITed image, one function; BTF record sizes as the kernel reports them without BTF.
    nr_jited_ksyms: 1, nr_jited_func_lens: 1, func_info_rec_size: 8, line_info_rec_size: 16,
    jited_line_info_rec_size: 8, nr_prog_tags: 1,
    // The verifier walks an ld_imm64 (two instruction slots) as one instruction.
    btf_id: 0, run_time_ns: p.runTimeNs, run_cnt: p.runCnt, recursion_misses: 0, verified_insns: p.insnCnt - p.usedMaps.length,
    attach_btf_obj_id: p.attachBtfId ? VMLINUX_BTF_OBJ_ID : 0, attach_btf_id: p.attachBtfId,
  };
}

function mapInfo(k: KernelState, m: BpfMap): Record<string, unknown> {
  const info: Record<string, unknown> = {
    type: enumName(BPF_MAP_TYPE, m.type), id: m.id, key_size: m.keySize, value_size: m.valueSize,
    max_entries: m.maxEntries, map_flags: m.mapFlags, name: m.name, ifindex: 0, btf_vmlinux_value_type_id: 0,
    netns_dev: 0, netns_ino: 0, btf_id: 0, btf_key_type_id: 0, btf_value_type_id: 0, btf_vmlinux_id: 0, map_extra: 0,
  };
  if (k.since(618)) Object.assign(info, { hash: 0, hash_size: 0 }); // map hashes for signed programs, 6.18
  return info;
}

function linkInfo(k: KernelState, l: BpfLink): { info: Record<string, unknown>; union: [string, Record<string, unknown>] } {
  const info = { type: enumName(BPF_LINK_TYPE, l.type), id: l.id, prog_id: l.prog.id };
  const t = l.target;
  if (t.kind === 'tracepoint') {
    const rt: Record<string, unknown> = { tp_name: t.name, tp_name_len: t.name.length + 1 };
    if (k.since(617)) rt.cookie = l.cookie;
    return { info, union: ['raw_tracepoint', rt] };
  }
  if (t.kind === 'cgroup')
    return { info, union: ['cgroup', { cgroup_id: t.cgroup ? t.cgroup.id : 0, attach_type: enumName(BPF_ATTACH_TYPE, t.attachType) }] };
  if (t.kind === 'xdp') return { info, union: ['xdp', { ifindex: t.dev ? t.dev.ifindex : 0 }] };
  if (t.kind === 'tcx') return { info, union: ['tcx', { ifindex: t.dev ? t.dev.ifindex : 0, attach_type: enumName(BPF_ATTACH_TYPE, l.attachType) }] };
  if (t.kind === 'iter') {
    // bpf_iter_link_fill_link_info: the name (the model always hands a full buffer), then the target's own fields
    const it: Record<string, unknown> = { target_name: t.target, target_name_len: t.target.length + 1 };
    if (t.map) it.map = { map_id: t.map.id };
    if (t.cgroup || t.order) it.cgroup = { cgroup_id: t.cgroup ? t.cgroup.id : 0, order: t.order };
    if (t.task.tid || t.task.pid) it.task = { tid: t.task.tid, pid: t.task.pid };
    return { info, union: ['iter', it] };
  }
  const tr: Record<string, unknown> = { attach_type: enumName(BPF_ATTACH_TYPE, l.attachType), target_obj_id: VMLINUX_BTF_OBJ_ID, target_btf_id: t.btfId };
  if (k.since(617)) tr.cookie = l.cookie;
  return { info, union: ['tracing', tr] };
}

/** Copy the fields that fit in `len` bytes. */
function fit(layout: Layout, full: Record<string, unknown>, len: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, off] of layout.fields) if (off < len && name in full) out[name] = full[name];
  return out;
}

export function bpfObjGetInfoByFd(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_OBJ_GET_INFO_BY_FD', attr, [{ name: 'bpf_fd' }, { name: 'info_len', out: true }, { name: 'info', out: true }]);
  const fd = u32(attr, 'bpf_fd');
  const f = fget(p, fd);
  if (!f) fail(Errno.EBADFD, 'bpf_obj_get_info_by_fd', `pid ${p.pid} has no fd ${fd} (this command says EBADFD, not EBADF)`);
  const t = f.target;
  const hasLen = attr.info_len !== undefined && attr.info_len !== null;
  const want = hasLen ? u32(attr, 'info_len') >>> 0 : Infinity;
  // bpf_check_uarg_tail_zero runs in each kind's get_info, after the kind is known: an fd
  // that is no BPF object is -EINVAL whatever info_len says.
  const tooLong = (): void => {
    if (want > 4096 && hasLen) fail(Errno.E2BIG, 'bpf_check_uarg_tail_zero', `info_len ${want} is larger than a page`);
  };
  if (t.kind === 'prog' || t.kind === 'map' || (t.kind === 'link' && t.isLink && k.since(508))) tooLong();
  let layout: Layout;
  let full: Record<string, unknown>;
  if (t.kind === 'prog') { layout = PROG_INFO; full = progInfo(k, t); }
  else if (t.kind === 'map') { layout = MAP_INFO; full = mapInfo(k, t); }
  else if (t.kind === 'link' && t.isLink && k.since(508)) {
    layout = LINK_INFO;
    const li = linkInfo(k, t);
    full = li.info;
    const len = Math.min(want, layout.size);
    const out = fit(layout, full, len);
    const [member, value] = li.union;
    if (len > LINK_UNION) out[member] = cutUnionMember(value, LINK_INFO_UNIONS[member] ?? {}, len);
    putUser(attr, 'info', out);
    putUser(attr, 'info_len', len);
    return 0;
  } else fail(Errno.EINVAL, 'bpf_obj_get_info_by_fd', `fd ${fd} is not a BPF program, map, BTF or link`);
  const len = Math.min(want, layout.size);
  putUser(attr, 'info', fit(layout, full, len));
  putUser(attr, 'info_len', len);
  return 0;
}

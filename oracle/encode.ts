/**
 * The contract's `bpf(pid, cmd, attr)` as a real `union bpf_attr` plus the memory its
 * pointers point to, in the request format of the native helper, and the decoding of what
 * the kernel wrote back. Names are mapped to numbers here; the helper only copies bytes.
 */
import type { BpfAttr } from '../src/kernel/call';
import type { Btf } from './btf';
import { decodeLinkInfo, decodeMapInfo, decodeProgInfo } from './info';
import { ITER_INFO_SIZE, iterInfoBytes } from '../src/kernel/iter';
import { canonicalInsns } from './insns';
import { ATTR_FIELDS, ATTR_SIZE, BPF_ATTACH_TYPE, BPF_CMD, BPF_LINK_TYPE, BPF_PROG_TYPE, ENUM_ALIASES, FLAGS, INFO_SIZE,
  type FieldSpec } from './uapi';

/** One buffer of the request: its bytes and the pointers in it ([offset, buffer index]). */
export interface Buf { bytes: Uint8Array; relocs: [number, number][] }
export interface Encoded {
  cmd: number;
  bufs: Buf[];
  /** The out-parameters, from the buffers as the kernel left them. */
  decode(ret: number, out: Uint8Array[]): BpfAttr;
}
export type Encoding = { ok: true; enc: Encoded } | { ok: false; notComparable: string };
/** What `/proc/PID/fd/FD` says the fd is, for BPF_OBJ_GET_INFO_BY_FD. */
export type FdKind = 'prog' | 'map' | 'link' | 'other';

class NotComparable extends Error {}
const nc = (why: string): never => { throw new NotComparable(why); };

/** 0, "", false, an empty array or an object of such: no bytes (the contract's zero). */
function isZeroValue(v: unknown, seen = new Set<object>()): boolean {
  if (v === undefined || v === null || v === 0 || v === '' || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v !== 'object' || seen.has(v)) return typeof v === 'object';
  seen.add(v);
  return Object.values(v as object).every((x) => isZeroValue(x, seen));
}

/** A value in a message: JSON where it can be (never throws: bigints, cycles, symbols). */
export function showValue(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  try { return JSON.stringify(v) ?? String(v); } catch { return Object.prototype.toString.call(v); }
}

/** Whether a number fits a 32-bit field as C code would pass it (int or u32). */
export const isU32ish = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0xffffffff;

export function enumValue(v: unknown, names: readonly string[], field: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  if (typeof v === 'string') {
    const i = names.indexOf(v);
    if (i >= 0) return i;
    if (v in ENUM_ALIASES) return ENUM_ALIASES[v]!;
  }
  return nc(`${field}: ${showValue(v)} is no uapi name this kernel has`);
}

export function flagValue(v: unknown, field: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  if (Array.isArray(v)) return v.reduce<number>((acc, f) => acc | (typeof f === 'string' && f in FLAGS ? FLAGS[f]! : nc(`${field}: unknown flag ${showValue(f)}`)), 0) >>> 0;
  return nc(`${field}: ${showValue(v)} is not a number or an array of flag names`);
}

/** An integer of a 32-bit field (or, `size` 8, a u64 that JavaScript holds exactly). */
const intValue = (v: unknown, field: string, size = 4): number =>
  (size === 8 ? typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 : isU32ish(v)) ? v as number
    : nc(`${field}: ${showValue(v)} is not ${size === 8 ? 'a u64' : 'a 32-bit integer'}`);

/** `{cgroup: {relative_fd: 3}}` → `cgroup.relative_fd`. A plain object is a nested member
 * unless the field is a plain one (`map_flags: {}` is a value, and no C value). */
function flatten(attr: BpfAttr, fields: Readonly<Record<string, FieldSpec>>, prefix = '', seen = new Set<object>()): [string, unknown][] {
  if (seen.has(attr)) nc(`attr.${prefix.slice(0, -1)} refers back to itself: no C struct is a cycle`);
  seen.add(attr);
  return Object.entries(attr).flatMap(([k, v]): [string, unknown][] => {
    const name = prefix + k;
    const plain = v !== null && typeof v === 'object' && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null);
    return plain && !(name in fields) ? flatten(v as BpfAttr, fields, `${name}.`, seen) : [[name, v]];
  });
}

class Builder {
  readonly attr = new Uint8Array(ATTR_SIZE);
  readonly bufs: Buf[] = [{ bytes: this.attr, relocs: [] }];
  private readonly view = new DataView(this.attr.buffer);
  u32(off: number, v: number): void { this.view.setUint32(off, v >>> 0, true); }
  u64(off: number, v: number): void { this.view.setBigUint64(off, BigInt.asUintN(64, BigInt(v)), true); }
  field(name: string, spec: FieldSpec, v: unknown): void {
    if (spec.chars) {
      if (typeof v !== 'string') nc(`${name} must be a string`);
      // UTF-8, as a program would pass a JavaScript string; 16 bytes at most (no NUL then)
      this.attr.set(Buffer.from(v as string, 'utf8').subarray(0, 16), spec.off);
    } else {
      const n = spec.flags ? flagValue(v, name) : spec.names ? enumValue(v, spec.names, name) : intValue(v, name, spec.size);
      if (spec.size === 8) this.u64(spec.off, n);
      else this.u32(spec.off, n);
    }
  }
  /** A pointer at `off` (in the attr, or in buffer `from`) to new memory; its index. */
  ptr(off: number, bytes: Uint8Array, from = 0): number {
    this.bufs.push({ bytes, relocs: [] });
    this.bufs[from]!.relocs.push([off, this.bufs.length - 1]);
    return this.bufs.length - 1;
  }
}

const cString = (s: string): Uint8Array => Buffer.from(`${s}\0`, 'utf8');

/** Fields the encoder handles itself (pointers, names, model-only descriptions) or that are
 * out-parameters the caller may pass in. */
const SPECIAL: Readonly<Record<string, readonly string[]>> = {
  BPF_PROG_LOAD: ['license', 'attach_func_name', 'fd_array', 'map_fds', 'insns', 'insn_cnt'],
  BPF_RAW_TRACEPOINT_OPEN: ['name'],
  BPF_OBJ_PIN: ['pathname'], BPF_OBJ_GET: ['pathname'],
  BPF_OBJ_GET_INFO_BY_FD: ['info'],
  BPF_PROG_QUERY: ['prog_ids', 'revision', 'prog_attach_flags', 'link_ids', 'link_attach_flags'],
  BPF_LINK_CREATE: ['iter_info'],
};

/** The BTF type a load-time target name stands for, as libbpf resolves section names. */
export function resolveAttachBtfId(btf: Btf, progType: number, eat: number, fn: string): number {
  const type = BPF_PROG_TYPE[progType], at = BPF_ATTACH_TYPE[eat];
  if (type === 'BPF_PROG_TYPE_TRACING' && at === 'BPF_TRACE_RAW_TP') return btf.find('TYPEDEF', `btf_trace_${fn}`);
  if (type === 'BPF_PROG_TYPE_TRACING' && at === 'BPF_TRACE_ITER') return btf.find('FUNC', `bpf_iter_${fn}`);
  if (type === 'BPF_PROG_TYPE_LSM') return btf.find('FUNC', fn.startsWith('bpf_lsm_') ? fn : `bpf_lsm_${fn}`);
  return btf.find('FUNC', fn);
}

function progLoad(b: Builder, attr: BpfAttr, btf: Btf): void {
  const type = enumValue(attr.prog_type ?? 0, BPF_PROG_TYPE, 'prog_type');
  const eat = enumValue(attr.expected_attach_type ?? 0, BPF_ATTACH_TYPE, 'expected_attach_type');
  const fds: number[] = [];
  for (const f of ['fd_array', 'map_fds']) {
    const v = attr[f];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v)) nc(`${f} must be an array of fds`);
    for (const fd of v as unknown[]) if (!fds.includes(intValue(fd, f))) fds.push(fd as number);
  }
  const insns = canonicalInsns(type, fds);
  b.u32(4, insns.length / 8);
  b.ptr(8, insns);
  b.ptr(16, cString(typeof attr.license === 'string' ? attr.license : 'GPL'));
  if (typeof attr.attach_func_name === 'string') {
    // A name this kernel's BTF lacks becomes type id 1 (never a function or a tracepoint
    // typedef), so the kernel refuses it as it would refuse any wrong target.
    b.u32(108, resolveAttachBtfId(btf, type, eat, attr.attach_func_name) || 1);
  }
}

/** BPF_LINK_CREATE's `iter_info`: the 16 bytes of `union bpf_iter_link_info`, as the model
 * reads them (`iterInfoBytes`), in a buffer of `iter_info_len` bytes (zeros past the 16: the
 * kernel reads that tail, bpf_check_uarg_tail_zero; over a page it refuses the length
 * unread). Pids and cgroup ids in it are the run's: run.ts translates the model's. */
function iterInfo(b: Builder, info: unknown, len: unknown): void {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) nc('iter_info must be an object (union bpf_iter_link_info)');
  const n = isU32ish(len) ? len >>> 0 : 0;
  const bytes = new Uint8Array(n > ITER_INFO_SIZE && n <= 4096 ? n : ITER_INFO_SIZE);
  bytes.set(iterInfoBytes(info));
  b.ptr(16, bytes);
}

/** BPF_PROG_QUERY: `prog_ids` (and `prog_attach_flags`, `link_ids`, `link_attach_flags`
 * when the call passes an array for them, as a program passes a buffer) point to buffers
 * of `prog_cnt` entries (64 without). */
function progQuery(b: Builder, attr: BpfAttr): Encoded['decode'] {
  const cap = attr.prog_cnt === undefined || attr.prog_cnt === null ? 64 : intValue(attr.prog_cnt, 'prog_cnt') >>> 0;
  b.u32(24, cap);
  const idsBuf = cap > 0 ? b.ptr(16, new Uint8Array(4 * Math.min(cap, 1024))) : -1;
  const wantFlags = Array.isArray(attr.prog_attach_flags);
  if (attr.prog_attach_flags !== undefined && attr.prog_attach_flags !== null && !wantFlags) nc('prog_attach_flags must be an array (a buffer)');
  const flagsBuf = wantFlags && cap > 0 ? b.ptr(32, new Uint8Array(4 * Math.min(cap, 1024))) : -1;
  // link_ids / link_attach_flags (tcx, 6.6): the same, at their own offsets
  const extra = (field: string, off: number): number => {
    const v = attr[field];
    if (v !== undefined && v !== null && !Array.isArray(v)) nc(`${field} must be an array (a buffer)`);
    return Array.isArray(v) && cap > 0 ? b.ptr(off, new Uint8Array(4 * Math.min(cap, 1024))) : -1;
  };
  const linkBuf = extra('link_ids', 40), linkFlagsBuf = extra('link_attach_flags', 48);
  const u32s = (buf: Uint8Array, n: number): number[] => {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    return Array.from({ length: Math.min(n, buf.length / 4) }, (_, i) => dv.getUint32(4 * i, true));
  };
  return (ret, out) => {
    if (ret < 0 && ret !== -28) return {};
    const v = new DataView(out[0]!.buffer, out[0]!.byteOffset);
    const cnt = v.getUint32(24, true);
    const res: BpfAttr = {
      prog_ids: idsBuf < 0 ? [] : u32s(out[idsBuf]!, cnt),
      prog_cnt: cnt, attach_flags: v.getUint32(12, true), revision: Number(v.getBigUint64(56, true)),
    };
    if (flagsBuf >= 0) res.prog_attach_flags = u32s(out[flagsBuf]!, cnt);
    if (linkBuf >= 0) res.link_ids = u32s(out[linkBuf]!, cnt);
    if (linkFlagsBuf >= 0) res.link_attach_flags = u32s(out[linkFlagsBuf]!, cnt);
    return res;
  };
}

/** BPF_OBJ_GET_INFO_BY_FD, with full-size buffers for the kind of object behind the fd.
 * A raw tracepoint link needs its name's length first: `phase` 1 asks without a buffer. */
function getInfo(b: Builder, attr: BpfAttr, kind: FdKind, tpNameLen: number): Encoded['decode'] {
  const size = kind === 'other' ? INFO_SIZE.prog : INFO_SIZE[kind];
  const len = attr.info_len === undefined ? size : intValue(attr.info_len, 'info_len') >>> 0;
  b.u32(4, len);
  // info_len bytes of zeros (bpf_check_uarg_tail_zero reads past the struct); over a page
  // the kernel refuses it (E2BIG) before reading, so the struct's size is enough
  const info = b.ptr(8, new Uint8Array(len > 4096 ? size : Math.max(len, size)));
  let extra = -1;
  // Buffers only where the struct the kernel reads (info_len bytes) holds their pointer.
  if (kind === 'prog' && len >= 64) {
    new DataView(b.bufs[info]!.bytes.buffer).setUint32(52, 64, true);
    extra = b.ptr(56, new Uint8Array(64 * 4), info);
  } else if (kind === 'link' && tpNameLen > 0 && len >= 28) {
    new DataView(b.bufs[info]!.bytes.buffer).setUint32(24, tpNameLen, true);
    extra = b.ptr(16, new Uint8Array(tpNameLen), info);
  }
  return (ret, out) => {
    if (ret < 0) return {};
    const got = new DataView(out[0]!.buffer, out[0]!.byteOffset).getUint32(4, true);
    const bytes = out[info]!, more = extra < 0 ? new Uint8Array(0) : out[extra]!;
    const decoded = kind === 'prog' ? decodeProgInfo(bytes, got, more)
      : kind === 'map' ? decodeMapInfo(bytes, got) : decodeLinkInfo(bytes, got, more);
    return { info_len: got, info: decoded };
  };
}

/** The link type and tp_name_len a first, buffer-less info call reports. */
export function linkTypeOf(out: Uint8Array[]): { type: string; tpNameLen: number } {
  const v = new DataView(out[1]!.buffer, out[1]!.byteOffset, out[1]!.byteLength);
  return { type: BPF_LINK_TYPE[v.getUint32(0, true)] ?? '', tpNameLen: v.getUint32(24, true) };
}

export function encodeBpf(cmdName: string | number, attr: BpfAttr, btf: Btf, fdKind: FdKind = 'other', tpNameLen = 0): Encoding {
  try {
    // the command is the syscall's int: any 32-bit number goes as it is
    const cmd = isU32ish(cmdName) ? cmdName | 0 : enumValue(cmdName, BPF_CMD, 'cmd');
    const name = BPF_CMD[cmd] ?? '';
    const fields = ATTR_FIELDS[name];
    const b = new Builder();
    if (!fields) {
      if (cmd >= 0 && cmd < BPF_CMD.length) nc(`${name} is not encoded by the oracle`);
      return { ok: true, enc: { cmd, bufs: b.bufs, decode: () => ({}) } }; // unknown number: EINVAL
    }
    const special = SPECIAL[name] ?? [];
    const outOnly = ['next_id', 'attach_flags', 'info_len', 'prog_cnt'];
    for (const [k, v] of flatten(attr, fields)) {
      const top = k.split('.')[0]!;
      // absent and null are both 0, as the model reads them
      if (special.includes(top) || v === undefined || v === null) continue;
      const spec = fields[k];
      // a field the real attr has not: as the contract says (CHECK_ATTR), absent if zero
      if (!spec && isZeroValue(v)) continue;
      if (!spec) nc(`attr.${k} is no field of the real ${name} attr`);
      else if (!(outOnly.includes(k) && (name === 'BPF_PROG_QUERY' || name.endsWith('_NEXT_ID')) && k !== 'prog_cnt')) b.field(k, spec, v);
    }
    let decode: Encoded['decode'] = () => ({});
    if (name === 'BPF_PROG_LOAD') progLoad(b, attr, btf);
    else if (name === 'BPF_RAW_TRACEPOINT_OPEN' && typeof attr.name === 'string') b.ptr(0, cString(attr.name));
    else if ((name === 'BPF_OBJ_PIN' || name === 'BPF_OBJ_GET') && typeof attr.pathname === 'string') b.ptr(0, cString(attr.pathname));
    else if (name === 'BPF_PROG_QUERY') decode = progQuery(b, attr);
    else if (name === 'BPF_LINK_CREATE' && attr.iter_info !== undefined && attr.iter_info !== null && attr.iter_info !== 0) iterInfo(b, attr.iter_info, attr.iter_info_len);
    else if (name === 'BPF_OBJ_GET_INFO_BY_FD') decode = getInfo(b, attr, fdKind, tpNameLen);
    else if (name.endsWith('_GET_NEXT_ID'))
      decode = (ret, out) => (ret < 0 ? {} : { next_id: new DataView(out[0]!.buffer, out[0]!.byteOffset).getUint32(4, true) });
    return { ok: true, enc: { cmd, bufs: b.bufs, decode } };
  } catch (e) {
    if (e instanceof NotComparable) return { ok: false, notComparable: e.message };
    throw e;
  }
}

export function requestLine(enc: Encoded): string {
  const parts = ['bpf', String(enc.cmd), String(enc.bufs.length)];
  for (const buf of enc.bufs) {
    parts.push(String(buf.bytes.length), buf.bytes.length ? Buffer.from(buf.bytes).toString('hex') : '-', String(buf.relocs.length));
    for (const [off, to] of buf.relocs) parts.push(String(off), String(to));
  }
  return parts.join(' ');
}

export function parseBpfReply(line: string): { ret: number; bufs: Uint8Array[] } {
  const [tag, ret, ...bufs] = line.split(' ');
  if (tag !== 'ret') throw new Error(`bpf-oracle: ${line}`);
  return { ret: Number(ret), bufs: bufs.map((h) => (h === '-' ? new Uint8Array(0) : new Uint8Array(Buffer.from(h, 'hex')))) };
}

/**
 * Making a model trace and a real-kernel trace comparable: pids and object ids renumbered
 * (each kind separately) in order of first appearance, values that depend on the machine
 * masked, `ran` sorted (run order is not observable on the kernel), and the iterator pins
 * the kernel puts in every bpffs (`maps.debug`, `progs.debug`) hidden.
 */
import type { BpfAttr, KernelCall } from '../src/kernel/call';

export interface TraceEntry { ret: number; attr?: BpfAttr; ran?: number[]; notComparable?: string }
export type Renumber = (kind: 'pid' | 'prog' | 'map' | 'link', n: number) => number;

export interface NormalizeOptions {
  /** Sort `ran` (default true): the kernel's run statistics carry no order. */
  sortRan?: boolean;
  /** Mask machine-dependent info fields (default true): load_time, JIT sizes and, for
   * tracing programs, run counts (tracepoints fire for every process on the machine). */
  maskVolatile?: boolean;
  /** Entries to leave as they are (calls not compared): their ids take no numbers. */
  skip?: ReadonlySet<number>;
}

/** Numbers in order of first appearance, per kind; 0 (and negative values) stay as they are. */
export function renumberer(): Renumber {
  const maps = { pid: new Map<number, number>(), prog: new Map<number, number>(), map: new Map<number, number>(), link: new Map<number, number>() };
  return (kind, n) => {
    if (n <= 0) return n;
    const m = maps[kind];
    if (!m.has(n)) m.set(n, m.size + 1);
    return m.get(n)!;
  };
}

const TRACING_TYPES = ['BPF_PROG_TYPE_KPROBE', 'BPF_PROG_TYPE_TRACEPOINT', 'BPF_PROG_TYPE_PERF_EVENT',
  'BPF_PROG_TYPE_RAW_TRACEPOINT', 'BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE', 'BPF_PROG_TYPE_TRACING', 'BPF_PROG_TYPE_LSM'];
// jited_prog_len is compared: the model gives the canonical program's x86-64 JIT size (insns.ts)
const JIT_FIELDS = ['nr_jited_ksyms', 'nr_jited_func_lens', 'nr_jited_line_info', 'jited_line_info_rec_size'];
/** The id a `*_GET_NEXT_ID` writes back (the calls' own ids are the model's in both traces:
 * they are inputs, compared as given, and take no numbers). */
const NEXT_ID_KIND: Record<string, 'prog' | 'map' | 'link'> = {
  BPF_PROG_GET_NEXT_ID: 'prog', BPF_MAP_GET_NEXT_ID: 'map', BPF_LINK_GET_NEXT_ID: 'link',
};

const num = (v: unknown): v is number => typeof v === 'number';

function normalizeInfo(info: Record<string, unknown>, id: Renumber, mask: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...info };
  // the kind by the type's name (a short info_len leaves little else), else by the fields
  const type = typeof info.type === 'string' ? info.type : '';
  if (type.startsWith('BPF_PROG_TYPE_') || (!type && 'tag' in info)) { // bpf_prog_info
    if (num(out.id)) out.id = id('prog', out.id);
    if (Array.isArray(out.map_ids)) out.map_ids = out.map_ids.map((m) => (num(m) ? id('map', m) : m));
    if (mask) {
      if (num(out.load_time)) out.load_time = out.load_time > 0 ? 'positive' : 0;
      if (num(out.run_time_ns)) out.run_time_ns = out.run_time_ns > 0 ? 'positive' : 0;
      for (const f of JIT_FIELDS) if (f in out) out[f] = 'jit';
      if (TRACING_TYPES.includes(String(out.type)) && 'run_cnt' in out) out.run_cnt = 'machine-wide';
    }
  } else if (type.startsWith('BPF_MAP_TYPE_') || (!type && 'key_size' in info)) { // bpf_map_info
    if (num(out.id)) out.id = id('map', out.id);
  } else { // bpf_link_info
    if (num(out.id)) out.id = id('link', out.id);
    if (num(out.prog_id)) out.prog_id = id('prog', out.prog_id);
    const it = out.iter as { map?: { map_id?: unknown }; task?: Record<string, unknown> } | undefined;
    if (it?.map && num(it.map.map_id) && it.map.map_id) out.iter = { ...it, map: { map_id: id('map', it.map.map_id) } };
    // a task iterator's filter: a pid (the run's, or one of no process)
    if (it?.task) {
      const task = { ...it.task };
      for (const f of ['tid', 'pid']) if (num(task[f])) task[f] = id('pid', task[f]);
      out.iter = { ...(out.iter as object), task };
    }
    for (const u of ['struct_ops', 'sockmap']) {
      const m = out[u] as Record<string, unknown> | undefined;
      if (m && num(m.map_id)) out[u] = { ...m, map_id: id('map', m.map_id) };
    }
  }
  return out;
}

function normalizeAttr(cmd: string, ret: number, attr: BpfAttr, id: Renumber, mask: boolean): BpfAttr {
  const out: BpfAttr = { ...attr };
  const kind = NEXT_ID_KIND[cmd];
  if (kind && ret === 0 && num(out.next_id)) out.next_id = id(kind, out.next_id);
  if (Array.isArray(out.prog_ids)) out.prog_ids = out.prog_ids.map((p) => (num(p) ? id('prog', p) : p));
  if (Array.isArray(out.link_ids)) out.link_ids = out.link_ids.map((l) => (num(l) && l !== 0 ? id('link', l) : l));
  if (out.info && typeof out.info === 'object') out.info = normalizeInfo(out.info as Record<string, unknown>, id, mask);
  return out;
}

/** Normalizes one trace (the calls and, per call, what it returned). */
export function normalizeTrace(calls: readonly KernelCall[], results: readonly TraceEntry[], opts: NormalizeOptions = {}): TraceEntry[] {
  const id = renumberer();
  const mask = opts.maskVolatile ?? true;
  return results.map((r, i) => {
    if (opts.skip?.has(i)) return { ...r };
    // Pids: the processes spawn and fork created, in that order (the calls' own pid fields
    // are the model's numbers in both traces, so they are not renumbered).
    const call = calls[i];
    const out: TraceEntry = { ret: r.ret };
    if (call && (call.call === 'spawn' || call.call === 'fork')) out.ret = id('pid', r.ret);
    if (r.attr) out.attr = normalizeAttr(call?.call === 'bpf' ? call.cmd : '', r.ret, r.attr, id, mask);
    if (r.ran) {
      // Ids first seen here are numbered in ascending order: both the model and the kernel
      // allocate ids in creation order, while the order of `ran` differs (see sortRan).
      for (const p of [...r.ran].sort((a, b) => a - b)) id('prog', p);
      const ran = r.ran.map((p) => id('prog', p));
      out.ran = opts.sortRan ?? true ? ran.sort((a, b) => a - b) : ran;
    }
    if (r.notComparable) out.notComparable = r.notComparable;
    return out;
  });
}

/** A bpffs listing without the iterator links the kernel pins in every instance. */
export function hideBpffsPreload<T extends string | { path: string }>(entries: readonly T[]): T[] {
  return entries.filter((e) => !/^\/sys\/fs\/bpf\/(maps|progs)\.debug$/.test(typeof e === 'string' ? e : e.path));
}

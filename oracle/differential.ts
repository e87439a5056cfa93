/**
 * Differential runs: the same KernelCalls on the model and on the real kernel, both traces
 * normalized (normalize.ts) and made comparable, and the first differences listed.
 *
 * On top of `normalizeTrace`: cgroup ids (kernfs ids on the machine, 1, 2, ... in the
 * model) are renumbered in order of first appearance; program info is cut down to what
 * the model states about a program (type, id, name, map ids, run count) unless asked for
 * in full, since JIT, BTF and verifier details are not what these comparisons are about.
 */
import type { BpfAttr, KernelCall } from '../src/kernel/call';
import { Kernel } from '../src/kernel/kernel';
import { normalizeTrace, type TraceEntry } from './normalize';
import { runOnRealKernel } from './realKernel';

export interface Compared {
  model: TraceEntry[];
  real: TraceEntry[];
  /** One line per call whose normalized entries differ (empty: equal). */
  diffs: string[];
  kernelRelease: string;
}

const PROG_INFO_KEPT = ['type', 'id', 'name', 'map_ids', 'nr_map_ids', 'run_cnt'];

/** The model's trace of `calls` on a fresh kernel of `version`. */
export function modelTrace(calls: readonly KernelCall[], version = '6.18'): TraceEntry[] {
  const kernel = new Kernel({ version, log: false });
  return calls.map((c) => {
    const r = kernel.apply(structuredClone(c));
    const e: TraceEntry = { ret: r.ret };
    if (r.attr) e.attr = r.attr;
    if (r.ran) e.ran = r.ran;
    return e;
  });
}

function cgroupIds(entries: TraceEntry[]): TraceEntry[] {
  const seen = new Map<number, number>();
  const id = (n: number): number => {
    if (n <= 0) return n;
    if (!seen.has(n)) seen.set(n, seen.size + 1);
    return seen.get(n)!;
  };
  return entries.map((e) => {
    const info = e.attr?.info as { cgroup?: { cgroup_id?: unknown } } | undefined;
    if (!info?.cgroup || typeof info.cgroup.cgroup_id !== 'number') return e;
    return { ...e, attr: { ...e.attr, info: { ...info, cgroup: { ...info.cgroup, cgroup_id: id(info.cgroup.cgroup_id) } } } };
  });
}

function trimProgInfo(e: TraceEntry): TraceEntry {
  const info = e.attr?.info as Record<string, unknown> | undefined;
  if (!info || !('tag' in info)) return e;
  const kept: BpfAttr = {};
  for (const k of PROG_INFO_KEPT) if (k in info) kept[k] = info[k];
  const attr: BpfAttr = { ...e.attr, info: kept };
  delete attr.info_len;
  return { ...e, attr };
}

/** Normalized and comparable. */
export function comparable(calls: readonly KernelCall[], trace: readonly TraceEntry[], fullProgInfo = false): TraceEntry[] {
  const n = cgroupIds(normalizeTrace(calls, trace));
  return fullProgInfo ? n : n.map(trimProgInfo);
}

/** JSON with object keys sorted, so field order does not matter. */
const show = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));

/** Runs `calls` on both and compares. Calls the oracle cannot compare are left out. */
export async function compareWithRealKernel(calls: readonly KernelCall[], opts: { version?: string } = {}): Promise<Compared> {
  const run = await runOnRealKernel(calls);
  const real = comparable(calls, run.results);
  const model = comparable(calls, modelTrace(calls, opts.version));
  const diffs: string[] = [];
  calls.forEach((c, i) => {
    const r = real[i]!;
    if (r.notComparable) return;
    const m = model[i]!;
    // A trigger is compared by what ran: the model returns the number of runs (or -errno
    // for an event it does not know), the oracle 0.
    const trig = c.call === 'trigger';
    const a = show(trig ? { ran: m.ran } : { ret: m.ret, attr: m.attr, ran: m.ran });
    const b = show(trig ? { ran: r.ran } : { ret: r.ret, attr: r.attr, ran: r.ran });
    if (a !== b) diffs.push(`#${i} ${show(c)}\n    model: ${a}\n    real:  ${b}`);
  });
  return { model, real, diffs, kernelRelease: run.kernelRelease };
}

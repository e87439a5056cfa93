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
import { performance } from 'node:perf_hooks';
import type { RunLock } from './pool';
import { runOnRealKernel, type ModelObject, type ModelStep } from './realKernel';

export interface Compared {
  model: TraceEntry[];
  real: TraceEntry[];
  /** One line per call whose normalized entries differ (empty: equal). */
  diffs: string[];
  kernelRelease: string;
}

const PROG_INFO_KEPT = ['type', 'id', 'name', 'map_ids', 'nr_map_ids', 'run_cnt', 'tag', 'xlated_prog_len', 'jited_prog_len'];

/** The model's trace of `calls` on a fresh kernel of `version`. */
export function modelTrace(calls: readonly KernelCall[], version = '6.18'): TraceEntry[] {
  return modelRun(calls, version).trace;
}

const CREATES = ['BPF_PROG_LOAD', 'BPF_MAP_CREATE', 'BPF_RAW_TRACEPOINT_OPEN', 'BPF_LINK_CREATE'];

/** One call on the model: its trace entry and the object it created, if any. */
function modelStep(kernel: Kernel, c: KernelCall): { entry: TraceEntry; object?: ModelObject } {
  let copy: KernelCall;
  try { copy = structuredClone(c); } catch { copy = c; }
  const r = kernel.apply(copy);
  const entry: TraceEntry = { ret: r.ret };
  const a = (c as { attr?: unknown }).attr;
  // an attr that is no object is a NULL attr on the kernel: nothing is written back
  if (r.attr && typeof a === 'object' && a !== null && !Array.isArray(a)) entry.attr = r.attr;
  if (r.ran) entry.ran = r.ran;
  if (c?.call === 'bpf' && CREATES.includes(c.cmd) && r.ret >= 0) {
    const t = kernel.internals.processes.get(c.pid)?.fds[r.ret]?.file.target;
    if (t && (t.kind === 'prog' || t.kind === 'map' || t.kind === 'link') && t.id > 0) return { entry, object: { kind: t.kind, id: t.id } };
  }
  return { entry };
}

/** The model's trace, and per call the object it created. */
export function modelRun(calls: readonly KernelCall[], version = '6.18'): { trace: TraceEntry[]; objects: (ModelObject | undefined)[] } {
  const kernel = new Kernel({ version, log: false });
  const objects: (ModelObject | undefined)[] = [];
  const trace = calls.map((c, i) => {
    const { entry, object } = modelStep(kernel, c);
    objects[i] = object;
    return entry;
  });
  return { trace, objects };
}

function cgroupIds(entries: TraceEntry[]): TraceEntry[] {
  const seen = new Map<number, number>();
  const id = (n: number): number => {
    if (n <= 0) return n;
    if (!seen.has(n)) seen.set(n, seen.size + 1);
    return seen.get(n)!;
  };
  return entries.map((e) => {
    const info = e.attr?.info as { cgroup?: { cgroup_id?: unknown }; iter?: { cgroup?: { cgroup_id?: unknown } } } | undefined;
    // a cgroup link's cgroup, or a cgroup iterator's start
    const it = info?.iter;
    if (it?.cgroup && typeof it.cgroup.cgroup_id === 'number')
      return { ...e, attr: { ...e.attr, info: { ...info, iter: { ...it, cgroup: { ...it.cgroup, cgroup_id: id(it.cgroup.cgroup_id) } } } } };
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
export function comparable(calls: readonly KernelCall[], trace: readonly TraceEntry[], fullProgInfo = false, skip?: ReadonlySet<number>): TraceEntry[] {
  const n = cgroupIds(normalizeTrace(calls, trace, skip ? { skip } : {}));
  return fullProgInfo ? n : n.map(trimProgInfo);
}

/** JSON with object keys sorted, so field order does not matter (bigints as `1n`, numbers
 * JSON has not as their names, a cycle as "[cycle]": never throws). */
export function show(v: unknown): string {
  const seen = new Set<object>();
  const json = JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return `${x}n`;
    if (typeof x === 'number' && !Number.isFinite(x)) return String(x);
    if (x === undefined) return x;
    if (!x || typeof x !== 'object') return x;
    if (seen.has(x)) return '[cycle]';
    seen.add(x);
    return Array.isArray(x) ? x : Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
  return json ?? String(v);
}

/** What is compared of one call: return value, out-parameters, what ran. */
const compared = (e: TraceEntry): string => show({ ret: e.ret, attr: e.attr, ran: e.ran });

/** The calls whose normalized entries differ (not-comparable calls left out), one line each. */
export function diffTraces(calls: readonly KernelCall[], model: readonly TraceEntry[], real: readonly TraceEntry[]): { index: number; line: string }[] {
  const out: { index: number; line: string }[] = [];
  calls.forEach((c, i) => {
    const r = real[i], m = model[i];
    if (!r || !m || r.notComparable) return;
    const a = compared(m), b = compared(r);
    if (a !== b) out.push({ index: i, line: `#${i} ${show(c)}\n    model: ${a}\n    real:  ${b}` });
  });
  return out;
}

export interface CompareOptions {
  /** The release the model runs as (default "6.18"). */
  version?: string;
  /** Shared by runs going on at the same time (pool.ts). */
  lock?: RunLock;
}

export interface Compared {
  model: TraceEntry[];
  real: TraceEntry[];
  /** One line per call whose normalized entries differ (empty: equal). */
  diffs: string[];
  /** The index of each differing call. */
  diffAt: number[];
  kernelRelease: string;
  /** Calls not comparable here, and the oracle's own failures among them. */
  notComparable: number;
  oracleErrors: string[];
  /** Wall time of the real run and of the model's. */
  realMs: number;
  modelMs: number;
}

/** Runs `calls` on both and compares. Calls the oracle cannot compare are left out. */
export async function compareWithRealKernel(calls: readonly KernelCall[], opts: CompareOptions = {}): Promise<Compared> {
  // The model runs in step with the kernel: a call the oracle does not hand to the kernel
  // (not comparable, not run) is not applied to the model either, so both go on from the
  // same state; and an object both create is matched for the ids of later calls.
  const kernel = new Kernel({ version: opts.version ?? '6.18', log: false });
  const modelTraceOut: TraceEntry[] = [];
  let modelMs = 0;
  const k = kernel.internals;
  const ids = (table: Map<number, { id: number }>): Set<number> => new Set([...table.values()].map((o) => o.id).filter((id) => id > 0));
  const step: ModelStep = (i, call, ran) => {
    if (!ran) {
      modelTraceOut[i] = { ret: 0, notComparable: 'not run on the kernel' };
      return undefined;
    }
    const t0 = performance.now();
    const { entry, object } = modelStep(kernel, call);
    modelMs += performance.now() - t0;
    modelTraceOut[i] = entry;
    return { ...(object ? { object } : {}), live: { prog: ids(k.progs), map: ids(k.maps), link: ids(k.links) } };
  };
  const run = await runOnRealKernel(calls, { model: step, ...(opts.lock ? { lock: opts.lock } : {}) });
  // what the oracle could not compare is renumbered in neither trace
  const skip = new Set(run.results.flatMap((r, i) => (r.notComparable ? [i] : [])));
  const real = comparable(calls, run.results, false, skip);
  const model = comparable(calls, modelTraceOut, false, skip);
  const d = diffTraces(calls, model, real);
  return {
    model, real, diffs: d.map((x) => x.line), diffAt: d.map((x) => x.index), kernelRelease: run.kernelRelease,
    notComparable: run.notComparable, oracleErrors: run.results.flatMap((r, i) => (r.oracleError ? [`#${i}: ${r.oracleError}`] : [])),
    realMs: run.ms, modelMs,
  };
}

/** Both traces call by call, differing calls marked with "!", not comparable ones with "~". */
export function formatTraces(calls: readonly KernelCall[], c: Pick<Compared, 'model' | 'real'>): string {
  return calls.map((call, i) => {
    const m = c.model[i], r = c.real[i];
    const mark = r?.notComparable ? '~' : m && r && compared(m) !== compared(r) ? '!' : ' ';
    const model = !m ? '-' : m.notComparable ? `(not applied: ${m.notComparable})` : compared(m);
    const lines = [`${mark} #${i} ${show(call)}`, `      model: ${model}`, `      real:  ${r ? compared(r) : '-'}`];
    if (r?.notComparable) lines.push(`      not comparable: ${r.notComparable}`);
    return lines.join('\n');
  }).join('\n');
}

export interface Shrunk {
  calls: KernelCall[];
  compared: Compared;
  /** How many runs on both it took. */
  runs: number;
}

/**
 * Delta debugging (Zeller's ddmin) over the call list: the smallest sub-list (1-minimal:
 * no single call can go) that still diverges, each candidate run again on both. A
 * candidate counts when some call differs; calls keep their order, and a shorter list is
 * replayed as it is (a removed spawn shifts the pids of the calls after it, which is fine:
 * any sequence on which the two differ is a finding).
 */
export async function shrinkDivergence(calls: readonly KernelCall[], opts: CompareOptions & { maxRuns?: number } = {}): Promise<Shrunk | null> {
  let runs = 0;
  const maxRuns = opts.maxRuns ?? 400;
  const test = async (cs: readonly KernelCall[]): Promise<Compared | null> => {
    runs++;
    const c = await compareWithRealKernel(cs, opts);
    return c.diffs.length && !c.oracleErrors.length ? c : null;
  };
  let best = await test(calls);
  if (!best) return null;
  let cur = [...calls];
  let n = 2;
  while (cur.length >= 2 && runs < maxRuns) {
    const size = Math.ceil(cur.length / n);
    const chunks: KernelCall[][] = [];
    for (let i = 0; i < cur.length; i += size) chunks.push(cur.slice(i, i + size));
    let reduced = false;
    // complements first: they shrink by one chunk at a time and keep the context calls need
    for (let i = 0; i < chunks.length && runs < maxRuns; i++) {
      const candidate = chunks.filter((_, j) => j !== i).flat();
      const c = await test(candidate);
      if (c) {
        cur = candidate;
        best = c;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      for (let i = 0; i < chunks.length && runs < maxRuns && chunks.length > 2; i++) {
        const c = await test(chunks[i]!);
        if (c) {
          cur = chunks[i]!;
          best = c;
          n = 2;
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (n >= cur.length) break;
      n = Math.min(cur.length, 2 * n);
    }
  }
  return { calls: cur, compared: best, runs };
}

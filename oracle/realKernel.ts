/**
 * The real-kernel backend ("kernel oracle"): runs a sequence of KernelCalls on the running
 * Linux kernel, each modelled process a real process, in fresh mount, network and cgroup
 * namespaces, and returns what the kernel did, call by call. Node only; never bundled.
 *
 *   const run = await runOnRealKernel(calls);
 *   run.results[i].ret, .attr (out-parameters decoded), .ran, .notComparable
 *
 * Pids and object ids in the calls are the model's: the model numbers pids from 100 and
 * each kind of id from 1, in creation order, and the oracle maps them to the run's real
 * ones in the same order. Results carry the real numbers; compare after `normalize`.
 */
import { accessSync, constants } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { KernelCall } from '../src/kernel/call';
import { buildHelper, Helper, helperCheck } from './native';
import type { RunLock } from './pool';
import { Run, type ModelStep, type RealCallResult } from './run';

export type { ModelObject, ModelStep, RealCallResult } from './run';

export interface RealRun {
  /** `uname -r` of the kernel the calls ran on. */
  kernelRelease: string;
  results: RealCallResult[];
  /** How many calls could not be compared with the model here (see each `notComparable`). */
  notComparable: number;
  /** How many calls the oracle itself failed on (see each `oracleError`; also not comparable). */
  oracleErrors: number;
  /** Wall time of the whole run, setup and teardown included. */
  ms: number;
  /** The pid of the run's guard (`bpf-oracle run`), which names its cgroup directory. */
  guardPid: number;
  /** What the run's bpffs held at the end (`hideBpffsPreload` drops the kernel's own). */
  bpffs: { path: string; kind: 'dir' | 'prog' | 'map' | 'link' | 'file' }[];
}

export interface RunOptions {
  /** The pid the model gives its first process (default 100, as src/kernel does). */
  firstModelPid?: number;
  /** Called after each call, e.g. to print progress. */
  onResult?: (index: number, call: KernelCall, result: RealCallResult) => void;
  /** Shared by runs going on at the same time (pool.ts): tracepoint triggers run alone. */
  lock?: RunLock;
  /** The model's run in step with this one (differential.ts): applied after each call the
   * kernel saw, it says which object the model created; the model's ids in later calls are
   * then translated object by object, not by creation order. */
  model?: ModelStep;
}

export async function runOnRealKernel(calls: readonly KernelCall[], opts: RunOptions = {}): Promise<RealRun> {
  const t0 = Date.now();
  const { helper, release } = await Helper.start();
  const results: RealCallResult[] = [];
  const guardPid = helper.pid;
  let bpffs: RealRun['bpffs'] | undefined;
  try {
    const run = new Run(helper, opts.firstModelPid ?? 100, opts.lock, opts.model);
    for (const [i, call] of calls.entries()) {
      const r = await run.apply(call, i);
      results.push(r);
      opts.onResult?.(i, call, r);
    }
    bpffs = (await helper.request('bpffs').catch(() => 'bpffs')).split(' ').slice(1).map((h) => {
      const [kind, path] = Buffer.from(h, 'hex').toString().split(' ');
      return { path: path ?? '', kind: kind as RealRun['bpffs'][number]['kind'] };
    });
  } finally {
    await helper.close();
  }
  return {
    kernelRelease: release, guardPid, results, notComparable: results.filter((r) => r.notComparable).length,
    oracleErrors: results.filter((r) => r.oracleError).length, ms: Date.now() - t0, bpffs: bpffs ?? [],
  };
}

let cachedCheck: { ok: true } | { ok: false; why: string } | undefined;

/** Whether this machine can run the oracle, and if not, one line saying why. */
export function canRunRealKernel(): { ok: true } | { ok: false; why: string } {
  if (cachedCheck) return cachedCheck;
  const no = (why: string): { ok: false; why: string } => (cachedCheck = { ok: false, why });
  if (process.platform !== 'linux') return no(`not Linux (${process.platform})`);
  if (typeof process.geteuid === 'function' && process.geteuid() !== 0) return no('not root: the real-kernel oracle needs root');
  try { accessSync('/sys/kernel/btf/vmlinux', constants.R_OK); } catch { return no('no /sys/kernel/btf/vmlinux (kernel built without BTF)'); }
  try { execFileSync('cc', ['--version'], { stdio: 'ignore' }); } catch { return no('no C compiler (cc) to build oracle/native'); }
  let bin: string;
  try { bin = buildHelper(); } catch (e) { return no(`oracle/native does not build: ${(e as Error).message.split('\n')[0]}`); }
  const why = helperCheck(bin);
  return why ? no(why) : (cachedCheck = { ok: true });
}

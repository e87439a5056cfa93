/**
 * The model against the real kernel, timed (run by `npm run bench`, see bench/run.ts): the
 * same call sequences on the model and, as root, on the running Linux kernel through the
 * oracle (oracle/realKernel.ts), in one run, as medians and their ratio.
 *
 * Sequences: the selftest link_pinning (pin_raw_tp, as oracle/scenarios/facts.ts has it)
 * and one random 30-call sequence of the differential tests' generator (6.18, without
 * trampolines, fixed seed). Model: a fresh `createKernel()` (log on, as the playground
 * runs it) per repetition. Real kernel: one whole oracle run per repetition, namespaces
 * and teardown included, and the calls alone (each call's syscall round trip plus the
 * settling after it, which waits for the kernel's deferred frees).
 *
 * Skipped with one line where the real kernel cannot be used (not root, no bpf(), ...).
 */
import fc from 'fast-check';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { KernelCall } from '../src/kernel/call';
import { createKernel } from '../src/kernel/index';
import { callSequence } from '../src/kernel/testing/arbitraries';
import { canRunRealKernel, runOnRealKernel } from '../oracle/realKernel';
import { FACTS } from '../oracle/scenarios/facts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Median ms of one run of `calls` on a fresh model, over `reps` timed batches. */
function modelMs(calls: readonly KernelCall[], reps: number): number {
  const once = (): void => {
    const k = createKernel();
    for (const c of calls) k.apply(structuredClone(c));
  };
  for (let i = 0; i < 50; i++) once(); // warm up the JIT
  const perBatch = 20;
  return median(Array.from({ length: reps }, () => {
    const t0 = performance.now();
    for (let i = 0; i < perBatch; i++) once();
    return (performance.now() - t0) / perBatch;
  }));
}

/** Median ms of a whole oracle run and of its calls alone, over `reps` runs. */
async function realMs(calls: readonly KernelCall[], reps: number): Promise<{ run: number; calls: number; notComparable: number }> {
  const runs: number[] = [];
  const callMs: number[] = [];
  let notComparable = 0;
  await runOnRealKernel(calls); // build the helper, warm the caches
  for (let i = 0; i < reps; i++) {
    const r = await runOnRealKernel(calls);
    runs.push(r.ms);
    callMs.push(r.results.reduce((n, x) => n + x.ms + x.settleMs, 0));
    notComparable = r.notComparable;
  }
  return { run: median(runs), calls: median(callMs), notComparable };
}

export default async function oracleBench(): Promise<void> {
  const can = canRunRealKernel();
  if (!can.ok) {
    console.log(`oracle bench: skipped, the real kernel cannot be used here: ${can.why}`);
    return;
  }
  const reps = Number(process.env.BENCH_REPS ?? 7);
  const random = fc.sample(callSequence({ length: 30, version: '6.18', families: ['tracing', 'cgroup', 'xdp'] }), { numRuns: 1, seed: 20260101 })[0]!;
  const sequences: [string, readonly KernelCall[]][] = [
    ['link_pinning (pin_raw_tp)', FACTS['linkPinning: pin_raw_tp: BPF_RAW_TRACEPOINT_OPEN, pin, close, get, unlink, close']!],
    ['random sequence (seed 20260101)', random],
  ];
  console.log(`\nload average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  console.log(`model vs real kernel, the same calls (median of ${reps}; real: a whole oracle run, and its calls with their settling):`);
  console.log(`  ${'sequence'.padEnd(34)} calls   model ms   real run ms   real calls ms   real/model`);
  for (const [name, calls] of sequences) {
    const m = modelMs(calls, reps);
    const r = await realMs(calls, reps);
    console.log(`  ${name.padEnd(34)} ${String(calls.length).padStart(5)} ${fmt(m, 3).padStart(10)} ${fmt(r.run, 1).padStart(13)} ${fmt(r.calls, 1).padStart(15)}   x${fmt(r.run / m)}` +
      (r.notComparable ? `  (${r.notComparable} not comparable here)` : ''));
  }
  console.log('');
}

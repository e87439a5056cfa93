/**
 * Kernel model benchmarks (run by `npm run bench`, see bench/run.ts):
 *
 * 1. syscalls per second for a realistic mix: spawn, map create, prog load (raw_tp, using the
 *    map), raw tracepoint attach, pin the link, get it back, close every fd, unlink, exit;
 *    with the event log on (the default) and off (`createKernel({ log: false })`).
 * 2. `snapshot()` at 10, 1,000 and 10,000 live objects (programs + maps + links + open
 *    files + pins), each sample a fresh snapshot (a failing `close` in between drops the
 *    cached one; only `snapshot()` is timed), with the cost per object to show the growth.
 *
 * Medians over several repetitions. Targets on the project's 2-core machine: at least
 * 1,000,000 syscalls/s; a snapshot of 1,000 objects in at most 1 ms; linear growth.
 */
import { performance } from 'node:perf_hooks';
import { createKernel, type Kernel } from '../src/kernel/index';

const TARGET_CALLS_PER_S = 1_000_000;
const TARGET_SNAPSHOT_1000_MS = 1;
/** Linear enough: the cost per object at 10,000 objects is at most this times that at 1,000. */
const LINEAR_FACTOR = 2;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** One round of the mix: 12 calls, every one expected to succeed. */
const CALLS_PER_ROUND = 12;
function round(k: Kernel, pin: string): number {
  let bad = 0;
  const pid = k.spawn('loader');
  const ok = (r: number): void => {
    if (r < 0) bad++;
  };
  const map = k.bpf(pid, 'BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1, map_name: 'counts' });
  const prog = k.bpf(pid, 'BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', prog_name: 'on_enter', fd_array: [map] });
  const link = k.bpf(pid, 'BPF_RAW_TRACEPOINT_OPEN', { prog_fd: prog, name: 'sys_enter' });
  ok(k.bpf(pid, 'BPF_OBJ_PIN', { bpf_fd: link, pathname: pin }));
  const got = k.bpf(pid, 'BPF_OBJ_GET', { pathname: pin });
  for (const fd of [map, prog, link, got]) ok(fd);
  ok(k.close(pid, got));
  ok(k.close(pid, link));
  ok(k.close(pid, prog));
  ok(k.close(pid, map));
  ok(k.unlink(pid, pin));
  ok(k.exit(pid));
  if (pid <= 0) bad++;
  return bad;
}

function syscallsPerSecond(log: boolean, rounds: number): { perS: number; failed: number } {
  const k = createKernel({ log });
  let failed = 0;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) failed += round(k, '/sys/fs/bpf/link');
  const ms = performance.now() - t0;
  return { perS: (rounds * CALLS_PER_ROUND) / (ms / 1000), failed };
}

/** A kernel with at least `n` live objects: groups of (map, prog using it, raw_tp link,
 * their three files, a pin of the link), a process per 300 groups. */
function kernelWith(n: number): { k: Kernel; pid: number; objects: number } {
  const k = createKernel({ log: false });
  const count = (): number => {
    const s = k.snapshot();
    return s.progs.length + s.maps.length + s.links.length + s.files.length + s.bpffs.filter((e) => e.kind === 'pin').length;
  };
  let pid = k.spawn('holder');
  let inProc = 0;
  let g = 0;
  // a process alone is one object (its terminal file)
  while (count() < n) {
    if (n - count() < 7) {
      // top up with single maps to land on n
      k.bpf(pid, 'BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1 });
      continue;
    }
    if (inProc === 300) {
      pid = k.spawn('holder');
      inProc = 0;
    }
    const map = k.bpf(pid, 'BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1 });
    const prog = k.bpf(pid, 'BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', fd_array: [map] });
    const link = k.bpf(pid, 'BPF_RAW_TRACEPOINT_OPEN', { prog_fd: prog, name: 'sys_enter' });
    if (map < 0 || prog < 0 || link < 0) throw new Error(`building the state failed (${map}, ${prog}, ${link})`);
    if (k.bpf(pid, 'BPF_OBJ_PIN', { bpf_fd: link, pathname: `/sys/fs/bpf/l${g++}` }) !== 0) throw new Error('pin failed');
    inProc++;
  }
  return { k, pid, objects: count() };
}

/** Median time of a fresh `snapshot()` (ms), over `samples` samples. */
function snapshotMs(k: Kernel, pid: number, samples: number): number {
  const times: number[] = [];
  for (let i = 0; i < samples + 3; i++) {
    if (k.close(pid, 100_000) >= 0) throw new Error('the cache-dropping close should fail');
    const t0 = performance.now();
    const s = k.snapshot();
    const t = performance.now() - t0;
    if (s.progs.length < 0) throw new Error('unreachable');
    if (i >= 3) times.push(t); // the first samples warm up
  }
  return median(times);
}

export default async function kernelBench(): Promise<void> {
  const reps = Number(process.env.BENCH_REPS ?? 7);
  // warm up the JIT
  syscallsPerSecond(true, 2000);
  syscallsPerSecond(false, 2000);

  const rounds = 20_000;
  const results: { name: string; perS: number }[] = [];
  for (const log of [true, false]) {
    const xs: number[] = [];
    for (let r = 0; r < reps; r++) {
      const { perS, failed } = syscallsPerSecond(log, rounds);
      if (failed) throw new Error(`the syscall mix had ${failed} failing calls`);
      xs.push(perS);
    }
    results.push({ name: log ? 'log on' : 'log off (createKernel({ log: false }))', perS: median(xs) });
  }
  console.log(`\nsyscalls/s, realistic mix (${CALLS_PER_ROUND} calls per round, ${fmt(rounds)} rounds, median of ${reps}):`);
  console.log('  kernel                                      calls/s     µs/call   target');
  for (const r of results) {
    const met = r.perS >= TARGET_CALLS_PER_S;
    console.log(`  ${r.name.padEnd(40)} ${fmt(r.perS).padStart(12)} ${fmt(1e6 / r.perS, 3).padStart(10)}   ≥ ${fmt(TARGET_CALLS_PER_S)}: ${met ? 'met' : 'MISSED'}`);
  }

  const sizes = [10, 1_000, 10_000];
  const snaps: { n: number; objects: number; ms: number }[] = [];
  for (const n of sizes) {
    const { k, pid, objects } = kernelWith(n);
    const samples = n <= 1000 ? 201 : 41;
    const ms = median(Array.from({ length: reps }, () => snapshotMs(k, pid, samples)));
    snaps.push({ n, objects, ms });
  }
  console.log(`\nsnapshot() of a fresh state (median over ${reps} runs of many samples each):`);
  console.log('  objects        ms   µs/object');
  for (const s of snaps) console.log(`  ${fmt(s.objects).padStart(7)} ${fmt(s.ms, 4).padStart(9)} ${fmt((s.ms * 1000) / s.objects, 3).padStart(11)}`);
  const at1k = snaps.find((s) => s.n === 1_000)!;
  const at10k = snaps.find((s) => s.n === 10_000)!;
  const perObj1k = at1k.ms / at1k.objects;
  const perObj10k = at10k.ms / at10k.objects;
  console.log(`  target: 1,000 objects in ≤ ${TARGET_SNAPSHOT_1000_MS} ms: ${at1k.ms <= TARGET_SNAPSHOT_1000_MS ? 'met' : 'MISSED'} (${fmt(at1k.ms, 3)} ms)`);
  console.log(`  target: linear growth (cost per object at 10,000 ≤ ${LINEAR_FACTOR}× that at 1,000): ${perObj10k <= LINEAR_FACTOR * perObj1k ? 'met' : 'MISSED'} (${fmt(perObj10k / perObj1k, 2)}×)`);
  console.log('');
}

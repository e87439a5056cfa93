/**
 * Every hand-written scenario of the test suite, as KernelCall lists for the differential
 * tests (oracle/scenarios.diff.test.ts):
 * - the cgroup, XDP, link update and detach scenarios of attachScenarios.ts (with the
 *   selftests cgroup_link and xdp_link);
 * - the BPF iterator scenarios of iter.ts (loads, iterator links and their iter_info,
 *   BPF_ITER_CREATE, open() of pins, who holds what);
 * - the call lists of the oracle's own tests (facts.ts: link_pinning, errnos, processes,
 *   triggers, attachments);
 * - every sequence the model's own tests apply to a 6.18 kernel (recorded.ts: the
 *   link_pinning, cgroup_link and xdp_link replays, the errno paths of core.md and
 *   attach-targets.md, the regressions, ...).
 *
 * This kernel build refuses trampoline loads (fentry, fexit, fmod_ret, lsm, freplace) with
 * EPERM: such a load is not comparable and not applied to the model either (run.ts
 * `notRun`), so both go on without that program and the rest of the sequence compares.
 */
import { serialize } from 'node:v8';
import type { KernelCall } from '../../src/kernel/call';
import { SCENARIOS as ATTACH } from '../attachScenarios';
import { FACTS } from './facts';
import { ITER_SCENARIOS } from './iter';
import { recordedSequences } from './recorded';

export interface DiffScenario {
  name: string;
  calls: KernelCall[];
}

/** All scenarios, duplicates (the same calls under another name) dropped. */
export function allScenarios(): DiffScenario[] {
  const list: [string, KernelCall[]][] = [
    ...Object.entries(ATTACH).map(([n, f]): [string, KernelCall[]] => [`attach: ${n}`, f()]),
    ...Object.entries(ITER_SCENARIOS).map(([n, f]): [string, KernelCall[]] => [n, f()]),
    ...Object.entries(FACTS).map(([n, calls]): [string, KernelCall[]] => [`oracle: ${n}`, calls]),
    ...recordedSequences().map((s): [string, KernelCall[]] => [`model test ${s.name}`, s.calls]),
  ];
  const seen = new Set<string>();
  const out: DiffScenario[] = [];
  for (const [name, calls] of list) {
    if (!calls.some((c) => c?.call !== 'spawn')) continue; // nothing to compare
    const key = serialize(calls).toString('base64');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name, calls });
  }
  return out;
}

/**
 * Every hand-written scenario of the test suite, as KernelCall lists for the differential
 * tests (oracle/scenarios.diff.test.ts):
 * - the cgroup, XDP, link update and detach scenarios of attachScenarios.ts (with the
 *   selftests cgroup_link and xdp_link);
 * - the call lists of the oracle's own tests (facts.ts: link_pinning, errnos, processes,
 *   triggers, attachments);
 * - every sequence the model's own tests apply to a 6.18 kernel (recorded.ts: the
 *   link_pinning, cgroup_link and xdp_link replays, the errno paths of core.md and
 *   attach-targets.md, the regressions, ...).
 *
 * This kernel build refuses trampoline loads (fentry, fexit, fmod_ret, lsm, freplace) with
 * EPERM: a sequence is cut before the first such load the model accepts (what follows
 * depends on a program the real kernel does not have), and the cut is reported.
 */
import { serialize } from 'node:v8';
import type { KernelCall } from '../../src/kernel/call';
import { Kernel } from '../../src/kernel/kernel';
import { SCENARIOS as ATTACH } from '../attachScenarios';
import { FACTS } from './facts';
import { recordedSequences } from './recorded';

export interface DiffScenario {
  name: string;
  calls: KernelCall[];
  /** Calls left out at the end, and why. */
  cut?: { calls: number; why: string };
}

const TRAMPOLINE_TYPES = new Set(['BPF_PROG_TYPE_LSM', 'BPF_PROG_TYPE_EXT', 28, 29]);
const TRAMPOLINE_EATS = new Set(['BPF_TRACE_FENTRY', 'BPF_TRACE_FEXIT', 'BPF_MODIFY_RETURN', 24, 25, 26]);

/** Whether a call is a program load this kernel build refuses (trampolines). */
export function isTrampolineLoad(c: KernelCall): boolean {
  if (c?.call !== 'bpf' || c.cmd !== 'BPF_PROG_LOAD' || typeof c.attr !== 'object' || c.attr === null) return false;
  const { prog_type: t, expected_attach_type: e } = c.attr;
  return TRAMPOLINE_TYPES.has(t as string) || ((t === 'BPF_PROG_TYPE_TRACING' || t === 26) && TRAMPOLINE_EATS.has(e as string));
}

/** `calls` up to the first trampoline load the model accepts (6.18). */
export function runnableHere(name: string, calls: readonly KernelCall[]): DiffScenario {
  const k = new Kernel({ version: '6.18', log: false });
  for (const [i, c] of calls.entries()) {
    if (isTrampolineLoad(c) && k.apply(structuredClone(c)).ret >= 0) {
      return { name, calls: calls.slice(0, i), cut: { calls: calls.length - i, why: `call ${i} loads a trampoline program (refused by this kernel build)` } };
    }
    if (!isTrampolineLoad(c)) k.apply(structuredClone(c));
  }
  return { name, calls: [...calls] };
}

/** All scenarios, duplicates (the same calls under another name) dropped. */
export function allScenarios(): DiffScenario[] {
  const list: [string, KernelCall[]][] = [
    ...Object.entries(ATTACH).map(([n, f]): [string, KernelCall[]] => [`attach: ${n}`, f()]),
    ...Object.entries(FACTS).map(([n, calls]): [string, KernelCall[]] => [`oracle: ${n}`, calls]),
    ...recordedSequences().map((s): [string, KernelCall[]] => [`model test ${s.name}`, s.calls]),
  ];
  const seen = new Set<string>();
  const out: DiffScenario[] = [];
  for (const [name, calls] of list) {
    const s = runnableHere(name, calls);
    if (!s.calls.some((c) => c?.call !== 'spawn')) continue; // nothing left to compare
    const key = serialize(s.calls).toString('base64');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s);
  }
  return out;
}

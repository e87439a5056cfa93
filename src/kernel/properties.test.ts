/**
 * Property tests of the kernel model over random call sequences (arbitraries in
 * testing/arbitraries.ts). After every call: no throw, the invariants hold, a failed call
 * changes nothing, a trigger runs exactly what is attached (live programs only), a new fd
 * is the lowest free one (testing/checked.ts). After every sequence: every process exits
 * and every pin is unlinked, and then nothing is left.
 *
 * FC_SEED=<n> replays one run; FC_RUNS=<n> overrides the number of runs on 6.18.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKernel } from './index';
import { callSequence } from './testing/arbitraries';
import { checkSequence } from './testing/checked';

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 1000;

const VERSIONS: [version: string, runs: number][] = [
  ['6.18', RUNS],
  ['5.6', 150],
  ['5.7', 150],
  ['5.8', 150],
];

describe('random call sequences', () => {
  for (const [version, numRuns] of VERSIONS) {
    it(`keep the invariants on ${version} (${numRuns} sequences of 50 calls)`, () => {
      fc.assert(
        fc.property(callSequence({ version, length: 50 }), (calls) => {
          const problem = checkSequence(version, calls);
          if (problem) throw new Error(problem);
        }),
        { numRuns, seed: SEED, endOnFailure: false },
      );
    }, 120_000);
  }
});

describe('the call arbitrary', () => {
  it('produces mostly meaningful calls', () => {
    const counts = new Map<string, { ok: number; all: number }>();
    let ok = 0;
    let all = 0;
    let ran = 0;
    for (const calls of fc.sample(callSequence({ length: 50 }), { numRuns: 200, seed: 42 })) {
      const kernel = createKernel({ log: false });
      for (const c of calls) {
        const r = kernel.apply(structuredClone(c));
        const key = c.call === 'bpf' ? String(c.cmd) : String((c as { call?: unknown }).call);
        const e = counts.get(key) ?? { ok: 0, all: 0 };
        e.all++;
        all++;
        if (r.ret >= 0) {
          e.ok++;
          ok++;
        }
        if (r.ran?.length) ran++;
        counts.set(key, e);
      }
    }
    // a good share succeeds, and every meaningful kind of call succeeds sometimes
    expect(ok / all).toBeGreaterThan(0.4);
    expect(ran).toBeGreaterThan(50);
    for (const key of ['spawn', 'fork', 'exit', 'close', 'dup', 'open', 'mkdir', 'rmdir', 'unlink', 'rename', 'trigger',
      'BPF_MAP_CREATE', 'BPF_PROG_LOAD', 'BPF_RAW_TRACEPOINT_OPEN', 'BPF_LINK_CREATE', 'BPF_OBJ_PIN', 'BPF_OBJ_GET',
      'BPF_PROG_GET_NEXT_ID', 'BPF_LINK_GET_FD_BY_ID', 'BPF_OBJ_GET_INFO_BY_FD']) {
      const e = counts.get(key);
      expect(e?.ok ?? 0, `${key}: ${e?.ok ?? 0} of ${e?.all ?? 0} succeed`).toBeGreaterThan((e?.all ?? 0) * 0.05);
    }
  });
});

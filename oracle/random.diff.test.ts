/**
 * Random call sequences from the property tests' generator (src/kernel/testing/arbitraries:
 * `callSequence`, 6.18, without the 'trampoline' family this kernel build refuses) run on
 * the model and on the real kernel; the normalized traces must be equal call by call.
 * ORACLE_SEQUENCES (default 1,000) sequences of ORACLE_LENGTH (30) calls, seed ORACLE_SEED,
 * ORACLE_PARALLEL (2) runs at a time. A divergence is shrunk (delta debugging over the call
 * list, re-running on both) and printed with both traces; one of each kind is shrunk.
 */
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import type { KernelCall } from '../src/kernel/call';
import { callSequence, FAMILIES } from '../src/kernel/testing/arbitraries';
import { newCounts, report, runAll, SETTINGS, signature, type Outcome } from './diffSuite';
import { describeReal, realKernelUsable } from './testing';

const { sequences: N, length, seed } = SETTINGS;
const CHUNK = 100;
const seqs: KernelCall[][] = realKernelUsable
  ? fc.sample(callSequence({ length, version: '6.18', families: FAMILIES.filter((f) => f !== 'trampoline') }), { numRuns: N, seed }) : [];
const counts = { ...newCounts(), sequences: seqs.length };
let outcomes: Outcome[] = [];
const shrunk = new Set<string>();

describeReal(`random sequences: ${N} x ${length} calls (seed ${seed}): the model and the real kernel agree`, () => {
  beforeAll(async () => {
    outcomes = await runAll(seqs, counts);
  }, 900_000);

  for (let from = 0; from < seqs.length; from += CHUNK) {
    const to = Math.min(seqs.length, from + CHUNK);
    it(`sequences ${from + 1}-${to}`, async () => {
      const bad = outcomes.slice(from, to).map((o, j) => ({ o, n: from + j })).filter(({ o }) => o.compared.diffs.length || o.compared.oracleErrors.length);
      if (!bad.length) return;
      const reports: string[] = [];
      for (const { o, n } of bad) {
        const sig = signature(o);
        const title = `sequence ${n + 1} (seed ${seed}, ORACLE_SEQUENCES=${n + 1} reaches it)`;
        if (shrunk.has(sig)) reports.push(`${title}: diverges like one shown before (${sig}); first difference:\n${o.compared.diffs[0] ?? ''}`);
        else {
          shrunk.add(sig);
          reports.push(await report(title, o));
        }
      }
      expect.fail(`${bad.length} of ${to - from} sequences diverge:\n\n${reports.join('\n\n')}`);
    }, 600_000);
  }

  it('counts (the closing line)', ({ task }) => {
    task.meta.oracle = counts;
    expect(counts.oracleErrors).toBe(0);
  });
});

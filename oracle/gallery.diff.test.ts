/**
 * Every scenario file (the example gallery: scenarios/scn.ts)
 * runs on the model and its KernelCalls (each step's, a libbpf load's or a bpftool line's
 * syscalls included) run on the real kernel; the normalized traces must be equal call by
 * call. A scenario written for another release than this kernel's is not compared (one
 * test says so). Skipped with one line where the real kernel cannot be used.
 */
import { release } from 'node:os';
import { beforeAll, expect, it } from 'vitest';
import { newCounts, report, runAll, type Outcome } from './diffSuite';
import { releaseOf, scnScenarios, type ScnScenario } from './scenarios/scn';
import { describeReal, realKernelUsable } from './testing';

const here = releaseOf(release());
const all: ScnScenario[] = realKernelUsable ? await scnScenarios() : [];
const compared = all.filter((s) => s.version === here);
const other = all.filter((s) => s.version !== here);
const counts = { ...newCounts(), scenarios: compared.length };
let outcomes: Outcome[] = [];

describeReal(`scenario files on the real kernel: the model and Linux agree (${compared.length})`, () => {
  beforeAll(async () => {
    outcomes = await runAll(compared.map((s) => s.calls), counts);
  }, 600_000);

  compared.forEach((s, i) => {
    it(`${s.name} (${s.calls.length} calls)`, async () => {
      const o = outcomes[i]!;
      expect(o.compared.oracleErrors, 'the oracle failed on some calls').toEqual([]);
      if (o.compared.diffs.length) expect.fail(await report(s.name, o));
      // the scenario's own calls reached the kernel (not all "not comparable")
      expect(o.compared.notComparable).toBeLessThan(s.calls.length);
    }, 120_000);
  });

  it.skipIf(other.length === 0)(`not compared: written for another release than ${here} (${other.map((s) => `${s.name}: ${s.version}`).join(', ')})`, () => {
    expect(other.every((s) => s.version !== here)).toBe(true);
  });

  it('counts (the closing line)', ({ task }) => {
    task.meta.oracle = counts;
    expect(counts.oracleErrors).toBe(0);
  });
});

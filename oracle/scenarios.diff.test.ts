/**
 * Every hand-written scenario of the test suite (oracle/scenarios: the attach scenarios,
 * the oracle's own call lists, every 6.18 sequence the model's tests apply) runs on the
 * model and on the real kernel, and the normalized traces (returns, fds, errnos, info and
 * query outputs, what ran; ids renumbered by first appearance) must be equal call by call.
 * A divergence is shrunk to the fewest calls that still diverge and printed with both
 * traces. Skipped with one line where the real kernel cannot be used.
 */
import { beforeAll, expect, it } from 'vitest';
import { newCounts, report, runAll, type Outcome } from './diffSuite';
import { allScenarios, type DiffScenario } from './scenarios/index';
import { describeReal, realKernelUsable } from './testing';

const scenarios: DiffScenario[] = realKernelUsable ? allScenarios() : [];
const counts = { ...newCounts(), scenarios: scenarios.length };
let outcomes: Outcome[] = [];

describeReal(`hand-written scenarios: the model and the real kernel agree (${scenarios.length})`, () => {
  beforeAll(async () => {
    outcomes = await runAll(scenarios.map((s) => s.calls), counts);
  }, 600_000);

  scenarios.forEach((s, i) => {
    it(s.name, async () => {
      const o = outcomes[i]!;
      expect(o.compared.oracleErrors, 'the oracle failed on some calls').toEqual([]);
      if (o.compared.diffs.length) expect.fail(await report(s.name, o));
    }, 120_000);
  });

  it('counts (the closing line)', ({ task }) => {
    task.meta.oracle = counts;
    expect(counts.oracleErrors).toBe(0);
  });
});

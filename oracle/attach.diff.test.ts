/**
 * The model against the real kernel: every hand-written cgroup, XDP, BPF_LINK_UPDATE and
 * BPF_LINK_DETACH scenario of attachScenarios.ts runs on both, and the normalized traces
 * (returns, fds, errnos, query and info outputs, what ran; ids renumbered) must be equal,
 * call by call. Skipped with one line where the real kernel cannot be used.
 */
import { expect, it } from 'vitest';
import { SCENARIOS } from './attachScenarios';
import { compareWithRealKernel } from './differential';
import { describeReal, TIMEOUT } from './testing';

describeReal('cgroup, XDP, link update and detach: the model and the real kernel agree', () => {
  for (const [name, build] of Object.entries(SCENARIOS)) {
    it(name, async () => {
      const calls = build();
      const r = await compareWithRealKernel(calls);
      expect(r.diffs, `${r.diffs.length} of ${calls.length} calls differ on ${r.kernelRelease}:\n${r.diffs.join('\n')}`).toEqual([]);
      // every call was compared (none the oracle could not run)
      expect(r.real.filter((e) => e.notComparable).map((e) => e.notComparable)).toEqual([]);
    }, TIMEOUT);
  }
});

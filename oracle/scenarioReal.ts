/**
 * `npm run scenario -- --real FILE`: after the scenario ran on the model, its KernelCalls
 * (every step's, a libbpf load's or a bpftool line's syscalls included: `kernelCalls`) run
 * on this machine's Linux kernel and the two traces are compared call by call (returns,
 * fds, errnos, info and query outputs, what ran; ids renumbered by first appearance). A
 * difference is reported at the scenario line whose step made the call. Agreement means
 * every expectation about a call's result (ok, errno, ret, ran, output) holds on Linux too.
 */
import type { KernelCall } from '../src/kernel/call';
import { kernelCalls, type ScenarioRun } from '../src/scenario/index';
import { compareWithRealKernel, show } from './differential';
import { canRunRealKernel } from './realKernel';
import { releaseOf } from './scenarios/scn';

/** Exit codes: 0 agree, 1 they differ (or the oracle failed), 3 the real kernel cannot be used here. */
export interface RealReport { code: 0 | 1 | 3; out: string }

/** For each call, the step (index into run.steps) that made it. */
export function stepOfCalls(run: Pick<ScenarioRun, 'steps'>): number[] {
  return run.steps.flatMap((s, i) => (s.result.calls ?? []).map(() => i));
}

export async function onRealKernel(run: ScenarioRun, file: string): Promise<RealReport> {
  const can = canRunRealKernel();
  if (!can.ok) return { code: 3, out: `real kernel: cannot run here: ${can.why}` };
  const calls: KernelCall[] = kernelCalls(run);
  const steps = stepOfCalls(run);
  const c = await compareWithRealKernel(calls, { version: run.version });
  const lines: string[] = [];
  const here = releaseOf(c.kernelRelease);
  if (here !== run.version) lines.push(`note: the scenario runs as Linux ${run.version}, this kernel is ${here}: differences may be the releases'`);
  const where = (i: number): string => {
    const step = steps[i]!;
    return `${file}:${run.stepLines[step] ?? 0}: step ${step}, call #${i}`;
  };
  for (const i of c.diffAt) {
    lines.push(`✗ ${where(i)} ${show(calls[i])}`, `    model: ${show(c.model[i])}`, `    linux: ${show(c.real[i])}`);
  }
  for (const e of c.oracleErrors) lines.push(`✗ the oracle failed (a bug of the oracle): ${e}`);
  calls.forEach((call, i) => {
    const why = c.real[i]?.notComparable;
    if (why) lines.push(`~ ${where(i)} ${show(call)}: not comparable here: ${why}`);
  });
  const differ = c.diffs.length > 0 || c.oracleErrors.length > 0;
  lines.push(`real kernel ${c.kernelRelease}: ${calls.length} calls, ${c.diffs.length} differ, ${c.notComparable} not comparable here` +
    ` (real ${c.realMs} ms, model ${c.modelMs.toFixed(1)} ms)` +
    (differ ? '' : ': the model and Linux agree on every comparable call of this scenario'));
  return { code: differ ? 1 : 0, out: lines.join('\n') };
}

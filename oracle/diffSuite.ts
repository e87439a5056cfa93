/**
 * What the differential test files share: settings from the environment, running many
 * sequences on both (two at a time by default), shrinking a divergence, the report, and
 * the counts behind the closing line (diffReporter.ts).
 *
 * Environment:
 *   ORACLE_SEQUENCES  random sequences (default 1000)      ORACLE_LENGTH  calls each (default 30)
 *   ORACLE_SEED       fast-check seed (default 20260101)   ORACLE_PARALLEL runs at once (default 2)
 */
import type { KernelCall } from '../src/kernel/call';
import { compareWithRealKernel, formatTraces, shrinkDivergence, show, type Compared } from './differential';
import { inPool, RunLock } from './pool';

const int = (name: string, dflt: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : dflt;
};

export const SETTINGS = {
  sequences: int('ORACLE_SEQUENCES', 1000),
  length: int('ORACLE_LENGTH', 30),
  seed: int('ORACLE_SEED', 20260101),
  parallel: int('ORACLE_PARALLEL', 2),
};

/** The counts one test file reports (summed by diffReporter.ts into the closing line). */
export interface DiffCounts {
  scenarios: number;
  sequences: number;
  calls: number;
  notComparable: number;
  divergent: number;
  oracleErrors: number;
  realMs: number;
  modelMs: number;
  kernelRelease: string;
}

declare module 'vitest' {
  interface TaskMeta { oracle?: DiffCounts }
}

export interface Outcome {
  calls: readonly KernelCall[];
  compared: Compared;
}

/** Runs every sequence on both, `SETTINGS.parallel` at a time; counts into `counts`. */
export async function runAll(seqs: readonly (readonly KernelCall[])[], counts: DiffCounts): Promise<Outcome[]> {
  const lock = new RunLock();
  return inPool(seqs, SETTINGS.parallel, async (calls) => {
    const compared = await compareWithRealKernel(calls, { lock });
    counts.calls += calls.length;
    counts.notComparable += compared.notComparable;
    counts.oracleErrors += compared.oracleErrors.length;
    counts.realMs += compared.realMs;
    counts.modelMs += compared.modelMs;
    counts.kernelRelease = compared.kernelRelease;
    if (compared.diffs.length) counts.divergent++;
    return { calls, compared };
  });
}

export const newCounts = (): DiffCounts => ({
  scenarios: 0, sequences: 0, calls: 0, notComparable: 0, divergent: 0, oracleErrors: 0, realMs: 0, modelMs: 0, kernelRelease: '',
});

/** What a divergence is about: the first differing call's kind (to shrink one of each). */
export function signature(o: Outcome): string {
  const i = o.compared.diffAt[0] ?? -1;
  const c = o.calls[i] as { call?: unknown; cmd?: unknown } | undefined;
  return `${String(c?.call)}:${String(c?.cmd ?? '')}:${o.compared.model[i]?.ret}/${o.compared.real[i]?.ret}`;
}

/**
 * The report of a divergence: shrunk (delta debugging, re-running on both) to the fewest
 * calls that still diverge, as JSON to paste into a test, and both traces call by call.
 */
export async function report(title: string, o: Outcome): Promise<string> {
  const lines = [`${title}: ${o.compared.diffs.length} of ${o.calls.length} calls differ on ${o.compared.kernelRelease}`];
  if (o.compared.oracleErrors.length) lines.push(`oracle errors:\n  ${o.compared.oracleErrors.join('\n  ')}`);
  const shrunk = o.compared.diffs.length ? await shrinkDivergence(o.calls) : null;
  if (!shrunk) {
    lines.push('(it did not diverge again when re-run: the full sequence and its first traces follow)',
      formatTraces(o.calls, o.compared));
    return lines.join('\n');
  }
  lines.push(`shrunk to ${shrunk.calls.length} call(s) in ${shrunk.runs} run(s) on both:`,
    `[\n  ${shrunk.calls.map((c) => show(c)).join(',\n  ')},\n]`,
    'traces ("!" differs, "~" not comparable here):', formatTraces(shrunk.calls, shrunk.compared));
  return lines.join('\n');
}

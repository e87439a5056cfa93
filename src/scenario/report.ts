/** A run as text: each step with its kernel log, each expectation with ✓ or ✗ (the headless runner prints this). */
import { resultText } from '../store/command';
import { formatError } from './ast';
import type { ScenarioRun } from './run';

export function report(run: ScenarioRun, file = 'scenario', opts: { log?: boolean } = {}): string {
  const out: string[] = [`${run.title ?? file} (Linux ${run.version})`];
  const byStep = new Map<number, typeof run.expectations>();
  for (const e of run.expectations) byStep.set(e.step, [...(byStep.get(e.step) ?? []), e]);
  for (const s of run.steps) {
    if (s.index > 0) {
      const res = s.command ? resultText(s.command, s.result) : '';
      out.push(`[${s.index}] line ${run.stepLines[s.index]}: ${s.caption}${s.command?.caption ? `  (${res})` : ''}`);
      if (opts.log !== false) for (const e of s.result.events) out.push(`      ${e.text}`);
      if (s.result.output) for (const l of s.result.output.split('\n')) out.push(`    | ${l}`);
    }
    for (const e of byStep.get(s.index) ?? []) {
      out.push(`  ${e.ok ? '✓' : '✗'} ${file}:${e.line}:${e.col}: ${e.text}${e.ok ? '' : ` — ${e.message}`}`);
    }
  }
  if (run.error) out.push(`error: ${formatError(run.error, file)}`);
  const failed = run.expectations.filter((e) => !e.ok).length;
  out.push(`${run.expectations.length - failed} of ${run.expectations.length} expectations held${run.error ? '; the run stopped at an error' : ''}`);
  return out.join('\n');
}

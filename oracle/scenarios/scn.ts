/**
 * Scenario files (`.scn`: the example gallery, any file
 * given to `npm run scenario -- --real`) as KernelCall lists: each is run on the model
 * (src/scenario), and the calls every step made (a libbpf load or a bpftool line: its
 * strace, `kernelCalls`) are what the real kernel runs. A scenario written for another
 * release than the running kernel's is listed with the reason it is not compared.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { KernelCall } from '../../src/kernel/call';
import { formatError, kernelCalls, parse, runScenario, type ScenarioRun } from '../../src/scenario/index';

const ROOT = resolve(import.meta.dirname, '../..');

/** The folders whose `.scn` files the differential suite runs. */
export const SCN_DIRS = ['src/scenario/gallery'];

export interface ScnScenario {
  /** The file, relative to the repository. */
  name: string;
  version: string;
  calls: KernelCall[];
  run: ScenarioRun;
}

/** Parse and run a scenario's text on the model; its calls. Throws on a parse error. */
export async function scenarioCalls(text: string, name: string): Promise<ScnScenario> {
  const p = parse(text);
  if (!p.ok) throw new Error(formatError(p.error, name));
  const run = await runScenario(p.scenario);
  if (run.error) throw new Error(formatError(run.error, name));
  return { name, version: run.version, calls: kernelCalls(run), run };
}

/** Every `.scn` file of `SCN_DIRS`, run on the model. */
export async function scnScenarios(): Promise<ScnScenario[]> {
  const files = SCN_DIRS.flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.scn')).sort().map((f) => join(ROOT, d, f)));
  const out: ScnScenario[] = [];
  for (const f of files) out.push(await scenarioCalls(readFileSync(f, 'utf8'), relative(ROOT, f)));
  return out;
}

/** "MAJOR.MINOR" of a kernel release string ("6.18.44-fc" → "6.18"). */
export function releaseOf(kernelRelease: string): string {
  return kernelRelease.split('.').slice(0, 2).join('.');
}

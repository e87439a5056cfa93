/**
 * `npm run kernel:diff -- FILE.json [--version 6.18] [--all] [--shrink] [--json]`
 *
 * Runs a JSON list of KernelCalls (src/kernel/call.ts) on the kernel model and, as root,
 * on this machine's Linux kernel (the oracle: oracle/realKernel.ts), and prints where the
 * two differ, call by call (returns, fds, errnos, info and query outputs, what ran; ids
 * renumbered by first appearance). Where the real kernel cannot be used (not root, no
 * bpf(), no cc), it says why in one line and prints the model's answers.
 *
 *   --version X  the release the model runs as (default 6.18; compare with your kernel's)
 *   --all        print every call, not only the differing and not comparable ones
 *   --shrink     also shrink a difference to the fewest calls that still differ
 *   --json       print the real run (RealRun) as JSON instead, no comparison
 *
 * Exit status: 0 the two agree, 1 they differ, 2 bad usage or file, 3 the real kernel
 * cannot be used here.
 */
import { readFileSync } from 'node:fs';
import type { KernelCall } from '../src/kernel/call';
import { parseVersion } from '../src/kernel/version';
import { compareWithRealKernel, formatTraces, modelTrace, shrinkDivergence, show } from './differential';
import { canRunRealKernel, runOnRealKernel } from './realKernel';

const USAGE = 'usage: npm run kernel:diff -- FILE.json [--version 6.18] [--all] [--shrink] [--json]\n' +
  '  FILE.json: a JSON array of KernelCall objects, e.g.\n' +
  '  [{"call":"spawn","comm":"loader"}, {"call":"bpf","pid":100,"cmd":"BPF_PROG_LOAD","attr":{"prog_type":"BPF_PROG_TYPE_RAW_TRACEPOINT"}}]';

export async function main(argv: string[], out: (s: string) => void = console.log): Promise<number> {
  const args = argv.filter((a) => a !== '--');
  let version = '6.18';
  const files: string[] = [];
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--version') version = args[++i] ?? '';
    else if (a.startsWith('--')) flags.add(a);
    else files.push(a);
  }
  const unknown = [...flags].filter((f) => !['--all', '--shrink', '--json'].includes(f));
  if (files.length !== 1 || unknown.length || parseVersion(version) === null) {
    out(unknown.length ? `unknown option ${unknown.join(', ')}\n${USAGE}` : parseVersion(version) === null ? `unknown version "${version}": 5.6 ... 6.18\n${USAGE}` : USAGE);
    return 2;
  }
  let calls: KernelCall[];
  try {
    const parsed: unknown = JSON.parse(readFileSync(files[0]!, 'utf8'));
    if (!Array.isArray(parsed)) throw new Error('not a JSON array of calls');
    calls = parsed as KernelCall[];
  } catch (e) {
    out(`${files[0]}: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }

  const can = canRunRealKernel();
  if (!can.ok) {
    out(`cannot run on the real kernel here: ${can.why}\nthe model's answers (${version}):`);
    modelTrace(calls, version).forEach((e, i) => out(`  #${i} ${show(calls[i])}\n      model: ${show(e)}`));
    return 3;
  }
  if (flags.has('--json')) {
    out(JSON.stringify(await runOnRealKernel(calls), null, 2));
    return 0;
  }

  const c = await compareWithRealKernel(calls, { version });
  const [major, minor] = c.kernelRelease.split('.');
  out(`model ${version} vs the kernel of this machine, ${c.kernelRelease}: ${calls.length} calls, ${c.diffs.length} differ, ${c.notComparable} not comparable here` +
    ` (real run ${c.realMs} ms, model ${c.modelMs.toFixed(2)} ms)`);
  if (`${major}.${minor}` !== version) out(`note: the model runs as ${version}, this kernel is ${major}.${minor}: differences may be the releases'`);
  if (c.oracleErrors.length) out(`the oracle failed on some calls (a bug of the oracle):\n  ${c.oracleErrors.join('\n  ')}`);
  if (flags.has('--all')) out(formatTraces(calls, c));
  else {
    calls.forEach((call, i) => {
      const r = c.real[i]!;
      if (r.notComparable) out(`~ #${i} ${show(call)}\n      not comparable here: ${r.notComparable}`);
    });
    if (c.diffs.length) out(`differences (${c.diffs.length}):\n${c.diffs.map((d) => `! ${d}`).join('\n')}`);
  }
  if (c.diffs.length && flags.has('--shrink')) {
    const s = await shrinkDivergence(calls, { version });
    if (s) out(`shrunk to ${s.calls.length} call(s) in ${s.runs} runs on both:\n[\n  ${s.calls.map((x) => show(x)).join(',\n  ')}\n]\n${formatTraces(s.calls, s.compared)}`);
    else out('(the difference did not come back when re-run)');
  }
  if (!c.diffs.length) out('the model and the kernel agree on every comparable call');
  return c.diffs.length || c.oracleErrors.length ? 1 : 0;
}

if (process.argv[1] && /oracle[\\/]cli\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}

/**
 * `npx tsx oracle/cli.ts FILE.json` (as root): runs a JSON list of KernelCalls on this
 * machine's kernel and prints one line per call: the call, what the kernel returned.
 * `--json` prints the whole RealRun instead.
 */
import { readFileSync } from 'node:fs';
import type { KernelCall } from '../src/kernel/call';
import { canRunRealKernel, runOnRealKernel } from './realKernel';

async function main(argv: string[]): Promise<number> {
  const file = argv.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: tsx oracle/cli.ts [--json] CALLS.json   (a JSON array of KernelCall objects)');
    return 2;
  }
  const can = canRunRealKernel();
  if (!can.ok) {
    console.error(`cannot run on the real kernel here: ${can.why}`);
    return 1;
  }
  const calls = JSON.parse(readFileSync(file, 'utf8')) as KernelCall[];
  const run = await runOnRealKernel(calls);
  if (argv.includes('--json')) console.log(JSON.stringify(run, null, 2));
  else {
    console.log(`kernel ${run.kernelRelease}: ${calls.length} calls in ${run.ms} ms, ${run.notComparable} not comparable here`);
    run.results.forEach((r, i) => {
      const out = r.ran ? ` ran ${JSON.stringify(r.ran)}` : r.attr ? ` attr ${JSON.stringify(r.attr)}` : '';
      const nc = r.notComparable ? `  [not comparable: ${r.notComparable}]` : '';
      console.log(`${String(i).padStart(3)} ${JSON.stringify(calls[i])}\n    => ${r.ret}${out}${nc}`);
    });
  }
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});

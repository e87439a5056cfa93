/**
 * The headless runner: `npm run scenario -- FILE [--version X] [--quiet] [--real]` runs a
 * scenario in Node on the kernel model, prints each step with its kernel log and each
 * expectation, and exits 0 when every expectation held, 1 when one failed or a line could
 * not run, 2 when the file cannot be read or parsed.
 *
 * `--real` (root, Linux) also runs the scenario's KernelCalls on this machine's kernel
 * (oracle/scenarioReal.ts) and exits 1 when the two differ on a call, 3 when the real
 * kernel cannot be used here.
 */
import { readFileSync } from 'node:fs';
import { formatError, parse, passed, report, runScenario } from '../src/scenario/index';

export async function main(argv: string[]): Promise<{ code: number; out: string }> {
  const args = [...argv];
  let version: string | undefined;
  let quiet = false;
  let real = false;
  const files: string[] = [];
  while (args.length > 0) {
    const a = args.shift()!;
    if (a === '--version') version = args.shift();
    else if (a === '--quiet' || a === '-q') quiet = true;
    else if (a === '--real') real = true;
    else if (a === '--') continue;
    else files.push(a);
  }
  if (files.length !== 1) return { code: 2, out: 'usage: npm run scenario -- FILE [--version 6.18] [--quiet] [--real]' };
  const file = files[0]!;
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { return { code: 2, out: `${file}: ${(e as Error).message}` }; }
  const p = parse(text);
  if (!p.ok) return { code: 2, out: formatError(p.error, file) };
  const run = await runScenario(p.scenario, version ? { version } : {});
  const model = { code: passed(run) ? 0 : 1, out: report(run, file, { log: !quiet }) };
  if (!real || run.error) return model;
  const { onRealKernel } = await import('../oracle/scenarioReal');
  const linux = await onRealKernel(run, file);
  return { code: Math.max(model.code, linux.code), out: `${model.out}\n${linux.out}` };
}

if (process.argv[1] && /scenario\.ts$/.test(process.argv[1])) {
  const { code, out } = await main(process.argv.slice(2));
  (code === 0 ? console.log : console.error)(out);
  process.exitCode = code;
}

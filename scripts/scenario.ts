/**
 * The headless runner: `npm run scenario -- FILE [--version X] [--quiet]` runs a scenario
 * in Node on the kernel model, prints each step with its kernel log and each expectation,
 * and exits 0 when every expectation held, 1 when one failed or a line could not run, 2
 * when the file cannot be read or parsed.
 */
import { readFileSync } from 'node:fs';
import { formatError, parse, passed, report, runScenario } from '../src/scenario/index';

export async function main(argv: string[]): Promise<{ code: number; out: string }> {
  const args = [...argv];
  let version: string | undefined;
  let quiet = false;
  const files: string[] = [];
  while (args.length > 0) {
    const a = args.shift()!;
    if (a === '--version') version = args.shift();
    else if (a === '--quiet' || a === '-q') quiet = true;
    else if (a === '--') continue;
    else files.push(a);
  }
  if (files.length !== 1) return { code: 2, out: 'usage: npm run scenario -- FILE [--version 6.18] [--quiet]' };
  const file = files[0]!;
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { return { code: 2, out: `${file}: ${(e as Error).message}` }; }
  const p = parse(text);
  if (!p.ok) return { code: 2, out: formatError(p.error, file) };
  const run = await runScenario(p.scenario, version ? { version } : {});
  return { code: passed(run) ? 0 : 1, out: report(run, file, { log: !quiet }) };
}

if (process.argv[1] && /scenario\.ts$/.test(process.argv[1])) {
  const { code, out } = await main(process.argv.slice(2));
  (code === 0 ? console.log : console.error)(out);
  process.exitCode = code;
}

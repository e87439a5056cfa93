// Runs every bench/*.bench.ts module's default export (an async function) in turn.
// Usage: npm run bench [-- name-filter]
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const dir = resolve(import.meta.dirname);
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();

if (files.length === 0) {
  console.log(`bench: no bench/*.bench.ts modules found${filter ? ` matching "${filter}"` : ''}; nothing to run`);
  process.exit(0);
}

let failed = 0;
for (const file of files) {
  console.log(`bench: ${file} ...`);
  const start = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default?: unknown };
    if (typeof mod.default !== 'function') {
      throw new Error('has no default export function');
    }
    await (mod.default as () => unknown)();
    console.log(`bench: ${file} ok (${(performance.now() - start).toFixed(0)} ms)`);
  } catch (err) {
    failed++;
    console.log(`bench: ${file} FAILED (${(performance.now() - start).toFixed(0)} ms): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}

console.log(`bench: ${files.length} module(s), ${files.length - failed} ok, ${failed} failed`);
process.exitCode = failed ? 1 : 0;

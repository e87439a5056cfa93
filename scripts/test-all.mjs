#!/usr/bin/env node
// Runs every check in order and keeps going past failures:
//   typecheck, lint, unit (vitest), e2e (build + playwright), and test:kernel if package.json defines it.
// Ends with a summary table and, as the very last line, `test: N passed, M failed`
// (N/M = tests counted by the test-runner stages; a failed stage with no count is 1 failed).
// Exit code is non-zero if any stage failed. Dependency-free on purpose.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
const scripts = pkg.scripts ?? {};

/** @type {{ name: string, script: string, counts: boolean }[]} */
const stages = [
  { name: 'typecheck', script: 'typecheck', counts: false },
  { name: 'lint', script: 'lint', counts: false },
  { name: 'unit', script: 'test:unit', counts: true },
  { name: 'e2e', script: 'test:e2e', counts: true },
];
if (scripts['test:kernel']) stages.push({ name: 'kernel', script: 'test:kernel', counts: true });

// `npm test` sets npm_execpath to npm's CLI; fall back to `npm` on PATH when run directly.
const npmCli = process.env.npm_execpath;
const npmCommand = npmCli && /\.c?js$/.test(npmCli) ? [process.execPath, npmCli] : ['npm'];

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
// A plain closing line: optional `word:` prefix, then `N passed, M failed`.
const COUNT_LINE = /^\s*(?:[\w-]+:\s*)?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/;

function run(script) {
  return new Promise((resolvePromise) => {
    const [cmd, ...pre] = npmCommand;
    const child = spawn(cmd, [...pre, 'run', script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', (err) => {
      output += `\n${err.message}\n`;
      process.stderr.write(`failed to start ${cmd}: ${err.message}\n`);
    });
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), signal, output }));
  });
}

function lastCount(output) {
  let found;
  for (const line of output.replace(ANSI, '').split(/\r?\n/)) {
    const m = COUNT_LINE.exec(line);
    if (m) found = { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0) };
  }
  return found;
}

const results = [];
const bar = '='.repeat(72);
for (const stage of stages) {
  process.stdout.write(`\n${bar}\n== stage: ${stage.name}  (npm run ${stage.script})\n${bar}\n`);
  const start = Date.now();
  const { code, signal, output } = await run(stage.script);
  const seconds = (Date.now() - start) / 1000;
  const ok = code === 0;
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (stage.counts) {
    const c = lastCount(output);
    if (c) ({ passed, failed, skipped } = c);
  }
  // A failed stage always counts at least one failure (build error, crash, lint/type errors...).
  if (!ok && failed === 0) failed = 1;
  results.push({ ...stage, ok, code, signal, seconds, passed, failed, skipped });
  process.stdout.write(`== stage ${stage.name}: ${ok ? 'ok' : `FAILED (exit ${signal ?? code})`} in ${seconds.toFixed(1)} s\n`);
}

const rows = [
  ['stage', 'status', 'passed', 'failed', 'skipped', 'time'],
  ...results.map((r) => [
    r.name,
    r.ok ? 'ok' : 'FAILED',
    r.counts ? String(r.passed) : '-',
    String(r.failed),
    r.counts ? String(r.skipped) : '-',
    `${r.seconds.toFixed(1)} s`,
  ]),
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
const fmt = (row) => row.map((cell, i) => (i === 0 || i === 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');

const totalPassed = results.reduce((n, r) => n + r.passed, 0);
const totalFailed = results.reduce((n, r) => n + r.failed, 0);
const anyFailed = results.some((r) => !r.ok);

process.stdout.write(`\n${bar}\nSummary\n${bar}\n`);
process.stdout.write(`${fmt(rows[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
for (const row of rows.slice(1)) process.stdout.write(`${fmt(row)}\n`);
process.stdout.write(`\ntest: ${totalPassed} passed, ${totalFailed} failed\n`);
process.exitCode = anyFailed || totalFailed > 0 ? 1 : 0;

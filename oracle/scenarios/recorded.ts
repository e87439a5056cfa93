/**
 * The model's hand-written tests as differential scenarios: every call sequence a 6.18
 * kernel of the model applies while src/kernel's own tests run (the selftest replays, the
 * errno paths of core.md and attach-targets.md, the regressions, ...), recorded by
 * record.config.ts into oracle/.build/recorded/ and replayed here on both.
 *
 * The recording is redone when the sources it depends on change (a hash of src/kernel and
 * of this folder). Property tests (their own generated sequences) and other releases are
 * left out.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize } from 'node:v8';
import type { KernelCall } from '../../src/kernel/call';

export interface RecordedSequence { name: string; calls: KernelCall[] }

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
export const RECORD_DIR = join(HERE, '..', '.build', 'recorded');
const STAMP = join(RECORD_DIR, 'sources.sha256');

function sourcesHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) h.update(relative(ROOT, p)).update(readFileSync(p));
    }
  };
  walk(join(ROOT, 'src', 'kernel'));
  walk(HERE);
  return h.digest('hex');
}

/** Records the sequences if the sources changed since the last recording. */
export function ensureRecorded(): void {
  const hash = sourcesHash();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash) return;
  rmSync(RECORD_DIR, { recursive: true, force: true });
  mkdirSync(RECORD_DIR, { recursive: true });
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', join(HERE, 'record.config.ts')],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, REQUIRE_REAL_KERNEL: '' } });
  writeFileSync(STAMP, hash);
}

/** Every recorded sequence, in file and test order. */
export function recordedSequences(): RecordedSequence[] {
  ensureRecorded();
  return readdirSync(RECORD_DIR).filter((f) => f.endsWith('.bin')).sort().flatMap((f) => {
    const { file, sequences } = deserialize(readFileSync(join(RECORD_DIR, f))) as { file: string; sequences: RecordedSequence[] };
    return sequences.map((s) => ({ name: `${file.replace(/\.test\.ts$/, '')}: ${s.name}`, calls: s.calls }));
  });
}

/**
 * Setup file of oracle/scenarios/record.config.ts: while the model's own tests run, every
 * call a 6.18 kernel of the model applies is recorded, per kernel, and at the end of each
 * test file the sequences are written to oracle/.build/recorded/ (v8-serialized: undefined,
 * NaN and the other odd values the tests pass survive). See recorded.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { serialize } from 'node:v8';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import type { KernelCall } from '../../src/kernel/call';
import { Kernel } from '../../src/kernel/kernel';
import { RECORD_DIR, type RecordedSequence } from './recorded';

const bySeq = new WeakMap<Kernel, KernelCall[]>();
let current: { test: string; kernels: Kernel[] } | null = null;
const out: RecordedSequence[] = [];

const original = Kernel.prototype.apply;
Kernel.prototype.apply = function apply(this: Kernel, call: KernelCall) {
  if (current && this.version === '6.18') {
    let calls = bySeq.get(this);
    if (!calls) {
      calls = [];
      bySeq.set(this, calls);
      current.kernels.push(this);
    }
    let copy: KernelCall | null;
    try { copy = structuredClone(call); } catch { copy = null; } // a call no clone can copy: not replayable
    calls.push(copy ?? ({ call: '__unreplayable__' } as unknown as KernelCall));
  }
  return original.call(this, call);
};

beforeEach(() => {
  current = { test: expect.getState().currentTestName ?? '?', kernels: [] };
});

afterEach(() => {
  if (!current) return;
  current.kernels.forEach((k, i) => {
    const calls = bySeq.get(k) ?? [];
    if (calls.length) out.push({ name: `${current!.test}${current!.kernels.length > 1 ? ` [kernel ${i + 1}]` : ''}`, calls });
  });
  current = null;
});

afterAll(() => {
  const file = expect.getState().testPath ?? 'unknown';
  mkdirSync(RECORD_DIR, { recursive: true });
  writeFileSync(join(RECORD_DIR, `${basename(file)}.bin`), serialize({ file: basename(file), sequences: out }));
});

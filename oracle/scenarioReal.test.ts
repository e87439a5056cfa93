import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../scripts/scenario';
import { stepOfCalls } from './scenarioReal';
import { scenarioCalls } from './scenarios/scn';
import { describeReal, TIMEOUT } from './testing';

const gallery = (id: string) => resolve(import.meta.dirname, '../src/scenario/gallery', `${id}.scn`);

describe('a scenario\'s calls and the steps that made them', () => {
  it('each call maps to its step; a bpftool line is many calls of one step', async () => {
    const s = await scenarioCalls(readFileSync(gallery('pin_exit_bpftool'), 'utf8'), 'pin_exit_bpftool');
    const steps = stepOfCalls(s.run);
    expect(steps).toHaveLength(s.calls.length);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps); // in step order
    expect(new Set(steps).size).toBe(s.run.steps.length - 1); // every step made a call
    expect(s.calls.length).toBeGreaterThan(s.run.steps.length - 1); // bpftool made several
  });
});

describeReal('npm run scenario -- --real', () => {
  it('a gallery example: the model and Linux agree on every call (exit 0)', async () => {
    const r = await main([gallery('link_pinning'), '--real', '--quiet']);
    expect(r.out).toMatch(/real kernel 6\.\d+.*: 14 calls, 0 differ, 0 not comparable here .*agree on every comparable call/);
    expect(r.code).toBe(0);
  }, TIMEOUT);

  it('a scenario written for 5.6 differs on 6.18 where the releases do: the pin of a raw tracepoint link (exit 1)', async () => {
    const r = await main([gallery('before_5_7'), '--real', '--quiet']);
    expect(r.out).toMatch(/note: the scenario runs as Linux 5\.6, this kernel is 6\.\d+/);
    // the line of the BPF_OBJ_PIN that 5.6 refuses with EINVAL and 6.18 accepts
    expect(r.out).toMatch(/✗ .*before_5_7\.scn:14: step 5, call #4 .*BPF_OBJ_PIN[^\n]*\n\s+model: .*"ret":-22.*\n\s+linux: .*"ret":0/);
    expect(r.code).toBe(1);
  }, TIMEOUT);
});

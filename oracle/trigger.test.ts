/**
 * What `trigger` measures on the real kernel: each tracepoint runs only the programs
 * linked to it, once per link (6.10+: one program may be linked twice to one tracepoint).
 */
import { expect, it } from 'vitest';
import { fact } from './scenarios/facts';
import { runOnRealKernel } from './realKernel';
import { describeReal, TIMEOUT } from './testing';

// the call list: scenarios/facts.ts

describeReal('triggers on the real kernel', () => {
  it('each tracepoint runs the programs linked to it, once per link', async () => {
    const run = await runOnRealKernel(fact('trigger', 'each tracepoint runs the programs linked to it, once per link'));
    const r = run.results;
    const prog = (i: number): number => r[1 + 2 * i]!.object!.id;
    const tpBtf = r[14]!.object!.id;
    expect(r.slice(1, 16).map((x) => x.ret)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    const ran = r.slice(16).map((x) => x.ran);
    expect(ran).toEqual([[prog(0), prog(0), tpBtf].sort((a, b) => a - b), [prog(1)], [prog(2)], [prog(3)], [prog(4)], [prog(5)]]);
    expect(r.slice(16).every((x) => !x.note && !x.notComparable)).toBe(true);
  }, TIMEOUT);

  it('a trigger returns its runs, -ENOENT for no cgroup or tracepoint, -ENODEV for no device', async () => {
    const run = await runOnRealKernel(fact('trigger', 'events that cannot happen: -ENOENT, -ENODEV; nothing attached: 0'));
    expect(run.results.slice(1).map((x) => x.ret)).toEqual([0, 0, -2, -2, 0, 0, 0, -2, 0, -19, -19, 0, 0, 0, -19, 0, -2]);
    expect(run.notComparable).toBe(0);
  }, TIMEOUT);

  it('a cgroup event sends nothing through the run\'s devices: lo\'s XDP program does not run', async () => {
    const run = await runOnRealKernel(fact('trigger', 'a cgroup event runs no XDP program on lo'));
    const r = run.results;
    expect(r.slice(1).map((x) => x.ret)).toEqual([3, 0, 4, 5, 0, 1, 0, 0, 1, 0]);
    expect([r[8]!, r[10]!].map((x) => (x.attr!.info as { run_cnt: number }).run_cnt)).toEqual([0, 1]);
  }, TIMEOUT);
});

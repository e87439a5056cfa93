/**
 * Processes on the real kernel: fork shares open files, dup shares them too, exit releases
 * what only that process held; facts the model must reproduce (core.md §1).
 */
import { expect, it } from 'vitest';
import { fact } from './scenarios/facts';
import { runOnRealKernel } from './realKernel';
import { describeReal, TIMEOUT } from './testing';

// the call lists: scenarios/facts.ts

describeReal('processes on the real kernel', () => {
  it('fork: the child shares the link; it stays until the last copy is closed', async () => {
    const run = await runOnRealKernel(fact('process', 'fork: the child shares the link; it stays until the last copy is closed'));
    const r = run.results;
    const prog = r[1]!.object!.id;
    expect(r[3]!.ret).toBeGreaterThan(0);
    expect(r.map((x) => x.ret).slice(4)).toEqual([0, 1, -77, 0, 4, 0, 1, 0, 0, -3, -3]); // a trigger: its runs
    expect(r[5]!.ran).toEqual([prog]);
    expect(r[10]!.ran).toEqual([prog]);
    expect(r[12]!.ran).toEqual([]);
  }, TIMEOUT);

  it('exit releases every fd: links go, pinned ones stay', async () => {
    const run = await runOnRealKernel(fact('process', 'exit releases every fd: links go, pinned ones stay'));
    const r = run.results;
    const prog = r[1]!.object!.id;
    expect(r[5]!.ran).toEqual([prog, prog]);
    expect(r[7]!.ran).toEqual([prog]);
    expect(r.map((x) => x.ret).slice(9)).toEqual([3, 0, -2, 4, 5]);
    expect(r[10]!.attr!.info).toMatchObject({ id: r[3]!.object!.id, prog_id: prog });
    expect(r[12]!.object).toEqual({ ...r[3]!.object, created: false });
    expect(r[13]!.object).toEqual({ kind: 'prog', id: prog, created: false });
  }, TIMEOUT);

  it('dup shares the file; fds are allocated lowest first', async () => {
    const run = await runOnRealKernel(fact('process', 'dup shares the file; fds are allocated lowest first'));
    const r = run.results;
    expect(r.map((x) => x.ret).slice(3)).toEqual([5, 0, 1, 4, 0, 0, 0, 0]);
    expect(r[5]!.ran).toEqual([r[1]!.object!.id]);
    expect(r[8]!.ran).toEqual([]);
  }, TIMEOUT);
});

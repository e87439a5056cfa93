/**
 * Errno paths on the real kernel (core.md §6.4 and neighbours): which errno each command
 * gives for a closed fd, a wrong kind of fd, a bad name; facts the model must reproduce.
 */
import { expect, it } from 'vitest';
import { fact } from './scenarios/facts';
import { runOnRealKernel } from './realKernel';
import { describeReal, TIMEOUT } from './testing';

// the call lists: scenarios/facts.ts
const E = { EPERM: -1, ENOENT: -2, EBADF: -9, EEXIST: -17, EINVAL: -22, EBADFD: -77, EOPNOTSUPP: -95, EIO: -5, EISDIR: -21 };

describeReal('errnos on the real kernel', () => {
  it('a closed fd: EBADF to attach, EINVAL to pin, EBADFD to get info', async () => {
    const run = await runOnRealKernel(fact('errno', 'a closed fd: EBADF to attach, EINVAL to pin, EBADFD to get info'));
    expect(run.results.slice(1).map((r) => r.ret)).toEqual([E.EBADF, E.EINVAL, E.EBADFD, E.EBADF, E.EBADF, E.EBADF]);
  }, TIMEOUT);

  it('the wrong kind of fd is EINVAL; raw tracepoint links cannot be detached or updated', async () => {
    const run = await runOnRealKernel(fact('errno', 'the wrong kind of fd is EINVAL; raw tracepoint links cannot be detached or updated'));
    expect(run.results.slice(1).map((r) => r.ret)).toEqual([3, 4, E.EINVAL, 5, E.EINVAL, E.EOPNOTSUPP, E.EINVAL, E.EINVAL,
      E.ENOENT, 6, E.EINVAL, E.EINVAL]);
  }, TIMEOUT);

  it('bpffs: dotted names EPERM, pin over a pin EEXIST, open of a pin EIO, unlink of a directory EISDIR', async () => {
    const run = await runOnRealKernel(fact('errno', 'bpffs: dotted names EPERM, pin over a pin EEXIST, open of a pin EIO, unlink of a directory EISDIR'));
    expect(run.results.slice(2).map((r) => r.ret)).toEqual([E.EPERM, 0, E.EEXIST, E.EIO, E.EPERM, E.ENOENT, E.ENOENT, 0,
      E.EISDIR, -13 /* EACCES */, 4]);
    expect(run.results[12]!.object).toEqual({ ...run.results[1]!.object, created: false }); // the same program, opened
  }, TIMEOUT);

  it('trampoline loads are refused here: marked not comparable, counted', async () => {
    const run = await runOnRealKernel(fact('errno', 'trampoline loads are refused here: marked not comparable, counted'));
    expect(run.results.map((r) => r.ret).slice(1, 4)).toEqual([E.EPERM, E.EPERM, 3]);
    // function:do_unlinkat is compared: nothing of the run can run on a function here (0)
    expect(run.results.map((r) => !!r.notComparable)).toEqual([false, true, true, false, false, true]);
    expect(run.results[4]!.ret).toBe(0);
    expect(run.notComparable).toBe(3);
  }, TIMEOUT);
});

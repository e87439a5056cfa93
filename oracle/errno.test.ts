/**
 * Errno paths on the real kernel (core.md §6.4 and neighbours): which errno each command
 * gives for a closed fd, a wrong kind of fd, a bad name; facts the model must reproduce.
 */
import { expect, it } from 'vitest';
import { runOnRealKernel } from './realKernel';
import { as, describeReal, spawn, TIMEOUT } from './testing';

const p = as(100);
const E = { EPERM: -1, ENOENT: -2, EBADF: -9, EEXIST: -17, EINVAL: -22, EBADFD: -77, EOPNOTSUPP: -95, EIO: -5, EISDIR: -21 };

describeReal('errnos on the real kernel', () => {
  it('a closed fd: EBADF to attach, EINVAL to pin, EBADFD to get info', async () => {
    const run = await runOnRealKernel([
      spawn('errnos'),
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 3 }),
      p.bpf('BPF_OBJ_PIN', { bpf_fd: 3, pathname: '/sys/fs/bpf/x' }),
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 3, info: {} }),
      p.bpf('BPF_LINK_DETACH', { link_fd: 3 }),
      p.bpf('BPF_LINK_UPDATE', { link_fd: 3, new_prog_fd: 4 }),
      p.close(3),
    ]);
    expect(run.results.slice(1).map((r) => r.ret)).toEqual([E.EBADF, E.EINVAL, E.EBADFD, E.EBADF, E.EBADF, E.EBADF]);
  }, TIMEOUT);

  it('the wrong kind of fd is EINVAL; raw tracepoint links cannot be detached or updated', async () => {
    const run = await runOnRealKernel([
      spawn('errnos'),
      p.bpf('BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 4, max_entries: 1 }), // 3
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' }), // 4
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 3 }), // map as prog
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 4 }), // 5
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 5 }), // link as prog
      p.bpf('BPF_LINK_DETACH', { link_fd: 5 }),
      p.bpf('BPF_LINK_UPDATE', { link_fd: 5, new_prog_fd: 4 }),
      p.bpf('BPF_LINK_DETACH', { link_fd: 4 }), // prog as link
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'no_such_tracepoint', prog_fd: 4 }),
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 4 }), // 6: a second link, 6.10+
      p.bpf('BPF_LINK_CREATE', { prog_fd: 4, target_fd: 0, attach_type: 'BPF_TRACE_RAW_TP' }), // raw_tp via LINK_CREATE
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', attach_func_name: 'sys_enter' }),
    ]);
    expect(run.results.slice(1).map((r) => r.ret)).toEqual([3, 4, E.EINVAL, 5, E.EINVAL, E.EOPNOTSUPP, E.EINVAL, E.EINVAL,
      E.ENOENT, 6, E.EINVAL, E.EINVAL]);
  }, TIMEOUT);

  it('bpffs: dotted names EPERM, pin over a pin EEXIST, open of a pin EIO, unlink of a directory EISDIR', async () => {
    const run = await runOnRealKernel([
      spawn('errnos'),
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' }), // 3
      p.bpf('BPF_OBJ_PIN', { bpf_fd: 3, pathname: '/sys/fs/bpf/a.b' }),
      p.bpf('BPF_OBJ_PIN', { bpf_fd: 3, pathname: '/sys/fs/bpf/p' }),
      p.bpf('BPF_OBJ_PIN', { bpf_fd: 3, pathname: '/sys/fs/bpf/p' }),
      p.open('/sys/fs/bpf/p'),
      p.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/c.d' }),
      p.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/maps.debug' }), // the kernel's own pin: ENOENT, observed
      p.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/missing' }),
      p.mkdir('/sys/fs/bpf/d'),
      p.unlink('/sys/fs/bpf/d'),
      p.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/d' }),
      p.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/p' }), // 4
    ]);
    expect(run.results.slice(2).map((r) => r.ret)).toEqual([E.EPERM, 0, E.EEXIST, E.EIO, E.EPERM, E.ENOENT, E.ENOENT, 0,
      E.EISDIR, -13 /* EACCES */, 4]);
    expect(run.results[12]!.object).toEqual(run.results[1]!.object);
  }, TIMEOUT);

  it('trampoline loads are refused here: marked not comparable, counted', async () => {
    const run = await runOnRealKernel([
      spawn('errnos'),
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_FENTRY', attach_func_name: 'do_unlinkat' }),
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_LSM', expected_attach_type: 'BPF_LSM_MAC', attach_func_name: 'file_open' }),
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', attach_func_name: 'sys_enter' }),
      { call: 'trigger', event: 'function:do_unlinkat' },
      p.bpf('BPF_MAP_UPDATE_ELEM', {}),
    ]);
    expect(run.results.map((r) => r.ret).slice(1, 4)).toEqual([E.EPERM, E.EPERM, 3]);
    expect(run.results.map((r) => !!r.notComparable)).toEqual([false, true, true, false, true, true]);
    expect(run.notComparable).toBe(4);
  }, TIMEOUT);
});

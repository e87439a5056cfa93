/**
 * Processes on the real kernel: fork shares open files, dup shares them too, exit releases
 * what only that process held; facts the model must reproduce (core.md §1).
 */
import { expect, it } from 'vitest';
import { runOnRealKernel } from './realKernel';
import { as, describeReal, SYS_ENTER, spawn, TIMEOUT } from './testing';

const parent = as(100), child = as(101);
const loadAndAttach = [
  spawn('loader'),
  parent.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', prog_name: 'p' }), // 3
  parent.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 3 }), // 4
];

describeReal('processes on the real kernel', () => {
  it('fork: the child shares the link; it stays until the last copy is closed', async () => {
    const run = await runOnRealKernel([
      ...loadAndAttach,
      parent.fork(), // 3: pid 101
      child.close(4), // 4
      SYS_ENTER, // 5: still attached through the parent's fd
      child.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 4, info: {} }), // 6: EBADFD in the child
      parent.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 4, info: {} }), // 7
      child.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' }), // 8: fd 4, lowest free in the child
      child.exit(), // 9
      SYS_ENTER, // 10
      parent.close(4), // 11
      SYS_ENTER, // 12
      child.close(3), // 13: the child is gone
      { call: 'fork', pid: 101 }, // 14
    ]);
    const r = run.results;
    const prog = r[1]!.object!.id;
    expect(r[3]!.ret).toBeGreaterThan(0);
    expect(r.map((x) => x.ret).slice(4)).toEqual([0, 1, -77, 0, 4, 0, 1, 0, 0, -3, -3]); // a trigger: its runs
    expect(r[5]!.ran).toEqual([prog]);
    expect(r[10]!.ran).toEqual([prog]);
    expect(r[12]!.ran).toEqual([]);
  }, TIMEOUT);

  it('exit releases every fd: links go, pinned ones stay', async () => {
    const run = await runOnRealKernel([
      ...loadAndAttach,
      parent.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 3 }), // 3: fd 5, second link
      parent.bpf('BPF_OBJ_PIN', { bpf_fd: 5, pathname: '/sys/fs/bpf/kept' }), // 4
      SYS_ENTER, // 5: two links, the program runs twice
      parent.exit(), // 6
      SYS_ENTER, // 7: the pinned link only
      spawn('reader'), // 8: pid 101
      child.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/kept' }), // 9: fd 3
      child.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 3, info: {} }), // 10
      child.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 1 }), // 11: the first link is gone
      child.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 2 }), // 12: fd 4
      child.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 1 }), // 13: fd 5, held by the pinned link
    ]);
    const r = run.results;
    const prog = r[1]!.object!.id;
    expect(r[5]!.ran).toEqual([prog, prog]);
    expect(r[7]!.ran).toEqual([prog]);
    expect(r.map((x) => x.ret).slice(9)).toEqual([3, 0, -2, 4, 5]);
    expect(r[10]!.attr!.info).toMatchObject({ id: r[3]!.object!.id, prog_id: prog });
    expect(r[12]!.object).toEqual(r[3]!.object);
    expect(r[13]!.object).toEqual({ kind: 'prog', id: prog });
  }, TIMEOUT);

  it('dup shares the file; fds are allocated lowest first', async () => {
    const run = await runOnRealKernel([
      ...loadAndAttach,
      parent.dup(4), // 3: fd 5
      parent.close(4), // 4
      SYS_ENTER, // 5
      parent.bpf('BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_HASH', key_size: 4, value_size: 4, max_entries: 8 }), // 6: fd 4
      parent.close(5), // 7
      SYS_ENTER, // 8
      parent.close(0), // 9
      parent.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_SOCKET_FILTER' }), // 10: fd 0
    ]);
    const r = run.results;
    expect(r.map((x) => x.ret).slice(3)).toEqual([5, 0, 1, 4, 0, 0, 0, 0]);
    expect(r[5]!.ran).toEqual([r[1]!.object!.id]);
    expect(r[8]!.ran).toEqual([]);
  }, TIMEOUT);
});

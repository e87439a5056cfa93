import { describe, expect, it } from 'vitest';
import { Errno } from './index';
import { Idr, INT_MAX } from './idr';
import { TestKernel, type TestProcess } from './testing/driver';

function setup(version = '6.18') {
  const t = new TestKernel({ version });
  const a = t.spawn('a');
  a.createMap('m').loadProg('p', { type: 'raw_tp', maps: ['m'] }).attachRawTp('l', 'p', 'sys_enter');
  return { t, a };
}

/** Walk an id space as bpftool does: start at 0, feed back each next_id until ENOENT. */
function listIds(a: TestProcess, kind: 'PROG' | 'MAP' | 'LINK'): number[] {
  const ids: number[] = [];
  let start = 0;
  for (;;) {
    const attr = { start_id: start };
    const ret = a.t.kernel.bpf(a.pid, `BPF_${kind}_GET_NEXT_ID`, attr);
    if (ret === -Errno.ENOENT) return ids;
    expect(ret).toBe(0);
    start = (attr as { next_id?: number }).next_id!;
    ids.push(start);
  }
}

describe('id spaces', () => {
  it('are separate: program 1, map 1 and link 1 exist at once', () => {
    const { t } = setup();
    expect([t.id('p'), t.id('m'), t.id('l')]).toEqual([1, 1, 1]);
  });

  it('are cyclic: a freed id is not reused, the next object gets the next id', () => {
    const { t, a } = setup();
    a.loadProg('q', { type: 'raw_tp' }).close('q').loadProg('r', { type: 'raw_tp' });
    t.expectProg('r').id(3);
    a.close('l').attachRawTp('l2', 'p', 'sys_enter');
    t.expectLink('l2').id(2);
    a.createMap('m2').close('m2').createMap('m3');
    t.expectMap('m3').id(3);
  });

  it('a link id is consumed by an attach that fails after priming (6.9 EEXIST, EBUSY), not by one that fails before (ENOENT)', () => {
    const t = new TestKernel({ version: '6.9' });
    const a = t.spawn('a');
    a.loadProg('p', { type: 'raw_tp' }).loadProg('fe', { type: 'fentry', target: 'do_unlinkat' })
      .attachRawTp('l1', 'p', 'sys_enter')
      .expectErrno('EEXIST').attachRawTp('x', 'p', 'sys_enter')
      .attachRawTp('l3', 'fe', null)
      .expectErrno('EBUSY').attachRawTp('x', 'fe', null)
      .expectErrno('ENOENT').attachRawTp('x', 'p', 'nope')
      .attachRawTp('l5', 'p', 'sys_exit');
    expect(['l1', 'l3', 'l5'].map((n) => t.id(n))).toEqual([1, 3, 5]);
    expect(listIds(a, 'LINK')).toEqual([1, 3, 5]);
  });

  it('the allocator: lowest free id after the last one, wrapping to 1, -1 when full', () => {
    const idr = new Idr<string>(5);
    expect(['a', 'b', 'c', 'd'].map((x) => idr.alloc(x))).toEqual([1, 2, 3, 4]);
    expect(idr.alloc('e')).toBe(-1);
    idr.remove(2);
    idr.remove(3);
    expect(idr.alloc('f')).toBe(2);
    expect(idr.alloc('g')).toBe(3);
    expect(idr.nextAfter(0)).toBe(1);
    expect(idr.nextAfter(4)).toBeUndefined();
    expect(new Idr().cursor).toBe(1);
    expect(INT_MAX).toBe(0x7fffffff);
  });
});

describe('BPF_*_GET_NEXT_ID', () => {
  it('lists every live id in order, and no freed one', () => {
    const { a } = setup();
    a.loadProg('q', { type: 'raw_tp' }).loadProg('r', { type: 'raw_tp' }).close('q');
    expect(listIds(a, 'PROG')).toEqual([1, 3]);
    expect(listIds(a, 'MAP')).toEqual([1]);
    expect(listIds(a, 'LINK')).toEqual([1]);
    a.close('l');
    expect(listIds(a, 'LINK')).toEqual([]);
  });

  it('returns the smallest id strictly greater than start_id, overwriting next_id', () => {
    const { t, a } = setup();
    a.loadProg('q', { type: 'raw_tp' });
    a.bpf('BPF_PROG_GET_NEXT_ID', { start_id: 0, next_id: 77 });
    expect(t.last.attr!.next_id).toBe(1);
    a.bpf('BPF_PROG_GET_NEXT_ID', { start_id: 1 });
    expect(t.last.attr!.next_id).toBe(2);
    a.expectErrno('ENOENT').bpf('BPF_PROG_GET_NEXT_ID', { start_id: 2 });
  });

  it('start_id at or above INT_MAX: EINVAL; INT_MAX - 1: ENOENT', () => {
    const { a } = setup();
    for (const start_id of [0x7fffffff, 0xffffffff, -1]) a.expectErrno('EINVAL').bpf('BPF_MAP_GET_NEXT_ID', { start_id });
    a.expectErrno('ENOENT').bpf('BPF_MAP_GET_NEXT_ID', { start_id: 0x7ffffffe });
  });

  it('a non-zero byte after next_id (open_flags): EINVAL', () => {
    const { a } = setup();
    a.expectErrno('EINVAL').bpf('BPF_LINK_GET_NEXT_ID', { start_id: 0, open_flags: 1 });
  });

  it('BPF_LINK_GET_NEXT_ID does not exist before 5.8: EINVAL', () => {
    const { a } = setup('5.7');
    a.expectErrno('EINVAL').bpf('BPF_LINK_GET_NEXT_ID', { start_id: 0 });
  });
});

describe('BPF_*_GET_FD_BY_ID', () => {
  it('returns a new fd on the same object, taking a reference (a map with usercnt)', () => {
    const { t, a } = setup();
    a.getFdById('p', 'prog', t.id('p')).returns(6).getFdById('m', 'map', t.id('m')).returns(7).getFdById('l', 'link', t.id('l')).returns(8);
    t.expectProg('p').heldOnlyBy(['a fd 4', 'a fd 6', 'link l']);
    t.expectMap('m').usercnt(2).heldOnlyBy(['a fd 3', 'a fd 7', 'prog p']);
    t.expectLink('l').heldOnlyBy(['a fd 5', 'a fd 8']);
    const names = [6, 7, 8].map((fd) => t.snapshot.files.find((f) => f.key === t.snapshot.processes[0]!.fds.find((x) => x.fd === fd)!.file)!.name);
    expect(names).toEqual(['anon_inode:bpf-prog', 'anon_inode:bpf-map', 'anon_inode:bpf-link']);
  });

  it('keeps a link alive after its creator is gone', () => {
    const { t, a } = setup();
    const b = t.spawn('b');
    b.getFdById('l', 'link', t.id('l'));
    t.exit(a);
    t.expectLink('l').attached().heldOnlyBy(['b fd 3']);
    t.expectRan('tracepoint:sys_enter', ['p']);
  });

  it('id 0, an unused id, a freed id: ENOENT', () => {
    const { t, a } = setup();
    for (const kind of ['prog', 'map', 'link'] as const) {
      a.expectErrno('ENOENT').getFdById('x', kind, 0);
      a.expectErrno('ENOENT').getFdById('x', kind, 42);
    }
    const id = t.id('l');
    a.close('l').expectErrno('ENOENT').getFdById('x', 'link', id);
  });

  it('prog and link: a non-zero next_id or open_flags: EINVAL', () => {
    const { t, a } = setup();
    a.expectErrno('EINVAL').bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: t.id('p'), next_id: 1 });
    a.expectErrno('EINVAL').bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: t.id('p'), open_flags: ['BPF_F_RDONLY'] });
    a.expectErrno('EINVAL').bpf('BPF_LINK_GET_FD_BY_ID', { link_id: t.id('l'), next_id: 1 });
    a.expectErrno('EINVAL').bpf('BPF_LINK_GET_FD_BY_ID', { link_id: t.id('l'), open_flags: 8 });
  });

  it('map: BPF_F_RDONLY gives a read-only fd; both flags or an unknown bit: EINVAL', () => {
    const { t, a } = setup();
    a.bpf('BPF_MAP_GET_FD_BY_ID', { map_id: t.id('m'), open_flags: ['BPF_F_RDONLY'] }, 'm');
    const fd = t.snapshot.processes[0]!.fds.at(-1)!;
    expect(t.snapshot.files.find((f) => f.key === fd.file)!.mode).toBe('rdonly');
    a.expectErrno('EINVAL').bpf('BPF_MAP_GET_FD_BY_ID', { map_id: t.id('m'), open_flags: ['BPF_F_RDONLY', 'BPF_F_WRONLY'] });
    a.expectErrno('EINVAL').bpf('BPF_MAP_GET_FD_BY_ID', { map_id: t.id('m'), open_flags: 1 });
    // open_flags is the map command's last field: next_id, before it, is not checked.
    a.bpf('BPF_MAP_GET_FD_BY_ID', { map_id: t.id('m'), next_id: 7 }, 'm');
  });

  it('BPF_LINK_GET_FD_BY_ID does not exist before 5.8: EINVAL', () => {
    const { a } = setup('5.7');
    a.expectErrno('EINVAL').getFdById('x', 'link', 1);
  });
});

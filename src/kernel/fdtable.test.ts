import { describe, expect, it } from 'vitest';
import { Errno } from './index';
import { TestKernel } from './testing/driver';

/** A loader with a map (fd 3), a raw_tp program using it (fd 4) and its link (fd 5). */
function loaded(version = '6.18') {
  const t = new TestKernel({ version });
  const loader = t.spawn('loader');
  loader.createMap('m').loadProg('p', { type: 'raw_tp', maps: ['m'] }).attachRawTp('l', 'p', 'sys_enter');
  return { t, loader };
}

describe('fd allocation', () => {
  it('starts at 3: fds 0, 1, 2 are a terminal', () => {
    const t = new TestKernel();
    const a = t.spawn('a');
    a.expectFds({ 0: 'tty', 1: 'tty', 2: 'tty' });
    a.createMap('m').returns(3).loadProg('p', { type: 'raw_tp' }).returns(4);
    a.expectFds({ 0: 'tty', 1: 'tty', 2: 'tty', 3: 'm', 4: 'p' });
  });

  it('gives the lowest free fd: with 3, 4, 5 open, closing 4 makes the next object 4', () => {
    const { t, loader } = loaded();
    loader.close('p').loadProg('p2', { type: 'raw_tp' }).returns(4);
    loader.expectFds({ 3: 'm', 4: 'p2', 5: 'l' });
    t.expectProg('p').alive().heldOnlyBy(['link l']);
  });

  it('reuses fd 0 when it was closed: a program at fd 0 can be attached and pinned', () => {
    const t = new TestKernel();
    const a = t.spawn('a');
    a.close(0).loadProg('p', { type: 'raw_tp' }).returns(0);
    a.attachRawTp('l', 'p', 'sys_enter').returns(3).pin('p', '/sys/fs/bpf/p');
    t.expectProg('p').heldOnlyBy(['a fd 0', 'pin /sys/fs/bpf/p', 'link l']);
  });

  it('gives every BPF fd close-on-exec, and the terminal fds none', () => {
    const { t } = loaded();
    const fds = t.snapshot.processes[0]!.fds;
    expect(fds.map((f) => [f.fd, f.cloexec])).toEqual([[0, false], [1, false], [2, false], [3, true], [4, true], [5, true]]);
  });

  it('names the anon inodes as the kernel does: bpf-map, bpf-prog, bpf_link (attach) and bpf-link (by path)', () => {
    const { t, loader } = loaded();
    loader.pin('l', '/sys/fs/bpf/l').objGet('l', '/sys/fs/bpf/l').returns(6);
    const names = (fd: number) => {
      const s = t.snapshot;
      const file = s.processes[0]!.fds.find((f) => f.fd === fd)!.file;
      const f = s.files.find((x) => x.key === file)!;
      return [f.name, f.mode];
    };
    expect([3, 4, 5, 6].map(names)).toEqual([
      ['anon_inode:bpf-map', 'rdwr'], ['anon_inode:bpf-prog', 'rdwr'],
      ['anon_inode:bpf_link', 'rdonly'], ['anon_inode:bpf-link', 'rdonly'],
    ]);
  });

  it('returns EMFILE past RLIMIT_NOFILE (1024 fds), before any link id is allocated', () => {
    const { t, loader } = loaded();
    for (let fd = 6; fd < 1023; fd++) t.kernel.dup(loader.pid, 3);
    loader.dup('d1023', 'm');
    loader.expectErrno('EMFILE').attachRawTp('l2', 'p', 'sys_exit');
    loader.expectErrno('EMFILE').createMap('m2');
    loader.expectErrno('EMFILE').loadProg('p2', { type: 'raw_tp' });
    loader.expectErrno('EMFILE').dup('d', 'm');
    loader.close('d1023').attachRawTp('l2', 'p', 'sys_exit').returns(1023);
    t.expectLink('l2').id(t.id('l') + 1);
  });
});

describe('fork', () => {
  it('shares every open file: f_count +1 per slot, BPF object counts unchanged', () => {
    const { t, loader } = loaded();
    const before = t.snapshot;
    const child = t.fork(loader, 'child');
    child.expectFds({ 0: 'tty', 1: 'tty', 2: 'tty', 3: 'm', 4: 'p', 5: 'l' });
    const s = t.snapshot;
    expect(s.processes[1]!.fds).toEqual(s.processes[0]!.fds);
    for (const f of s.files) expect(f.fCount).toBe(2 * before.files.find((x) => x.key === f.key)!.fCount);
    expect(s.progs).toEqual(before.progs);
    expect(s.maps).toEqual(before.maps);
    expect(s.links).toEqual(before.links);
    t.expectLink('l').heldOnlyBy(['loader fd 5', 'child fd 5']).refcnt(1);
  });

  it('keeps the link while either copy is open: the child closing and exiting does not detach it', () => {
    const { t, loader } = loaded();
    const child = t.fork(loader, 'child');
    child.close('l');
    t.expectLink('l').attached().heldOnlyBy(['loader fd 5']);
    t.exit(child);
    t.expectLink('l').attached();
    loader.close('l');
    t.expectLink('l').freed().detached();
    t.expectRan('tracepoint:sys_enter', []);
  });

  it('keeps the link when the parent goes first', () => {
    const { t, loader } = loaded();
    const child = t.fork(loader, 'child');
    t.exit(loader);
    t.expectLink('l').attached().heldOnlyBy(['child fd 5']);
    t.expectRan('tracepoint:sys_enter', ['p']);
    t.exit(child);
    t.expectLink('l').freed();
    t.expectProg('p').freed();
    t.expectMap('m').freed();
  });

  it('copies the close-on-exec bits', () => {
    const { t, loader } = loaded();
    loader.dup('l2', 'l');
    t.fork(loader, 'child');
    const [p, c] = t.snapshot.processes;
    expect(c!.fds.map((f) => f.cloexec)).toEqual(p!.fds.map((f) => f.cloexec));
    expect(c!.fds.find((f) => f.fd === 6)!.cloexec).toBe(false);
  });

  it('fails with ESRCH for a pid that does not exist or has exited', () => {
    const t = new TestKernel();
    const a = t.spawn('a');
    t.exit(a);
    t.expectErrno('ESRCH').fork(a, 'ghost');
    expect(t.kernel.fork(99999)).toBe(-Errno.ESRCH);
  });
});

describe('dup', () => {
  it('makes a new lowest slot on the same file, with close-on-exec clear', () => {
    const { t, loader } = loaded();
    loader.close('m').dup('l2', 'l').returns(3);
    const s = t.snapshot;
    const fds = s.processes[0]!.fds;
    expect(fds.find((f) => f.fd === 3)).toEqual({ ...fds.find((f) => f.fd === 5)!, fd: 3, cloexec: false });
    expect(s.files.find((f) => f.key === fds.find((x) => x.fd === 3)!.file)!.fCount).toBe(2);
    t.expectLink('l').refcnt(1).heldOnlyBy(['loader fd 3', 'loader fd 5']);
  });

  it('keeps a link attached until the last duplicate is closed', () => {
    const { t, loader } = loaded();
    loader.dup('l2', 'l').dup('l3', 'l').close('l').close('l3');
    t.expectLink('l').attached().heldOnlyBy(['loader fd 6']);
    t.expectRan('tracepoint:sys_enter', ['p']);
    loader.close('l2');
    t.expectLink('l').freed().detached();
    t.expectRan('tracepoint:sys_enter', []);
  });

  it('fails with EBADF for an empty slot, a negative or a huge fd', () => {
    const { loader } = loaded();
    loader.expectErrno('EBADF').dup('x', 6);
    loader.expectErrno('EBADF').dup('x', -1);
    loader.expectErrno('EBADF').dup('x', 1 << 30);
  });
});

describe('close', () => {
  it('returns 0, then EBADF for the same fd', () => {
    const { loader } = loaded();
    loader.close(5).returns(0);
    loader.expectErrno('EBADF').close(5);
  });

  it('of the last fd of a raw tracepoint link detaches it and removes its id at once', () => {
    const { t, loader } = loaded();
    const id = t.id('l');
    loader.close('l');
    t.expectLink('l').freed().detached();
    expect(t.kernel.bpf(t.snapshot.processes[0]!.pid, 'BPF_LINK_GET_FD_BY_ID', { link_id: id })).toBe(-Errno.ENOENT);
  });

  it('of the map fd keeps the map: the program holds refcnt, not usercnt', () => {
    const { t, loader } = loaded();
    loader.close('m');
    t.expectMap('m').alive().refcnt(1).usercnt(0).heldOnlyBy(['prog p']);
    loader.close('p');
    t.expectProg('p').heldOnlyBy(['link l']);
    loader.close('l');
    t.expectProg('p').freed();
    t.expectMap('m').freed();
  });

  it('fails with EBADF for fds that were never open, negative, fractional or not numbers', () => {
    const { t, loader } = loaded();
    for (const fd of [6, 1023, 1024, -1, -100, 2.5, Number.NaN]) loader.expectErrno('EBADF').close(fd);
    const before = JSON.stringify(t.snapshot);
    for (const fd of ['3', null, undefined, {}, [3]])
      expect(t.kernel.apply({ call: 'close', pid: loader.pid, fd: fd as unknown as number }).ret).toBe(-Errno.EBADF);
    expect(JSON.stringify(t.snapshot)).toBe(before);
  });
});

describe('exit', () => {
  it('closes every fd; the releases run highest fd first', () => {
    const { t, loader } = loaded();
    const mark = t.kernel.log().length;
    t.exit(loader);
    const releases = t.kernel.log().slice(mark).filter((e) => e.kind === 'ref' && /_release$/.test(e.fn)).map((e) => e.fn);
    expect(releases).toEqual(['bpf_link_release', 'bpf_prog_release', 'bpf_map_release']);
    // Every f_count drop (in close_files, ascending fd order) comes before the first release.
    const ev = t.kernel.log().slice(mark);
    const lastFput = ev.map((e) => e.fn).lastIndexOf('fput');
    const firstRelease = ev.findIndex((e) => /_release$/.test(e.fn));
    expect(lastFput).toBeLessThan(firstRelease);
    expect(t.snapshot.processes).toEqual([]);
    expect(t.snapshot.files).toEqual([]);
    t.expectLink('l').freed();
    t.expectProg('p').freed();
    t.expectMap('m').freed();
  });

  it('releases the link before its program and the program before its map (the log reads in that order)', () => {
    const { t, loader } = loaded();
    const mark = t.kernel.log().length;
    t.exit(loader);
    const frees = t.kernel.log().slice(mark).filter((e) => e.kind === 'free').map((e) => e.fn);
    expect(frees.indexOf('bpf_link_free_id')).toBeLessThan(frees.indexOf('bpf_prog_free_id'));
    expect(frees.indexOf('bpf_prog_free_id')).toBeLessThan(frees.indexOf('bpf_map_free_id'));
  });

  it('leaves pinned objects alive', () => {
    const { t, loader } = loaded();
    loader.pin('l', '/sys/fs/bpf/l');
    t.exit(loader);
    t.expectLink('l').attached().heldOnlyBy(['pin /sys/fs/bpf/l']);
    t.expectProg('p').heldOnlyBy(['link l']);
    t.expectMap('m').heldOnlyBy(['prog p']).usercnt(0);
    t.expectRan('tracepoint:sys_enter', ['p']);
  });

  it('fails with ESRCH the second time, and for pids that never existed', () => {
    const t = new TestKernel();
    const a = t.spawn('a');
    t.exit(a).returns(0);
    t.expectErrno('ESRCH').exit(a);
    for (const pid of [0, 1, -1, 99999, 1.5]) expect(t.kernel.exit(pid)).toBe(-Errno.ESRCH);
  });

  it('gives pids that are never reused', () => {
    const t = new TestKernel();
    const a = t.spawn('a');
    t.exit(a);
    const b = t.spawn('b');
    expect(b.pid).toBeGreaterThan(a.pid);
  });
});

import { describe, expect, it } from 'vitest';
import type { ErrnoName } from './index';
import { TestKernel, type TestProcess } from './testing/driver';

const B = '/sys/fs/bpf';

/** A raw_tp program `p` (fd 3) and its link `l` (fd 4); `p` pinned at B/p, `l` at B/d/x, an
 * empty directory B/e. */
function fixture(version = '6.18') {
  const t = new TestKernel({ version });
  const a = t.spawn('a');
  a.loadProg('p', { type: 'raw_tp' }).attachRawTp('l', 'p', 'sys_enter')
    .pin('p', `${B}/p`).mkdir(`${B}/d/`).pin('l', `${B}/d/x`).mkdir(`${B}/e`);
  return { t, a };
}

type Op = (a: TestProcess) => unknown;
/** [description, operation, expected errno or 0]; every row checked on a 6.18 kernel (fresh
 * bpffs in a private mount namespace, same fixture). */
const ROWS: [string, Op, ErrnoName | 0][] = [
  ['pin at a new name', (a) => a.pin('p', `${B}/q`), 0],
  ['pin with a doubled slash', (a) => a.pin('p', `${B}//q`), 0],
  ['pin through ..', (a) => a.pin('p', `${B}/../bpf/q`), 0],
  ['pin at a 255-byte name', (a) => a.pin('p', `${B}/${'a'.repeat(255)}`), 0],
  ['pin at a 256-byte name', (a) => a.pin('p', `${B}/${'a'.repeat(256)}`), 'ENAMETOOLONG'],
  ['pin at a 4095-byte path', (a) => a.pin('p', `${B}/${'./'.repeat(2041)}x`), 0],
  ['pin at a 4096-byte path', (a) => a.pin('p', `${B}/${'./'.repeat(2041)}xy`), 'ENAMETOOLONG'],
  ['pin at an existing pin', (a) => a.pin('p', `${B}/p`), 'EEXIST'],
  ['pin at an existing pin with a trailing slash', (a) => a.pin('p', `${B}/p/`), 'EEXIST'],
  ['pin at a directory', (a) => a.pin('p', `${B}/d`), 'EEXIST'],
  ['pin at a directory with a trailing slash', (a) => a.pin('p', `${B}/d/`), 'EEXIST'],
  ['pin at the bpffs root', (a) => a.pin('p', B), 'EEXIST'],
  ['pin at the bpffs root/', (a) => a.pin('p', `${B}/`), 'EEXIST'],
  ['pin at .', (a) => a.pin('p', `${B}/.`), 'EEXIST'],
  ['pin at ..', (a) => a.pin('p', `${B}/..`), 'EEXIST'],
  ['pin at an existing name on another fs', (a) => a.pin('p', '/tmp'), 'EEXIST'],
  ['pin at a new name with a trailing slash', (a) => a.pin('p', `${B}/new/`), 'ENOENT'],
  ['pin under a missing directory', (a) => a.pin('p', `${B}/nodir/x`), 'ENOENT'],
  ['pin under a pinned file', (a) => a.pin('p', `${B}/p/x`), 'ENOTDIR'],
  ['pin at the empty path', (a) => a.pin('p', ''), 'ENOENT'],
  ['pin at a dotted name', (a) => a.pin('p', `${B}/a.b`), 'EPERM'],
  ['pin under a dotted name', (a) => a.pin('p', `${B}/x.y/z`), 'EPERM'],
  ['pin outside bpffs (sysfs)', (a) => a.pin('p', '/sys/fs/x'), 'EPERM'],
  ['pin outside bpffs (/tmp)', (a) => a.pin('p', '/tmp/x'), 'EPERM'],
  ['pin a closed fd: the fd is probed before the path', (a) => a.pin(99, `${B}/nodir/x`), 'EINVAL'],
  ['get a pin with a trailing slash', (a) => a.objGet('g', `${B}/p/`), 'ENOTDIR'],
  ['get a directory', (a) => a.objGet('g', `${B}/d`), 'EACCES'],
  ['get a directory/', (a) => a.objGet('g', `${B}/d/`), 'EACCES'],
  ['get the bpffs root', (a) => a.objGet('g', B), 'EACCES'],
  ['get a directory on another fs', (a) => a.objGet('g', '/tmp'), 'EACCES'],
  ['get a missing name', (a) => a.objGet('g', `${B}/nope`), 'ENOENT'],
  ['get the empty path', (a) => a.objGet('g', ''), 'ENOENT'],
  ['get a dotted name', (a) => a.objGet('g', `${B}/x.y`), 'EPERM'],
  ['get a 256-byte name', (a) => a.objGet('g', `${B}/${'a'.repeat(256)}`), 'ENAMETOOLONG'],
  ['get through a pinned file', (a) => a.objGet('g', `${B}/p/x`), 'ENOTDIR'],
  ['mkdir a new name with a trailing slash', (a) => a.mkdir(`${B}/d2/`), 0],
  ['mkdir an existing directory', (a) => a.mkdir(`${B}/d`), 'EEXIST'],
  ['mkdir an existing pin', (a) => a.mkdir(`${B}/p`), 'EEXIST'],
  ['mkdir the bpffs root', (a) => a.mkdir(B), 'EEXIST'],
  ['mkdir under a missing directory', (a) => a.mkdir(`${B}/nodir/z`), 'ENOENT'],
  ['mkdir under a pinned file', (a) => a.mkdir(`${B}/p/z`), 'ENOTDIR'],
  ['mkdir a dotted name', (a) => a.mkdir(`${B}/x.y`), 'EPERM'],
  ['mkdir a dotted name in a subdirectory', (a) => a.mkdir(`${B}/d/x.y`), 'EPERM'],
  ['mkdir a 256-byte name', (a) => a.mkdir(`${B}/${'a'.repeat(256)}`), 'ENAMETOOLONG'],
  ['rmdir an empty directory', (a) => a.rmdir(`${B}/e`), 0],
  ['rmdir a non-empty directory', (a) => a.rmdir(`${B}/d`), 'ENOTEMPTY'],
  ['rmdir a pinned file', (a) => a.rmdir(`${B}/p`), 'ENOTDIR'],
  ['rmdir a pinned file/', (a) => a.rmdir(`${B}/p/`), 'ENOTDIR'],
  ['rmdir a missing name', (a) => a.rmdir(`${B}/nope`), 'ENOENT'],
  ['rmdir the bpffs mount point', (a) => a.rmdir(B), 'EBUSY'],
  ['rmdir the bpffs mount point/', (a) => a.rmdir(`${B}/`), 'EBUSY'],
  ['rmdir .', (a) => a.rmdir(`${B}/d/.`), 'EINVAL'],
  ['rmdir ..', (a) => a.rmdir(`${B}/d/..`), 'ENOTEMPTY'],
  ['unlink a pin', (a) => a.unlink(`${B}/p`), 0],
  ['unlink a pin/', (a) => a.unlink(`${B}/p/`), 'ENOTDIR'],
  ['unlink a missing name', (a) => a.unlink(`${B}/nope`), 'ENOENT'],
  ['unlink a missing name/', (a) => a.unlink(`${B}/nope/`), 'ENOENT'],
  ['unlink a directory', (a) => a.unlink(`${B}/d`), 'EISDIR'],
  ['unlink .', (a) => a.unlink(`${B}/.`), 'EISDIR'],
  ['unlink ..', (a) => a.unlink(`${B}/d/..`), 'EISDIR'],
  ['unlink a 256-byte name', (a) => a.unlink(`${B}/${'a'.repeat(256)}`), 'ENAMETOOLONG'],
  ['rename a pin to a new name', (a) => a.rename(`${B}/p`, `${B}/q`), 0],
  ['rename a pin onto itself', (a) => a.rename(`${B}/p`, `${B}/p`), 0],
  ['rename a pin over another pin', (a) => a.rename(`${B}/p`, `${B}/d/x`), 0],
  ['rename a directory', (a) => a.rename(`${B}/e`, `${B}/e2`), 0],
  ['rename a directory to name/', (a) => a.rename(`${B}/e`, `${B}/e3/`), 0],
  ['rename a directory over an empty directory', (a) => a.rename(`${B}/d`, `${B}/e`), 0],
  ['rename a pin to name/', (a) => a.rename(`${B}/p`, `${B}/p/`), 'ENOTDIR'],
  ['rename pin/ to a name', (a) => a.rename(`${B}/p/`, `${B}/q`), 'ENOTDIR'],
  ['rename a missing name', (a) => a.rename(`${B}/nope`, `${B}/q`), 'ENOENT'],
  ['rename a directory into itself', (a) => a.rename(`${B}/d`, `${B}/d/e`), 'EINVAL'],
  ['rename to another fs', (a) => a.rename(`${B}/p`, '/tmp/p'), 'EXDEV'],
  ['rename a missing name to another fs', (a) => a.rename(`${B}/nope`, '/tmp/p'), 'EXDEV'],
  ['rename a pin onto the bpffs mount point', (a) => a.rename(`${B}/p`, B), 'EXDEV'],
  ['rename the bpffs mount point', (a) => a.rename(B, '/sys/fs/bpf2'), 'EBUSY'],
  ['rename a directory over a non-empty directory', (a) => a.rename(`${B}/e`, `${B}/d`), 'ENOTEMPTY'],
  ['rename a pin over a directory', (a) => a.rename(`${B}/p`, `${B}/e`), 'EISDIR'],
  ['rename a directory over a pin', (a) => a.rename(`${B}/e`, `${B}/p`), 'ENOTDIR'],
  ['rename a directory over a pin in a subdirectory', (a) => a.rename(`${B}/e`, `${B}/d/x`), 'ENOTDIR'],
  ['rename to a dotted name', (a) => a.rename(`${B}/e`, `${B}/p.x`), 'EPERM'],
  ['rename from a dotted name', (a) => a.rename(`${B}/p.x`, `${B}/p2`), 'EPERM'],
  ['rename onto ..', (a) => a.rename(`${B}/d/x`, `${B}/d/..`), 'EBUSY'],
  ['rename onto .', (a) => a.rename(`${B}/d/x`, `${B}/d/.`), 'EBUSY'],
  ['rename ..', (a) => a.rename(`${B}/d/..`, `${B}/q`), 'EBUSY'],
  ['open a directory', (a) => a.open('dir', `${B}/d`), 0],
  ['open a pinned file', (a) => a.open('o', `${B}/p`), 'EIO'],
  ['open a missing name', (a) => a.open('o', `${B}/nope`), 'ENOENT'],
  ['open a dotted name', (a) => a.open('o', `${B}/x.y`), 'EPERM'],
];

describe('BPF FS: every path operation, as 6.18 answers it', () => {
  it.each(ROWS)('%s', (_d, op, errno) => {
    const { a } = fixture();
    if (errno) a.expectErrno(errno);
    op(a);
  });
});

describe('BPF_OBJ_PIN', () => {
  it('gives the pin one reference of the object; a second name takes a second one', () => {
    const { t, a } = fixture();
    t.expectProg('p').refcnt(3).heldOnlyBy(['a fd 3', 'pin /sys/fs/bpf/p', 'link l']);
    a.pin('p', `${B}/p2`);
    t.expectProg('p').refcnt(4).heldOnlyBy(['a fd 3', 'pin /sys/fs/bpf/p', 'pin /sys/fs/bpf/p2', 'link l']);
    expect(t.bpffs()).toEqual([`${B}/d`, `${B}/d/x`, `${B}/e`, `${B}/p`, `${B}/p2`]);
  });

  it('pins a map with refcnt and usercnt', () => {
    const { t, a } = fixture();
    a.createMap('m').pin('m', `${B}/m`).close('m');
    t.expectMap('m').refcnt(1).usercnt(1).heldOnlyBy([`pin ${B}/m`]);
  });

  describe('check order', () => {
    it('1. a field the command does not read: EINVAL, before anything else', () => {
      const { a } = fixture();
      a.expectErrno('EINVAL').pin(99, `${B}/nodir/x`, { flags: 1 });
    });

    it('2. file_flags other than BPF_F_PATH_FD (BPF_F_RDONLY): EINVAL, before the fd', () => {
      const { a } = fixture();
      a.expectErrno('EINVAL').pin(99, `${B}/q`, { file_flags: ['BPF_F_RDONLY'] });
      a.expectErrno('EINVAL').pin('p', `${B}/q`, { file_flags: 1 });
    });

    it('3. path_fd without BPF_F_PATH_FD: EINVAL, before the fd', () => {
      const { a } = fixture();
      a.open('dir', `${B}/d`).expectErrno('EINVAL').pin(99, 'q', { path_fd: a.fd('dir') });
    });

    it('4. bpf_fd that is not a map, program or link: EINVAL, whatever it is (closed, -1, a terminal, a directory)', () => {
      const { a } = fixture();
      a.open('dir', `${B}/d`);
      for (const fd of [99, -1, 0, 'dir']) a.expectErrno('EINVAL').pin(fd, `${B}/q`);
      a.close(0).expectErrno('EINVAL').pin(0, `${B}/q`);
    });

    it('5-8. a bad fd wins over a bad path; an existing name wins over a trailing slash and over "not bpffs"', () => {
      const { a } = fixture();
      for (const path of [`${B}/nodir/x`, `${B}/p`, '/tmp/x', `${B}/a.b`, '']) a.expectErrno('EINVAL').pin(99, path);
      a.expectErrno('EEXIST').pin('p', `${B}/p/`);
      a.expectErrno('EEXIST').pin('p', '/sys/fs/cgroup');
    });
  });

  describe('path_fd with BPF_F_PATH_FD (6.5+)', () => {
    it('resolves a relative path from a directory fd', () => {
      const { t, a } = fixture();
      a.open('dir', `${B}/d`).pin('p', 'rel', { file_flags: ['BPF_F_PATH_FD'], path_fd: a.fd('dir') });
      expect(t.bpffs()).toContain(`${B}/d/rel`);
      a.objGet('p', 'rel', { file_flags: ['BPF_F_PATH_FD'], path_fd: a.fd('dir') });
    });

    it('ignores path_fd for an absolute path, takes AT_FDCWD as the cwd', () => {
      const { t, a } = fixture();
      a.pin('p', `${B}/abs`, { file_flags: ['BPF_F_PATH_FD'], path_fd: 12345 });
      a.pin('p', 'sys/fs/bpf/cwd', { file_flags: ['BPF_F_PATH_FD'], path_fd: -100 });
      expect(t.bpffs()).toEqual(expect.arrayContaining([`${B}/abs`, `${B}/cwd`]));
    });

    it('a path_fd that is not open: EBADF; not a directory: ENOTDIR', () => {
      const { a } = fixture();
      a.expectErrno('EBADF').pin('p', 'rel', { file_flags: ['BPF_F_PATH_FD'], path_fd: 99 });
      a.expectErrno('ENOTDIR').pin('p', 'rel', { file_flags: ['BPF_F_PATH_FD'], path_fd: a.fd('p') });
    });

    it('before 6.5: path_fd is past the last field and BPF_F_PATH_FD is unknown: EINVAL', () => {
      const { a } = fixture('6.4');
      a.open('dir', `${B}/d`);
      a.expectErrno('EINVAL').pin('p', 'rel', { file_flags: ['BPF_F_PATH_FD'] });
      a.expectErrno('EINVAL').pin('p', `${B}/q`, { path_fd: a.fd('dir') });
      a.expectErrno('EINVAL').objGet('g', `${B}/p`, { file_flags: ['BPF_F_PATH_FD'] });
    });
  });

  describe('before 5.7', () => {
    it('5.6: a closed fd gives EBADF, a raw tracepoint fd EINVAL (it is not a link)', () => {
      const t = new TestKernel({ version: '5.6' });
      const a = t.spawn('a');
      a.loadProg('p', { type: 'raw_tp' }).pin('p', `${B}/p`);
      a.expectErrno('EBADF').pin(99, `${B}/q`);
      a.expectErrno('EINVAL').pin(0, `${B}/q`);
      a.attachRawTp('l2', 'p', 'sys_exit').expectErrno('EINVAL').pin('l2', `${B}/l2`);
      expect(t.bpffs()).not.toContain(`${B}/l2`);
    });
  });
});

describe('BPF_OBJ_GET', () => {
  it('returns a new fd on the same object, taking a reference', () => {
    const { t, a } = fixture();
    a.close('p').objGet('p', `${B}/p`).returns(3);
    t.expectProg('p').heldOnlyBy(['a fd 3', `pin ${B}/p`, 'link l']);
    a.objGet('l', `${B}/d/x`).returns(5);
    t.expectLink('l').heldOnlyBy(['a fd 4', 'a fd 5', `pin ${B}/d/x`]);
  });

  it('gives a program a read/write fd whatever the flags, a map the access asked for', () => {
    const { t, a } = fixture();
    a.createMap('m').pin('m', `${B}/m`);
    a.objGet('p', `${B}/p`, { file_flags: ['BPF_F_RDONLY'] }).objGet('m', `${B}/m`, { file_flags: ['BPF_F_RDONLY'] })
      .objGet('m', `${B}/m`, { file_flags: ['BPF_F_WRONLY'] });
    const modes = t.snapshot.processes[0]!.fds.slice(-3).map((f) => t.snapshot.files.find((x) => x.key === f.file)!.mode);
    expect(modes).toEqual(['rdwr', 'rdonly', 'wronly']);
    t.expectMap('m').refcnt(4).usercnt(4);
  });

  it('errors: bpf_fd not 0, unknown file_flags, RDONLY with WRONLY, a link with an access flag: EINVAL', () => {
    const { a } = fixture();
    a.expectErrno('EINVAL').objGet('g', `${B}/p`, { bpf_fd: 3 });
    a.expectErrno('EINVAL').objGet('g', `${B}/p`, { file_flags: 1 });
    a.expectErrno('EINVAL').objGet('g', `${B}/p`, { file_flags: ['BPF_F_RDONLY', 'BPF_F_WRONLY'] });
    a.expectErrno('EINVAL').objGet('g', `${B}/d/x`, { file_flags: ['BPF_F_RDONLY'] });
    a.expectErrno('EINVAL').objGet('g', `${B}/d/x`, { file_flags: ['BPF_F_WRONLY'] });
    a.expectErrno('EINVAL').objGet('g', `${B}/p`, { path_fd: 3 });
  });
});

describe('what a pin holds and when it lets go', () => {
  it('unlink of the last name drops the reference: a link held only by its pin is detached and freed', () => {
    const { t, a } = fixture();
    a.close('l');
    t.expectLink('l').attached().heldOnlyBy([`pin ${B}/d/x`]);
    a.unlink(`${B}/d/x`);
    t.expectLink('l').freed().detached();
    t.expectRan('tracepoint:sys_enter', []);
  });

  it('rename keeps the reference', () => {
    const { t, a } = fixture();
    a.rename(`${B}/p`, `${B}/e/p`).rename(`${B}/d`, `${B}/e/d`);
    t.expectProg('p').heldOnlyBy(['a fd 3', `pin ${B}/e/p`, 'link l']);
    t.expectLink('l').heldOnlyBy(['a fd 4', `pin ${B}/e/d/x`]);
  });

  it('rename over a pin drops the replaced object', () => {
    const { t, a } = fixture();
    a.close('l').loadProg('q', { type: 'raw_tp' }).pin('q', `${B}/q`).close('q');
    a.rename(`${B}/q`, `${B}/d/x`);
    t.expectLink('l').freed();
    t.expectProg('q').heldOnlyBy([`pin ${B}/d/x`]);
    t.expectProg('p').heldOnlyBy(['a fd 3', `pin ${B}/p`]);
  });

  it('rmdir of the directory after unlinking its pin', () => {
    const { t, a } = fixture();
    a.expectErrno('ENOTEMPTY').rmdir(`${B}/d`);
    a.unlink(`${B}/d/x`).rmdir(`${B}/d`);
    expect(t.bpffs()).toEqual([`${B}/e`, `${B}/p`]);
    t.expectLink('l').heldOnlyBy(['a fd 4']);
  });

  it('a pin outlives every process', () => {
    const { t, a } = fixture();
    t.exit(a);
    t.expectLink('l').attached().heldOnlyBy([`pin ${B}/d/x`]);
    t.expectProg('p').heldOnlyBy([`pin ${B}/p`, 'link l']);
    const b = t.spawn('b');
    b.objGet('l', `${B}/d/x`).returns(3).unlink(`${B}/d/x`);
    t.expectLink('l').attached().heldOnlyBy(['b fd 3']);
    t.exit(b);
    t.expectLink('l').freed();
    t.expectRan('tracepoint:sys_enter', []);
  });
});

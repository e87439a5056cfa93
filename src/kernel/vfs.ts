/**
 * A small VFS: the root file system, BPF FS at /sys/fs/bpf and cgroup2 at /sys/fs/cgroup,
 * with the path walk of fs/namei.c and the errnos it gives.
 *
 * Inodes here have at most one name (the model has no link(2)), so an inode's last name
 * going is the moment a pin's reference is dropped (`bpf_destroy_inode`, kernel/bpf/inode.c).
 */
import { Errno } from './errno';
import type { Cgroup } from './cgroup';
import type { BpfObject } from './objects';

export type FsType = 'rootfs' | 'bpf' | 'cgroup2';

export interface Fs {
  id: number;
  type: FsType;
  root: Inode;
  /** The directory this fs is mounted on; null for the root fs. */
  mountpoint: Inode | null;
}

export interface Inode {
  ino: number;
  fs: Fs;
  kind: 'dir' | 'pin';
  /** Directory entries (dirs only). */
  children: Map<string, Inode> | null;
  parent: Inode | null;
  name: string;
  mode: number;
  /** The object a pin holds one reference on. */
  obj: BpfObject | null;
  /** A file system mounted on this directory. */
  mounted: Fs | null;
  /** Removed from its directory. */
  dead: boolean;
  /** The cgroup a cgroup2 directory is. */
  cgroup?: Cgroup;
}

export const PATH_MAX = 4096;
export const NAME_MAX = 255;
export const AT_FDCWD = -100;

/** A failed walk: the errno and a sentence saying why. */
export interface WalkError { errno: number; why: string }

export function isWalkError(x: unknown): x is WalkError {
  return typeof x === 'object' && x !== null && 'errno' in x && 'why' in x;
}

function err(errno: number, why: string): WalkError {
  return { errno, why };
}

export class Vfs {
  private nextIno = 1;
  private nextFsId = 1;
  readonly root: Inode;
  readonly bpffs: Fs;
  readonly cgroupfs: Fs;

  constructor() {
    const rootfs = this.newFs('rootfs');
    this.root = rootfs.root;
    const sys = this.mkdirIn(this.root, 'sys', 0o555);
    const fs = this.mkdirIn(sys, 'fs', 0o755);
    this.mkdirIn(this.root, 'tmp', 0o1777);
    this.mkdirIn(this.root, 'dev', 0o755);
    this.bpffs = this.mount(this.mkdirIn(fs, 'bpf', 0o755), 'bpf', 0o1777);
    this.cgroupfs = this.mount(this.mkdirIn(fs, 'cgroup', 0o755), 'cgroup2', 0o755);
  }

  private newFs(type: FsType, mode = 0o755): Fs {
    const fs = { id: this.nextFsId++, type, mountpoint: null } as unknown as Fs;
    fs.root = this.newInode(fs, 'dir', null, '', mode);
    return fs;
  }

  private newInode(fs: Fs, kind: 'dir' | 'pin', parent: Inode | null, name: string, mode: number): Inode {
    return {
      ino: this.nextIno++, fs, kind, children: kind === 'dir' ? new Map() : null, parent, name, mode,
      obj: null, mounted: null, dead: false,
    };
  }

  private mount(on: Inode, type: FsType, mode: number): Fs {
    const fs = this.newFs(type, mode);
    fs.mountpoint = on;
    on.mounted = fs;
    return fs;
  }

  /** Add a directory entry (no checks: the callers did them). */
  mkdirIn(parent: Inode, name: string, mode: number): Inode {
    const d = this.newInode(parent.fs, 'dir', parent, name, mode);
    parent.children!.set(name, d);
    return d;
  }

  pinIn(parent: Inode, name: string, obj: BpfObject): Inode {
    const p = this.newInode(parent.fs, 'pin', parent, name, 0o600);
    p.obj = obj;
    parent.children!.set(name, p);
    return p;
  }

  /** Remove a name; the inode is dead (no hard links in the model). */
  detach(inode: Inode): void {
    inode.parent?.children?.delete(inode.name);
    inode.dead = true;
  }

  /** Move an entry to a new parent and name (the target name must be free). */
  move(inode: Inode, parent: Inode, name: string): void {
    inode.parent?.children?.delete(inode.name);
    inode.parent = parent;
    inode.name = name;
    parent.children!.set(name, inode);
  }

  /** The absolute path of a live inode. */
  pathOf(inode: Inode): string {
    const parts: string[] = [];
    let cur: Inode | null = inode;
    while (cur) {
      if (cur === cur.fs.root) {
        cur = cur.fs.mountpoint;
        continue;
      }
      parts.push(cur.name);
      cur = cur.parent;
    }
    return '/' + parts.reverse().join('/');
  }

  /** Follow a mount on `inode` (`follow_mount`). */
  private down(inode: Inode): Inode {
    let cur = inode;
    while (cur.mounted) cur = cur.mounted.root;
    return cur;
  }

  /** `..` of a directory, crossing a mount upwards. */
  private up(dir: Inode): Inode {
    let cur = dir;
    while (cur === cur.fs.root && cur.fs.mountpoint) cur = cur.fs.mountpoint;
    return cur.parent ?? cur;
  }

  /** Look one name up in a directory, in the kernel's order: the dcache (an existing entry),
   * then `__lookup_slow`'s dead-directory check, then the file system's lookup: `bpf_lookup`'s
   * dot check and `simple_lookup`'s NAME_MAX (BPF FS, the root fs); kernfs (cgroup2) takes
   * any length. */
  private lookupIn(dir: Inode, name: string): Inode | undefined | WalkError {
    const child = dir.children!.get(name);
    if (child) return this.down(child);
    if (dir.dead) return err(Errno.ENOENT, 'the directory has been removed');
    if (dir.fs.type === 'bpf' && name.includes('.'))
      return err(Errno.EPERM, `bpf_lookup: names with a dot are reserved in BPF FS ("${name}")`);
    if (name.length > NAME_MAX && dir.fs.type !== 'cgroup2')
      return err(Errno.ENAMETOOLONG, `simple_lookup: "${name.slice(0, 16)}..." is longer than ${NAME_MAX} bytes`);
    return undefined;
  }

  /**
   * Walk every component but the last (`path_parentat`): returns the parent directory,
   * the last name, whether the path ended in a slash and the last component's type.
   */
  walkParent(path: unknown, start: Inode | null): WalkError | { dir: Inode; last: string; slash: boolean; type: 'norm' | 'dot' | 'dotdot' | 'root' } {
    if (typeof path !== 'string') return err(Errno.EFAULT, 'the path is not a string');
    if (path.length === 0) return err(Errno.ENOENT, 'empty path');
    if (path.length >= PATH_MAX) return err(Errno.ENAMETOOLONG, `path longer than ${PATH_MAX - 1} bytes`);
    if (path.includes('\0')) return err(Errno.EINVAL, 'NUL byte in path');
    let dir = path.startsWith('/') ? this.down(this.root) : start ?? this.down(this.root);
    const parts = path.split('/').filter((p) => p.length > 0);
    const slash = path.endsWith('/') && parts.length > 0;
    if (parts.length === 0) return { dir, last: '', slash: false, type: 'root' };
    for (let i = 0; i < parts.length - 1; i++) {
      const name = parts[i]!;
      if (name === '.') continue;
      if (name === '..') {
        dir = this.up(dir);
        continue;
      }
      const next = this.lookupIn(dir, name);
      if (isWalkError(next)) return next;
      if (!next) return err(Errno.ENOENT, `no such directory "${name}"`);
      if (next.kind !== 'dir') return err(Errno.ENOTDIR, `"${name}" is not a directory`);
      dir = next;
    }
    // A removed directory fails the lookup of a name in it (lookupIn), not "." or "..".
    const last = parts[parts.length - 1]!;
    const type = last === '.' ? 'dot' : last === '..' ? 'dotdot' : 'norm';
    return { dir, last, slash, type };
  }

  /** Look up the last component in its parent (after `walkParent`). */
  lookupLast(dir: Inode, last: string): Inode | undefined | WalkError {
    return this.lookupIn(dir, last);
  }

  /** Full lookup (`user_path_at`, following mounts): the inode a path names. */
  lookup(path: unknown, start: Inode | null): Inode | WalkError {
    const p = this.walkParent(path, start);
    if (isWalkError(p)) return p;
    let inode: Inode | undefined | WalkError;
    if (p.type === 'root' || p.type === 'dot') inode = p.dir;
    else if (p.type === 'dotdot') inode = this.up(p.dir);
    else inode = this.lookupLast(p.dir, p.last);
    if (isWalkError(inode)) return inode;
    if (!inode) return err(Errno.ENOENT, `no such file or directory "${p.last}"`);
    if (p.slash && inode.kind !== 'dir') return err(Errno.ENOTDIR, `"${p.last}" is not a directory (trailing slash)`);
    return inode;
  }

  /** Is `a` the same as, or an ancestor of, `b`? */
  isAncestor(a: Inode, b: Inode): boolean {
    let cur: Inode | null = b;
    while (cur) {
      if (cur === a) return true;
      if (cur === cur.fs.root) return false;
      cur = cur.parent;
    }
    return false;
  }

  /** Every live inode of a file system, depth first, in name order. */
  *walkFs(fs: Fs): Generator<Inode> {
    const stack: Inode[] = [fs.root];
    while (stack.length) {
      const cur = stack.pop()!;
      yield cur;
      if (cur.children) {
        const names = [...cur.children.keys()].sort().reverse();
        for (const n of names) stack.push(cur.children.get(n)!);
      }
    }
  }
}

/**
 * BPF FS and the file-system calls: `BPF_OBJ_PIN` / `BPF_OBJ_GET` (kernel/bpf/inode.c
 * `bpf_obj_pin_user`, `bpf_obj_get_user`), and mkdir, rmdir, unlink, rename, open as
 * fs/namei.c and libfs (`simple_rmdir`, `simple_rename`, `simple_unlink`) do them.
 */
import { checkAttr, fdField, flagsField, u32, type FieldSpec } from './attr';
import type { BpfAttr } from './call';
import { Errno } from './errno';
import { allocFd, fget, newFd } from './fdtable';
import type { BpfObject, Process } from './objects';
import { linkInc, linkPut, mapInc, mapPutWithUref, pinOpenFiles, progInc, progPut } from './refs';
import { iterNewFd } from './iter';
import { describe, fail, type KernelState } from './state';
import { FLAG_VALUES } from './uapi';
import { cgroupBpfRelease, newCgroup } from './cgroup';
import { AT_FDCWD, isWalkError, PATH_MAX, type Inode, type WalkError } from './vfs';

export const OBJ_FIELDS: readonly FieldSpec[] = [
  { name: 'pathname' }, { name: 'bpf_fd' }, { name: 'file_flags' }, { name: 'path_fd', since: 605 },
];

function walkFail(e: WalkError, fn: string): never {
  return fail(e.errno, fn, e.why);
}

/** `bpf_any_put`: the reference a pin (or a failed pin) held. */
export function anyPut(k: KernelState, o: BpfObject, fn: string, why: string): void {
  if (o.kind === 'prog') progPut(k, o, fn, why);
  else if (o.kind === 'map') mapPutWithUref(k, o, fn, why);
  else linkPut(k, o, fn, why);
}

/** The directory a relative path starts from: `path_fd` with BPF_F_PATH_FD, else the cwd.
 * The name is copied in (`getname`) before `path_fd` is looked at: a name that is no string
 * (EFAULT), empty (ENOENT) or too long (ENAMETOOLONG) fails first, whatever `path_fd` is. */
function startDir(k: KernelState, p: Process, path: unknown, flags: number, pathFd: number): Inode | null {
  if (!(flags & FLAG_VALUES.BPF_F_PATH_FD) || pathFd === AT_FDCWD) return null;
  if (typeof path !== 'string' || path === '' || path.length >= PATH_MAX || path.startsWith('/')) return null;
  const f = fget(p, pathFd);
  if (!f) fail(Errno.EBADF, 'path_at', `path_fd ${pathFd} is not open`);
  if (f.target.kind !== 'dir') fail(Errno.ENOTDIR, 'path_at', `path_fd ${pathFd} is not a directory`);
  return f.target.inode;
}

function objFlags(k: KernelState, cmd: string, attr: BpfAttr, allowed: number): { flags: number; pathFd: number } {
  checkAttr(k, cmd, attr, OBJ_FIELDS);
  const flags = flagsField(attr, 'file_flags');
  const mask = allowed | (k.since(605) ? FLAG_VALUES.BPF_F_PATH_FD : 0);
  if (flags & ~mask) fail(Errno.EINVAL, cmd === 'BPF_OBJ_PIN' ? 'bpf_obj_pin' : 'bpf_obj_get', `file_flags 0x${flags.toString(16)} has bits this command does not take`);
  const pathFd = fdField(attr, 'path_fd');
  if (pathFd && !(flags & FLAG_VALUES.BPF_F_PATH_FD)) fail(Errno.EINVAL, 'bpf_obj_pin', 'path_fd without BPF_F_PATH_FD');
  return { flags, pathFd };
}

export function bpfObjPin(k: KernelState, p: Process, attr: BpfAttr): number {
  const { flags, pathFd } = objFlags(k, 'BPF_OBJ_PIN', attr, 0);
  const fd = fdField(attr, 'bpf_fd');
  // bpf_fd_probe_obj: map, then program, then link (5.7+); a bad fd wins over a bad path.
  const f = fget(p, fd);
  const t = f?.target;
  const obj = t && (t.kind === 'map' || t.kind === 'prog' || (t.kind === 'link' && t.isLink)) ? t : null;
  if (!obj) {
    if (!k.since(507) && !f) fail(Errno.EBADF, 'bpf_fd_probe_obj', `pid ${p.pid} has no fd ${fd}`);
    fail(Errno.EINVAL, 'bpf_fd_probe_obj', !f ? `pid ${p.pid} has no fd ${fd} (BPF_OBJ_PIN says EINVAL for it)`
      : t?.kind === 'link' ? 'before 5.7 a raw tracepoint / tracing attachment fd is not a bpf_link and cannot be pinned'
        : `fd ${fd} is not a BPF map, program or link`);
  }
  const path = attr.pathname;
  const w = k.vfs.walkParent(path, startDir(k, p, path, flags, pathFd));
  if (isWalkError(w)) walkFail(w, 'filename_create');
  if (w.type !== 'norm') fail(Errno.EEXIST, 'filename_create', `"${String(path)}" names an existing directory`);
  const existing = k.vfs.lookupLast(w.dir, w.last);
  if (isWalkError(existing)) walkFail(existing, 'bpf_lookup');
  if (existing) fail(Errno.EEXIST, 'filename_create', `"${String(path)}" already exists`);
  if (w.slash) fail(Errno.ENOENT, 'filename_create', `"${String(path)}" ends in a slash but does not exist`);
  if (w.dir.fs.type !== 'bpf') fail(Errno.EPERM, 'bpf_obj_do_pin', `the parent directory of "${String(path)}" is not in a BPF FS`);
  const pin = k.vfs.pinIn(w.dir, w.last, obj);
  const where = k.keepLog ? k.vfs.pathOf(pin) : '';
  const why = k.keepLog ? `held by the pin ${where}` : '';
  if (obj.kind === 'prog') progInc(k, obj, 'bpf_obj_pin_user', why);
  else if (obj.kind === 'map') mapInc(k, obj, true, 'bpf_obj_pin_user', why);
  else linkInc(k, obj, 'bpf_obj_pin_user', why);
  if (k.keepLog) k.emit('fs', 'bpf_obj_do_pin', `${describe(obj)} pinned at ${where} (a regular file, mode 0600)`, { pid: p.pid });
  return 0;
}

export function bpfObjGet(k: KernelState, p: Process, attr: BpfAttr): number {
  const rw = FLAG_VALUES.BPF_F_RDONLY | FLAG_VALUES.BPF_F_WRONLY;
  const { flags, pathFd } = objFlags(k, 'BPF_OBJ_GET', attr, rw);
  if (u32(attr, 'bpf_fd')) fail(Errno.EINVAL, 'bpf_obj_get', 'bpf_fd must be 0');
  if ((flags & rw) === rw) fail(Errno.EINVAL, 'bpf_get_file_flag', 'BPF_F_RDONLY and BPF_F_WRONLY together');
  const path = attr.pathname;
  const inode = k.vfs.lookup(path, startDir(k, p, path, flags, pathFd));
  if (isWalkError(inode)) walkFail(inode, 'user_path_at');
  if (inode.kind !== 'pin' || !inode.obj) fail(Errno.EACCES, 'bpf_inode_type', `"${String(path)}" is not a pinned BPF object`);
  const obj = inode.obj;
  if (obj.kind === 'link' && flags & rw) fail(Errno.EINVAL, 'bpf_obj_do_get', 'a pinned link is opened without BPF_F_RDONLY/BPF_F_WRONLY');
  allocFd(p);
  const why = k.keepLog ? `new fd from BPF_OBJ_GET ${k.vfs.pathOf(inode)} in pid ${p.pid}` : '';
  if (obj.kind === 'prog') {
    progInc(k, obj, 'bpf_obj_get_user', why);
    return newFd(k, p, obj, 'anon_inode:bpf-prog', 'rdwr');
  }
  if (obj.kind === 'map') {
    mapInc(k, obj, true, 'bpf_obj_get_user', why);
    return newFd(k, p, obj, 'anon_inode:bpf-map', flags & FLAG_VALUES.BPF_F_RDONLY ? 'rdonly' : flags & FLAG_VALUES.BPF_F_WRONLY ? 'wronly' : 'rdwr');
  }
  linkInc(k, obj, 'bpf_obj_get_user', why);
  return newFd(k, p, obj, 'anon_inode:bpf-link', 'rdonly');
}

/** The pin's last name was removed: the inode goes, and with it the pin's reference, unless
 * a file opened through the pin (an iterator file) holds the inode: then the reference goes
 * with the last such file (`pinInodePut`). */
function destroyPin(k: KernelState, inode: Inode, path: string): void {
  if (inode.kind === 'pin' && inode.obj) {
    const open = pinOpenFiles(k, inode);
    if (open) {
      if (k.keepLog) k.emit('note', 'bpf_free_inode', `pin ${path} removed, but ${open} iterator file(s) opened through it hold its inode: ${describe(inode.obj)} keeps the pin's reference until the last of them is closed`);
      return;
    }
    const o = inode.obj;
    inode.obj = null;
    anyPut(k, o, 'bpf_destroy_inode', k.keepLog ? `pin ${path} removed${o.kind === 'link' ? '; Linux defers the link put to a work item' : ''}` : '');
  }
}

export function sysMkdir(k: KernelState, p: Process, path: unknown): number {
  const w = k.vfs.walkParent(path, null);
  if (isWalkError(w)) walkFail(w, 'filename_create');
  if (w.type !== 'norm') fail(Errno.EEXIST, 'filename_create', `"${String(path)}" exists`);
  const existing = k.vfs.lookupLast(w.dir, w.last);
  if (isWalkError(existing)) walkFail(existing, 'lookup');
  if (existing) fail(Errno.EEXIST, 'vfs_mkdir', `"${String(path)}" already exists`);
  const d = k.vfs.mkdirIn(w.dir, w.last, 0o755);
  if (d.fs.type === 'cgroup2') newCgroup(k, d, w.dir.cgroup ?? null);
  const kind = d.fs.type === 'cgroup2' ? 'cgroup' : d.fs.type === 'bpf' ? 'BPF FS directory' : 'directory';
  if (k.keepLog) k.emit('fs', d.fs.type === 'cgroup2' ? 'cgroup_mkdir' : d.fs.type === 'bpf' ? 'bpf_mkdir' : 'vfs_mkdir', `pid ${p.pid} created the ${kind} ${k.vfs.pathOf(d)}`, { pid: p.pid });
  return 0;
}

/** Look up the entry a path names for rmdir/unlink/rename (not following a final mount). */
function entry(k: KernelState, path: unknown, fn: string, dotErr: { dot: number; dotdot: number; root: number }): { dir: Inode; name: string; inode: Inode | undefined; slash: boolean } {
  const w = k.vfs.walkParent(path, null);
  if (isWalkError(w)) walkFail(w, fn);
  if (w.type !== 'norm') fail(dotErr[w.type], fn, `"${String(path)}" does not name a removable entry`);
  const inode = k.vfs.lookupLast(w.dir, w.last);
  if (isWalkError(inode)) walkFail(inode, 'lookup');
  return { dir: w.dir, name: w.last, inode, slash: w.slash };
}

function isMountRoot(i: Inode): boolean {
  return i === i.fs.root;
}

export function sysRmdir(k: KernelState, p: Process, path: unknown): number {
  const e = entry(k, path, 'do_rmdir', { dot: Errno.EINVAL, dotdot: Errno.ENOTEMPTY, root: Errno.EBUSY });
  if (!e.inode) fail(Errno.ENOENT, 'do_rmdir', `"${String(path)}" does not exist`);
  if (e.inode.kind !== 'dir') fail(Errno.ENOTDIR, 'may_delete', `"${String(path)}" is not a directory`);
  if (isMountRoot(e.inode)) fail(Errno.EBUSY, 'vfs_rmdir', `"${String(path)}" is a mount point`);
  const cg = e.inode.cgroup;
  if (cg && e.inode.children!.size > 0) fail(Errno.EBUSY, 'cgroup_destroy_locked', `cgroup "${String(path)}" has child cgroups`);
  if (e.inode.children!.size > 0) fail(Errno.ENOTEMPTY, 'simple_rmdir', `"${String(path)}" is not empty`);
  const where = k.vfs.pathOf(e.inode);
  if (cg) cgroupBpfRelease(k, cg);
  k.vfs.detach(e.inode);
  if (k.keepLog) k.emit('fs', e.inode.fs.type === 'cgroup2' ? 'cgroup_rmdir' : 'simple_rmdir', `pid ${p.pid} removed the directory ${where}`, { pid: p.pid });
  return 0;
}

export function sysUnlink(k: KernelState, p: Process, path: unknown): number {
  const e = entry(k, path, 'do_unlinkat', { dot: Errno.EISDIR, dotdot: Errno.EISDIR, root: Errno.EISDIR });
  if (!e.inode) fail(Errno.ENOENT, 'do_unlinkat', `"${String(path)}" does not exist`);
  if (e.inode.kind === 'dir') fail(Errno.EISDIR, 'may_delete', `"${String(path)}" is a directory (use rmdir)`);
  if (e.slash) fail(Errno.ENOTDIR, 'do_unlinkat', `"${String(path)}" is not a directory (trailing slash)`);
  const where = k.keepLog ? k.vfs.pathOf(e.inode) : '';
  k.vfs.detach(e.inode);
  if (k.keepLog) k.emit('fs', 'simple_unlink', `pid ${p.pid} unlinked ${where}: its last name is gone, the inode is destroyed`, { pid: p.pid });
  destroyPin(k, e.inode, where);
  return 0;
}

export function sysRename(k: KernelState, p: Process, from: unknown, to: unknown): number {
  const fw = k.vfs.walkParent(from, null);
  if (isWalkError(fw)) walkFail(fw, 'do_renameat2');
  const tw = k.vfs.walkParent(to, null);
  if (isWalkError(tw)) walkFail(tw, 'do_renameat2');
  if (fw.dir.fs !== tw.dir.fs) fail(Errno.EXDEV, 'do_renameat2', 'source and target are on different file systems');
  if (fw.type !== 'norm' || tw.type !== 'norm') fail(Errno.EBUSY, 'do_renameat2', 'cannot rename "/", "." or ".."');
  const src = k.vfs.lookupLast(fw.dir, fw.last);
  if (isWalkError(src)) walkFail(src, 'lookup');
  if (!src) fail(Errno.ENOENT, 'do_renameat2', `"${String(from)}" does not exist`);
  if (src.kind !== 'dir' && (fw.slash || tw.slash)) fail(Errno.ENOTDIR, 'do_renameat2', 'trailing slash on a file');
  if (src.kind === 'dir' && k.vfs.isAncestor(src, tw.dir)) fail(Errno.EINVAL, 'do_renameat2', 'cannot move a directory into itself');
  const dst = k.vfs.lookupLast(tw.dir, tw.last);
  if (isWalkError(dst)) walkFail(dst, 'lookup');
  if (dst === src) return 0;
  if (dst && k.vfs.isAncestor(dst, fw.dir)) fail(Errno.ENOTEMPTY, 'do_renameat2', 'the target is an ancestor of the source');
  if (isMountRoot(src) || (dst && isMountRoot(dst))) fail(Errno.EBUSY, 'vfs_rename', 'a mount point cannot be renamed or replaced');
  if (dst) {
    if (src.kind === 'dir' && dst.kind !== 'dir') fail(Errno.ENOTDIR, 'may_delete', `"${String(to)}" is not a directory`);
    if (src.kind !== 'dir' && dst.kind === 'dir') fail(Errno.EISDIR, 'may_delete', `"${String(to)}" is a directory`);
  }
  // cgroup2's kernfs_syscall_ops have no .rename: a cgroup is never renamed or moved
  if (src.fs.type === 'cgroup2') fail(Errno.EPERM, 'kernfs_iop_rename', 'cgroup2 has no rename operation: a cgroup cannot be renamed, moved or replaced');
  if (dst) {
    if (dst.kind === 'dir' && dst.children!.size > 0) fail(Errno.ENOTEMPTY, 'simple_rename', `"${String(to)}" is not empty`);
  }
  const fromPath = k.vfs.pathOf(src);
  let replaced: { inode: Inode; path: string } | null = null;
  if (dst) {
    replaced = { inode: dst, path: k.vfs.pathOf(dst) };
    k.vfs.detach(dst);
  }
  k.vfs.move(src, tw.dir, tw.last);
  if (k.keepLog) k.emit('fs', 'simple_rename', `pid ${p.pid} renamed ${fromPath} to ${k.vfs.pathOf(src)}${replaced ? ` (replacing it)` : ''}; a pin keeps its reference`, { pid: p.pid });
  if (replaced) destroyPin(k, replaced.inode, replaced.path);
  return 0;
}

export function sysOpen(k: KernelState, p: Process, path: unknown): number {
  const inode = k.vfs.lookup(path, null);
  if (isWalkError(inode)) walkFail(inode, 'do_sys_openat2');
  if (inode.kind === 'pin') {
    // bpf_mkobj_link gives a pinned iterator link bpf_iter_fops: open() makes an iterator file
    const obj = inode.obj;
    if (obj?.kind === 'link' && obj.target.kind === 'iter') return iterNewFd(k, p, obj, 'iter_open', k.vfs.pathOf(inode), inode);
    fail(Errno.EIO, 'bpffs_obj_open', `"${String(path)}" is a pinned BPF object: open() fails, use BPF_OBJ_GET`);
  }
  allocFd(p);
  const where = k.vfs.pathOf(inode);
  const fd = newFd(k, p, { kind: 'dir', inode }, where, 'rdonly', false);
  if (k.keepLog) k.emit('fd', 'do_sys_openat2', `pid ${p.pid} opened the directory ${where} as fd ${fd}`, { pid: p.pid });
  return fd;
}

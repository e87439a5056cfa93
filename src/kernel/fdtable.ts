/**
 * Processes and their fd tables: spawn, fork (`dup_fd`), exit (`close_files`), close,
 * dup, and the lowest-free-fd allocator (`alloc_fd`, fs/file.c).
 */
import { Errno } from './errno';
import type { FileTarget, OpenFile, Process } from './objects';
import { fput, releaseFile } from './refs';
import { fail, fileKey, show, type KernelState } from './state';

/** RLIMIT_NOFILE soft limit of a default process. */
export const NOFILE = 1024;
export const TASK_COMM_LEN = 16;

export function findProcess(k: KernelState, pid: unknown): Process {
  const p = typeof pid === 'number' ? k.processes.get(pid) : undefined;
  if (!p) fail(Errno.ESRCH, 'find_task_by_vpid', `no process with pid ${show(pid)}`);
  return p;
}

export function newFile(k: KernelState, target: FileTarget, name: string, mode: OpenFile['mode']): OpenFile {
  const f: OpenFile = { oid: k.oid(), fCount: 0, target, mode, name };
  k.files.set(f.oid, f);
  return f;
}

/** Lowest free fd (`alloc_fd`), or EMFILE. */
export function allocFd(p: Process): number {
  const fds = p.fds;
  for (let fd = 0; fd < fds.length; fd++) if (!fds[fd]) return fd;
  if (fds.length >= NOFILE) fail(Errno.EMFILE, 'alloc_fd', `process ${p.pid} has ${NOFILE} open fds (RLIMIT_NOFILE)`);
  return fds.length;
}

/** `fd_install`: the slot takes one file reference. */
export function installFd(k: KernelState, p: Process, fd: number, f: OpenFile, cloexec: boolean): void {
  p.fds[fd] = { file: f, cloexec };
  f.fCount++;
  if (k.keepLog) k.ref(fileKey(f), 'f_count', f.fCount - 1, f.fCount, 'fd_install', `pid ${p.pid} fd ${fd} -> "${f.name}"`);
}

/** Install a new file at the lowest free fd; returns the fd. */
export function newFd(k: KernelState, p: Process, target: FileTarget, name: string, mode: OpenFile['mode'], cloexec = true): number {
  const fd = allocFd(p);
  installFd(k, p, fd, newFile(k, target, name, mode), cloexec);
  return fd;
}

export function fget(p: Process, fd: unknown): OpenFile | undefined {
  if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0) return undefined;
  return p.fds[fd]?.file;
}

function trimFds(p: Process): void {
  let n = p.fds.length;
  while (n > 0 && !p.fds[n - 1]) n--;
  if (n !== p.fds.length) p.fds.length = n; // setting length is slow even when it does not change
}

export function sysSpawn(k: KernelState, comm: unknown): number {
  if (typeof comm !== 'string' || comm.length === 0) fail(Errno.EINVAL, 'kernel_clone', 'a process needs a name (comm)');
  const pid = k.nextPid++;
  const p: Process = { pid, ppid: 1, comm: comm.slice(0, TASK_COMM_LEN - 1), fds: [] };
  k.processes.set(pid, p);
  if (k.keepLog) k.emit('process', 'kernel_clone', `process ${pid} "${p.comm}" started with fds 0, 1, 2 on a terminal`, { pid, obj: `pid:${pid}` });
  const tty = newFile(k, { kind: 'tty' }, '/dev/pts/0', 'rdwr');
  for (let fd = 0; fd < 3; fd++) installFd(k, p, fd, tty, false);
  return pid;
}

export function sysFork(k: KernelState, pid: unknown): number {
  const parent = findProcess(k, pid);
  const child: Process = { pid: k.nextPid++, ppid: parent.pid, comm: parent.comm, fds: [] };
  k.processes.set(child.pid, child);
  if (k.keepLog) k.emit('process', 'copy_process', `process ${parent.pid} forked: child ${child.pid} gets a copy of its fd table (dup_fd); the open files are shared, BPF objects' counts do not change`, { pid: child.pid, obj: `pid:${child.pid}` });
  parent.fds.forEach((slot, fd) => {
    if (slot) installFd(k, child, fd, slot.file, slot.cloexec);
  });
  return child.pid;
}

export function sysClose(k: KernelState, pid: unknown, fd: unknown): number {
  const p = findProcess(k, pid);
  const f = fget(p, fd);
  if (!f) fail(Errno.EBADF, 'close_fd', `pid ${p.pid} has no fd ${show(fd)}`);
  p.fds[fd as number] = undefined;
  trimFds(p);
  if (k.keepLog) k.emit('fd', 'close_fd', `pid ${p.pid} closes fd ${String(fd)}`, { pid: p.pid });
  fput(k, f, k.keepLog ? `pid ${p.pid} closed fd ${String(fd)}` : '');
  return 0;
}

export function sysDup(k: KernelState, pid: unknown, fd: unknown): number {
  const p = findProcess(k, pid);
  const f = fget(p, fd);
  if (!f) fail(Errno.EBADF, 'ksys_dup', `pid ${p.pid} has no fd ${show(fd)}`);
  const nfd = allocFd(p);
  installFd(k, p, nfd, f, false);
  if (k.keepLog) k.emit('fd', 'ksys_dup', `pid ${p.pid}: fd ${nfd} is a duplicate of fd ${String(fd)} (same open file, close-on-exec clear)`, { pid: p.pid });
  return nfd;
}

export function sysExit(k: KernelState, pid: unknown): number {
  const p = findProcess(k, pid);
  if (k.keepLog) k.emit('process', 'do_exit', `process ${p.pid} "${p.comm}" exits: its fd table is dropped (exit_files)`, { pid: p.pid, obj: `pid:${p.pid}` });
  // close_files walks the table upwards; each final fput queues the release as task work,
  // and task work runs last-queued first: the releases happen highest fd first.
  const fds = p.fds;
  p.fds = [];
  const queued: OpenFile[] = [];
  fds.forEach((s, fd) => {
    if (s) fput(k, s.file, k.keepLog ? `pid ${p.pid} exits, fd ${fd} closed` : '', queued);
  });
  for (let i = queued.length - 1; i >= 0; i--) releaseFile(k, queued[i]!);
  k.processes.delete(p.pid);
  if (k.keepLog) k.emit('process', 'release_task', `process ${p.pid} is gone`, { pid: p.pid, obj: `pid:${p.pid}` });
  for (const a of k.legacy.values()) {
    if (a.attacherPid !== p.pid) continue;
    const where = a.target.kind === 'cgroup' ? `cgroup ${k.vfs.pathOf(a.target.cgroup.inode)}` : `device ${a.target.dev.name}`;
    if (k.keepLog) k.emit('note', 'do_exit', `prog ${a.prog.id} stays attached to ${where}: process ${p.pid} attached it without a link, so no file owns it; it is abandoned`, { obj: `legacy#${a.oid}`, pid: p.pid });
  }
  return 0;
}

/**
 * Where a path call would reach on the real machine, so the oracle never hands a path
 * outside the run's private mounts to a syscall that changes something.
 *
 * A run sees the host's root file system except for three private mounts: bpffs at
 * /sys/fs/bpf, cgroup2 at /sys/fs/cgroup and a tmpfs at /tmp (oracle/native). The model's
 * root file system has only /, /sys, /sys/fs, /tmp and /dev. Paths are resolved lexically
 * ("." and ".." by name, "//" as "/"), from the process's working directory "/" or from a
 * directory fd: the private mounts hold no symlinks (no call makes one), and above them
 * the walk only passes /, /sys and /sys/fs, so the lexical answer is where the kernel's
 * walk ends.
 */

/** Where mutating calls (mkdir, rmdir, unlink, rename, BPF_OBJ_PIN) may reach. */
export const PRIVATE_ROOTS = ['/sys/fs/bpf', '/sys/fs/cgroup', '/tmp'] as const;
/** Directories of the model's root file system that `open` may also reach (read-only). */
const MODEL_DIRS = ['/', '/sys', '/sys/fs', '/dev'];

/** `path` resolved from directory `base` (absolute), lexically. */
export function resolvePath(base: string, path: string): string {
  const parts = path.startsWith('/') ? [] : base.split('/').filter((p) => p.length > 0);
  for (const name of path.split('/')) {
    if (name === '' || name === '.') continue;
    if (name === '..') parts.pop();
    else parts.push(name);
  }
  return `/${parts.join('/')}`;
}

const under = (p: string, root: string): boolean => p === root || p.startsWith(`${root}/`);

/** Whether a resolved path is inside one of the run's private mounts. */
export function isPrivate(resolved: string): boolean {
  return PRIVATE_ROOTS.some((r) => under(resolved, r));
}

/** Whether `open` of a resolved path stays within what the model has. */
export function isOpenable(resolved: string): boolean {
  return isPrivate(resolved) || MODEL_DIRS.includes(resolved);
}

/**
 * Why a path argument cannot be handed to the kernel, or null if it can. Non-strings go
 * as a NULL pointer (EFAULT, as the model says) and the empty path fails before any walk
 * (ENOENT); both are safe. A string with a NUL byte has no C form (the kernel would see
 * only the part before it); a path that resolves outside the private mounts would touch the
 * host (`mutating`) or open what the model does not have.
 */
export function pathProblem(path: unknown, base: string, mutating: boolean): string | null {
  if (typeof path !== 'string' || path === '') return null;
  if (path.includes('\0')) return `path ${JSON.stringify(path)} has a NUL byte: no C string carries it`;
  const resolved = resolvePath(base, path);
  if (mutating ? isPrivate(resolved) : isOpenable(resolved)) return null;
  return `path ${JSON.stringify(path.length > 80 ? `${path.slice(0, 80)}...` : path)} resolves to ${resolved.length > 80 ? `${resolved.slice(0, 80)}...` : resolved}, ` +
    `outside the run's private ${mutating ? 'mounts' : 'mounts and the model\'s root directories'} (${PRIVATE_ROOTS.join(', ')}): not run here, so the host is never touched`;
}

/** The kernel's own pins in every bpffs of a kernel built with CONFIG_BPF_PRELOAD (iterator
 * links): the model leaves them out, as the contract says. */
const PRELOAD = ['/sys/fs/bpf/maps.debug', '/sys/fs/bpf/progs.debug'];

/** Why a path call's answer cannot be compared although it ran: it names a preload pin. */
export function preloadProblem(path: unknown, base: string): string | null {
  if (typeof path !== 'string' || path === '' || path.includes('\0')) return null;
  const resolved = resolvePath(base, path);
  return PRELOAD.some((p) => under(resolved, p))
    ? `path ${JSON.stringify(path)} names ${resolved}, a pin the kernel itself makes in every bpffs (CONFIG_BPF_PRELOAD), which the model leaves out` : null;
}

/** A path for the native helper: hex bytes, "-" for "", "!" for a non-string (NULL). Paths
 * longer than 8 KiB are cut there: the kernel refuses 4 KiB and more (ENAMETOOLONG) alike. */
export function pathArg(path: unknown): string {
  if (typeof path !== 'string') return '!';
  return Buffer.from(path.slice(0, 8192), 'utf8').toString('hex') || '-';
}

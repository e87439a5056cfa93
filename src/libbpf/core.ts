/**
 * What every libbpf function shares: the kernel and the process it acts as, the print
 * callback (`libbpf_set_print`), libbpf 1.0's error convention, `errstr`, and the stand-ins
 * for the few libc calls libbpf makes that the kernel model has no syscall for.
 */
import type { Kernel } from '../kernel/index';
import { Errno, errnoName } from '../kernel/index';

export type PrintLevel = 'warn' | 'info' | 'debug';
/** `libbpf_print_fn_t`: gets the level and the whole line (with its `libbpf: ` prefix). */
export type PrintFn = (level: PrintLevel, line: string) => void;

/** Errno names `libbpf_errstr` (libbpf >= 1.6) spells out; others print as numbers. */
const ERRSTR_NAMES = new Set(['E2BIG', 'EACCES', 'EADDRINUSE', 'EADDRNOTAVAIL', 'EAGAIN', 'EALREADY', 'EBADF', 'EBADFD',
  'EBUSY', 'ECANCELED', 'ECHILD', 'EDEADLK', 'EDOM', 'EEXIST', 'EFAULT', 'EFBIG', 'EILSEQ', 'EINPROGRESS', 'EINTR',
  'EINVAL', 'EIO', 'EISDIR', 'ELOOP', 'EMFILE', 'EMLINK', 'EMSGSIZE', 'ENAMETOOLONG', 'ENFILE', 'ENODATA', 'ENODEV',
  'ENOENT', 'ENOEXEC', 'ENOLINK', 'ENOMEM', 'ENOSPC', 'ENOTBLK', 'ENOTDIR', 'ENOTSUPP', 'ENOTTY', 'ENXIO',
  'EOPNOTSUPP', 'EOVERFLOW', 'EPERM', 'EPIPE', 'EPROTO', 'EPROTONOSUPPORT', 'ERANGE', 'EROFS', 'ESPIPE', 'ESRCH',
  'ETXTBSY', 'EUCLEAN', 'EXDEV']);

/** `errstr(err)`: "-ENOENT", or "-123" for codes it has no name for. */
export function errstr(err: number): string {
  const e = -Math.abs(err);
  const name = errnoName(e);
  return ERRSTR_NAMES.has(name) ? `-${name}` : String(e);
}

export { Errno };

/** Where in the source a problem is: for an editor to underline. Not printed by libbpf. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  severity: 'error' | 'warning';
  message: string;
}

export class LibbpfCore {
  /** errno as libbpf 1.0 leaves it: positive, set by every failing call. */
  errno = 0;
  /** Problems of the sources opened so far, with their place (compiler errors, sections libbpf
   * does not know, definitions it refuses, programs or maps that failed to load). */
  readonly diagnostics: Diagnostic[] = [];
  /** The last WARN message, for a diagnostic that repeats it. */
  lastWarn = '';
  /** Lines libbpf's default print callback wrote to stderr (WARN and INFO). */
  readonly stderr: string[] = [];
  private printFn: PrintFn | null;

  constructor(readonly kernel: Kernel, readonly pid: number) {
    this.printFn = (level, line) => { if (level !== 'debug') this.stderr.push(line); };
  }

  setPrint(fn: PrintFn | null): PrintFn | null {
    const old = this.printFn;
    this.printFn = fn;
    return old;
  }

  /** Print through the callback; `raw` lines (the compiler's diagnostics) get no prefix. */
  pr(level: PrintLevel, msg: string, raw = false): void {
    const line = raw || msg.startsWith('libbpf: ') ? msg : `libbpf: ${msg}`;
    if (level === 'warn') this.lastWarn = line;
    this.printFn?.(level, line);
  }
  warn(msg: string): void { this.pr('warn', msg); }
  info(msg: string): void { this.pr('info', msg); }
  debug(msg: string): void { this.pr('debug', msg); }

  /** `libbpf_err(ret)`: set errno from a negative return and pass it on. */
  err(ret: number): number {
    if (ret < 0) this.errno = -ret;
    return ret;
  }
  /** `libbpf_err_ptr(err)`: NULL with errno. */
  errPtr(err: number): null {
    this.errno = Math.abs(err);
    return null;
  }

  bpf(cmd: string, attr: Record<string, unknown>): number {
    return this.kernel.bpf(this.pid, cmd, attr);
  }
  close(fd: number): number {
    return this.kernel.close(this.pid, fd);
  }

  /** Is `dir` on a BPF FS? The model's stand-in for `statfs(dir).f_type == BPF_FS_MAGIC`
   * (libbpf's `check_path`, bpftool's `is_bpffs`): the directories `snapshot().bpffs` lists. */
  isBpffs(dir: string): boolean {
    const d = normalizePath(dir);
    return this.kernel.snapshot().bpffs.some((e) => e.kind === 'dir' && e.path === d);
  }
}

/** A path with `//`, `.` and `..` resolved textually (as the kernel's walk would). */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/** `dirname(3)`. */
export function dirname(path: string): string {
  const p = path.replace(/\/+$/, '');
  if (p === '') return path.startsWith('/') ? '/' : '.';
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  const d = p.slice(0, i).replace(/\/+$/, '');
  return d === '' ? '/' : d;
}

/** `basename(3)` (GNU). */
export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

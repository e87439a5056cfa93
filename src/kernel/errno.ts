/** Linux errno numbers (asm-generic/errno-base.h, errno.h, linux/errno.h). */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EIO: 5,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  EMFILE: 24,
  ENOSPC: 28,
  ERANGE: 34,
  ENAMETOOLONG: 36,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENOLINK: 67,
  EBADFD: 77,
  EOPNOTSUPP: 95,
  ESTALE: 116,
  ENOTSUPP: 524,
} as const;

export type ErrnoName = keyof typeof Errno;

const byNumber = new Map<number, ErrnoName>();
for (const [name, n] of Object.entries(Errno) as [ErrnoName, number][]) byNumber.set(n, name);

/** `errnoName(22)` and `errnoName(-22)` are both "EINVAL"; unknown numbers read "E123". */
export function errnoName(n: number): string {
  const abs = Math.abs(n);
  return byNumber.get(abs) ?? `E${abs}`;
}

/** strerror(3) texts, for the log. */
const MESSAGES: Partial<Record<ErrnoName, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  EIO: 'Input/output error',
  E2BIG: 'Argument list too long',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  EMFILE: 'Too many open files',
  ENOSPC: 'No space left on device',
  ERANGE: 'Numerical result out of range',
  ENAMETOOLONG: 'File name too long',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
  ENOLINK: 'Link has been severed',
  EBADFD: 'File descriptor in bad state',
  EOPNOTSUPP: 'Operation not supported',
  ESTALE: 'Stale file handle',
  ENOTSUPP: 'Unknown error 524',
};

export function strerror(n: number): string {
  const name = byNumber.get(Math.abs(n));
  return (name && MESSAGES[name]) ?? `Unknown error ${Math.abs(n)}`;
}

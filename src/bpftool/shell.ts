/**
 * The few shell commands a bpftool tutorial needs around it: `bpftool ...`, `ls [-l] PATH`,
 * `mkdir [-p]`, `rmdir`, `rm [-r] [-f]`, `mv`, `mount [-t bpf bpf DIR]`. Each runs as its
 * own process doing the syscalls coreutils does (mkdir, unlink, rename, ...), with GNU
 * coreutils' messages. Directory listings are read from `snapshot()` (the model's getdents):
 * BPF FS and cgroupfs in full, the root file system's boot directories only.
 */
import { Errno, strerror, type Kernel } from '../kernel/index';
import { normalizePath } from '../libbpf/core';
import { MODEL_BOOT_EPOCH } from './common';
import { runBpftool, type BpftoolOptions, type BpftoolResult } from './main';

/** Split a command line into words (single and double quotes, backslash escapes). */
export function shellWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === q) q = null;
      else if (c === '\\' && q === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === "'" || c === '"') { q = c; has = true; }
    else if (c === '\\' && i + 1 < line.length) { cur += line[++i]; has = true; }
    else if (/\s/.test(c)) { if (has || cur) out.push(cur); cur = ''; has = false; }
    else cur += c;
  }
  if (has || cur) out.push(cur);
  return out;
}

const ROOTFS_DIRS = ['/', '/dev', '/sys', '/sys/fs', '/tmp'];

interface Entry { path: string; kind: 'dir' | 'pin' }

function entries(k: Kernel): Entry[] {
  const s = k.snapshot();
  return [...ROOTFS_DIRS.map((p) => ({ path: p, kind: 'dir' as const })), ...s.bpffs, ...s.cgroupfs];
}

function children(all: Entry[], dir: string): Entry[] {
  const pre = dir === '/' ? '/' : `${dir}/`;
  return all.filter((e) => e.path !== dir && e.path.startsWith(pre) && !e.path.slice(pre.length).includes('/'))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

const DATE = new Date(MODEL_BOOT_EPOCH * 1000).toUTCString().slice(8, 11) + ' ' + String(new Date(MODEL_BOOT_EPOCH * 1000).getUTCDate()).padStart(2) + ' 08:00';

function longLine(all: Entry[], e: Entry): string {
  const name = e.path.slice(e.path.lastIndexOf('/') + 1) || '/';
  if (e.kind === 'pin') return `-rw------- 1 root root 0 ${DATE} ${name}`;
  const links = 2 + children(all, e.path).filter((c) => c.kind === 'dir').length;
  return `drwxr-xr-x ${links} root root 0 ${DATE} ${name}`;
}

function ls(k: Kernel, args: string[]): BpftoolResult {
  const flags = args.filter((a) => a.startsWith('-') && a !== '-').join('');
  const paths = args.filter((a) => !a.startsWith('-') || a === '-');
  if (!paths.length) paths.push('/');
  const long = flags.includes('l');
  const all = entries(k);
  let stderr = '';
  let code = 0;
  const blocks: string[] = [];
  for (const p of paths) {
    const n = normalizePath(p);
    const e = all.find((x) => x.path === n);
    if (!e) { stderr += `ls: cannot access '${p}': No such file or directory\n`; code = 2; continue; }
    if (e.kind === 'pin' || flags.includes('d')) { blocks.push(long ? `${longLine(all, e)}\n` : `${p}\n`); continue; }
    const kids = children(all, n);
    const body = long ? `total 0\n${kids.map((c) => `${longLine(all, c)}\n`).join('')}`
      : kids.map((c) => `${c.path.slice(c.path.lastIndexOf('/') + 1)}\n`).join('');
    blocks.push(paths.length > 1 ? `${p}:\n${body}` : body);
  }
  return { stdout: blocks.join(paths.length > 1 ? '\n' : ''), stderr, exitCode: code };
}

function withProcess(k: Kernel, comm: string, fn: (pid: number) => BpftoolResult): BpftoolResult {
  const pid = k.spawn(comm);
  try { return fn(pid); } finally { k.exit(pid); }
}

function mkdir(k: Kernel, args: string[]): BpftoolResult {
  const parents = args.includes('-p');
  return withProcess(k, 'mkdir', (pid) => {
    let stderr = '';
    let code = 0;
    for (const p of args.filter((a) => !a.startsWith('-'))) {
      const parts = normalizePath(p).split('/').filter(Boolean);
      const todo = parents ? parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`) : [p];
      for (const d of todo) {
        const r = k.mkdir(pid, d);
        if (r < 0 && !(parents && r === -Errno.EEXIST)) { stderr += `mkdir: cannot create directory '${p}': ${strerror(r)}\n`; code = 1; break; }
      }
    }
    return { stdout: '', stderr, exitCode: code };
  });
}

function rm(k: Kernel, args: string[], dirsOnly: boolean): BpftoolResult {
  const flags = args.filter((a) => a.startsWith('-')).join('');
  const recursive = /[rR]/.test(flags);
  const force = flags.includes('f');
  const cmd = dirsOnly ? 'rmdir' : 'rm';
  return withProcess(k, cmd, (pid) => {
    let stderr = '';
    let code = 0;
    const remove = (p: string): void => {
      const n = normalizePath(p);
      const e = entries(k).find((x) => x.path === n);
      if (!dirsOnly && e?.kind === 'dir') {
        if (!recursive) { stderr += `rm: cannot remove '${p}': Is a directory\n`; code = 1; return; }
        for (const c of children(entries(k), n)) remove(c.path);
      }
      const r = dirsOnly || e?.kind === 'dir' ? k.rmdir(pid, n) : k.unlink(pid, p);
      if (r < 0 && !(force && r === -Errno.ENOENT)) {
        stderr += dirsOnly ? `rmdir: failed to remove '${p}': ${strerror(r)}\n` : `rm: cannot remove '${p}': ${strerror(r)}\n`;
        code = 1;
      }
    };
    for (const p of args.filter((a) => !a.startsWith('-'))) remove(p);
    return { stdout: '', stderr, exitCode: code };
  });
}

function mv(k: Kernel, args: string[]): BpftoolResult {
  const paths = args.filter((a) => !a.startsWith('-'));
  if (paths.length !== 2) return { stdout: '', stderr: `mv: missing destination file operand after '${paths[0] ?? ''}'\n`, exitCode: 1 };
  return withProcess(k, 'mv', (pid) => {
    const [from, to] = paths as [string, string];
    const all = entries(k);
    const dst = all.find((e) => e.path === normalizePath(to));
    const target = dst?.kind === 'dir' ? `${normalizePath(to)}/${from.slice(from.lastIndexOf('/') + 1)}` : to;
    const r = k.rename(pid, from, target);
    if (r === -Errno.ENOENT && !all.some((e) => e.path === normalizePath(from)))
      return { stdout: '', stderr: `mv: cannot stat '${from}': No such file or directory\n`, exitCode: 1 };
    if (r < 0) return { stdout: '', stderr: `mv: cannot move '${from}' to '${target}': ${strerror(r)}\n`, exitCode: 1 };
    return { stdout: '', stderr: '', exitCode: 0 };
  });
}

function mount(k: Kernel, args: string[]): BpftoolResult {
  if (!args.length) {
    return { stdout: 'bpf on /sys/fs/bpf type bpf (rw,nosuid,nodev,noexec,relatime,mode=700)\n'
      + 'cgroup2 on /sys/fs/cgroup type cgroup2 (rw,nosuid,nodev,noexec,relatime)\n', stderr: '', exitCode: 0 };
  }
  const dir = args.filter((a) => !a.startsWith('-') && a !== 'bpf' && a !== 'cgroup2').pop() ?? '';
  if (normalizePath(dir) === '/sys/fs/bpf')
    return { stdout: '', stderr: 'mount: note: the model has one BPF FS, mounted at /sys/fs/bpf since boot\n', exitCode: 0 };
  return { stdout: '', stderr: `mount: ${dir}: the playground's kernel model cannot mount file systems (BPF FS is at /sys/fs/bpf)\n`, exitCode: 32 };
}

/** Run one shell command line on the model. */
export function runShell(kernel: Kernel, line: string, options: BpftoolOptions = {}): BpftoolResult {
  const words = shellWords(line.trim());
  const [cmd, ...args] = words;
  switch (cmd) {
    case undefined: return { stdout: '', stderr: '', exitCode: 0 };
    case 'bpftool': return runBpftool(kernel, args, options);
    case 'ls': return ls(kernel, args);
    case 'mkdir': return mkdir(kernel, args);
    case 'rm': return rm(kernel, args, false);
    case 'rmdir': return rm(kernel, args, true);
    case 'mv': return mv(kernel, args);
    case 'mount': return mount(kernel, args);
    // The model frees at the last put, where Linux may defer to RCU or a work item: no wait.
    case 'sleep': case 'true': return { stdout: '', stderr: '', exitCode: 0 };
    default: return { stdout: '', stderr: `sh: 1: ${cmd}: not found\n`, exitCode: 127 };
  }
}

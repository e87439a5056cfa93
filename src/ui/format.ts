/** How the panels name things: the same words as the graph. */
import type { KernelSnapshot } from '../kernel/index';
import { objectName } from '../graph/index';

export function processName(snap: KernelSnapshot, pid: number): string {
  const p = snap.processes.find((x) => x.pid === pid);
  return p ? `${p.comm} (pid ${pid})` : `pid ${pid}`;
}

export interface FdInfo {
  fd: number;
  file: string;
  kind: 'prog' | 'map' | 'link' | 'tty' | 'dir';
  /** The object key (prog/map/link), the directory path, or "tty". */
  target: string;
  text: string;
}

export function fdsOf(snap: KernelSnapshot, pid: number | null): FdInfo[] {
  const p = snap.processes.find((x) => x.pid === pid);
  if (!p) return [];
  return p.fds.map(({ fd, file }) => {
    const f = snap.files.find((x) => x.key === file);
    const kind = f?.kind ?? 'tty';
    const target = f?.target ?? 'tty';
    const text = kind === 'tty' ? 'tty' : kind === 'dir' ? `dir ${target}` : objectName({ snap }, target);
    return { fd, file, kind, target, text };
  });
}

/** Fds of a process that refer to BPF objects (of one kind, if given). */
export function bpfFds(snap: KernelSnapshot, pid: number | null, kind?: 'prog' | 'map' | 'link'): FdInfo[] {
  return fdsOf(snap, pid).filter((f) => (kind ? f.kind === kind : f.kind === 'prog' || f.kind === 'map' || f.kind === 'link'));
}

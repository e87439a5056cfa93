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
  kind: 'prog' | 'map' | 'link' | 'tty' | 'dir' | 'iter';
  /** The object key (prog/map/link), the directory path, or "tty". */
  target: string;
  text: string;
}

interface Index { procs: Map<number, KernelSnapshot['processes'][number]>; files: Map<string, KernelSnapshot['files'][number]>; fds: Map<number, FdInfo[]> }
const indexes = new WeakMap<KernelSnapshot, Index>();
function indexOf(snap: KernelSnapshot): Index {
  let ix = indexes.get(snap);
  if (!ix) {
    ix = { procs: new Map(snap.processes.map((p) => [p.pid, p])), files: new Map(snap.files.map((f) => [f.key, f])), fds: new Map() };
    indexes.set(snap, ix);
  }
  return ix;
}

/** A process's fd table in words (cached per snapshot). */
export function fdsOf(snap: KernelSnapshot, pid: number | null): FdInfo[] {
  if (pid === null) return [];
  const ix = indexOf(snap);
  const hit = ix.fds.get(pid);
  if (hit) return hit;
  const p = ix.procs.get(pid);
  if (!p) return [];
  const out = p.fds.map(({ fd, file }): FdInfo => {
    const f = ix.files.get(file);
    const kind = f?.kind ?? 'tty';
    const target = f?.target ?? 'tty';
    const text = kind === 'tty' ? 'tty' : kind === 'dir' ? `dir ${target}` : kind === 'iter' ? `iterator of ${objectName({ snap }, target)}` : objectName({ snap }, target);
    return { fd, file, kind, target, text };
  });
  ix.fds.set(pid, out);
  return out;
}

/** Fds of a process that refer to BPF objects (of one kind, if given). */
export function bpfFds(snap: KernelSnapshot, pid: number | null, kind?: 'prog' | 'map' | 'link'): FdInfo[] {
  return fdsOf(snap, pid).filter((f) => (kind ? f.kind === kind : f.kind === 'prog' || f.kind === 'map' || f.kind === 'link'));
}

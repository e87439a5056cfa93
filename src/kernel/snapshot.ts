/**
 * `snapshot()`: a plain, JSON-serialisable, frozen view of everything alive. The graph,
 * the panels and the tests read this one view. Objects are named by model keys
 * ("prog#3", "file#7") that stay stable across steps; `id` is the kernel's id.
 */
import type { OpenFile } from './objects';
import { fileKey, linkKey, mapKey, progKey, type KernelState } from './state';
import { BPF_ATTACH_TYPE, BPF_LINK_TYPE, BPF_MAP_TYPE, BPF_PROG_TYPE, enumName } from './uapi';
import { formatVersion } from './version';
import type { Fs } from './vfs';

export interface FdSnapshot { fd: number; file: string; cloexec: boolean }
export interface ProcessSnapshot { pid: number; ppid: number; comm: string; fds: FdSnapshot[] }
export interface FileSnapshot {
  key: string;
  fCount: number;
  /** What the file refers to: a prog/map/link key, "tty", or a directory path. */
  target: string;
  kind: 'prog' | 'map' | 'link' | 'tty' | 'dir';
  mode: OpenFile['mode'];
  name: string;
}
export interface ProgSnapshot {
  key: string; id: number; refcnt: number; type: string | number; name: string;
  expectedAttachType: string | number; attachTarget: string | null; maps: string[];
  runCnt: number; tag: string; gplCompatible: boolean;
}
export interface MapSnapshot {
  key: string; id: number; refcnt: number; usercnt: number; type: string | number; name: string;
  keySize: number; valueSize: number; maxEntries: number;
}
export interface LinkSnapshot {
  key: string; id: number; refcnt: number; type: string | number;
  /** false for a pre-5.7 attachment fd, which is not a bpf_link. */
  isLink: boolean;
  prog: string; attached: boolean; attachType: string | number;
  /** The attach point key, e.g. "tracepoint:sys_enter", "function:do_unlinkat". */
  target: string;
}
export interface FsEntrySnapshot { path: string; kind: 'dir' | 'pin'; obj?: string }
export interface AttachPointSnapshot {
  key: string; kind: 'tracepoint' | 'function'; name: string;
  /** Attached links in the order their programs run. */
  links: string[];
}
export interface KernelSnapshot {
  version: string;
  processes: ProcessSnapshot[];
  files: FileSnapshot[];
  progs: ProgSnapshot[];
  maps: MapSnapshot[];
  links: LinkSnapshot[];
  bpffs: FsEntrySnapshot[];
  cgroupfs: FsEntrySnapshot[];
  attachPoints: AttachPointSnapshot[];
}

function fsEntries(k: KernelState, fs: Fs): FsEntrySnapshot[] {
  const out: FsEntrySnapshot[] = [];
  for (const i of k.vfs.walkFs(fs)) {
    const e: FsEntrySnapshot = { path: k.vfs.pathOf(i), kind: i.kind };
    if (i.obj) e.obj = i.obj.kind === 'prog' ? progKey(i.obj) : i.obj.kind === 'map' ? mapKey(i.obj) : linkKey(i.obj);
    out.push(e);
  }
  return out;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

export function takeSnapshot(k: KernelState): KernelSnapshot {
  const files: FileSnapshot[] = [];
  for (const f of k.files.values()) {
    const t = f.target;
    const target = t.kind === 'prog' ? progKey(t) : t.kind === 'map' ? mapKey(t) : t.kind === 'link' ? linkKey(t)
      : t.kind === 'dir' ? f.name : 'tty';
    files.push({ key: fileKey(f), fCount: f.fCount, target, kind: t.kind, mode: f.mode, name: f.name });
  }
  const snap: KernelSnapshot = {
    version: formatVersion(k.version),
    processes: [...k.processes.values()].map((p) => ({
      pid: p.pid, ppid: p.ppid, comm: p.comm,
      fds: p.fds.flatMap((s, fd) => (s ? [{ fd, file: fileKey(s.file), cloexec: s.cloexec }] : [])),
    })),
    files,
    progs: [...k.progs.values()].map((p) => ({
      key: progKey(p), id: p.id, refcnt: p.refcnt, type: enumName(BPF_PROG_TYPE, p.type), name: p.name,
      expectedAttachType: enumName(BPF_ATTACH_TYPE, p.expectedAttachType), attachTarget: p.attachFunc,
      maps: p.usedMaps.map(mapKey), runCnt: p.runCnt, tag: p.tag, gplCompatible: p.gplCompatible,
    })),
    maps: [...k.maps.values()].map((m) => ({
      key: mapKey(m), id: m.id, refcnt: m.refcnt, usercnt: m.usercnt, type: enumName(BPF_MAP_TYPE, m.type),
      name: m.name, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries,
    })),
    links: [...k.links.values()].map((l) => ({
      key: linkKey(l), id: l.id, refcnt: l.refcnt, type: enumName(BPF_LINK_TYPE, l.type), isLink: l.isLink,
      prog: progKey(l.prog), attached: l.attached, attachType: enumName(BPF_ATTACH_TYPE, l.attachType),
      target: l.target.kind === 'tracepoint' ? `tracepoint:${l.target.name}` : `function:${l.target.func}`,
    })),
    bpffs: fsEntries(k, k.vfs.bpffs),
    cgroupfs: fsEntries(k, k.vfs.cgroupfs),
    attachPoints: [
      ...[...k.tracepoints.entries()].map(([name, s]) => ({ key: `tracepoint:${name}`, kind: 'tracepoint' as const, name, links: s.links.map(linkKey) })),
      ...[...k.trampolines.values()].map((t) => ({ key: `function:${t.func}`, kind: 'function' as const, name: t.func, links: [...t.fentry, ...t.fmodRet, ...t.fexit].map(linkKey) })),
    ],
  };
  return deepFreeze(snap);
}

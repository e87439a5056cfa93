/**
 * `snapshot()`: a plain, JSON-serialisable, frozen view of everything alive. The graph,
 * the panels and the tests read this one view. Objects are named by model keys
 * ("prog#3", "file#7") that stay stable across steps; `id` is the kernel's id.
 */
import { cgroupMode, cgroupPath, cgroupRevision, effectiveEntries, entryProg, modeName } from './cgroup';
import { XDP_MODES } from './netdev';
import { tcxLists, tcxRunList } from './tcx';
import type { BpfLink, OpenFile } from './objects';
import { fileKey, linkKey, mapKey, progKey, type KernelState } from './state';
import { BPF_ATTACH_TYPE, BPF_LINK_TYPE, BPF_MAP_TYPE, BPF_PROG_TYPE, enumName } from './uapi';
import { formatVersion } from './version';
import type { Fs } from './vfs';

export interface FdSnapshot { fd: number; file: string; cloexec: boolean }
export interface ProcessSnapshot { pid: number; ppid: number; comm: string; fds: FdSnapshot[] }
export interface FileSnapshot {
  key: string;
  fCount: number;
  /** What the file refers to: a prog/map/link key, "tty", a directory path, or (an iterator file) the program key. */
  target: string;
  kind: 'prog' | 'map' | 'link' | 'tty' | 'dir' | 'iter';
  mode: OpenFile['mode'];
  name: string;
  /** An iterator file opened through a pin that was then unlinked: the object that pin's
   * inode still holds (it goes with the last such file, `bpf_free_inode`). */
  keeps?: string;
}
export interface ProgSnapshot {
  key: string; id: number; refcnt: number; type: string | number; name: string;
  expectedAttachType: string | number; attachTarget: string | null; maps: string[];
  runCnt: number; tag: string; gplCompatible: boolean;
}
export interface MapSnapshot {
  key: string; id: number; refcnt: number; usercnt: number; type: string | number; name: string;
  keySize: number; valueSize: number; maxEntries: number;
  /** `BPF_MAP_FREEZE`d (fdinfo `frozen: 1`). */
  frozen: boolean;
}
export interface LinkSnapshot {
  key: string; id: number; refcnt: number; type: string | number;
  /** false for a pre-5.7 attachment fd, which is not a bpf_link. */
  isLink: boolean;
  prog: string; attached: boolean; attachType: string | number;
  /** The attach point key, e.g. "tracepoint:sys_enter", "function:do_unlinkat". */
  target: string;
  /** An iterator link over a map's elements: the map it holds (with a uref). */
  map?: string;
}
export interface FsEntrySnapshot { path: string; kind: 'dir' | 'pin'; obj?: string }
export interface AttachPointSnapshot {
  /** "tracepoint:sys_enter", "function:do_unlinkat", "cgroup:/sys/fs/cgroup/a:BPF_CGROUP_INET_EGRESS", "xdp:eth0",
   * "tcx:eth0:ingress". */
  key: string;
  kind: 'tracepoint' | 'function' | 'cgroup' | 'xdp' | 'tcx' | 'iter';
  name: string;
  /** Attached links, in list order. */
  links: string[];
  /** Everything attached here, in list order: link keys and legacy attachment keys. */
  entries: string[];
  /** Program keys in the order they run when the event fires (a cgroup's effective
   * array: its own entries and what it inherits). */
  runs: string[];
  /** cgroup: the attach type's mode ("none", "override", "multi") and revision; xdp: the mode;
   * tcx: the list's revision. */
  mode?: string;
  revision?: number;
}
export interface LegacySnapshot {
  key: string;
  kind: 'cgroup' | 'xdp' | 'tcx';
  prog: string;
  /** The attach point key. */
  target: string;
  attacherPid: number;
  attacherComm: string;
  /** The process that attached it has exited: nobody owns this attachment. */
  abandoned: boolean;
}
export interface CgroupSnapshot { key: string; id: number; path: string; parent: string | null }
export interface NetDevSnapshot {
  key: string; ifindex: number; name: string; peer: string | null;
  xdp: { mode: 'skb' | 'drv' | 'hw'; link?: string; legacy?: string }[];
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
  cgroups: CgroupSnapshot[];
  netdevs: NetDevSnapshot[];
  attachPoints: AttachPointSnapshot[];
  legacy: LegacySnapshot[];
}

/** The attach point a link is (or was) attached to. */
export function linkTargetKey(l: BpfLink): string {
  const t = l.target;
  if (t.kind === 'tracepoint') return `tracepoint:${t.name}`;
  if (t.kind === 'trampoline') return `function:${t.func}`;
  if (t.kind === 'cgroup') return `cgroup:${t.path}:${BPF_ATTACH_TYPE[t.attachType]}`;
  if (t.kind === 'tcx') return `tcx:${t.ifname}:${t.ingress ? 'ingress' : 'egress'}`;
  if (t.kind === 'iter') return `iter:${t.target}`;
  return `xdp:${t.ifname}`;
}

function cgroupAttachPoints(k: KernelState): AttachPointSnapshot[] {
  const out: AttachPointSnapshot[] = [];
  for (const cg of k.cgroups.values()) {
    const path = cgroupPath(k, cg);
    for (const [atype, list] of cg.progs) {
      const name = `${path}:${BPF_ATTACH_TYPE[atype]}`;
      out.push({
        key: `cgroup:${name}`, kind: 'cgroup', name,
        links: list.flatMap((e) => (e.link ? [linkKey(e.link)] : [])),
        entries: list.map((e) => (e.link ? linkKey(e.link) : `legacy#${e.legacy!.oid}`)),
        runs: effectiveEntries(cg, atype).map((e) => progKey(entryProg(e))),
        mode: modeName(cgroupMode(cg, atype)), revision: cgroupRevision(cg, atype),
      });
    }
  }
  return out;
}

function xdpAttachPoints(k: KernelState): AttachPointSnapshot[] {
  const out: AttachPointSnapshot[] = [];
  for (const dev of k.netdevs.values()) {
    for (const mode of XDP_MODES) {
      const slot = dev.xdp[mode];
      if (!slot) continue;
      const prog = slot.link ? slot.link.prog : slot.legacy.prog;
      out.push({
        key: `xdp:${dev.name}`, kind: 'xdp', name: dev.name, mode,
        links: slot.link ? [linkKey(slot.link)] : [],
        entries: [slot.link ? linkKey(slot.link) : `legacy#${slot.legacy.oid}`],
        runs: mode === 'hw' ? [] : [progKey(prog)],
      });
    }
  }
  return out;
}

function tcxAttachPoints(k: KernelState): AttachPointSnapshot[] {
  const out: AttachPointSnapshot[] = [];
  for (const dev of k.netdevs.values()) {
    for (const { ingress, bundle } of tcxLists(dev)) {
      const name = `${dev.name}:${ingress ? 'ingress' : 'egress'}`;
      out.push({
        key: `tcx:${name}`, kind: 'tcx', name, revision: bundle.revision,
        links: bundle.entries.flatMap((e) => (e.link ? [linkKey(e.link)] : [])),
        entries: bundle.entries.map((e) => (e.link ? linkKey(e.link) : `legacy#${e.legacy!.oid}`)),
        runs: tcxRunList(dev, ingress).map(progKey),
      });
    }
  }
  return out;
}

/** Iterator links by target ("iter:task"): they run when their files are read, not on an event. */
function iterAttachPoints(k: KernelState): AttachPointSnapshot[] {
  const by = new Map<string, string[]>();
  for (const l of k.links.values()) {
    if (l.target.kind !== 'iter') continue;
    by.set(l.target.target, [...(by.get(l.target.target) ?? []), linkKey(l)]);
  }
  return [...by].map(([name, links]) => ({ key: `iter:${name}`, kind: 'iter' as const, name, links, entries: links, runs: [] }));
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
    // Only objects need freezing: skip primitives without a call or an Object.values copy.
    if (Array.isArray(o)) {
      for (const v of o) if (v !== null && typeof v === 'object') deepFreeze(v);
    } else {
      for (const key in o) {
        const v: unknown = o[key];
        if (v !== null && typeof v === 'object') deepFreeze(v);
      }
    }
  }
  return o;
}

export function takeSnapshot(k: KernelState): KernelSnapshot {
  const files: FileSnapshot[] = [];
  for (const f of k.files.values()) {
    const t = f.target;
    const target = t.kind === 'prog' ? progKey(t) : t.kind === 'map' ? mapKey(t) : t.kind === 'link' ? linkKey(t)
      : t.kind === 'iter' ? progKey(t.prog) : t.kind === 'dir' ? f.name : 'tty';
    const kept = t.kind === 'iter' && t.pin?.dead ? t.pin.obj : undefined;
    const keeps = kept ? (kept.kind === 'prog' ? progKey(kept) : kept.kind === 'map' ? mapKey(kept) : linkKey(kept)) : undefined;
    files.push({ key: fileKey(f), fCount: f.fCount, target, kind: t.kind, mode: f.mode, name: f.name, ...(keeps ? { keeps } : {}) });
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
      name: m.name, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, frozen: m.frozen,
    })),
    links: [...k.links.values()].map((l) => ({
      key: linkKey(l), id: l.id, refcnt: l.refcnt, type: enumName(BPF_LINK_TYPE, l.type), isLink: l.isLink,
      prog: progKey(l.prog), attached: l.attached, attachType: enumName(BPF_ATTACH_TYPE, l.attachType),
      target: linkTargetKey(l),
      ...(l.target.kind === 'iter' && l.target.map ? { map: mapKey(l.target.map) } : {}),
    })),
    bpffs: fsEntries(k, k.vfs.bpffs),
    cgroupfs: fsEntries(k, k.vfs.cgroupfs),
    cgroups: [...k.cgroups.values()].map((cg) => ({
      key: `cgroup#${cg.oid}`, id: cg.id, path: cgroupPath(k, cg), parent: cg.parent ? `cgroup#${cg.parent.oid}` : null,
    })),
    netdevs: [...k.netdevs.values()].map((d) => ({
      key: `netdev#${d.oid}`, ifindex: d.ifindex, name: d.name, peer: d.peer?.name ?? null,
      xdp: XDP_MODES.flatMap((mode) => {
        const s = d.xdp[mode];
        return s ? [s.link ? { mode, link: linkKey(s.link) } : { mode, legacy: `legacy#${s.legacy.oid}` }] : [];
      }),
    })),
    attachPoints: [
      ...[...k.tracepoints.entries()].map(([name, s]) => {
        const links = s.links.map(linkKey);
        return { key: `tracepoint:${name}`, kind: 'tracepoint' as const, name, links, entries: links, runs: s.links.map((l) => progKey(l.prog)) };
      }),
      ...[...k.trampolines.values()].map((t) => {
        const all = [...t.fentry, ...t.fmodRet, ...t.fexit];
        const links = all.map(linkKey);
        return { key: `function:${t.func}`, kind: 'function' as const, name: t.func, links, entries: links, runs: all.map((l) => progKey(l.prog)) };
      }),
      ...cgroupAttachPoints(k),
      ...xdpAttachPoints(k),
      ...tcxAttachPoints(k),
      ...iterAttachPoints(k),
    ],
    legacy: [...k.legacy.values()].map((a) => {
      const t = a.target;
      const target = t.kind === 'cgroup' ? `cgroup:${cgroupPath(k, t.cgroup)}:${BPF_ATTACH_TYPE[t.attachType]}`
        : t.kind === 'tcx' ? `tcx:${t.dev.name}:${t.ingress ? 'ingress' : 'egress'}` : `xdp:${t.dev.name}`;
      return { key: `legacy#${a.oid}`, kind: t.kind, prog: progKey(a.prog), target, attacherPid: a.attacherPid, attacherComm: a.attacherComm, abandoned: !k.processes.has(a.attacherPid) };
    }),
  };
  return deepFreeze(snap);
}

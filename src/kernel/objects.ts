/**
 * The kernel objects whose lifetimes the model tracks, with the reference counters the
 * kernel keeps for them (see CONTEXT.md for who holds each unit of each count).
 *
 * Every object has an `oid`: a model-internal serial that is never reused, so that the
 * snapshot, the graph and the history can name an object across steps even where the
 * kernel gives it no id (links before 5.8, open files) or reuses ids after a wrap.
 */
import type { Cgroup } from './cgroup';
import type { NetDev, XdpMode } from './netdev';
import type { Inode } from './vfs';

export interface BpfProg {
  kind: 'prog';
  oid: number;
  /** prog_idr id; 0 once freed. */
  id: number;
  /** `aux->refcnt`: open prog files, pins, links, legacy attachments, target-of links. */
  refcnt: number;
  type: number;
  expectedAttachType: number;
  /** Load-time BTF target (`attach_btf_id`): a tracepoint for tp_btf, a kernel function for
   * fentry/fexit/fmod_ret/lsm. Cleared by the first successful tracing attach (5.10+). */
  attachFunc: string | null;
  attachBtfId: number;
  /** The tracing program has been attached once (its load-time target was consumed). */
  attachedOnce: boolean;
  name: string;
  license: string;
  gplCompatible: boolean;
  sleepable: boolean;
  /** `used_maps`: each holds one map `refcnt` (not `usercnt`). */
  usedMaps: BpfMap[];
  tag: string;
  insnCnt: number;
  loadTime: number;
  runCnt: number;
  runTimeNs: number;
  freed: boolean;
}

export interface BpfMap {
  kind: 'map';
  oid: number;
  id: number;
  /** `refcnt`: open map files, pins, programs using the map. */
  refcnt: number;
  /** `usercnt`: open map files and pins only. */
  usercnt: number;
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  mapFlags: number;
  name: string;
  /** `BPF_MAP_FREEZE` was called: read-only from the syscall side for good (5.2). */
  frozen: boolean;
  freed: boolean;
}

/** Where a link (or a pre-5.7 attachment fd) is attached. */
export type LinkTarget =
  | { kind: 'tracepoint'; name: string }
  | { kind: 'trampoline'; func: string; btfId: number }
  /** `bpf_cgroup_link`: `cgroup` is NULL once detached or auto-detached (defunct). */
  | { kind: 'cgroup'; cgroup: Cgroup | null; path: string; attachType: number }
  /** `bpf_xdp_link`: `dev` is NULL once detached or the device is gone. */
  | { kind: 'xdp'; dev: NetDev | null; ifname: string; mode: XdpMode }
  /** `tcx_link` (6.6): `dev` is NULL once detached or the device is gone. */
  | { kind: 'tcx'; dev: NetDev | null; ifname: string; ingress: boolean }
  /** `bpf_iter_link` (5.8): an iterator target and what `attach_target` took for it (a map
   * with a uref, a cgroup, a task filter); released when the link is freed. */
  | { kind: 'iter'; target: string; map: BpfMap | null; cgroup: Cgroup | null; order: number; task: { tid: number; pid: number } };

/**
 * An attachment owned by no file: a cgroup or tcx `BPF_PROG_ATTACH` entry or a program
 * attached to a device through netlink. It holds one program reference; the process that made it
 * may exit, and it stays ("abandoned").
 */
export interface LegacyAttachment {
  kind: 'legacy';
  oid: number;
  prog: BpfProg;
  /** Who attached it, for the playground's "abandoned" marking (the kernel keeps no owner). */
  attacherPid: number;
  attacherComm: string;
  target: { kind: 'cgroup'; cgroup: Cgroup; attachType: number } | { kind: 'xdp'; dev: NetDev; mode: XdpMode }
    | { kind: 'tcx'; dev: NetDev; ingress: boolean };
}

export interface BpfLink {
  kind: 'link';
  oid: number;
  /** link_idr id; 0 on 5.7 (links had no ids) and for pre-5.7 attachment fds. */
  id: number;
  /** `refcnt`: open link files and pins. */
  refcnt: number;
  /** uapi `enum bpf_link_type` value. */
  type: number;
  /** A real `bpf_link` (5.7+); false for the pre-5.7 raw tracepoint / tracing fds, which
   * are plain anon-inode files that close detaches but nothing else knows about. */
  isLink: boolean;
  /** The program the link holds. Kept until the link is freed, also when detached. */
  prog: BpfProg;
  attachType: number;
  target: LinkTarget;
  /** Attached to its hook: events run its program. */
  attached: boolean;
  cookie: number;
  freed: boolean;
}

export type BpfObject = BpfProg | BpfMap | BpfLink;

/** What an open file refers to. */
export type FileTarget =
  | BpfObject
  | { kind: 'tty' }
  | { kind: 'dir'; inode: Inode }
  /** A BPF iterator's seq file (`BPF_ITER_CREATE`, or open() of a pinned iterator link):
   * it holds a reference on the link's program (`prepare_seq_file`), not on the link.
   * Opened through a pin, it also holds that pin's inode (its path): unlinked, the pin
   * puts its link only when the last file opened through it is released (`bpf_free_inode`). */
  | { kind: 'iter'; prog: BpfProg; link: BpfLink; pin: Inode | null };

/** An open file (`struct file`), shared by every fd that refers to it. */
export interface OpenFile {
  oid: number;
  /** `f_count`: the fd-table slots that point at it, in every process. */
  fCount: number;
  target: FileTarget;
  /** Access mode. */
  mode: 'rdwr' | 'rdonly' | 'wronly';
  /** The anon-inode name (`/proc/PID/fd` shows `anon_inode:NAME`), or the path. */
  name: string;
}

export interface FdSlot {
  file: OpenFile;
  cloexec: boolean;
}

export interface Process {
  pid: number;
  ppid: number;
  comm: string;
  /** The fd table: index = fd number. */
  fds: (FdSlot | undefined)[];
}

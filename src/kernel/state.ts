/**
 * KernelState: everything the modelled kernel holds, plus the event log. The syscall
 * modules (fdtable, prog, map, link, bpffs, ...) operate on it; `Kernel` (kernel.ts) is
 * the public face with `apply`.
 */
import { Idr } from './idr';
import type { KernelEvent, KernelEventKind } from './log';
import type { Cgroup } from './cgroup';
import type { NetDev } from './netdev';
import type { BpfLink, BpfMap, BpfProg, LegacyAttachment, OpenFile, Process } from './objects';
import { Vfs } from './vfs';

/** A failed syscall: unwinds to the dispatcher, which returns `-errno`. Thrown only
 * before the call has changed anything, or after the changes the kernel itself keeps
 * on that path (a link id consumed by a failed attach). */
export class SyscallError {
  constructor(readonly errno: number, readonly why: string, readonly fn: string) {}
}

export function fail(errno: number, fn: string, why: string): never {
  throw new SyscallError(errno, why, fn);
}

/** A value from the caller, for a message: never throws (bigint, symbol, cyclic objects). */
export function show(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

export interface TracepointState {
  /** Attached raw tracepoint links, in registration order (probes run in this order). */
  links: BpfLink[];
}

export interface TrampolineState {
  func: string;
  btfId: number;
  /** fentry, fmod_ret and fexit links, each newest first (the order they run in). */
  fentry: BpfLink[];
  fmodRet: BpfLink[];
  fexit: BpfLink[];
}

export class KernelState {
  readonly processes = new Map<number, Process>();
  readonly progIdr = new Idr<BpfProg>();
  readonly mapIdr = new Idr<BpfMap>();
  readonly linkIdr = new Idr<BpfLink>();
  /** Every live object by oid, for the snapshot and the invariant checks. */
  readonly progs = new Map<number, BpfProg>();
  readonly maps = new Map<number, BpfMap>();
  readonly links = new Map<number, BpfLink>();
  readonly files = new Map<number, OpenFile>();
  readonly tracepoints = new Map<string, TracepointState>();
  readonly trampolines = new Map<string, TrampolineState>();
  readonly vfs = new Vfs();
  /** Live cgroups by oid (the root cgroup is /sys/fs/cgroup). */
  readonly cgroups = new Map<number, Cgroup>();
  nextCgroupId = 1;
  /** Network devices of the (single) network namespace, by ifindex. */
  readonly netdevs = new Map<number, NetDev>();
  nextIfindex = 1;
  /** Attachments owned by no file (cgroup BPF_PROG_ATTACH, netlink XDP), by oid. */
  readonly legacy = new Map<number, LegacyAttachment>();
  readonly events: KernelEvent[] = [];
  /** Index of the `apply` being run. */
  step = -1;
  nextPid = 100;
  nextOid = 1;
  /** Model clock in ns, advanced by every call (load_time, run_time_ns). */
  clockNs = 1_000_000_000;

  constructor(readonly version: number, readonly keepLog: boolean) {}

  /** Is this release at least `v` (e.g. `since(508)`)? */
  since(v: number): boolean {
    return this.version >= v;
  }

  oid(): number {
    return this.nextOid++;
  }

  emit(kind: KernelEventKind, fn: string, text: string, extra?: Partial<KernelEvent>): void {
    if (!this.keepLog) return;
    this.events.push({ step: this.step, kind, fn, text, ...extra });
  }

  /** Log a reference count change of `obj`. */
  ref(obj: string, counter: 'refcnt' | 'usercnt' | 'f_count', before: number, after: number, fn: string, text: string): void {
    if (!this.keepLog) return;
    this.events.push({ step: this.step, kind: 'ref', fn, text, obj, counter, before, after });
  }
}

export function progKey(p: BpfProg): string {
  return `prog#${p.oid}`;
}
export function mapKey(m: BpfMap): string {
  return `map#${m.oid}`;
}
export function linkKey(l: BpfLink): string {
  return `link#${l.oid}`;
}
export function fileKey(f: OpenFile): string {
  return `file#${f.oid}`;
}

/** How a program, map or link is named in the log: "prog 4 (raw_tp_prog)". */
export function describe(o: BpfProg | BpfMap | BpfLink): string {
  if (o.kind === 'prog') return `prog ${o.id || '(freed)'}${o.name ? ` "${o.name}"` : ''}`;
  if (o.kind === 'map') return `map ${o.id || '(freed)'}${o.name ? ` "${o.name}"` : ''}`;
  if (!o.isLink) return `attachment fd of prog ${o.prog.id}`;
  return o.id ? `link ${o.id}` : `link (no id)`;
}

/**
 * fast-check arbitraries of kernel call sequences, for the property tests of the model
 * (src/kernel/properties.test.ts) and the differential tests against a real kernel.
 *
 * A sequence is plain `KernelCall[]`: serialisable, replayable on the model and, with pids
 * and ids translated in creation order, on a real kernel.
 *
 * Most calls are meaningful. The generator draws *intents* ("close one of this process's
 * fds", "open a raw tracepoint with one of its programs", "pin one of its links"), and
 * turns them into concrete calls by running them on a fresh model as it goes: the pid is
 * one of the processes alive at that point, an fd is one of that process's fds of the kind
 * wanted (or a plausible number 0..8 when it has none, or sometimes anyway), an id is one
 * of a live object, a path names an existing pin, the tracepoint name is given exactly when
 * the program is a raw_tp program. Some calls are garbage: wrong types, negative or huge
 * fds, unknown commands, odd paths, dead pids.
 *
 * Shrinking works on the intents; every shrunk sequence is resolved again, so it still
 * names live processes and open fds.
 */
import fc from 'fast-check';
import type { BpfAttr, KernelCall } from '../call';
import { Kernel } from '../kernel';
import type { BpfProg, FileTarget, Process } from '../objects';
import { BPF_ATTACH_TYPE, BPF_PROG_TYPE } from '../uapi';
import { parseVersion } from '../version';

/** The pid of the first process the model creates. */
export const FIRST_PID = 100;

/** What an fd is wanted for: a kind of file, or a narrower kind of program, link or directory
 * (falling back to the kind when the process has none of those). */
export type FdWant = 'map' | 'prog' | 'link' | 'bpf' | 'dir' | 'any' | 'tracing-prog' | 'cgroup-prog' | 'xdp-prog' | 'tcx-prog' | 'cgroup-link' | 'xdp-link'
  | 'tcx-link' | 'cgroup-dir' | 'spare-tcx-prog' | 'iter-prog' | 'iter-link' | 'iter-file';
/** An fd: one of the process's fds of a kind (`pick` modulo their number), or a number. */
export type FdRef = { want: FdWant; pick: number } | { raw: unknown };
/** A process: one of the live ones (`pick` modulo their number, oldest first; among those
 * with an fd of the kind `needs`, if any), or a value. */
export type PidRef = { pick: number; needs?: FdWant[] } | { raw: unknown };

/** What a call can know about the state it is made in. */
export interface Ctx {
  readonly pid: unknown;
  fd(ref: FdRef): unknown;
  /** The program an fd of the process refers to (`func`: its load-time target, as an
   * iterator program's target name). */
  progAt(fd: unknown): { type: string; eat: string; func: string } | undefined;
  /** An id of a live object of that kind (or `fallback`). */
  id(kind: 'prog' | 'map' | 'link', pick: number, fallback: number): number;
  /** The path of an existing pin (or `fallback`). */
  pin(pick: number, fallback: unknown): unknown;
  /** An event something is attached to (or `fallback`). */
  event(pick: number, fallback: unknown): unknown;
  /** The revision of a device's tcx list (1: no list; 0: no such device). */
  tcxRevision(ifindex: unknown, ingress: boolean): number;
  /** The id of a live cgroup (1 is the root), or `fallback`. */
  cgroupId(pick: number, fallback: number): number;
  /** The path of a pin that holds an iterator link, else of any pin, else `fallback`. */
  iterPin(pick: number, fallback: unknown): unknown;
}

/** A call before it is resolved against the state. */
export interface Intent {
  pid: PidRef | null;
  make: (ctx: Ctx) => KernelCall;
}

export interface SequenceOptions {
  /** Calls per sequence (default 50). */
  length?: number;
  /** Release the calls are for (default "6.18"). */
  version?: string;
  /** Weight of garbage calls against about 100 for all the others (default 5). */
  garbage?: number;
  /** Which kinds of programs and attach calls to generate (default all). */
  families?: readonly Family[];
}

/** Cast a deliberately malformed call (garbage) to the call type. */
function raw(c: Record<string, unknown>): KernelCall {
  return c as unknown as KernelCall;
}

// ---- pools -------------------------------------------------------------------------------

export const TP_NAMES = ['sys_enter', 'sched_switch', 'kfree'] as const;
export const FUNC_NAMES = ['do_unlinkat', 'vfs_read', 'kfree'] as const;
export const FMOD_RET_FUNCS = ['bpf_modify_return_test', 'security_file_open'] as const;
export const LSM_HOOKS = ['file_open', 'bpf_lsm_file_open', 'inode_unlink'] as const;
export const PIN_PATHS = ['a', 'b', 'c', 'd/a', 'd/b', 'e/a', 'd/e/a'].map((n) => `/sys/fs/bpf/${n}`);
export const DIR_PATHS = ['d', 'e', 'd/e'].map((n) => `/sys/fs/bpf/${n}`);
/** Odd paths. None of them can create, remove or rename anything outside /sys/fs/bpf and
 * /sys/fs/cgroup: on a real kernel those two are private mounts of the run, everything else
 * (/tmp, the working directory "/", so any relative path) is the host's. */
export const ODD_PATHS: readonly unknown[] = [
  '/sys/fs/bpf', '/sys/fs/bpf/', '/sys/fs/bpf/a/', '/sys/fs/bpf/./a', '/sys/fs/bpf/d/../b', '/sys/fs/bpf/x.y',
  '/sys/fs/bpf/..', '/sys/fs/bpf/a/b', '/sys/fs/bpf//d//a', '/sys/fs/cgroup/a', '/', '', '.',
  `/sys/fs/bpf/${'n'.repeat(256)}`, '/sys/fs/bpf/a\0b', 42, null,
];
export const EVENTS = [
  ...TP_NAMES.map((t) => `tracepoint:${t}`),
  ...[...FUNC_NAMES, ...FMOD_RET_FUNCS, 'bpf_lsm_file_open', 'bpf_lsm_inode_unlink'].map((f) => `function:${f}`),
];
const TRACING_ATTACH_TYPES = ['BPF_TRACE_RAW_TP', 'BPF_TRACE_FENTRY', 'BPF_TRACE_FEXIT', 'BPF_MODIFY_RETURN', 'BPF_LSM_MAC'] as const;

// ---- small arbitraries ---------------------------------------------------------------------

const w = <T>(arbitrary: fc.Arbitrary<T>, weight: number): fc.WeightedArbitrary<T> => ({ arbitrary, weight });

/** A plausible fd number: mostly the first BPF fds, sometimes the tty fds or a higher one. */
export const plainFdArb: fc.Arbitrary<number> = fc.oneof(w(fc.integer({ min: 3, max: 6 }), 8), w(fc.integer({ min: 0, max: 8 }), 2));
/** An fd a user should not pass. */
export const badFdArb: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(-1, -9, 1024, 0x7fffffff, 0xffffffff, 2 ** 40, 1.5, '3', null, NaN);
/** An fd of the kind wanted (mostly), or a plausible number. */
export const fdRef = (want: FdWant): fc.Arbitrary<FdRef> =>
  fc.oneof(w(fc.nat(7).map((pick) => ({ want, pick })), 8), w(plainFdArb.map((n) => ({ raw: n })), 2));
export const pickArb: fc.Arbitrary<number> = fc.oneof(w(fc.constant(0), 4), w(fc.nat(7), 6));
export const pinPathArb: fc.Arbitrary<unknown> = fc.oneof(
  w(fc.constantFrom(...PIN_PATHS.slice(0, 3)), 6), w(fc.constantFrom(...PIN_PATHS), 3), w(fc.constantFrom(...DIR_PATHS), 1), w(fc.constantFrom(...ODD_PATHS), 1),
);
export const dirPathArb: fc.Arbitrary<unknown> = fc.oneof(
  w(fc.constantFrom(...DIR_PATHS), 8), w(fc.constantFrom(...PIN_PATHS), 1), w(fc.constantFrom(...ODD_PATHS), 1),
);
/** A path relative to a directory fd. */
const relPathArb: fc.Arbitrary<unknown> = fc.constantFrom<unknown>('a', 'b', 'a', 'e/a', '../a', './b', 'x.y', '/sys/fs/bpf/c', '');
/** A path to look up: mostly an existing pin, else one of the pool. */
const existingPinArb = fc.oneof(w(pickArb.map((pick) => ({ pick })), 7), w(pinPathArb.map((path) => ({ path })), 3));
const pathOf = (ctx: Ctx, p: { pick: number } | { path: unknown }): unknown => ('pick' in p ? ctx.pin(p.pick, PIN_PATHS[p.pick % PIN_PATHS.length]) : p.path);

const objNameArb = fc.oneof(w(fc.constantFrom('', 'p', 'handle_enter', 'x.y'), 8), w(fc.constantFrom('bad-name', 'waytoolongnameforabpfobj'), 1));
const commArb = fc.constantFrom('loader', 'app', 'bpftool', 'agent');
const pidRef: fc.Arbitrary<PidRef> = fc.oneof(w(fc.constant({ pick: 0 }), 6), w(fc.nat(7).map((pick) => ({ pick })), 4));
const garbagePidRef: fc.Arbitrary<PidRef> = fc.constantFrom<unknown>(0, 1, -1, 99, 1e6, '100', null).map((r) => ({ raw: r }));

/** `arb` one time in `oneIn`, else undefined (an absent field). Shrinks to absent. */
function maybe<T>(arb: fc.Arbitrary<T>, oneIn = 2): fc.Arbitrary<T | undefined> {
  return fc.oneof(w(fc.constant(undefined), oneIn - 1), w(arb, 1));
}

/** Drop the fields whose value is undefined (absent), as a user would leave them out. */
function attrOf(fields: Record<string, unknown>): BpfAttr {
  const a: BpfAttr = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) a[k] = v;
  return a;
}

/** A `bpf()` intent whose attr is built from generated parts and the state. `needs`: the
 * process is picked among those with an fd of that kind, if any. */
function bpf<T>(cmd: string, parts: fc.Arbitrary<T>, attr: (t: T, ctx: Ctx) => BpfAttr, needs?: (t: T) => FdWant[] | undefined): fc.Arbitrary<Intent> {
  return fc.record({ pid: pidRef, t: parts }).map(({ pid, t }) => ({
    pid: needs && 'pick' in pid ? { ...pid, needs: needs(t) } : pid,
    make: (ctx: Ctx) => ({ call: 'bpf', pid: ctx.pid as number, cmd, attr: attr(t, ctx) }),
  }));
}

/** An intent of a non-bpf call of a process. */
function proc<T>(parts: fc.Arbitrary<T>, make: (t: T, ctx: Ctx) => KernelCall, needs?: FdWant[]): fc.Arbitrary<Intent> {
  return fc.record({ pid: pidRef, t: parts }).map(({ pid, t }) => ({
    pid: needs && 'pick' in pid ? { ...pid, needs } : pid,
    make: (ctx: Ctx) => make(t, ctx),
  }));
}

// ---- bpf() attrs ---------------------------------------------------------------------------

/** Kinds of calls, to generate only some (the real-kernel tests leave out what their kernel
 * refuses): 'tracing' raw_tp and tp_btf programs; 'trampoline' fentry, fexit, fmod_ret and lsm
 * programs (a kernel built without trampolines refuses their load with EPERM); 'cgroup';
 * 'xdp'; 'tcx' (SCHED_CLS programs on the devices' tcx lists, 6.6); 'iter' (BPF iterators,
 * 5.8: their programs, links with iter_info, BPF_ITER_CREATE, open() of their pins). */
export type Family = 'tracing' | 'trampoline' | 'cgroup' | 'xdp' | 'tcx' | 'iter';
export const FAMILIES: readonly Family[] = ['tracing', 'trampoline', 'cgroup', 'xdp', 'tcx', 'iter'];

export const CGROUP_PATHS = ['a', 'a/b', 'c'].map((n) => `/sys/fs/cgroup/${n}`);
export const CGROUP_ATTACH_TYPES = ['BPF_CGROUP_INET_EGRESS', 'BPF_CGROUP_INET_INGRESS', 'BPF_CGROUP_INET_SOCK_CREATE'] as const;
const cgroupPathArb: fc.Arbitrary<unknown> = fc.oneof(w(fc.constantFrom(...CGROUP_PATHS), 9), w(fc.constantFrom<unknown>('/sys/fs/cgroup', '/sys/fs/cgroup/a/', '/sys/fs/cgroup/x.y'), 1));
/** ifindexes: lo, eth0, veth1 at boot; 4 and 5 are a veth pair the calls may add. */
const ifindexArb = fc.oneof(w(fc.constantFrom(1, 2, 3), 8), w(fc.constantFrom(4, 5, 0, 99), 2));

const isCgroupProg = (type: string): boolean => type.startsWith('BPF_PROG_TYPE_CGROUP') || type === 'BPF_PROG_TYPE_SOCK_OPS';

const mapsOfProg = fc.oneof(
  w(fc.constant(null), 3),
  w(fc.record({ field: fc.constantFrom('fd_array', 'fd_array', 'map_fds'), fds: fc.array(fdRef('map'), { minLength: 1, maxLength: 2 }) }), 2),
);

/** What a `BPF_PROG_LOAD` loads, per family: raw_tp, tp_btf, fentry/fexit, fmod_ret, lsm;
 * cgroup_skb and cgroup_sock; xdp. */
const progKinds = (families: readonly Family[]): fc.WeightedArbitrary<BpfAttr>[] => [
  ...(families.includes('tracing') ? [
    w(fc.constant<BpfAttr>({ prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' }), 4),
    w(fc.constantFrom(...TP_NAMES).map((t): BpfAttr => ({ prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', attach_func_name: t })), 3),
  ] : []),
  ...(families.includes('trampoline') ? [
    w(fc.record({ eat: fc.constantFrom('BPF_TRACE_FENTRY', 'BPF_TRACE_FEXIT'), f: fc.constantFrom(...FUNC_NAMES) })
      .map(({ eat, f }): BpfAttr => ({ prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: eat, attach_func_name: f })), 3),
    w(fc.constantFrom<string>(...FMOD_RET_FUNCS, 'do_unlinkat')
      .map((f): BpfAttr => ({ prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_MODIFY_RETURN', attach_func_name: f })), 1),
    w(fc.constantFrom(...LSM_HOOKS).map((h): BpfAttr => ({ prog_type: 'BPF_PROG_TYPE_LSM', expected_attach_type: 'BPF_LSM_MAC', attach_func_name: h })), 2),
  ] : []),
  ...(families.includes('cgroup') ? [
    w(fc.constantFrom<BpfAttr>(
      { prog_type: 'BPF_PROG_TYPE_CGROUP_SKB' },
      { prog_type: 'BPF_PROG_TYPE_CGROUP_SKB', expected_attach_type: 'BPF_CGROUP_INET_EGRESS' },
      { prog_type: 'BPF_PROG_TYPE_CGROUP_SKB', expected_attach_type: 'BPF_CGROUP_INET_EGRESS' },
      { prog_type: 'BPF_PROG_TYPE_CGROUP_SOCK', expected_attach_type: 'BPF_CGROUP_INET_SOCK_CREATE' },
    ), 7),
  ] : []),
  ...(families.includes('xdp') ? [
    w(fc.constantFrom<BpfAttr>({ prog_type: 'BPF_PROG_TYPE_XDP' }, { prog_type: 'BPF_PROG_TYPE_XDP' }, { prog_type: 'BPF_PROG_TYPE_XDP', expected_attach_type: 'BPF_XDP_DEVMAP' }), 5),
  ] : []),
  ...(families.includes('tcx') ? [w(fc.constant<BpfAttr>({ prog_type: 'BPF_PROG_TYPE_SCHED_CLS' }), 8)] : []),
  ...(families.includes('iter') ? [
    w(fc.constantFrom(...ITER_TARGET_POOL).map((t): BpfAttr => ({ ...ITER_LOAD, attach_func_name: t })), 4),
    // an iterator over map elements (this kernel build refuses it: not comparable there), no
    // such target, none, a sleepable one
    w(fc.constantFrom<BpfAttr>({ ...ITER_LOAD, attach_func_name: 'bpf_map_elem' }, { ...ITER_LOAD, attach_func_name: 'nosuch' }, { ...ITER_LOAD },
      { ...ITER_LOAD, attach_func_name: 'task', prog_flags: ['BPF_F_SLEEPABLE'] }), 1),
  ] : []),
  // some that fail: no target, a target for a type that takes none, unknown names and types
  w(fc.constantFrom<BpfAttr>(
    ...(families.includes('trampoline') ? [
      { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_FENTRY' },
      { prog_type: 'BPF_PROG_TYPE_LSM', expected_attach_type: 'BPF_LSM_MAC', attach_func_name: 'vfs_read' },
    ] : []),
    { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', attach_func_name: 'sys_enter' },
    { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', attach_func_name: 'nope' },
    { prog_type: 'BPF_PROG_TYPE_CGROUP_SOCK', expected_attach_type: 'BPF_CGROUP_INET_EGRESS' },
    { prog_type: 'BPF_PROG_TYPE_NOPE' }, { prog_type: 999 }, { prog_type: 0 }, {},
  ), 1),
];

const progLoadParts = (families: readonly Family[]) => fc.tuple(
  fc.oneof(...progKinds(families)),
  mapsOfProg,
  fc.record({
    prog_name: maybe(objNameArb, 2),
    license: maybe(fc.constantFrom('GPL', 'GPL', 'Dual BSD/GPL', 'Proprietary'), 4),
    prog_flags: maybe(fc.constantFrom<unknown>(['BPF_F_SLEEPABLE'], 0, 1 << 20), 12),
  }, { requiredKeys: [] }),
);

const mapCreateAttr: fc.Arbitrary<BpfAttr> = fc.tuple(
  fc.oneof(
    w(fc.constantFrom<BpfAttr>(
      { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1 },
      { map_type: 'BPF_MAP_TYPE_HASH', key_size: 4, value_size: 4, max_entries: 16 },
      { map_type: 'BPF_MAP_TYPE_RINGBUF', key_size: 0, value_size: 0, max_entries: 4096 },
    ), 9),
    w(fc.constantFrom<BpfAttr>(
      { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 8, value_size: 8, max_entries: 1 },
      { map_type: 'BPF_MAP_TYPE_HASH', key_size: 4, value_size: 4, max_entries: 0 },
      { map_type: 'BPF_MAP_TYPE_NOPE' }, { map_type: 4096 }, {},
      { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: -1, value_size: 8, max_entries: 1 },
    ), 1),
  ),
  fc.record({
    map_name: maybe(objNameArb, 2),
    map_flags: maybe(fc.constantFrom<unknown>(['BPF_F_RDONLY'], ['BPF_F_WRONLY'], ['BPF_F_RDONLY', 'BPF_F_WRONLY'], ['BPF_F_NOPE']), 10),
  }, { requiredKeys: [] }),
).map(([base, extra]) => attrOf({ ...base, ...extra }));

const cookieArb = (version: number): fc.Arbitrary<number | undefined> =>
  maybe(fc.constantFrom(1, 42, 2 ** 40), version >= 610 ? 4 : 25);

/** `BPF_RAW_TRACEPOINT_OPEN`: a raw_tp program names its tracepoint, a tracing one does not (mostly). */
const rawTpParts = (version: number) => fc.record({
  prog: fdRef('tracing-prog'),
  name: fc.oneof(w(fc.constant('auto' as const), 8), w(fc.constantFrom<string | undefined>(...TP_NAMES, undefined, 'nope', ''), 2)),
  tp: fc.constantFrom(...TP_NAMES),
  cookie: cookieArb(version),
});

/** Cgroup attach flags: mostly none or multi; override, replace, preorder, before/after sometimes. */
const cgroupFlagsArb = fc.oneof(
  w(fc.constant<unknown>(undefined), 4), w(fc.constant<unknown>(['BPF_F_ALLOW_MULTI']), 4), w(fc.constant<unknown>(['BPF_F_ALLOW_OVERRIDE']), 2),
  w(fc.constantFrom<unknown>(['BPF_F_ALLOW_MULTI', 'BPF_F_REPLACE'], ['BPF_F_ALLOW_MULTI', 'BPF_F_PREORDER'], ['BPF_F_ALLOW_MULTI', 'BPF_F_BEFORE'],
    ['BPF_F_ALLOW_MULTI', 'BPF_F_AFTER'], ['BPF_F_ALLOW_OVERRIDE', 'BPF_F_ALLOW_MULTI'], ['BPF_F_REPLACE']), 2),
);
const linkCgroupFlagsArb = fc.oneof(w(fc.constant<unknown>(undefined), 8), w(fc.constantFrom<unknown>(['BPF_F_PREORDER'], ['BPF_F_BEFORE'], ['BPF_F_AFTER'], ['BPF_F_ALLOW_MULTI']), 2));
const xdpFlagsArb = fc.oneof(
  w(fc.constant<unknown>(undefined), 5),
  w(fc.constantFrom<unknown>(['XDP_FLAGS_SKB_MODE'], ['XDP_FLAGS_DRV_MODE']), 4),
  w(fc.constantFrom<unknown>(['XDP_FLAGS_HW_MODE'], ['XDP_FLAGS_UPDATE_IF_NOEXIST'], ['XDP_FLAGS_SKB_MODE', 'XDP_FLAGS_DRV_MODE'], ['XDP_FLAGS_REPLACE']), 2),
);

/** `BPF_LINK_CREATE`: the program decides the rest (mostly): its attach type, a cgroup fd for
 * a cgroup program, a device for an XDP program. */
const linkCreateParts = (version: number) => fc.record({
  prog: fdRef('prog'),
  dir: fdRef('cgroup-dir'),
  ifindex: ifindexArb,
  attachType: fc.oneof(
    w(fc.constant('auto'), 7),
    w(fc.constantFrom<unknown>(...TRACING_ATTACH_TYPES, ...CGROUP_ATTACH_TYPES, 'BPF_XDP'), 2),
    w(fc.constantFrom<unknown>('BPF_TRACE_ITER', 'BPF_NOPE', 999), 1),
  ),
  cgFlags: linkCgroupFlagsArb,
  xdpFlags: xdpFlagsArb,
  targetFd: maybe(fc.constantFrom(0, 3), 8),
  tracing: maybe(cookieArb(version).map((cookie) => attrOf({ cookie })), 4),
});

const nextIdAttr = fc.record({ start_id: fc.oneof(w(fc.integer({ min: 0, max: 6 }), 9), w(fc.constantFrom(-1, 0x7fffffff), 1)) }).map(attrOf);
const idParts = fc.oneof(w(pickArb.map((pick) => ({ pick })), 8), w(fc.constantFrom(0, 1, 7, 100, 0x7fffffff).map((id) => ({ id })), 2));
const idOf = (ctx: Ctx, kind: 'prog' | 'map' | 'link', p: { pick: number } | { id: number }): number =>
  ('pick' in p ? ctx.id(kind, p.pick, p.pick + 1) : p.id);

/** The attach type a program attaches with, by its type (the cgroup default for cgroup_skb programs loaded without one). */
function autoAttachType(prog: { type: string; eat: string } | undefined, fallback = 'BPF_TRACE_FENTRY'): string {
  if (!prog) return fallback;
  if (prog.type === 'BPF_PROG_TYPE_XDP') return 'BPF_XDP';
  if (prog.type === 'BPF_PROG_TYPE_SCHED_CLS') return 'BPF_TCX_INGRESS';
  return prog.eat;
}

// ---- tcx ------------------------------------------------------------------------------------

/** tcx devices: mostly eth0's ingress (frames from veth1 run it), so that lists of a few
 * entries build up; veth1, lo, a pair the calls may add, none. */
const tcxIfindexArb = fc.oneof(w(fc.constant(2), 10), w(fc.constantFrom(1, 3), 3), w(fc.constantFrom(4, 5, 0, 99), 1));
const TCX_DIRS = ['BPF_TCX_INGRESS', 'BPF_TCX_EGRESS'] as const;
const tcxDirArb = fc.oneof(w(fc.constant<string>('BPF_TCX_INGRESS'), 24), w(fc.constant<string>('BPF_TCX_EGRESS'), 8),
  w(fc.constantFrom<string>('BPF_NETKIT_PRIMARY', 'BPF_CGROUP_INET_EGRESS'), 1));
/** Where an entry goes: appended (no flag), first or last, before or after an anchor;
 * sometimes rules that cannot agree or bits tcx does not take. */
const tcxPlaceArb = fc.oneof(
  w(fc.constant<string[]>([]), 12), w(fc.constant(['BPF_F_BEFORE']), 6), w(fc.constant(['BPF_F_AFTER']), 6),
  w(fc.constantFrom<string[]>(['BPF_F_BEFORE', 'BPF_F_AFTER'], ['BPF_F_ALLOW_MULTI'], ['BPF_F_AFTER', 'BPF_F_ALLOW_MULTI']), 1),
);
/** The anchor of BPF_F_BEFORE / BPF_F_AFTER: none, a program or a link by fd, or by id
 * (a live one's, else one no object has: never the link the call is creating). */
type TcxAnchor = { kind: 'none' } | { kind: 'prog' | 'link'; fd: FdRef } | { kind: 'prog-id' | 'link-id'; pick: number };
const tcxAnchorArb: fc.Arbitrary<TcxAnchor> = fc.oneof(
  w(fc.constant<TcxAnchor>({ kind: 'none' }), 8),
  w(fdRef('tcx-prog').map((fd): TcxAnchor => ({ kind: 'prog', fd })), 3),
  w(fdRef('tcx-link').map((fd): TcxAnchor => ({ kind: 'link', fd })), 2),
  w(fc.record({ kind: fc.constantFrom<'prog-id' | 'link-id'>('prog-id', 'link-id'), pick: fc.oneof(w(pickArb, 9), w(fc.constant(-1), 1)) }), 2),
);
/** An anchor goes with BPF_F_BEFORE / BPF_F_AFTER; without them only sometimes (-EINVAL). */
const tcxStrayArb = fc.oneof(w(fc.constant(false), 7), w(fc.constant(true), 1));
/** expected_revision: mostly absent; the list's own, or a stale or huge one. */
const tcxRevisionArb = fc.oneof(w(fc.constant<'none' | 'right' | 'stale' | 'huge'>('none'), 10),
  w(fc.constant<'none' | 'right' | 'stale' | 'huge'>('right'), 2), w(fc.constantFrom<'none' | 'right' | 'stale' | 'huge'>('stale', 'huge'), 1));

/** The flags and the anchor field (`relative_fd` or `relative_id`) of a place and an anchor. */
function tcxAnchorFields(ctx: Ctx, t: { place: readonly string[]; anchor: TcxAnchor; stray: boolean }): { flags: string[]; rel: BpfAttr } {
  const flags = [...t.place];
  const a = t.anchor;
  const placed = flags.includes('BPF_F_BEFORE') || flags.includes('BPF_F_AFTER');
  if (a.kind === 'none' || (!placed && !t.stray)) return { flags, rel: {} };
  if ('fd' in a) return { flags: a.kind === 'link' ? [...flags, 'BPF_F_LINK'] : flags, rel: { relative_fd: ctx.fd(a.fd) } };
  const kind = a.kind === 'prog-id' ? 'prog' : 'link';
  const id = a.pick < 0 ? 999 : ctx.id(kind, a.pick, 999);
  return { flags: [...flags, 'BPF_F_ID', ...(kind === 'link' ? ['BPF_F_LINK'] : [])], rel: { relative_id: id } };
}

function tcxRevision(ctx: Ctx, r: 'none' | 'right' | 'stale' | 'huge', ifindex: number, type: string): number | undefined {
  if (r === 'none') return undefined;
  if (r === 'huge') return 2 ** 33;
  const rev = ctx.tcxRevision(ifindex, type !== 'BPF_TCX_EGRESS');
  return r === 'right' ? Math.max(rev, 1) : rev + 1;
}

/** The tcx family: SCHED_CLS programs attached with BPF_PROG_ATTACH and BPF_LINK_CREATE to a
 * device's ingress or egress list, placed with the mprog flags and anchors; BPF_PROG_DETACH,
 * BPF_PROG_QUERY (BPF_LINK_UPDATE / DETACH and the frames that run the lists are in the
 * shared intents). */
function tcxIntents(): fc.WeightedArbitrary<Intent>[] {
  const where = { ifindex: tcxIfindexArb, type: tcxDirArb, place: tcxPlaceArb, anchor: tcxAnchorArb, stray: tcxStrayArb, rev: tcxRevisionArb };
  // the program of a new entry: mostly one on no list yet (loaded first where there is none)
  const newEntryArb = fc.oneof(w(fdRef('spare-tcx-prog'), 3), w(fdRef('tcx-prog'), 1));
  return [
    w(bpf('BPF_PROG_ATTACH', fc.record({ ...where, prog: newEntryArb, replace: maybe(fdRef('tcx-prog'), 10) }), (t, ctx) => {
      const { flags, rel } = tcxAnchorFields(ctx, t);
      return attrOf({
        target_ifindex: t.ifindex, attach_bpf_fd: ctx.fd(t.prog), attach_type: t.type,
        attach_flags: t.replace ? [...flags, 'BPF_F_REPLACE'] : flags.length ? flags : undefined,
        replace_bpf_fd: t.replace ? ctx.fd(t.replace) : undefined, ...rel, expected_revision: tcxRevision(ctx, t.rev, t.ifindex, t.type),
      });
    }, () => ['spare-tcx-prog']), 14),
    w(bpf('BPF_LINK_CREATE', fc.record({ ...where, prog: newEntryArb }), (t, ctx) => {
      const { flags, rel } = tcxAnchorFields(ctx, t);
      const revision = tcxRevision(ctx, t.rev, t.ifindex, t.type);
      const tcx = attrOf({ ...rel, expected_revision: revision });
      return attrOf({ prog_fd: ctx.fd(t.prog), target_ifindex: t.ifindex, attach_type: t.type, flags: flags.length ? flags : undefined,
        tcx: Object.keys(tcx).length ? tcx : undefined });
    }, () => ['spare-tcx-prog']), 12),
    w(bpf('BPF_PROG_DETACH', fc.record({ ...where, prog: fc.oneof(w(fdRef('tcx-prog'), 7), w(fc.constant<FdRef>({ raw: 0 }), 3)) }), (t, ctx) => {
      const { flags, rel } = tcxAnchorFields(ctx, t);
      return attrOf({ target_ifindex: t.ifindex, attach_bpf_fd: ctx.fd(t.prog), attach_type: t.type, attach_flags: flags.length ? flags : undefined,
        ...rel, expected_revision: tcxRevision(ctx, t.rev, t.ifindex, t.type) });
    }, () => ['tcx-prog']), 2),
    w(bpf('BPF_PROG_QUERY', fc.record({
      ifindex: tcxIfindexArb, type: fc.constantFrom(...TCX_DIRS), cnt: maybe(fc.constantFrom(0, 1, 2), 4), links: fc.oneof(w(fc.constant(true), 4), w(fc.constant(false), 1)),
      qflags: maybe(fc.constant(['BPF_F_QUERY_EFFECTIVE']), 12),
    }), (t) => attrOf({ target_ifindex: t.ifindex, attach_type: t.type, prog_cnt: t.cnt, link_ids: t.links ? [] : undefined, query_flags: t.qflags })), 2),
  ];
}

// ---- iterators ------------------------------------------------------------------------------

const ITER_LOAD: BpfAttr = { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_ITER' };
/** Iterator targets the family loads programs for: what takes no iter_info, the cgroup
 * iterator (a walk order and a start), task ones (an optional filter). */
export const ITER_TARGET_POOL = ['bpf_prog', 'task', 'cgroup', 'bpf_map', 'tcp', 'task_file', 'bpf_link'] as const;

/** BPF_LINK_CREATE of an iterator link: the program's target decides its iter_info (a cgroup
 * walk order and start by fd, by id, the root, or both; a map for a map-element iterator; a
 * task iterator's pid_fd, never pids), mostly of 16 bytes; sometimes a short, long or
 * missing length, or a field an iterator link does not take. */
const iterLinkParts = fc.record({
  prog: fdRef('iter-prog'),
  info: fc.oneof(w(fc.constant(true), 5), w(fc.constant(false), 1)),
  order: fc.oneof(w(fc.integer({ min: 1, max: 4 }), 9), w(fc.constantFrom(0, 5), 1)),
  start: fc.oneof(w(fc.constant<'fd' | 'id' | 'root' | 'both'>('fd'), 4), w(fc.constant<'fd' | 'id' | 'root' | 'both'>('id'), 2),
    w(fc.constant<'fd' | 'id' | 'root' | 'both'>('root'), 3), w(fc.constant<'fd' | 'id' | 'root' | 'both'>('both'), 1)),
  dir: fdRef('cgroup-dir'),
  cgPick: fc.oneof(w(pickArb, 9), w(fc.constant(-1), 1)),
  map: fdRef('map'),
  pidFd: fc.oneof(w(fc.constant<FdRef | null>(null), 6), w(fdRef('any'), 1)),
  len: fc.oneof(w(fc.constant(16), 14), w(fc.constantFrom(4, 8, 12, 24, 4096), 2), w(fc.constantFrom(0, 5000), 1)),
  odd: fc.oneof(w(fc.constant<BpfAttr>({}), 16),
    w(fc.constantFrom<BpfAttr>({ target_fd: 3 }, { flags: 1 }, { tracing: { cookie: 16 } }, { target_btf_id: 7 }, { attach_type: 'BPF_TRACE_RAW_TP' }), 1)),
});

type IterLinkParts = typeof iterLinkParts extends fc.Arbitrary<infer T> ? T : never;

function iterLinkAttr(t: IterLinkParts, ctx: Ctx): BpfAttr {
  const fd = ctx.fd(t.prog);
  const target = ctx.progAt(fd)?.func;
  let info: BpfAttr | undefined;
  if (target === 'cgroup') {
    const cgroup: BpfAttr = { order: t.order };
    if (t.start === 'fd' || t.start === 'both') cgroup.cgroup_fd = ctx.fd(t.dir);
    if (t.start === 'id' || t.start === 'both') cgroup.cgroup_id = t.cgPick < 0 ? 99 : ctx.cgroupId(t.cgPick, 1);
    info = t.info || t.start !== 'root' ? { cgroup } : undefined;
  } else if (target === 'bpf_map_elem') info = { map: { map_fd: ctx.fd(t.map) } };
  else if (target?.startsWith('task')) info = t.pidFd ? { task: { pid_fd: ctx.fd(t.pidFd) } } : t.info ? { task: {} } : undefined;
  else if (!t.info) info = { cgroup: { order: t.order } }; // a target without attach_target ignores it
  return attrOf({ prog_fd: fd, attach_type: 'BPF_TRACE_ITER', iter_info: info, iter_info_len: info ? t.len : undefined, ...t.odd });
}

/** The iter family: iterator links (BPF_LINK_CREATE with BPF_TRACE_ITER), BPF_ITER_CREATE,
 * pins of iterator links and open() of them, link info of short lengths, and what an
 * iterator fd is not (the loads are in progKinds, LINK_UPDATE / DETACH in the shared intents). */
function iterIntents(): fc.WeightedArbitrary<Intent>[] {
  return [
    w(bpf('BPF_LINK_CREATE', iterLinkParts, iterLinkAttr, () => ['iter-prog']), 7),
    w(bpf('BPF_ITER_CREATE', fc.record({
      link: fc.oneof(w(fdRef('iter-link'), 8), w(fdRef('link'), 1), w(fdRef('any'), 1)), flags: maybe(fc.constantFrom(1, 0), 10),
    }), (t, ctx) => attrOf({ link_fd: ctx.fd(t.link), flags: t.flags }), () => ['iter-link']), 6),
    w(bpf('BPF_OBJ_PIN', fc.record({ path: fc.constantFrom(...PIN_PATHS.slice(0, 3)), link: fdRef('iter-link') }),
      (t, ctx) => ({ pathname: t.path, bpf_fd: ctx.fd(t.link) }), () => ['iter-link']), 3),
    w(proc(pickArb, (pick, ctx) => ({ call: 'open', pid: ctx.pid as number, path: ctx.iterPin(pick, PIN_PATHS[0]) as string })), 4),
    w(fc.oneof(
      bpf('BPF_OBJ_GET_INFO_BY_FD', fc.record({ fd: fdRef('iter-link'), len: maybe(fc.constantFrom(20, 24, 28, 36, 40), 2) }),
        (t, ctx) => attrOf({ bpf_fd: ctx.fd(t.fd), info: {}, info_len: t.len }), () => ['iter-link']),
      bpf('BPF_OBJ_GET_INFO_BY_FD', fdRef('iter-file'), (fd, ctx) => ({ bpf_fd: ctx.fd(fd), info: {} }), () => ['iter-file']),
      bpf('BPF_OBJ_PIN', fc.record({ path: fc.constantFrom(...PIN_PATHS.slice(0, 3)), fd: fdRef('iter-file') }),
        (t, ctx) => ({ pathname: t.path, bpf_fd: ctx.fd(t.fd) }), () => ['iter-file']),
    ), 2),
  ];
}

// ---- intents -------------------------------------------------------------------------------

function intentArb(version: number, garbage: number, families: readonly Family[]): fc.Arbitrary<Intent> {
  const none = null;
  const has = (f: Family): boolean => families.includes(f);
  // (the families' kinds of link for BPF_LINK_UPDATE / DETACH; cgroup and xdp as before tcx came)
  const linkKindArb = (has('iter') ? fc.constantFrom('cgroup', 'xdp', ...(has('tcx') ? ['tcx'] : []), 'iter')
    : has('tcx') ? fc.constantFrom('cgroup', 'xdp', 'tcx') : fc.constantFrom('cgroup', 'xdp')) as fc.Arbitrary<'cgroup' | 'xdp' | 'tcx' | 'iter'>;
  const list: fc.WeightedArbitrary<Intent>[] = [
    w(commArb.map((comm) => ({ pid: none, make: (): KernelCall => ({ call: 'spawn', comm }) })), 3),
    w(proc(fc.constant(0), (_t, ctx) => ({ call: 'fork', pid: ctx.pid as number })), 2),
    w(proc(fc.constant(0), (_t, ctx) => ({ call: 'exit', pid: ctx.pid as number })), 2),
    w(proc(fdRef('any'), (fd, ctx) => ({ call: 'close', pid: ctx.pid as number, fd: ctx.fd(fd) as number })), 7),
    w(proc(fdRef('bpf'), (fd, ctx) => ({ call: 'dup', pid: ctx.pid as number, fd: ctx.fd(fd) as number }), ['bpf']), 2),
    w(bpf('BPF_MAP_CREATE', mapCreateAttr, (a) => a), 6),
    w(bpf('BPF_PROG_LOAD', progLoadParts(families), ([base, maps, extra], ctx) =>
      attrOf({ ...base, ...(maps ? { [maps.field]: maps.fds.map((f) => ctx.fd(f)) } : {}), ...extra }), ([, maps]) => (maps ? ['map'] : undefined)), 12),
    w(bpf('BPF_LINK_CREATE', linkCreateParts(version), (t, ctx) => {
      const fd = ctx.fd(t.prog);
      const prog = ctx.progAt(fd);
      const attachType = t.attachType === 'auto' ? autoAttachType(prog) : t.attachType;
      if (prog && isCgroupProg(prog.type)) return attrOf({ prog_fd: fd, target_fd: ctx.fd(t.dir), attach_type: attachType, flags: t.cgFlags });
      if (prog?.type === 'BPF_PROG_TYPE_XDP') return attrOf({ prog_fd: fd, target_ifindex: t.ifindex, attach_type: attachType, flags: t.xdpFlags });
      if (prog?.type === 'BPF_PROG_TYPE_SCHED_CLS') return attrOf({ prog_fd: fd, target_ifindex: t.ifindex, attach_type: attachType });
      return attrOf({ prog_fd: fd, attach_type: attachType, target_fd: t.targetFd, tracing: t.tracing });
    }, () => (has('cgroup') ? ['prog', 'cgroup-dir'] : ['prog'])), 6),
    w(fc.oneof(
      bpf('BPF_LINK_UPDATE', fc.record({ kind: linkKindArb, any: fc.boolean(), link: fc.nat(7), prog: fc.nat(7), old: maybe(fc.nat(7), 3) }), (t, ctx) => {
        const link = ctx.fd(t.any ? { want: 'link', pick: t.link } : { want: `${t.kind}-link`, pick: t.link });
        const prog = (pick: number): unknown => ctx.fd({ want: t.any ? 'prog' : `${t.kind}-prog`, pick });
        return attrOf({ link_fd: link, new_prog_fd: prog(t.prog), ...(t.old !== undefined ? { flags: ['BPF_F_REPLACE'], old_prog_fd: prog(t.old) } : {}) });
      }, (t) => (t.any ? ['link', 'prog'] : [`${t.kind}-link`, `${t.kind}-prog`])),
      bpf('BPF_LINK_DETACH', fc.record({ kind: linkKindArb, any: fc.boolean(), link: fc.nat(7) }),
        (t, ctx) => ({ link_fd: ctx.fd({ want: t.any ? 'link' : `${t.kind}-link`, pick: t.link }) }), (t) => [t.any ? 'link' : `${t.kind}-link`]),
    ), has('cgroup') || has('xdp') || has('tcx') || has('iter') ? 3 : 1),
    w(bpf('BPF_OBJ_PIN', fc.record({ path: pinPathArb, fd: fdRef('bpf') }), (t, ctx) => ({ pathname: t.path, bpf_fd: ctx.fd(t.fd) }), () => ['bpf']), 7),
    // pin and get relative to a directory fd (BPF_F_PATH_FD, 6.5+): a BPF FS directory mostly,
    // also one that was removed since, a cgroup directory, or a path_fd without the flag
    w(bpf('BPF_OBJ_PIN', fc.record({ path: relPathArb, fd: fdRef('bpf'), dir: fdRef('dir'), flag: fc.oneof(w(fc.constant(true), 9), w(fc.constant(false), 1)) }),
      (t, ctx) => attrOf({ pathname: t.path, bpf_fd: ctx.fd(t.fd), file_flags: t.flag ? ['BPF_F_PATH_FD'] : undefined, path_fd: ctx.fd(t.dir) }), () => ['bpf', 'dir']), 2),
    w(bpf('BPF_OBJ_GET', fc.record({ path: relPathArb, dir: fdRef('dir') }),
      (t, ctx) => ({ pathname: t.path, file_flags: ['BPF_F_PATH_FD'], path_fd: ctx.fd(t.dir) }), () => ['dir']), 1),
    w(bpf('BPF_OBJ_GET', fc.record({
      path: existingPinArb,
      flags: maybe(fc.constantFrom<unknown>(['BPF_F_RDONLY'], ['BPF_F_WRONLY'], ['BPF_F_RDONLY', 'BPF_F_WRONLY'], 1 << 30), 8),
    }), (t, ctx) => attrOf({ pathname: pathOf(ctx, t.path), file_flags: t.flags })), 5),
    w(proc(existingPinArb, (p, ctx) => ({ call: 'unlink', pid: ctx.pid as number, path: pathOf(ctx, p) as string })), 4),
    w(proc(fc.record({ from: existingPinArb, to: fc.oneof(pinPathArb, dirPathArb) }),
      (t, ctx) => ({ call: 'rename', pid: ctx.pid as number, from: pathOf(ctx, t.from) as string, to: t.to as string })), 3),
    w(proc(dirPathArb, (path, ctx) => ({ call: 'mkdir', pid: ctx.pid as number, path: path as string })), 3),
    w(proc(dirPathArb, (path, ctx) => ({ call: 'rmdir', pid: ctx.pid as number, path: path as string })), 2),
    w(proc(fc.oneof(dirPathArb, pinPathArb), (path, ctx) => ({ call: 'open', pid: ctx.pid as number, path: path as string })), 1),
    w(fc.oneof(
      bpf('BPF_PROG_GET_NEXT_ID', nextIdAttr, (a) => a),
      bpf('BPF_MAP_GET_NEXT_ID', nextIdAttr, (a) => a),
      bpf('BPF_LINK_GET_NEXT_ID', nextIdAttr, (a) => a),
    ), 2),
    w(fc.oneof(
      bpf('BPF_PROG_GET_FD_BY_ID', idParts, (p, ctx) => ({ prog_id: idOf(ctx, 'prog', p) })),
      bpf('BPF_MAP_GET_FD_BY_ID', idParts, (p, ctx) => ({ map_id: idOf(ctx, 'map', p) })),
      bpf('BPF_LINK_GET_FD_BY_ID', idParts, (p, ctx) => ({ link_id: idOf(ctx, 'link', p) })),
    ), 3),
    w(bpf('BPF_OBJ_GET_INFO_BY_FD', fc.record({ fd: fdRef('bpf'), len: maybe(fc.constantFrom(0, 8, 16, 64, 4096, 5000), 6) }),
      (t, ctx) => attrOf({ bpf_fd: ctx.fd(t.fd), info: {}, info_len: t.len }), () => ['bpf']), 3),
    w(fc.record({
      pick: fc.oneof(w(pickArb, 7), w(fc.constant(-1), 3)),
      event: fc.oneof(w(fc.constantFrom(...EVENTS, ...(has('cgroup') ? CGROUP_EVENTS : []), ...(has('xdp') || has('tcx') ? XDP_EVENTS : []),
        ...(has('tcx') ? TCX_EVENTS : [])), 9),
        w(fc.constantFrom<unknown>('tracepoint:nope', 'function:nope', 'bogus', '', 7, 'cgroup:/sys/fs/cgroup/nope:BPF_CGROUP_INET_EGRESS', 'xdp:nope'), 1)),
    }).map(({ pick, event }) => ({
      pid: none,
      make: (ctx: Ctx): KernelCall => ({ call: 'trigger', event: (pick < 0 ? event : ctx.event(pick, event)) as string }),
    })), 6),
    w(garbageArb, garbage),
  ];
  if (has('tracing') || has('trampoline'))
    list.push(w(bpf('BPF_RAW_TRACEPOINT_OPEN', rawTpParts(version), (t, ctx) => {
      const fd = ctx.fd(t.prog);
      const prog = ctx.progAt(fd);
      const name = t.name !== 'auto' ? t.name : !prog || prog.type.startsWith('BPF_PROG_TYPE_RAW_TRACEPOINT') ? t.tp : undefined;
      return attrOf({ prog_fd: fd, name, cookie: t.cookie });
    }, () => ['tracing-prog']), 8));
  if (has('cgroup')) {
    const cgFd = (ctx: Ctx, r: FdRef): unknown => ctx.fd(r);
    list.push(
      w(proc(cgroupPathArb, (path, ctx) => ({ call: 'mkdir', pid: ctx.pid as number, path: path as string })), 3),
      w(proc(cgroupPathArb, (path, ctx) => ({ call: 'rmdir', pid: ctx.pid as number, path: path as string })), 2),
      w(proc(fc.record({ from: cgroupPathArb, to: cgroupPathArb }), (t, ctx) => ({ call: 'rename', pid: ctx.pid as number, from: t.from as string, to: t.to as string })), 1),
      w(proc(fc.oneof(w(fc.constant<unknown>('/sys/fs/cgroup'), 3), w(cgroupPathArb, 7)), (path, ctx) => ({ call: 'open', pid: ctx.pid as number, path: path as string })), 4),
      w(bpf('BPF_PROG_ATTACH', fc.record({ dir: fdRef('cgroup-dir'), prog: fdRef('cgroup-prog'), replace: fdRef('cgroup-prog'), at: fc.oneof(w(fc.constant('auto'), 8), w(fc.constantFrom<string>(...CGROUP_ATTACH_TYPES, 'BPF_XDP'), 2)), flags: cgroupFlagsArb }),
        (t, ctx) => {
          const fd = ctx.fd(t.prog);
          const flags = t.flags as string[] | undefined;
          return attrOf({
            target_fd: cgFd(ctx, t.dir), attach_bpf_fd: fd, attach_type: t.at === 'auto' ? autoAttachType(ctx.progAt(fd), 'BPF_CGROUP_INET_EGRESS') : t.at, attach_flags: flags,
            replace_bpf_fd: flags?.includes('BPF_F_REPLACE') ? ctx.fd(t.replace) : undefined,
          });
        }, () => ['cgroup-prog', 'cgroup-dir']), 5),
      // a cgroup link of a cgroup program (BPF_LINK_CREATE above mostly picks other programs)
      w(bpf('BPF_LINK_CREATE', fc.record({ dir: fdRef('cgroup-dir'), prog: fdRef('cgroup-prog'), flags: linkCgroupFlagsArb }), (t, ctx) => {
        const fd = ctx.fd(t.prog);
        return attrOf({ prog_fd: fd, target_fd: ctx.fd(t.dir), attach_type: autoAttachType(ctx.progAt(fd)), flags: t.flags });
      }, () => ['cgroup-prog', 'cgroup-dir']), 2),
      w(bpf('BPF_PROG_DETACH', fc.record({ dir: fdRef('cgroup-dir'), prog: fdRef('cgroup-prog'), at: fc.oneof(w(fc.constant('auto'), 8), w(fc.constantFrom<string>(...CGROUP_ATTACH_TYPES), 2)) }),
        (t, ctx) => {
          const fd = ctx.fd(t.prog);
          return { target_fd: cgFd(ctx, t.dir), attach_bpf_fd: fd, attach_type: t.at === 'auto' ? autoAttachType(ctx.progAt(fd), 'BPF_CGROUP_INET_EGRESS') : t.at };
        }, () => ['cgroup-dir', 'cgroup-prog']), 2),
      w(bpf('BPF_PROG_QUERY', fc.record({ dir: fdRef('cgroup-dir'), at: fc.constantFrom<string>(...CGROUP_ATTACH_TYPES), effective: fc.boolean(), cnt: maybe(fc.constantFrom(0, 1), 4) }),
        (t, ctx) => attrOf({ target_fd: cgFd(ctx, t.dir), attach_type: t.at, query_flags: t.effective ? ['BPF_F_QUERY_EFFECTIVE'] : undefined, prog_cnt: t.cnt }), () => ['cgroup-dir']), 2),
    );
  }
  if (has('xdp')) {
    list.push(
      w(proc(fc.record({ ifindex: ifindexArb, prog: fc.oneof(w(fdRef('xdp-prog'), 8), w(fc.constant<FdRef>({ raw: -1 }), 2)), flags: xdpFlagsArb, exp: fdRef('xdp-prog') }),
        (t, ctx) => {
          const flags = t.flags as string[] | undefined;
          const c: Record<string, unknown> = { call: 'netlinkXdpAttach', pid: ctx.pid, ifindex: t.ifindex, prog_fd: ctx.fd(t.prog) };
          if (flags) c.flags = flags;
          if (flags?.includes('XDP_FLAGS_REPLACE')) c.expected_fd = ctx.fd(t.exp);
          return raw(c);
        }, ['xdp-prog']), 4),
      w(bpf('BPF_LINK_CREATE', fc.record({ prog: fdRef('xdp-prog'), ifindex: ifindexArb, flags: xdpFlagsArb }),
        (t, ctx) => attrOf({ prog_fd: ctx.fd(t.prog), target_ifindex: t.ifindex, attach_type: 'BPF_XDP', flags: t.flags }), () => ['xdp-prog']), 1),
    );
  }
  if (has('xdp') || has('tcx')) {
    list.push(
      w(proc(fc.constantFrom<[unknown, unknown]>(['v0', 'v1'], ['v0', 'v1'], ['v0', 'v0'], ['eth0', 'x'], ['', 'y']),
        ([name, peer], ctx) => raw({ call: 'netlinkVethAdd', pid: ctx.pid, name, peer })), 1),
      w(proc(fc.constantFrom<unknown>('v0', 'v1', 'v0', 'lo', 'nope'), (name, ctx) => raw({ call: 'netlinkLinkDel', pid: ctx.pid, name })), 1),
    );
  }
  if (has('tcx')) list.push(...tcxIntents());
  if (has('iter')) list.push(...iterIntents());
  return fc.oneof(...list);
}

export const CGROUP_EVENTS = ['/sys/fs/cgroup', ...CGROUP_PATHS].flatMap((p) => CGROUP_ATTACH_TYPES.map((a) => `cgroup:${p}:${a}`));
export const XDP_EVENTS = ['xdp:lo', 'xdp:eth0', 'xdp:veth1', 'xdp:v0'];
/** A frame by the list it crosses first: arriving at a device, or sent by it; and two odd ones. */
export const TCX_EVENTS = ['tcx:eth0:ingress', 'tcx:veth1:egress', 'tcx:lo:egress', 'tcx:v0:ingress', 'tcx:eth0:sideways', 'tcx:eth0'];

/** Malformed calls: wrong types, bad fds, dead pids, unknown commands and call names. */
const garbageArb: fc.Arbitrary<Intent> = fc.oneof(
  proc(fc.record({ fd: badFdArb, c: fc.constantFrom('close', 'dup') }), ({ fd, c }, ctx) => raw({ call: c, pid: ctx.pid, fd })),
  fc.record({ pid: garbagePidRef, c: fc.constantFrom('fork', 'exit', 'close', 'unlink') })
    .map(({ pid, c }) => ({ pid, make: (ctx: Ctx) => raw({ call: c, pid: ctx.pid, fd: 3, path: '/sys/fs/bpf/a' }) })),
  proc(fc.constantFrom<unknown>('BPF_NOPE', 'bpf_prog_load', 99, -1, 'BPF_PROG_ATTACH', 'BPF_MAP_LOOKUP_ELEM', 'BPF_PROG_TEST_RUN', null),
    (cmd, ctx) => raw({ call: 'bpf', pid: ctx.pid, cmd, attr: {} })),
  proc(fc.record({ cmd: fc.constantFrom('BPF_PROG_LOAD', 'BPF_OBJ_PIN', 'BPF_MAP_CREATE', 'BPF_OBJ_GET_INFO_BY_FD'), attr: fc.constantFrom<unknown>(null, [], 5, 'attr', undefined) }),
    ({ cmd, attr }, ctx) => raw({ call: 'bpf', pid: ctx.pid, cmd, attr })),
  proc(fc.record({ cmd: fc.constantFrom('BPF_OBJ_PIN', 'BPF_RAW_TRACEPOINT_OPEN', 'BPF_OBJ_GET_INFO_BY_FD', 'BPF_LINK_CREATE', 'BPF_PROG_LOAD', 'BPF_MAP_GET_FD_BY_ID'),
    attr: fc.record({ bpf_fd: badFdArb, prog_fd: badFdArb, map_id: badFdArb, pathname: fc.constantFrom<unknown>(...ODD_PATHS), junk: fc.constantFrom<unknown>(0, 1, 'x') }, { requiredKeys: [] }) }),
  ({ cmd, attr }, ctx) => raw({ call: 'bpf', pid: ctx.pid, cmd, attr })),
  fc.constantFrom<Record<string, unknown>>(
    { call: 'nope' }, { call: 'spawn', comm: '' }, { call: 'spawn', comm: 3 }, { call: 'spawn' }, {}, { call: null }, { call: 'trigger' },
  ).map((c) => ({ pid: null, make: () => raw({ ...c }) })),
);

// ---- resolving intents -------------------------------------------------------------------------

/** Is an open file's target what `want` asks for? */
function fileIs(t: FileTarget, want: FdWant, onTcx: (p: BpfProg) => boolean = () => false): boolean {
  switch (want) {
    case 'any': return true;
    case 'bpf': return t.kind === 'prog' || t.kind === 'map' || t.kind === 'link';
    case 'tracing-prog': return t.kind === 'prog' && /^BPF_PROG_TYPE_(RAW_TRACEPOINT|TRACING|LSM)$/.test(BPF_PROG_TYPE[t.type] ?? '');
    case 'cgroup-prog': return t.kind === 'prog' && isCgroupProg(BPF_PROG_TYPE[t.type] ?? '');
    case 'xdp-prog': return t.kind === 'prog' && BPF_PROG_TYPE[t.type] === 'BPF_PROG_TYPE_XDP';
    case 'tcx-prog': return t.kind === 'prog' && BPF_PROG_TYPE[t.type] === 'BPF_PROG_TYPE_SCHED_CLS';
    // a SCHED_CLS program on no tcx list yet (one more entry; a program is on a list once)
    case 'spare-tcx-prog': return t.kind === 'prog' && BPF_PROG_TYPE[t.type] === 'BPF_PROG_TYPE_SCHED_CLS' && !onTcx(t);
    case 'cgroup-link': return t.kind === 'link' && t.target.kind === 'cgroup';
    case 'xdp-link': return t.kind === 'link' && t.target.kind === 'xdp';
    case 'tcx-link': return t.kind === 'link' && t.target.kind === 'tcx';
    case 'cgroup-dir': return t.kind === 'dir' && !!t.inode.cgroup;
    case 'iter-prog': return t.kind === 'prog' && BPF_PROG_TYPE[t.type] === 'BPF_PROG_TYPE_TRACING' && BPF_ATTACH_TYPE[t.expectedAttachType] === 'BPF_TRACE_ITER';
    case 'iter-link': return t.kind === 'link' && t.target.kind === 'iter';
    case 'iter-file': return t.kind === 'iter';
    default: return t.kind === want;
  }
}

function kindOf(p: BpfProg): { type: string; eat: string; func: string } {
  return { type: BPF_PROG_TYPE[p.type] ?? String(p.type), eat: BPF_ATTACH_TYPE[p.expectedAttachType] ?? String(p.expectedAttachType), func: p.attachFunc ?? '' };
}

/** A call that gives process `pid` an fd of the kind `want`, where there is one. `fds` and
 * `progAt`: the process's fds of a kind and their programs (an iterator link needs one of
 * its iterator programs). */
function provide(want: FdWant, pid: number, pick: number, families: readonly Family[],
  fds: (want: FdWant) => number[] = () => [], progAt: Ctx['progAt'] = () => undefined): KernelCall | null {
  const load = (attr: BpfAttr): KernelCall => ({ call: 'bpf', pid, cmd: 'BPF_PROG_LOAD', attr });
  switch (want) {
    case 'iter-prog': return load({ ...ITER_LOAD, attach_func_name: ITER_TARGET_POOL[pick % 4] });
    case 'iter-link': {
      // a link of one of its iterator programs (a cgroup iterator walks from the root), else a program first
      const progs = fds('iter-prog').filter((fd) => progAt(fd)?.func !== 'bpf_map_elem');
      if (!progs.length) return load({ ...ITER_LOAD, attach_func_name: 'bpf_prog' });
      const fd = progs[pick % progs.length]!;
      const info = progAt(fd)?.func === 'cgroup' ? { iter_info: { cgroup: { order: 1 + (pick % 4) } }, iter_info_len: 16 } : {};
      return { call: 'bpf', pid, cmd: 'BPF_LINK_CREATE', attr: { prog_fd: fd, attach_type: 'BPF_TRACE_ITER', ...info } };
    }
    case 'iter-file': {
      const links = fds('iter-link');
      return links.length ? { call: 'bpf', pid, cmd: 'BPF_ITER_CREATE', attr: { link_fd: links[pick % links.length]! } } : null;
    }
    case 'map': return { call: 'bpf', pid, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1 } };
    case 'cgroup-prog': return load({ prog_type: 'BPF_PROG_TYPE_CGROUP_SKB', expected_attach_type: 'BPF_CGROUP_INET_EGRESS' });
    case 'xdp-prog': return load({ prog_type: 'BPF_PROG_TYPE_XDP' });
    case 'tcx-prog':
    case 'spare-tcx-prog': return load({ prog_type: 'BPF_PROG_TYPE_SCHED_CLS' });
    case 'cgroup-dir': return { call: 'open', pid, path: pick % 2 ? CGROUP_PATHS[0]! : '/sys/fs/cgroup' };
    case 'dir': return { call: 'open', pid, path: '/sys/fs/bpf' };
    case 'tracing-prog':
    case 'prog': {
      const kinds: BpfAttr[] = [
        ...(families.includes('tracing') ? [{ prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' },
          { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', attach_func_name: 'sys_enter' }] : []),
        ...(families.includes('trampoline') ? [{ prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_FENTRY', attach_func_name: 'do_unlinkat' }] : []),
        ...(families.includes('cgroup') && want === 'prog' ? [{ prog_type: 'BPF_PROG_TYPE_CGROUP_SKB', expected_attach_type: 'BPF_CGROUP_INET_EGRESS' }] : []),
        ...(families.includes('xdp') && want === 'prog' ? [{ prog_type: 'BPF_PROG_TYPE_XDP' }] : []),
        ...(families.includes('tcx') && want === 'prog' ? [{ prog_type: 'BPF_PROG_TYPE_SCHED_CLS' }] : []),
      ];
      return kinds.length ? load(kinds[pick % kinds.length]!) : null;
    }
    default: return null;
  }
}

/**
 * Turn intents into calls, running each on a fresh model of `version` as it goes, so that
 * the next intent sees the state the calls so far made. An intent that needs a process
 * when none is alive becomes a spawn; one that needs an fd of a kind its process lacks
 * mostly (2 times in 3) becomes the call that makes one (a program load, a map, an open
 * cgroup directory), so that states worth testing build up.
 */
export function resolveIntents(intents: readonly (Intent | undefined)[], version = '6.18', families: readonly Family[] = FAMILIES): KernelCall[] {
  const kernel = new Kernel({ version, log: false });
  const k = kernel.internals;
  const out: KernelCall[] = [];
  const onTcx = (p: BpfProg): boolean => [...k.netdevs.values()].some((d) =>
    [d.tcx.ingress, d.tcx.egress].some((b) => b?.entries.some((e) => e.prog === p)));
  for (const it of intents) {
    if (!it) continue;
    let call: KernelCall;
    if (it.pid && 'pick' in it.pid && k.processes.size === 0) {
      call = { call: 'spawn', comm: 'loader' };
    } else {
      const fdsOf = (p: Process | undefined, want: FdWant): number[] => {
        const out: number[] = [];
        p?.fds.forEach((s, fd) => {
          if (s && fileIs(s.file.target, want, onTcx)) out.push(fd);
        });
        return out;
      };
      const ref = it.pid;
      let pid: unknown;
      if (!ref) pid = undefined;
      else if ('raw' in ref) pid = ref.raw;
      else {
        const all = [...k.processes.values()];
        const needs = ref.needs ?? [];
        const hasAll = all.filter((p) => needs.every((n) => fdsOf(p, n).length > 0));
        const hasFirst = needs.length ? all.filter((p) => fdsOf(p, needs[0]!).length > 0) : [];
        const live = hasAll.length ? hasAll : hasFirst.length ? hasFirst : all;
        pid = live[ref.pick % live.length]!.pid;
      }
      const proc = typeof pid === 'number' ? k.processes.get(pid) : undefined;
      const missing = ref && 'pick' in ref && proc && ref.pick % 3 !== 2 ? (ref.needs ?? []).find((n) => fdsOf(proc, n).length === 0) : undefined;
      const progAt: Ctx['progAt'] = (fd) => {
        const t = typeof fd === 'number' ? proc?.fds[fd]?.file.target : undefined;
        return t?.kind === 'prog' ? kindOf(t) : undefined;
      };
      const provider = missing && proc ? provide(missing, proc.pid, ref && 'pick' in ref ? ref.pick : 0, families, (want) => fdsOf(proc, want), progAt) : null;
      const ctx: Ctx = {
        pid,
        fd: (r) => {
          if ('raw' in r) return r.raw;
          let fds = fdsOf(proc, r.want);
          if (!fds.length && r.want.includes('-')) fds = fdsOf(proc, r.want.slice(r.want.indexOf('-') + 1) as FdWant);
          return fds.length ? fds[r.pick % fds.length] : 3 + (r.pick % 4);
        },
        progAt,
        id: (kind, pick, fallback) => {
          const table = kind === 'prog' ? k.progs : kind === 'map' ? k.maps : k.links;
          const ids = [...table.values()].map((o) => o.id).filter((id) => id > 0);
          return ids.length ? ids[pick % ids.length]! : fallback;
        },
        // (from the internals: a whole snapshot per intent would cost more than the call)
        pin: (pick, fallback) => {
          const pins = [...k.vfs.walkFs(k.vfs.bpffs)].filter((i) => i.kind === 'pin');
          return pins.length ? k.vfs.pathOf(pins[pick % pins.length]!) : fallback;
        },
        event: (pick, fallback) => {
          const points = [
            ...[...k.tracepoints.keys()].map((t) => `tracepoint:${t}`),
            ...[...k.trampolines.keys()].map((f) => `function:${f}`),
            ...[...k.cgroups.values()].flatMap((cg) => [...cg.progs.keys()].map((a) => `cgroup:${k.vfs.pathOf(cg.inode)}:${BPF_ATTACH_TYPE[a]}`)),
            ...[...k.netdevs.values()].filter((d) => d.xdp.skb || d.xdp.drv).map((d) => `xdp:${d.name}`),
            // a tcx list runs on frames that arrive at its device (ingress) or leave it (egress: to the peer)
            ...[...k.netdevs.values()].flatMap((d) => [
              ...(d.tcx.ingress ? [`xdp:${d.name}`, `tcx:${d.name}:ingress`] : []),
              ...(d.tcx.egress ? [`xdp:${(d.peer ?? d).name}`, `tcx:${d.name}:egress`] : []),
            ]),
          ];
          return points.length ? points[pick % points.length]! : fallback;
        },
        tcxRevision: (ifindex, ingress) => {
          const dev = typeof ifindex === 'number' ? k.netdevs.get(ifindex) : undefined;
          return dev ? (ingress ? dev.tcx.ingress : dev.tcx.egress)?.revision ?? 1 : 0;
        },
        cgroupId: (pick, fallback) => {
          const ids = [...k.cgroups.values()].map((c) => c.id);
          return ids.length ? ids[pick % ids.length]! : fallback;
        },
        iterPin: (pick, fallback) => {
          const pins = [...k.vfs.walkFs(k.vfs.bpffs)].filter((i) => i.kind === 'pin');
          const iters = pins.filter((i) => i.obj?.kind === 'link' && i.obj.target.kind === 'iter');
          const from = iters.length ? iters : pins;
          return from.length ? k.vfs.pathOf(from[pick % from.length]!) : fallback;
        },
      };
      call = provider ?? it.make(ctx);
    }
    out.push(call);
    try {
      kernel.apply(structuredClone(call));
    } catch {
      // the property tests report a throwing call; here it only ends the guidance
    }
  }
  return out;
}

/**
 * Sequences of `length` calls (default 50) that start with a spawn. Each slot shrinks to
 * "no call", so a counterexample shrinks to the few calls that matter.
 */
export function callSequence(options: SequenceOptions = {}): fc.Arbitrary<KernelCall[]> {
  const length = options.length ?? 50;
  const versionName = options.version ?? '6.18';
  const version = parseVersion(versionName) ?? 618;
  const intent = intentArb(version, options.garbage ?? 5, options.families ?? FAMILIES);
  const first: Intent = { pid: null, make: () => ({ call: 'spawn', comm: 'loader' }) };
  return fc.array(fc.option(intent, { nil: undefined, freq: 2 ** 30 }), { minLength: length - 1, maxLength: length - 1 })
    .map((xs) => resolveIntents([first, ...xs], versionName, options.families ?? FAMILIES));
}

/** Intents one by one (to build sequences of your own with `resolveIntents`). */
export function intent(options: Omit<SequenceOptions, 'length'> = {}): fc.Arbitrary<Intent> {
  return intentArb(parseVersion(options.version ?? '6.18') ?? 618, options.garbage ?? 5, options.families ?? FAMILIES);
}

/**
 * Run a call sequence on the model and check, after every call, what must hold whatever
 * the calls were: `apply` does not throw and returns an integer; the invariants hold
 * (invariants.ts); a failed call changes nothing the snapshot shows, and logs its errno;
 * a trigger runs exactly the programs attached to the event, in order, and counts each run
 * in run_cnt; a call that returns a new fd returns the lowest free one; GET_NEXT_ID,
 * GET_FD_BY_ID and GET_INFO agree with the live ids; the log's reference counts agree with
 * the objects' (LogTracker).
 */
import type { ApplyResult, KernelCall } from '../call';
import { Kernel } from '../kernel';
import type { KernelSnapshot } from '../snapshot';
import { checkInvariants, leftAfterTeardown, teardown } from './invariants';

export interface StepFailure {
  /** Index of the failing call in the sequence. */
  step: number;
  call: KernelCall;
  ret?: number;
  problems: string[];
}

/** bpf() commands that return a new fd on success. */
const FD_CMDS = new Set(['BPF_MAP_CREATE', 'BPF_PROG_LOAD', 'BPF_OBJ_GET', 'BPF_PROG_GET_FD_BY_ID', 'BPF_MAP_GET_FD_BY_ID',
  'BPF_LINK_GET_FD_BY_ID', 'BPF_RAW_TRACEPOINT_OPEN', 'BPF_LINK_CREATE', 'BPF_ITER_CREATE']);

function returnsFd(c: KernelCall): boolean {
  if (c.call === 'dup' || c.call === 'open') return true;
  return c.call === 'bpf' && typeof c.cmd === 'string' && FD_CMDS.has(c.cmd);
}

function lowestFreeFd(snap: KernelSnapshot, pid: unknown): number | undefined {
  const p = snap.processes.find((x) => x.pid === pid);
  if (!p) return undefined;
  const used = new Set(p.fds.map((f) => f.fd));
  let fd = 0;
  while (used.has(fd)) fd++;
  return fd;
}

/** The program ids a trigger of `event` must run, from the attach points in `snap`
 * (their `runs`: the programs in run order), or null where the snapshot cannot tell (a
 * cgroup with nothing of its own attached may inherit programs). */
function expectedRun(snap: KernelSnapshot, event: unknown): number[] | null {
  const ids = new Map(snap.progs.map((p) => [p.key, p.id]));
  const runsOf = (key: string, mode?: string): number[] =>
    (snap.attachPoints.find((a) => a.key === key && (!mode || a.mode === mode))?.runs ?? []).map((pk) => ids.get(pk) ?? -1);
  if (typeof event === 'string' && (event.startsWith('xdp:') || event.startsWith('tcx:'))) {
    // a frame from the veth peer (lo: from itself) arriving at a device: the peer's tcx
    // egress list, then the native XDP slot if it is used, else the generic one (offloaded
    // programs run on the NIC), then the device's tcx ingress list. tcx:IF:ingress is the
    // frame arriving at IF, tcx:IF:egress the one IF sends (arriving at its peer).
    let name = event.slice(4);
    if (event.startsWith('tcx:')) {
      const sep = name.lastIndexOf(':');
      const sender = snap.netdevs.find((d) => d.name === name.slice(0, sep));
      name = name.slice(sep + 1) === 'egress' ? sender?.peer ?? sender?.name ?? '' : name.slice(0, sep);
    }
    const dev = snap.netdevs.find((d) => d.name === name);
    if (!dev) return [];
    const drv = runsOf(`xdp:${name}`, 'drv');
    return [...runsOf(`tcx:${dev.peer ?? dev.name}:egress`), ...(drv.length ? drv : runsOf(`xdp:${name}`, 'skb')), ...runsOf(`tcx:${name}:ingress`)];
  }
  const ap = snap.attachPoints.find((a) => a.key === event);
  if (!ap) return typeof event === 'string' && event.startsWith('cgroup:') ? null : [];
  return ap.runs.map((pk) => ids.get(pk) ?? -1);
}

type IdKind = 'prog' | 'map' | 'link';
const NEXT_ID: Record<string, IdKind> = { BPF_PROG_GET_NEXT_ID: 'prog', BPF_MAP_GET_NEXT_ID: 'map', BPF_LINK_GET_NEXT_ID: 'link' };
const FD_BY_ID: Record<string, [IdKind, string]> = {
  BPF_PROG_GET_FD_BY_ID: ['prog', 'prog_id'], BPF_MAP_GET_FD_BY_ID: ['map', 'map_id'], BPF_LINK_GET_FD_BY_ID: ['link', 'link_id'],
};

function idsOf(snap: KernelSnapshot, kind: IdKind): number[] {
  const list = kind === 'prog' ? snap.progs : kind === 'map' ? snap.maps : snap.links;
  return list.map((o) => o.id).filter((id) => id > 0);
}

/** What the bpf() id commands and GET_INFO answered, against the state before the call. */
function idProblems(call: { cmd?: unknown; pid?: unknown }, attr: Record<string, unknown>, before: KernelSnapshot, after: KernelSnapshot, ret: number): string[] {
  const problems: string[] = [];
  const cmd = String(call.cmd);
  const nextKind = NEXT_ID[cmd];
  if (nextKind && typeof attr.start_id === 'number' && attr.start_id >= 0 && attr.start_id < 0x7fffffff) {
    const later = idsOf(before, nextKind).filter((id) => id > (attr.start_id as number));
    const want = later.length ? Math.min(...later) : undefined;
    if (ret === 0 && attr.next_id !== want) problems.push(`${cmd} from ${attr.start_id} gave next_id ${String(attr.next_id)}, the live ids say ${String(want)}`);
    if (ret < 0 && want !== undefined && ret === -2) problems.push(`${cmd} from ${attr.start_id} said ENOENT, but id ${want} is alive`);
  }
  const byId = FD_BY_ID[cmd];
  if (byId && typeof attr[byId[1]] === 'number') {
    const id = attr[byId[1]] as number;
    const alive = idsOf(before, byId[0]).includes(id);
    if (ret >= 0 && !alive) problems.push(`${cmd} of id ${id} returned fd ${ret}, but no ${byId[0]} has that id`);
    if (ret === -2 && alive) problems.push(`${cmd} of id ${id} said ENOENT, but that ${byId[0]} is alive`);
    if (ret >= 0) {
      // the new fd refers to the object with that id
      const file = after.processes.find((p) => p.pid === call.pid)?.fds.find((f) => f.fd === ret)?.file;
      const target = after.files.find((f) => f.key === file)?.target;
      const obj = [...after.progs, ...after.maps, ...after.links].find((o) => o.key === target);
      if (obj?.id !== id) problems.push(`${cmd} of id ${id}: fd ${ret} refers to ${String(target)} (id ${String(obj?.id)})`);
    }
  }
  if (cmd === 'BPF_OBJ_GET_INFO_BY_FD' && ret === 0 && typeof attr.info === 'object' && attr.info !== null && 'id' in attr.info) {
    const file = before.processes.find((p) => p.pid === call.pid)?.fds.find((f) => f.fd === attr.bpf_fd)?.file;
    const target = before.files.find((f) => f.key === file)?.target;
    const obj = [...before.progs, ...before.maps, ...before.links].find((o) => o.key === target);
    const id = (attr.info as { id?: unknown }).id;
    if (obj && obj.id !== id) problems.push(`BPF_OBJ_GET_INFO_BY_FD on fd ${String(attr.bpf_fd)} (${obj.key}) says id ${String(id)}, the object's id is ${obj.id}`);
  }
  return problems;
}

/**
 * Follows the reference counts the log reports ('ref' events): each change is a step of
 * one from the last value logged for that counter, and at the end of every call the last
 * value logged for a live object's counter is its value. The log is what the playground
 * shows a learner: it must not tell a different story from the objects.
 */
export class LogTracker {
  private readonly last = new Map<string, number>();

  check(kernel: Kernel, r: ApplyResult): string[] {
    const problems: string[] = [];
    for (const e of r.events) {
      if (e.kind !== 'ref') continue;
      const key = `${String(e.obj)} ${String(e.counter)}`;
      if (typeof e.before !== 'number' || typeof e.after !== 'number') {
        problems.push(`log: a ref event of ${key} without before/after`);
        continue;
      }
      if (Math.abs(e.after - e.before) !== 1) problems.push(`log: ${key} goes ${e.before} -> ${e.after} in one event (${e.fn})`);
      const prev = this.last.get(key);
      if (prev !== undefined && prev !== e.before) problems.push(`log: ${key} was last logged as ${prev}, the next event (${e.fn}) starts from ${e.before}`);
      this.last.set(key, e.after);
    }
    const k = kernel.internals;
    const cmp = (key: string, value: number): void => {
      const logged = this.last.get(key);
      if (logged !== undefined && logged !== value) problems.push(`log: ${key} was last logged as ${logged}, but it is ${value}`);
    };
    for (const p of k.progs.values()) cmp(`prog#${p.oid} refcnt`, p.refcnt);
    for (const m of k.maps.values()) {
      cmp(`map#${m.oid} refcnt`, m.refcnt);
      cmp(`map#${m.oid} usercnt`, m.usercnt);
    }
    for (const l of k.links.values()) cmp(`link#${l.oid} refcnt`, l.refcnt);
    for (const f of k.files.values()) cmp(`file#${f.oid} f_count`, f.fCount);
    return problems;
  }
}

/** Deep equality of JSON-like values (what a snapshot holds). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const key of ka) if (!same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  return true;
}

/** Where two snapshots first differ (top-level section and entry), or null if equal. */
export function snapshotDiff(a: KernelSnapshot, b: KernelSnapshot): string | null {
  if (same(a, b)) return null;
  for (const key of Object.keys(a) as (keyof KernelSnapshot)[]) {
    const x = JSON.stringify(a[key]);
    const y = JSON.stringify(b[key]);
    if (x === y) continue;
    const xs = a[key];
    const ys = b[key];
    if (Array.isArray(xs) && Array.isArray(ys)) {
      for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
        const s = JSON.stringify(xs[i]);
        const t = JSON.stringify(ys[i]);
        if (s !== t) return `${key}[${i}]: before ${s ?? '(none)'}, after ${t ?? '(none)'}`;
      }
    }
    return `${key}: before ${x}, after ${y}`;
  }
  return Object.keys(b).length !== Object.keys(a).length ? 'the snapshots have different sections' : null;
}

/** Calls that may end an attachment owned by no file: detach or replace it, remove its
 * cgroup or device. Every other call (exit above all) leaves each one where it was. */
function mayEndLegacy(c: { call?: unknown; cmd?: unknown }): boolean {
  return c.call === 'netlinkXdpAttach' || c.call === 'rmdir' || c.call === 'netlinkLinkDel'
    || (c.call === 'bpf' && (c.cmd === 'BPF_PROG_ATTACH' || c.cmd === 'BPF_PROG_DETACH'));
}

/**
 * What the snapshot must say about attachments: each one owned by no file is on exactly
 * one attach point (its own target), and abandoned exactly when its attacher is gone; a
 * link is on exactly one attach point (its target) while attached, and on none once
 * detached (defunct).
 */
export function attachmentProblems(snap: KernelSnapshot): string[] {
  const problems: string[] = [];
  const pids = new Set(snap.processes.map((p) => p.pid));
  const where = new Map<string, string[]>();
  for (const ap of snap.attachPoints) for (const e of ap.entries) where.set(e, [...(where.get(e) ?? []), ap.key]);
  for (const a of snap.legacy) {
    const at = where.get(a.key) ?? [];
    if (at.length !== 1 || at[0] !== a.target) problems.push(`${a.key} (target ${a.target}) is listed at [${at.join(', ')}]`);
    if (a.abandoned !== !pids.has(a.attacherPid)) problems.push(`${a.key}: abandoned ${a.abandoned}, but its attacher pid ${a.attacherPid} is ${pids.has(a.attacherPid) ? 'alive' : 'gone'}`);
  }
  for (const l of snap.links) {
    const at = where.get(l.key) ?? [];
    if (l.attached ? at.length !== 1 : at.length !== 0) problems.push(`${l.key}: attached ${l.attached}, listed at [${at.join(', ')}]`);
    if (l.attached && at.length === 1 && at[0] !== l.target) problems.push(`${l.key}: its target is ${l.target}, but it is listed at ${at[0]}`);
  }
  return problems;
}

/** Check one applied call against the state before it; returns the problems found. */
export function checkStep(kernel: Kernel, call: KernelCall, before: KernelSnapshot, r: ApplyResult, logOn = true): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(r.ret)) problems.push(`ret is not an integer: ${String(r.ret)}`);
  problems.push(...checkInvariants(kernel));
  const c = call as { call?: unknown; pid?: unknown; event?: unknown; cmd?: unknown };
  const after = kernel.snapshot();
  problems.push(...attachmentProblems(after));
  if (!mayEndLegacy(c)) {
    const now = new Set(after.legacy.map((a) => a.key));
    const gone = before.legacy.filter((a) => !now.has(a.key)).map((a) => a.key);
    if (gone.length) problems.push(`${String(c.call)} ended attachments owned by no file: ${gone.join(', ')}`);
  }
  if (c.call === 'exit' && r.ret === 0 && logOn) {
    // the log says, at the exit, which attachments of the process are now abandoned
    const mine = after.legacy.filter((a) => a.attacherPid === c.pid).length;
    const said = r.events.filter((e) => e.fn === 'do_exit' && e.kind === 'note' && /abandoned/.test(e.text)).length;
    if (said !== mine) problems.push(`exit of pid ${String(c.pid)} left ${mine} abandoned attachment(s), the log says ${said}`);
  }
  if (r.ret < 0) {
    const diff = snapshotDiff(before, kernel.snapshot());
    if (diff) problems.push(`failed call (ret ${r.ret}) changed the state: ${diff}`);
    if (logOn && !r.events.some((e) => e.kind === 'return' && e.errno === -r.ret))
      problems.push(`failed call (ret ${r.ret}) logged no return with errno ${-r.ret}`);
  }
  if (c.call === 'trigger') {
    const ran = r.ran ?? [];
    const live = new Set(kernel.snapshot().progs.map((p) => p.id));
    const dead = ran.filter((id) => !live.has(id));
    if (dead.length) problems.push(`trigger ran ids of programs that are not alive: ${dead.join(', ')}`);
    const want = r.ret < 0 ? [] : expectedRun(before, c.event);
    if (want && JSON.stringify(ran) !== JSON.stringify(want)) problems.push(`trigger ran [${ran.join(', ')}], the attach point runs [${want.join(', ')}]`);
    if (r.ret >= 0 && r.ret !== ran.length) problems.push(`trigger returned ${r.ret} but ran ${ran.length} program(s)`);
    // each run is counted in its program's run_cnt
    const runs = new Map<number, number>();
    for (const id of ran) runs.set(id, (runs.get(id) ?? 0) + 1);
    const was = new Map(before.progs.map((p) => [p.key, p.runCnt]));
    for (const p of after.progs) {
      const d = p.runCnt - (was.get(p.key) ?? 0);
      if (d !== (runs.get(p.id) ?? 0)) problems.push(`trigger: prog ${p.id} ran ${runs.get(p.id) ?? 0} time(s), its run_cnt went up by ${d}`);
    }
  } else if (r.ret >= 0 && returnsFd(call)) {
    const want = lowestFreeFd(before, c.pid);
    if (r.ret !== want) problems.push(`returned fd ${r.ret}, but the lowest free fd of pid ${String(c.pid)} was ${String(want)}`);
  }
  if (c.call === 'bpf' && r.attr) problems.push(...idProblems(c, r.attr, before, after, r.ret));
  return problems;
}

/**
 * Apply `calls` in order, checking every step (see `checkStep`). Each call is cloned first,
 * so that out-parameters written into an attr do not leak into a replay of the sequence.
 * Returns the first failing step, or null.
 */
export function runChecked(kernel: Kernel, calls: readonly KernelCall[], logOn = true): StepFailure | null {
  const log = new LogTracker();
  for (let step = 0; step < calls.length; step++) {
    const call = calls[step]!;
    const before = kernel.snapshot();
    let r: ApplyResult;
    try {
      r = kernel.apply(structuredClone(call));
    } catch (e) {
      return { step, call, problems: [`apply threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`] };
    }
    const problems = checkStep(kernel, call, before, r, logOn);
    if (logOn) problems.push(...log.check(kernel, r));
    if (problems.length) return { step, call, ret: r.ret, problems };
  }
  return null;
}

export function formatFailure(f: StepFailure, calls: readonly KernelCall[]): string {
  return [
    `call ${f.step} ${JSON.stringify(f.call)}${f.ret !== undefined ? ` = ${f.ret}` : ''}:`,
    ...f.problems.map((p) => `  - ${p}`),
    'sequence:',
    ...calls.slice(0, f.step + 1).map((c, i) => `  ${i}: ${JSON.stringify(c)}`),
  ].join('\n');
}

/** Run `calls` on a fresh kernel of `version`, checking every step, then tear down
 * (every process exits, every pin is unlinked) and check that nothing is left. Returns
 * what went wrong, or null. */
export function checkSequence(version: string, calls: readonly KernelCall[]): string | null {
  const kernel = new Kernel({ version });
  const failure = runChecked(kernel, calls);
  if (failure) return formatFailure(failure, calls);
  const broken: string[] = [];
  const bad = teardown(kernel, (what) => {
    if (!broken.length) broken.push(...checkInvariants(kernel).map((e) => `after ${what}: ${e}`));
  });
  bad.push(...broken);
  if (bad.length) return `teardown: ${bad.join('; ')}\nsequence:\n${calls.map((c, i) => `  ${i}: ${JSON.stringify(c)}`).join('\n')}`;
  const left = leftAfterTeardown(kernel);
  if (left.length) return `after teardown:\n  ${left.join('\n  ')}\nsequence:\n${calls.map((c, i) => `  ${i}: ${JSON.stringify(c)}`).join('\n')}`;
  return null;
}

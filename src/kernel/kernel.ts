/**
 * Kernel: the public face of the model. Every change of state is one `KernelCall` through
 * `apply`; the named methods (`spawn`, `bpf`, ...) are thin wrappers around it.
 */
import { sysMkdir, sysOpen, sysRename, sysRmdir, sysUnlink } from './bpffs';
import type { ApplyResult, BpfAttr, KernelCall } from './call';
import { Errno, errnoName, strerror } from './errno';
import { trigger } from './events';
import { findProcess, sysClose, sysDup, sysExit, sysFork, sysSpawn } from './fdtable';
import type { KernelEvent } from './log';
import { takeSnapshot, type KernelSnapshot } from './snapshot';
import { KernelState, SyscallError, show } from './state';
import { sysBpf } from './syscall';
import { netlinkXdpAttach } from './cmd_attach';
import { newCgroup } from './cgroup';
import { netlinkLinkDel, netlinkVethAdd } from './netlink';
import { bootNetDevs } from './netdev';
import { NEWEST_VERSION, formatVersion, parseVersion } from './version';


export interface KernelOptions {
  /** "MAJOR.MINOR", from "5.6" to "6.18" (default). */
  version?: string;
  /** Keep the event log (default true). Benchmarks may turn it off. */
  log?: boolean;
}

/** A call field as text; fields may hold anything (bigint, symbol, a cycle): never throws. */
function s(v: unknown): string {
  if (typeof v === 'string') return v;
  // what JSON.stringify prints for a finite number, without its cost
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return show(v);
}

function describeCall(c: KernelCall): string {
  switch (c.call) {
    case 'spawn': return `spawn("${s(c.comm)}")`;
    case 'bpf': return `bpf(${s(c.cmd)})`;
    case 'trigger': return `trigger("${s(c.event)}")`;
    case 'rename': return `rename("${s(c.from)}", "${s(c.to)}")`;
    case 'open': case 'mkdir': case 'rmdir': case 'unlink': return `${c.call}("${s(c.path)}")`;
    case 'close': case 'dup': return `${c.call}(${s(c.fd)})`;
    case 'netlinkXdpAttach': return `netlink XDP attach(ifindex ${s(c.ifindex)}, prog_fd ${s(c.prog_fd)})`;
    case 'netlinkVethAdd': return `ip link add ${s(c.name)} type veth peer name ${s(c.peer)}`;
    case 'netlinkLinkDel': return `ip link del ${s(c.name)}`;
    default: return `${s((c as { call: unknown }).call)}()`;
  }
}

/** A copy of a call as given (the call itself when no copy can be made: a function, a symbol). */
function copyCall(call: KernelCall): KernelCall {
  try { return structuredClone(call); } catch { return call; }
}

export class Kernel {
  private readonly k: KernelState;
  private snap: KernelSnapshot | null = null;
  /** While `traceCalls` runs: the calls applied so far (copies). */
  private traced: KernelCall[] | null = null;

  constructor(options: KernelOptions = {}) {
    const v = parseVersion(options.version ?? NEWEST_VERSION);
    if (v === null) throw new RangeError(`unknown kernel version ${JSON.stringify(options.version)}: use "5.6" ... "5.19" or "6.0" ... "6.18"`);
    this.k = new KernelState(v, options.log !== false);
    newCgroup(this.k, this.k.vfs.cgroupfs.root, null);
    bootNetDevs(this.k);
  }

  /** The modelled release, e.g. "6.18". */
  get version(): string {
    return formatVersion(this.k.version);
  }

  /** Apply one call. Never throws for any input: failures are `ret: -errno`. */
  apply(call: KernelCall): ApplyResult {
    const k = this.k;
    if (this.traced) this.traced.push(copyCall(call));
    k.step++;
    k.clockNs += 1000;
    const first = k.events.length;
    let ret: number;
    let ran: number[] | undefined;
    const c = (typeof call === 'object' && call !== null ? call : {}) as Record<string, unknown> & KernelCall;
    const pid = typeof c.pid === 'number' ? c.pid : undefined;
    try {
      switch (c.call) {
        case 'spawn': ret = sysSpawn(k, c.comm); break;
        case 'fork': ret = sysFork(k, c.pid); break;
        case 'exit': ret = sysExit(k, c.pid); break;
        case 'close': ret = sysClose(k, c.pid, c.fd); break;
        case 'dup': ret = sysDup(k, c.pid, c.fd); break;
        case 'open': ret = sysOpen(k, findProcess(k, c.pid), c.path); break;
        case 'mkdir': ret = sysMkdir(k, findProcess(k, c.pid), c.path); break;
        case 'rmdir': ret = sysRmdir(k, findProcess(k, c.pid), c.path); break;
        case 'unlink': ret = sysUnlink(k, findProcess(k, c.pid), c.path); break;
        case 'rename': ret = sysRename(k, findProcess(k, c.pid), c.from, c.to); break;
        case 'bpf': ret = sysBpf(k, c.pid, c.cmd, c.attr); break;
        case 'trigger': ran = trigger(k, c.event); ret = ran.length; break;
        case 'netlinkXdpAttach': ret = netlinkXdpAttach(k, c.pid, c as unknown as BpfAttr); break;
        case 'netlinkVethAdd': ret = netlinkVethAdd(k, c.pid, c.name, c.peer); break;
        case 'netlinkLinkDel': ret = netlinkLinkDel(k, c.pid, c.name); break;
        default: throw new SyscallError(Errno.EINVAL, 'apply', `unknown call ${show((c as { call?: unknown }).call)}`);
      }
      this.snap = null;
      if (k.keepLog) k.emit('return', 'apply', `${describeCall(c)} = ${ret}`, pid !== undefined ? { pid } : {});
    } catch (e) {
      if (!(e instanceof SyscallError)) throw e;
      ret = -e.errno;
      if (c.call === 'trigger') ran = [];
      this.snap = null;
      if (k.keepLog) k.emit('return', e.fn, `${describeCall(c)} = -${errnoName(e.errno)} (${strerror(e.errno)}): ${e.why}`,
        { errno: e.errno, ...(pid !== undefined ? { pid } : {}) });
    }
    const result: ApplyResult = { ret, events: k.events.slice(first) };
    if (c.call === 'bpf' && typeof c.attr === 'object' && c.attr !== null) result.attr = c.attr as BpfAttr;
    if (ran) result.ran = ran;
    return result;
  }

  spawn(comm: string): number { return this.apply({ call: 'spawn', comm }).ret; }
  fork(pid: number): number { return this.apply({ call: 'fork', pid }).ret; }
  exit(pid: number): number { return this.apply({ call: 'exit', pid }).ret; }
  close(pid: number, fd: number): number { return this.apply({ call: 'close', pid, fd }).ret; }
  dup(pid: number, fd: number): number { return this.apply({ call: 'dup', pid, fd }).ret; }
  open(pid: number, path: string): number { return this.apply({ call: 'open', pid, path }).ret; }
  mkdir(pid: number, path: string): number { return this.apply({ call: 'mkdir', pid, path }).ret; }
  rmdir(pid: number, path: string): number { return this.apply({ call: 'rmdir', pid, path }).ret; }
  unlink(pid: number, path: string): number { return this.apply({ call: 'unlink', pid, path }).ret; }
  rename(pid: number, from: string, to: string): number { return this.apply({ call: 'rename', pid, from, to }).ret; }
  /** `bpf(cmd, attr)` as process `pid`; out-parameters are written into `attr`. */
  bpf(pid: number, cmd: string, attr: BpfAttr = {}): number { return this.apply({ call: 'bpf', pid, cmd, attr }).ret; }
  /** Fire an event; the ids of the programs that ran, one entry per run. */
  trigger(event: string): number[] { return this.apply({ call: 'trigger', event }).ran ?? []; }
  /** The legacy XDP attach (`ip link set dev ... xdp`): owned by no fd, it outlives its process. */
  netlinkXdpAttach(pid: number, req: { ifindex: number; prog_fd: number; flags?: number | string[]; expected_fd?: number }): number {
    return this.apply({ call: 'netlinkXdpAttach', pid, ...req }).ret;
  }
  netlinkVethAdd(pid: number, name: string, peer: string): number { return this.apply({ call: 'netlinkVethAdd', pid, name, peer }).ret; }
  netlinkLinkDel(pid: number, name: string): number { return this.apply({ call: 'netlinkLinkDel', pid, name }).ret; }

  /**
   * Run `fn` and collect a copy of every call applied meanwhile, in order: what a libbpf
   * load or a bpftool command asked of the kernel (its strace). The copies are taken before
   * the kernel writes out-parameters, so the list replays on another kernel (the real one:
   * oracle/) exactly as it ran here. Nested traces each get their own calls and the outer
   * one gets them too.
   */
  traceCalls<T>(fn: () => T): { value: T; calls: KernelCall[] } {
    const outer = this.traced;
    const calls: KernelCall[] = [];
    this.traced = calls;
    try {
      return { value: fn(), calls };
    } finally {
      this.traced = outer;
      if (outer) outer.push(...calls);
    }
  }

  snapshot(): KernelSnapshot {
    return (this.snap ??= takeSnapshot(this.k));
  }

  /** The whole event log. */
  log(): readonly KernelEvent[] {
    return this.k.events;
  }

  /** The model's internal state, for invariant checks in tests. Not a stable API. */
  get internals(): KernelState {
    return this.k;
  }
}

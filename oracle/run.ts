/**
 * One run on the real kernel: each KernelCall executed by the helper, the model's pids and
 * ids in the call translated to the run's real ones (see Tracker), out-parameters decoded,
 * new objects recorded, then settled before the next call.
 */
import { statSync } from 'node:fs';
import type { BpfAttr, KernelCall } from '../src/kernel/call';
import { vmlinuxBtf, type Btf } from './btf';
import { encodeBpf, flagValue, isU32ish, parseBpfReply, requestLine, showValue, type FdKind } from './encode';
import type { Helper } from './native';
import { pathArg, pathProblem, preloadProblem, resolvePath } from './paths';
import type { RunLock } from './pool';
import { settle } from './settle';
import { Tracker, type IdKind } from './track';
import { trigger } from './trigger';
import { ATTR_SIZE, BPF_ATTACH_TYPE, BPF_CMD, BPF_PROG_TYPE, FLAGS } from './uapi';

/** An object a call created, by kind and id. */
export interface ModelObject { kind: IdKind; id: number }
/** The ids of the model's objects that exist, per kind. */
export type ModelLive = Record<IdKind, ReadonlySet<number>>;
/** The model's step for call `index` (applied only if `ran`): the object it created, and
 * the ids that exist afterwards. */
export type ModelStep = (index: number, call: KernelCall, ran: boolean) => { object?: ModelObject; live?: ModelLive } | undefined;

export interface RealCallResult {
  /** What the raw syscall returned: >= 0, or -errno (for spawn and fork, the real pid). */
  ret: number;
  /** bpf: the attr as the call gave it (the model's ids) with the out-parameters the kernel
   * wrote (real ids). */
  attr?: BpfAttr;
  /** trigger: the ids of the programs that ran, one entry per run, ascending. */
  ran?: number[];
  /** trigger: how `ran` was obtained where it was not measured alone. */
  note?: string;
  /** Set when this call cannot be compared with the model on this machine, and why. */
  notComparable?: string;
  /** Set when the kernel did nothing with the call: the oracle did not hand it over, or it
   * is a trampoline load this build refuses (EPERM) where the model would make a program.
   * A differential run does not apply it to the model either: both go on from the same
   * state (later calls naming that program's fd fail alike). */
  notRun?: true;
  /** Set when the oracle itself failed on this call (a bug of the oracle, not of the model):
   * the call is also marked not comparable, and the run goes on. */
  oracleError?: string;
  /** The object a bpf call created (`created`) or opened, if any. */
  object?: { kind: IdKind; id: number; created: boolean };
  /** Wall time of the call and of the settling after it. */
  ms: number;
  settleMs: number;
}

const EPERM = -1;
/** The run's cgroup2 mount (its cgroup namespace root), as the model names it. */
const CGROUP_ROOT = '/sys/fs/cgroup';
const EINVAL = -22;
const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex') || '-';
const show = showValue;
type Exec = Omit<RealCallResult, 'ms' | 'settleMs'>;
/** A call the oracle does not hand to the kernel (ret is a placeholder, never compared). */
const skip = (why: string): Exec => ({ ret: EINVAL, notComparable: why, notRun: true });
const MUTATING = ['mkdir', 'rmdir', 'unlink'];
/** A flags field's value (absent: 0), or null if it has none. */
function flagsOf(v: unknown): number | null {
  try { return v === undefined || v === null ? 0 : flagValue(v, 'flags'); } catch { return null; }
}
const CREATES: Record<string, IdKind> = { BPF_PROG_LOAD: 'prog', BPF_MAP_CREATE: 'map', BPF_RAW_TRACEPOINT_OPEN: 'link', BPF_LINK_CREATE: 'link' };
const OPENS = ['BPF_OBJ_GET', 'BPF_PROG_GET_FD_BY_ID', 'BPF_MAP_GET_FD_BY_ID', 'BPF_LINK_GET_FD_BY_ID'];
const ID_INPUTS: Record<string, [string, IdKind][]> = {
  BPF_PROG_GET_FD_BY_ID: [['prog_id', 'prog']], BPF_MAP_GET_FD_BY_ID: [['map_id', 'map']],
  BPF_LINK_GET_FD_BY_ID: [['link_id', 'link']], BPF_PROG_GET_NEXT_ID: [['start_id', 'prog']],
  BPF_MAP_GET_NEXT_ID: [['start_id', 'map']], BPF_LINK_GET_NEXT_ID: [['start_id', 'link']],
};
const TRAMPOLINE = (type: string, eat: string): boolean => type === 'BPF_PROG_TYPE_LSM' || type === 'BPF_PROG_TYPE_EXT' ||
  (type === 'BPF_PROG_TYPE_TRACING' && ['BPF_TRACE_FENTRY', 'BPF_TRACE_FEXIT', 'BPF_MODIFY_RETURN'].includes(eat));

/** Iterator targets whose programs this kernel build refuses to load (EPERM), as it does trampolines. */
const MAP_ITERS = ['bpf_map_elem', 'bpf_sk_storage_map', 'sockmap'];

const nameOf = (table: readonly string[], v: unknown): string =>
  typeof v === 'number' ? table[v] ?? String(v) : typeof v === 'string' ? v : '';

export class Run {
  readonly tracker: Tracker;
  private readonly btf: Btf = vmlinuxBtf();

  /** Network devices by name and their peer, for xdp triggers (lo is its own peer). */
  readonly veths = new Map<string, string>([['lo', 'lo'], ['eth0', 'veth1'], ['veth1', 'eth0']]);

  /** `lock`: shared with runs going on at the same time (pool.ts); `model`: the model's run
   * of the same calls, in step (a differential run): see ModelStep. */
  constructor(private readonly helper: Helper, firstModelPid: number, private readonly lock?: RunLock,
    private readonly model?: ModelStep) {
    this.tracker = new Tracker(firstModelPid);
    if (model) this.tracker.modelIds = { prog: new Map(), map: new Map(), link: new Map() };
  }

  /** Runs one call. Never throws: whatever the call holds, the result is an answer, a
   * not-comparable mark, or (a bug of the oracle) an `oracleError` mark. */
  async apply(call: KernelCall, index = -1): Promise<RealCallResult> {
    const alone = call?.call === 'trigger' && typeof call.event === 'string' && call.event.startsWith('tracepoint:');
    const release = await this.lock?.acquire(alone);
    try {
      return await this.applyLocked(call, index);
    } finally {
      release?.();
    }
  }

  private async applyLocked(call: KernelCall, index: number): Promise<RealCallResult> {
    const t0 = Date.now();
    let r: Exec;
    try {
      r = await this.exec(call);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      r = { ret: EINVAL, notComparable: `oracle error: ${why}`, oracleError: why };
    }
    const ms = Date.now() - t0;
    // The model takes the same step (unless the kernel never saw the call); an object both
    // created is the same object from now on, whatever ids each gave it.
    const ran = !r.notRun && !r.oracleError;
    const step = this.model?.(index, call, ran);
    const t = this.tracker;
    if (step?.object && r.object?.created && t.modelIds) {
      t.modelIds[step.object.kind].set(step.object.id, r.object.id);
      t.realToModel[step.object.kind].set(r.object.id, step.object.id);
    }
    let settleMs = 0;
    if (ran) {
      try {
        settleMs = await settle(this.helper, t, call, r.ret, step?.live ? this.expectGone(step.live) : undefined);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        return { ...r, notComparable: `oracle error while settling: ${why}`, oracleError: why, ms, settleMs: Date.now() - t0 - ms };
      }
    }
    return { ...r, ms, settleMs };
  }

  /** The run's objects that exist on the kernel while the model's counterpart no longer
   * does: settling waits (bounded) for them to go too, as the kernel may still be freeing
   * them (RCU callbacks run a while after a grace period). Waiting longer never changes an
   * answer: an object that stays is compared as it is. */
  private expectGone(live: ModelLive): Record<IdKind, Set<number>> {
    const t = this.tracker;
    const out = { prog: new Set<number>(), map: new Set<number>(), link: new Set<number>() };
    for (const kind of ['prog', 'map', 'link'] as const)
      for (const real of t.alive[kind]) {
        const m = t.realToModel[kind].get(real);
        if (m !== undefined && !live[kind].has(m)) out[kind].add(real);
      }
    return out;
  }

  private async ret(line: string): Promise<number> {
    const reply = await this.helper.request(line);
    return Number(reply.split(' ')[1]);
  }

  private async exec(callIn: KernelCall): Promise<Exec> {
    const r = await this.execCall(callIn);
    if (r.notComparable) return r;
    const c = (typeof callIn === 'object' && callIn !== null ? callIn : {}) as Record<string, unknown>;
    const attr = (c.attr ?? {}) as BpfAttr;
    const paths = c.call === 'rename' ? [c.from, c.to] : c.call === 'bpf' && (c.cmd === 'BPF_OBJ_PIN' || c.cmd === 'BPF_OBJ_GET') ? [attr.pathname] : [c.path];
    const base = c.call === 'bpf' ? await this.pathBase(this.tracker.realPid(c.pid), attr) : '/';
    const why = base === null ? null : paths.map((p) => preloadProblem(p, base)).find((w) => w);
    return why ? { ...r, notComparable: why } : r;
  }

  private async execCall(callIn: KernelCall): Promise<Exec> {
    const t = this.tracker;
    // Calls come from JSON files and generators: any field may hold anything.
    const c = (typeof callIn === 'object' && callIn !== null ? callIn : {}) as Record<string, unknown>;
    const pid = (): number => t.realPid(c.pid);
    switch (c.call) {
      case 'spawn': {
        // Not a syscall: the model's own convention (a process needs a name) has nothing to
        // run here.
        if (typeof c.comm !== 'string' || c.comm === '') return skip(`spawn with comm ${show(c.comm)}: no process to start (spawn is not a syscall)`);
        const reply = await this.helper.request(`spawn ${hex(c.comm.slice(0, 15))}`);
        const ret = Number(reply.split(' ')[1]);
        if (reply.startsWith('ok')) t.pids.push(ret);
        return { ret };
      }
      case 'fork': {
        const reply = await this.helper.request(`fork ${pid()}`);
        const ret = Number(reply.split(' ')[1]);
        if (reply.startsWith('ok')) t.pids.push(ret);
        return { ret };
      }
      case 'exit': return { ret: await this.ret(`exit ${pid()}`) };
      case 'close': case 'dup':
        if (!isU32ish(c.fd)) return skip(`${c.call}: fd ${show(c.fd)} is no C int`);
        return { ret: await this.ret(`w ${pid()} sys ${c.call} ${c.fd}`) };
      case 'open': case 'mkdir': case 'rmdir': case 'unlink': {
        const why = pathProblem(c.path, '/', MUTATING.includes(c.call));
        if (why) return skip(`${c.call}: ${why}`);
        const ret = await this.ret(`w ${pid()} sys ${c.call} ${pathArg(c.path)}`);
        if (c.call === 'mkdir' && ret === 0) this.noteCgroup(pid(), resolvePath('/', c.path as string));
        return { ret };
      }
      case 'rename': {
        const why = pathProblem(c.from, '/', true) ?? pathProblem(c.to, '/', true);
        if (why) return skip(`rename: ${why}`);
        return { ret: await this.ret(`w ${pid()} sys rename ${pathArg(c.from)} ${pathArg(c.to)}`) };
      }
      case 'trigger': {
        if (typeof c.event !== 'string') return skip(`trigger of ${show(c.event)}: no event (a trigger is not a syscall)`);
        const { ret, ran, notComparable, note } = await trigger(this.helper, t, c.event, this.veths, this.btf);
        // a trigger the oracle cannot compare has fired nothing
        return { ret, ran, ...(notComparable ? { notComparable, notRun: true as const } : {}), ...(note ? { note } : {}) };
      }
      case 'bpf': return this.bpf(pid(), c.cmd, c.attr);
      case 'netlinkXdpAttach': {
        // RTM_SETLINK with IFLA_XDP from that process (oracle/native/netlink.c): flags and
        // expected_fd are sent only when the call gives them.
        for (const f of ['ifindex', 'prog_fd', ...(c.expected_fd === undefined ? [] : ['expected_fd'])])
          if (!isU32ish(c[f])) return skip(`netlinkXdpAttach: ${f} ${show(c[f])} is no 32-bit integer`);
        let flags = '-';
        try { if (c.flags !== undefined) flags = String(flagValue(c.flags, 'flags')); }
        catch (e) { return skip(`netlinkXdpAttach: ${(e as Error).message}`); }
        const exp = c.expected_fd === undefined ? '-' : String(c.expected_fd);
        return { ret: await this.ret(`w ${pid()} nl xdp ${c.ifindex as number | 0} ${c.prog_fd as number | 0} ${flags} ${exp}`) };
      }
      case 'netlinkVethAdd': {
        if (typeof c.name !== 'string' || typeof c.peer !== 'string') return skip(`netlinkVethAdd: names ${show(c.name)}, ${show(c.peer)} are not strings`);
        const ret = await this.ret(`w ${pid()} nl veth ${hex(c.name.slice(0, 1000))} ${hex(c.peer.slice(0, 1000))}`);
        if (ret === 0) this.veths.set(c.name, c.peer).set(c.peer, c.name);
        return { ret };
      }
      case 'netlinkLinkDel': {
        if (typeof c.name !== 'string') return skip(`netlinkLinkDel: name ${show(c.name)} is not a string`);
        const ret = await this.ret(`w ${pid()} nl del ${hex(c.name.slice(0, 1000))}`);
        const peer = this.veths.get(c.name);
        if (ret === 0) {
          this.veths.delete(c.name);
          if (peer !== undefined) this.veths.delete(peer);
        }
        return { ret };
      }
      default: return skip(`unknown call ${show(callIn)}`);
    }
  }

  /** The directory a pin's or get's relative pathname starts from: the process's working
   * directory "/", or with BPF_F_PATH_FD the directory `path_fd` names (AT_FDCWD is "/");
   * null when `path_fd` is not open or is no file system object (a BPF object, a socket):
   * the kernel fails before any walk (EBADF, ENOTDIR). */
  private async pathBase(pid: number, attr: BpfAttr): Promise<string | null> {
    if (typeof attr.pathname !== 'string' || attr.pathname.startsWith('/')) return '/';
    const flags = flagsOf(attr.file_flags);
    if (flags === null || !(flags & FLAGS.BPF_F_PATH_FD!) || !isU32ish(attr.path_fd) || (attr.path_fd | 0) === -100 /* AT_FDCWD */) return '/';
    const target = Buffer.from((await this.helper.request(`w ${pid} fdkind ${attr.path_fd}`)).split(' ')[1] ?? '', 'hex').toString();
    return target.startsWith('/') ? target.replace(/ \(deleted\)$/, '') : null;
  }

  /** The contract's ids in `attr` as this run's real ids: the id commands' ids, and a
   * cgroup or tcx anchor's `relative_id` (with BPF_F_ID: a program's, or with BPF_F_LINK a link's). */
  /** The kernfs id of a directory of the run's cgroup2 mount, seen from process `pid` (its
   * mount namespace, through /proc/PID/root): on a 64-bit machine it is the inode number. */
  private cgroupIdAt(pid: number, path: string): number {
    return Number(statSync(`/proc/${pid}/root${path}`, { bigint: true }).ino);
  }

  /** The model numbers cgroups as it makes them (the root 1, then each cgroup2 mkdir): the
   * real ids in the same order (tracker.cgroups). */
  private noteCgroup(pid: number, path: string | null): void {
    const t = this.tracker;
    if (!t.cgroups.length) t.cgroups.push(this.cgroupIdAt(pid, CGROUP_ROOT));
    if (path !== null && path.startsWith(`${CGROUP_ROOT}/`)) t.cgroups.push(this.cgroupIdAt(pid, path));
  }

  /** The model's pids and cgroup ids in an iterator link's iter_info, as the run's. */
  private iterInfo(pid: number, info: BpfAttr): BpfAttr {
    const t = this.tracker;
    const out: BpfAttr = { ...info };
    const obj = (v: unknown): v is BpfAttr => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (obj(out.cgroup) && 'cgroup_id' in out.cgroup) {
      this.noteCgroup(pid, null);
      out.cgroup = { ...out.cgroup, cgroup_id: t.cgroupIdValue(out.cgroup.cgroup_id) };
    }
    if (obj(out.task)) {
      const task: BpfAttr = { ...out.task };
      for (const f of ['tid', 'pid']) if (f in task) task[f] = t.pidValue(task[f]);
      out.task = task;
    }
    return out;
  }

  private translate(cmd: string, attr: BpfAttr, pid: number): BpfAttr {
    const out: BpfAttr = { ...attr };
    const info = out.iter_info;
    if (cmd === 'BPF_LINK_CREATE' && typeof info === 'object' && info !== null && !Array.isArray(info)) out.iter_info = this.iterInfo(pid, info as BpfAttr);
    for (const [field, kind] of ID_INPUTS[cmd] ?? [])
      if (field in out) out[field] = field === 'start_id' ? this.tracker.realStartId(kind, out[field]) : this.tracker.realId(kind, out[field]);
    const anchor = (holder: BpfAttr, flagsIn: unknown): void => {
      const flags = flagsOf(flagsIn);
      if (flags === null || !(flags & FLAGS.BPF_F_ID!) || !('relative_id' in holder)) return;
      holder.relative_id = this.tracker.realId(flags & FLAGS.BPF_F_LINK! ? 'link' : 'prog', holder.relative_id);
    };
    if (cmd === 'BPF_PROG_ATTACH' || cmd === 'BPF_PROG_DETACH') anchor(out, out.attach_flags);
    // a cgroup or tcx link's anchor (link_create.cgroup / link_create.tcx)
    for (const sub of ['cgroup', 'tcx'] as const) {
      const v = out[sub];
      if (cmd !== 'BPF_LINK_CREATE' || !v || typeof v !== 'object' || Array.isArray(v)) continue;
      out[sub] = { ...(v as BpfAttr) };
      anchor(out[sub] as BpfAttr, out.flags);
    }
    return out;
  }

  /** One bpf() in process `pid`; BPF_OBJ_GET_INFO_BY_FD first asks the fd's kind. */
  async call(pid: number, cmd: string | number, attr: BpfAttr): Promise<{ ret: number; out: BpfAttr; notComparable?: string }> {
    let kind: FdKind = 'other';
    if (cmd === 'BPF_OBJ_GET_INFO_BY_FD' && typeof attr.bpf_fd === 'number') {
      const link = Buffer.from((await this.helper.request(`w ${pid} fdkind ${attr.bpf_fd}`)).split(' ')[1] ?? '', 'hex').toString();
      kind = /bpf-prog/.test(link) ? 'prog' : /bpf-map/.test(link) ? 'map' : /bpf[-_]link/.test(link) ? 'link' : 'other';
    }
    const once = async (tpNameLen: number): Promise<{ ret: number; out: BpfAttr; notComparable?: string }> => {
      const e = encodeBpf(cmd, attr, this.btf, kind, tpNameLen);
      if (!e.ok) return { ret: -22, out: {}, notComparable: e.notComparable };
      const { ret, bufs } = parseBpfReply(await this.helper.request(`w ${pid} ${requestLine(e.enc)}`));
      return { ret, out: e.enc.decode(ret, bufs) };
    };
    const first = await once(0);
    // a raw tracepoint link's name, an iterator link's target name: asked again with a buffer
    const li = first.out.info as { raw_tracepoint?: { tp_name_len?: number }; iter?: { target_name_len?: number } } | undefined;
    const nameLen = li?.raw_tracepoint?.tp_name_len ?? li?.iter?.target_name_len;
    return nameLen ? once(nameLen) : first;
  }

  private async bpf(pid: number, cmdIn: unknown, attrIn: unknown): Promise<Exec> {
    const cmd = typeof cmdIn === 'number' ? BPF_CMD[cmdIn] ?? '' : typeof cmdIn === 'string' ? cmdIn : '';
    const cmdNum = typeof cmdIn === 'number' ? (Number.isInteger(cmdIn) && cmdIn >= -0x80000000 && cmdIn <= 0x7fffffff ? cmdIn : -1)
      : BPF_CMD.indexOf(cmd);
    if (typeof attrIn !== 'object' || attrIn === null || Array.isArray(attrIn)) {
      // No attr object: the syscall gets a NULL attr, which it refuses (EFAULT) before it
      // looks at the command; a command that is no uapi name has no number to send.
      if (cmdNum < 0 && typeof cmdIn !== 'number') return skip(`bpf: command ${show(cmdIn)} is no uapi name`);
      return { ret: await this.ret(`w ${pid} bpf ${cmdNum} 0 ${ATTR_SIZE}`) };
    }
    const attr = this.translate(cmd, attrIn as BpfAttr, pid);
    if (cmd === 'BPF_OBJ_PIN' || cmd === 'BPF_OBJ_GET') {
      const base = await this.pathBase(pid, attr);
      const why = base === null ? null : pathProblem(attr.pathname, base, cmd === 'BPF_OBJ_PIN');
      if (why) return skip(`${cmd}: ${why}`);
    }
    const { ret, out, notComparable } = await this.call(pid, cmd || (cmdIn as string | number), attr);
    // the call's own fields as given (the model's ids), the out-parameters as the kernel wrote them
    const res: Exec = { ret, attr: { ...(attrIn as BpfAttr), ...out } };
    if (notComparable) return { ...res, notComparable: `${cmd || show(cmdIn)}: ${notComparable}`, notRun: true };
    const type = nameOf(BPF_PROG_TYPE, attr.prog_type);
    let eat = attr.expected_attach_type === undefined ? '' : nameOf(BPF_ATTACH_TYPE, attr.expected_attach_type);
    if (type === 'BPF_PROG_TYPE_CGROUP_SOCK' && (eat === '' || eat === BPF_ATTACH_TYPE[0])) eat = 'BPF_CGROUP_INET_SOCK_CREATE';
    if (cmd === 'BPF_PROG_LOAD' && ret === EPERM && TRAMPOLINE(type, eat)) {
      res.notComparable = `${type}/${eat} loads are refused with EPERM by this kernel build (trampolines)`;
      res.notRun = true;
    }
    if (cmd === 'BPF_RAW_TRACEPOINT_OPEN' && ret === EPERM && (attr.name === undefined || attr.name === null))
      res.notComparable = 'BPF_RAW_TRACEPOINT_OPEN of a tracing program that is no raw tracepoint goes to bpf_tracing_prog_attach, which this kernel build refuses with EPERM (no trampolines; Linux says EINVAL for an iterator program)';
    if (cmd === 'BPF_PROG_LOAD' && ret === EPERM && eat === 'BPF_TRACE_ITER' && MAP_ITERS.includes(String(attr.attach_func_name))) {
      res.notComparable = `iterators over map elements (${String(attr.attach_func_name)}) are refused with EPERM by this kernel build`;
      res.notRun = true;
    }
    const kind = CREATES[cmd];
    if (ret >= 0 && (kind || OPENS.includes(cmd))) res.object = await this.record(pid, ret, !!kind, { type, eat });
    const nextKind = ID_INPUTS[cmd]?.[0]?.[1];
    if (cmd.endsWith('_GET_NEXT_ID') && nextKind && ret === 0) return this.ownNextId(pid, cmd, attr, res, nextKind);
    return res;
  }

  /**
   * Ids are shared by the whole machine (and by runs going on at the same time): a
   * `*_GET_NEXT_ID` answer that names an object outside this run is walked on, with the
   * same command from that id, until it names one of the run's objects or the kernel says
   * there is none (ENOENT): the answer the run would get alone on the machine. Bounded;
   * past the bound the call is marked not comparable.
   */
  private async ownNextId(pid: number, cmd: string, attr: BpfAttr, res: Exec, kind: IdKind): Promise<Exec> {
    let next = res.attr?.next_id;
    for (let i = 0; i < 1000 && typeof next === 'number' && !this.tracker.known[kind].has(next); i++) {
      const r = await this.call(pid, cmd, { ...attr, start_id: next });
      if (r.ret < 0) {
        const out: BpfAttr = { ...res.attr };
        delete out.next_id;
        return { ...res, ret: r.ret, attr: out, note: `walked past ${i + 1} id(s) outside this run` };
      }
      next = r.out.next_id;
    }
    if (typeof next === 'number' && !this.tracker.known[kind].has(next))
      return { ...res, notComparable: `${cmd}: next_id ${next} and many before it are objects outside this run (ids are shared by the whole machine)` };
    return next === res.attr?.next_id ? res : { ...res, attr: { ...res.attr, next_id: next }, note: 'walked past ids outside this run' };
  }

  /** Learns what the new fd refers to, from the kernel's info, in the process that holds it. */
  private async record(pid: number, fd: number, created: boolean, load: { type: string; eat: string }): Promise<RealCallResult['object']> {
    const { ret, out } = await this.call(pid, 'BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: fd, info: {} });
    const info = out.info as Record<string, unknown> | undefined;
    if (ret < 0 || !info) return undefined;
    const id = info.id as number;
    const t = this.tracker;
    if ('tag' in info) {
      t.see('prog', id, created);
      if (!t.progs.has(id)) t.progs.set(id, { type: String(info.type), eat: created ? load.eat : '', maps: (info.map_ids as number[]) ?? [] });
      for (const m of (info.map_ids as number[]) ?? []) t.see('map', m, false);
      return { kind: 'prog', id, created };
    }
    if ('key_size' in info) { t.see('map', id, created); return { kind: 'map', id, created }; }
    const rt = info.raw_tracepoint as { tp_name?: string } | undefined;
    t.see('link', id, created);
    t.links.set(id, { type: String(info.type), progId: info.prog_id as number, tpName: rt?.tp_name ?? '' });
    t.see('prog', info.prog_id as number, false);
    return { kind: 'link', id, created };
  }
}

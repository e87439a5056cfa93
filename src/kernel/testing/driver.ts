/**
 * TestKernel: a chainable driver over the kernel model, so a test reads like the story it
 * tells (in the style of tldraw's TestEditor):
 *
 *   const t = new TestKernel({ version: '6.18' });
 *   const loader = t.spawn('loader');
 *   loader.createMap('m').loadProg('p', { type: 'raw_tp', maps: ['m'] })
 *     .attachRawTp('l', 'p', 'sys_enter').pin('l', '/sys/fs/bpf/l').close('l');
 *   t.exit(loader);
 *   t.expectLink('l').attached().heldOnlyBy(['pin /sys/fs/bpf/l']);
 *   t.expectRan('tracepoint:sys_enter', ['p']);
 *
 * - A step that makes an fd names it ('l'): the name stands for that fd in that process and
 *   for the object behind it everywhere; a number is a raw fd. A name given to another fd
 *   must refer to the same object (unless the old one was freed).
 * - Every step asserts success; `expectErrno('EINVAL')` arms the *next* step to fail with that
 *   errno instead, and to leave `snapshot()` unchanged. `returns(n)` checks the last return.
 * - Holders: "<proc> fd <n>", "pin <path>", "link <name>" (holds a program), "prog <name>"
 *   (uses a map), "legacy <attach point>"; `heldOnlyBy` also checks refcnt (and usercnt)
 *   against the units they own. Failures throw KernelTestError (no test framework needed).
 */
import type { ApplyResult, BpfAttr, KernelCall } from '../call';
import { Errno, errnoName, type ErrnoName } from '../errno';
import { Kernel, type KernelOptions } from '../kernel';
import type { KernelSnapshot } from '../snapshot';

export type FdRef = string | number;
export type ObjKind = 'prog' | 'map' | 'link';
interface Named { key: string; kind: ObjKind; id: number }

export class KernelTestError extends Error {
  override name = 'KernelTestError';
}
function check(ok: boolean, msg: () => string): void {
  if (!ok) throw new KernelTestError(msg());
}
const show = (v: unknown): string => JSON.stringify(v);
const sorted = (a: readonly string[]): string => show([...a].sort());

/** Program kinds by libbpf section prefix: [prog_type, expected_attach_type]. */
export const PROG_KINDS: Record<string, [string, string?]> = {
  raw_tp: ['BPF_PROG_TYPE_RAW_TRACEPOINT'], raw_tp_writable: ['BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE'],
  tp_btf: ['BPF_PROG_TYPE_TRACING', 'BPF_TRACE_RAW_TP'], fentry: ['BPF_PROG_TYPE_TRACING', 'BPF_TRACE_FENTRY'],
  fexit: ['BPF_PROG_TYPE_TRACING', 'BPF_TRACE_FEXIT'], fmod_ret: ['BPF_PROG_TYPE_TRACING', 'BPF_MODIFY_RETURN'],
  lsm: ['BPF_PROG_TYPE_LSM', 'BPF_LSM_MAC'], socket_filter: ['BPF_PROG_TYPE_SOCKET_FILTER'],
  kprobe: ['BPF_PROG_TYPE_KPROBE'], xdp: ['BPF_PROG_TYPE_XDP'],
  cgroup_skb: ['BPF_PROG_TYPE_CGROUP_SKB', 'BPF_CGROUP_INET_EGRESS'],
  cgroup_skb_ingress: ['BPF_PROG_TYPE_CGROUP_SKB', 'BPF_CGROUP_INET_INGRESS'],
  sock_create: ['BPF_PROG_TYPE_CGROUP_SOCK', 'BPF_CGROUP_INET_SOCK_CREATE'],
  connect4: ['BPF_PROG_TYPE_CGROUP_SOCK_ADDR', 'BPF_CGROUP_INET4_CONNECT'],
  bind4: ['BPF_PROG_TYPE_CGROUP_SOCK_ADDR', 'BPF_CGROUP_INET4_BIND'],
  xdp_devmap: ['BPF_PROG_TYPE_XDP', 'BPF_XDP_DEVMAP'], tc: ['BPF_PROG_TYPE_SCHED_CLS'],
};

/** cgroup attach flags: a number or flag names. */
type Flags = number | string[];

/** `type`: a key of PROG_KINDS or a `BPF_PROG_TYPE_*` name; `target`: attach_func_name (the
 * tracepoint of tp_btf, the function of fentry/fexit/fmod_ret/lsm); `attr`: extra fields. */
export interface ProgSpec { type: string; target?: string; maps?: FdRef[]; attr?: BpfAttr }
export interface MapSpec { type?: string; key_size?: number; value_size?: number; max_entries?: number; attr?: BpfAttr }

export class TestKernel {
  readonly kernel: Kernel;
  /** The result of the last step. */
  last: ApplyResult = { ret: 0, events: [] };
  private armed: ErrnoName | null = null;
  private readonly objects = new Map<string, Named>();
  private readonly procs = new Map<number, TestProcess>();

  constructor(options: KernelOptions = {}) { this.kernel = new Kernel(options); }

  get snapshot(): KernelSnapshot { return this.kernel.snapshot(); }

  spawn(name: string): TestProcess {
    const p = new TestProcess(this, 0, name);
    this.run(`spawn ${name}`, { call: 'spawn', comm: name }, (pid) => this.procs.set((p.pid = pid), p));
    return p;
  }

  /** fork(): the child shares every open file and inherits the parent's fd names. */
  fork(parent: TestProcess, name: string): TestProcess {
    const child = new TestProcess(this, 0, name);
    this.run(`${parent.name} forks ${name}`, { call: 'fork', pid: parent.pid }, (pid) => {
      this.procs.set((child.pid = pid), child);
      for (const [n, fd] of parent.fds) child.fds.set(n, fd);
    });
    return child;
  }

  exit(p: TestProcess): this { return this.run(`${p.name} exits`, { call: 'exit', pid: p.pid }, () => p.fds.clear()); }

  /** Arm the next step (of any process) to fail with `errno`. */
  expectErrno(errno: ErrnoName): this { this.armed = errno; return this; }

  returns(ret: number): this {
    check(this.last.ret === ret, () => `expected the last step to return ${ret}, got ${this.describe(this.last)}`);
    return this;
  }

  /** Fire an event; the names of the programs that ran, one entry per run. */
  trigger(event: string): string[] {
    const r = this.kernel.apply({ call: 'trigger', event });
    check(r.ret >= 0, () => `trigger("${event}") failed: ${this.describe(r)}`);
    return (r.ran ?? []).map((id) => this.progName(id));
  }
  expectRan(event: string, progs: string[]): this {
    const ran = this.trigger(event);
    check(show(ran) === show(progs), () => `${event} ran ${show(ran)}, expected ${show(progs)}`);
    return this;
  }
  /** The last step's `BPF_PROG_QUERY` answer, program ids as the driver's names. */
  queried(): { progs: string[]; prog_cnt: number; attach_flags: number; revision?: number } {
    const a = this.last.attr ?? {};
    const ids = Array.isArray(a.prog_ids) ? (a.prog_ids as number[]) : [];
    const out = { progs: ids.map((id) => this.progName(id)), prog_cnt: a.prog_cnt as number, attach_flags: a.attach_flags as number };
    return a.revision === undefined ? out : { ...out, revision: a.revision as number };
  }
  /** The name of the program with this id (a program named by a step), or "prog id N". */
  progName(id: number): string { return [...this.objects].find(([, o]) => o.kind === 'prog' && o.id === id)?.[0] ?? `prog id ${id}`; }
  expectProg(name: string): ObjectExpectation { return new ObjectExpectation(this, name, 'prog'); }
  expectMap(name: string): ObjectExpectation { return new ObjectExpectation(this, name, 'map'); }
  expectLink(name: string): ObjectExpectation { return new ObjectExpectation(this, name, 'link'); }

  /** The kernel id the named object had when it was named. */
  id(name: string): number { return this.object(name).id; }

  object(name: string): Named {
    check(this.objects.has(name), () => `no object is named "${name}"`);
    return this.objects.get(name)!;
  }

  /** Paths of the bpffs entries below its root. */
  bpffs(): string[] { return this.snapshot.bpffs.slice(1).map((e) => e.path); }

  /** The driver's name for an object key ("link#7"), or the key. */
  nameOf(key: string): string { return [...this.objects].find(([, o]) => o.key === key)?.[0] ?? key; }
  procName(pid: number): string { return this.procs.get(pid)?.name ?? `pid ${pid}`; }
  live(key: string): boolean {
    const s = this.snapshot;
    return [...s.progs, ...s.maps, ...s.links].some((o) => o.key === key);
  }
  describe(r: ApplyResult): string {
    if (r.ret >= 0) return String(r.ret);
    return `-${errnoName(r.ret)} (${[...r.events].reverse().find((e) => e.kind === 'return')?.text ?? ''})`;
  }

  /** Run one call; assert success (or the armed errno and an unchanged snapshot). */
  run(desc: string, call: KernelCall, onOk?: (ret: number) => void): this {
    const want = this.armed;
    this.armed = null;
    const before = want ? show(this.snapshot) : '';
    const r = (this.last = this.kernel.apply(call));
    if (want) {
      check(r.ret === -Errno[want], () => `${desc}: expected -${want}, got ${this.describe(r)}`);
      check(show(this.snapshot) === before, () => `${desc}: failed with -${want} but changed the kernel state`);
    } else {
      check(r.ret >= 0, () => `${desc}: expected success, got ${this.describe(r)}`);
      onOk?.(r.ret);
    }
    return this;
  }

  /** Name fd `fd` of `p`, and the BPF object behind it (a tty or directory: the fd only). */
  bind(name: string, p: TestProcess, fd: number): void {
    const s = this.snapshot;
    const file = s.processes.find((x) => x.pid === p.pid)?.fds.find((x) => x.fd === fd)?.file;
    const f = s.files.find((x) => x.key === file);
    check(!!f, () => `fd ${fd} of ${p.name} is not open`);
    p.fds.set(name, fd);
    const kind = f!.kind;
    if (kind !== 'prog' && kind !== 'map' && kind !== 'link') return;
    const old = this.objects.get(name);
    check(!old || old.key === f!.target || !this.live(old.key),
      () => `"${name}" names ${old!.key}, which is alive, but fd ${fd} of ${p.name} refers to ${f!.target}`);
    const id = (kind === 'prog' ? s.progs : kind === 'map' ? s.maps : s.links).find((o) => o.key === f!.target)!.id;
    this.objects.set(name, { key: f!.target, kind, id });
  }
}

export class TestProcess {
  /** This process's fd names. */
  readonly fds = new Map<string, number>();

  constructor(readonly t: TestKernel, public pid: number, readonly name: string) {}

  /** The fd number a name (or number) stands for in this process. */
  fd(ref: FdRef): number {
    check(typeof ref === 'number' || this.fds.has(ref), () => `${this.name} has no fd named "${String(ref)}"`);
    return typeof ref === 'number' ? ref : this.fds.get(ref)!;
  }
  expectErrno(errno: ErrnoName): this { this.t.expectErrno(errno); return this; }
  returns(ret: number): this { this.t.returns(ret); return this; }

  /** Raw `bpf(cmd, attr)`, naming the fd it returns `name`; out-parameters are in `t.last.attr`. */
  bpf(cmd: string, attr: BpfAttr = {}, name?: string): this {
    return this.call(`${this.name}: bpf(${cmd}, ${show(attr)})`, { call: 'bpf', pid: this.pid, cmd, attr }, name);
  }

  /** `BPF_MAP_CREATE`; by default an array of one 8-byte value. */
  createMap(name: string, spec: MapSpec = {}): this {
    const type = spec.type ?? 'array';
    return this.bpf('BPF_MAP_CREATE', {
      map_type: type.startsWith('BPF_') ? type : `BPF_MAP_TYPE_${type.toUpperCase()}`, key_size: spec.key_size ?? 4,
      value_size: spec.value_size ?? 8, max_entries: spec.max_entries ?? 1, ...spec.attr,
    }, name);
  }

  /** `BPF_PROG_LOAD`; `prog_name` is `name` when it is a valid object name. */
  loadProg(name: string, spec: ProgSpec): this {
    const [type, eat] = PROG_KINDS[spec.type] ?? [spec.type];
    const attr: BpfAttr = { prog_type: type, prog_name: /^[A-Za-z0-9_.]{0,15}$/.test(name) ? name : '' };
    if (eat) attr.expected_attach_type = eat;
    if (spec.target !== undefined) attr.attach_func_name = spec.target;
    if (spec.maps) attr.map_fds = spec.maps.map((m) => this.fd(m));
    return this.bpf('BPF_PROG_LOAD', { ...attr, ...spec.attr }, name);
  }

  /** `BPF_RAW_TRACEPOINT_OPEN{name: tp, prog_fd}`; `tp` null (NULL) for tp_btf/fentry/... */
  attachRawTp(name: string, prog: FdRef, tp: string | null, attr: BpfAttr = {}): this {
    return this.bpf('BPF_RAW_TRACEPOINT_OPEN', { prog_fd: this.fd(prog), ...(tp === null ? {} : { name: tp }), ...attr }, name);
  }

  /** `BPF_LINK_CREATE{prog_fd, target_fd: 0, attach_type}`. */
  linkCreate(name: string, prog: FdRef, attachType: string, attr: BpfAttr = {}): this {
    return this.bpf('BPF_LINK_CREATE', { prog_fd: this.fd(prog), target_fd: 0, attach_type: attachType, ...attr }, name);
  }
  pin(obj: FdRef, path: string, attr: BpfAttr = {}): this {
    return this.bpf('BPF_OBJ_PIN', { pathname: path, bpf_fd: this.fd(obj), ...attr });
  }

  /** `BPF_OBJ_GET`; if `name` already names a live object, the new fd must refer to it. */
  objGet(name: string, path: string, attr: BpfAttr = {}): this {
    return this.bpf('BPF_OBJ_GET', { pathname: path, ...attr }, name);
  }
  getFdById(name: string, kind: ObjKind, id: number): this {
    return this.bpf(`BPF_${kind.toUpperCase()}_GET_FD_BY_ID`, { [`${kind}_id`]: id }, name);
  }
  close(ref: FdRef): this {
    const fd = this.fd(ref);
    return this.call(`${this.name}: close(${fd})`, { call: 'close', pid: this.pid, fd }, undefined, () => {
      for (const [n, f] of this.fds) if (f === fd) this.fds.delete(n);
    });
  }
  dup(name: string, ref: FdRef): this {
    return this.call(`${this.name}: dup(${String(ref)})`, { call: 'dup', pid: this.pid, fd: this.fd(ref) }, name);
  }

  /** open(2) of a directory, naming the fd `name`. */
  open(name: string, path: string): this {
    return this.call(`${this.name}: open(${path})`, { call: 'open', pid: this.pid, path }, name);
  }
  mkdir(path: string): this { return this.call(`${this.name}: mkdir(${path})`, { call: 'mkdir', pid: this.pid, path }); }
  rmdir(path: string): this { return this.call(`${this.name}: rmdir(${path})`, { call: 'rmdir', pid: this.pid, path }); }
  unlink(path: string): this { return this.call(`${this.name}: unlink(${path})`, { call: 'unlink', pid: this.pid, path }); }
  rename(from: string, to: string): this {
    return this.call(`${this.name}: rename(${from}, ${to})`, { call: 'rename', pid: this.pid, from, to });
  }

  /** mkdir /sys/fs/cgroup/REL and open it, naming the directory fd `name`. */
  cgroup(name: string, rel: string): this {
    return this.mkdir(`/sys/fs/cgroup/${rel}`).open(name, `/sys/fs/cgroup/${rel}`);
  }
  /** `BPF_PROG_ATTACH` of `prog` to the cgroup directory fd `cg`. */
  progAttach(cg: FdRef, prog: FdRef, attachType = 'BPF_CGROUP_INET_EGRESS', flags: Flags = 0, attr: BpfAttr = {}): this {
    return this.bpf('BPF_PROG_ATTACH', { target_fd: this.fd(cg), attach_bpf_fd: this.fd(prog), attach_type: attachType, attach_flags: flags, ...attr });
  }
  progDetach(cg: FdRef, prog: FdRef, attachType = 'BPF_CGROUP_INET_EGRESS', attr: BpfAttr = {}): this {
    return this.bpf('BPF_PROG_DETACH', { target_fd: this.fd(cg), attach_bpf_fd: this.fd(prog), attach_type: attachType, ...attr });
  }
  /** `BPF_PROG_QUERY` on a cgroup; the answer is in `t.last.attr` (see `TestKernel.queried`). */
  query(cg: FdRef, attachType = 'BPF_CGROUP_INET_EGRESS', attr: BpfAttr = {}): this {
    return this.bpf('BPF_PROG_QUERY', { target_fd: this.fd(cg), attach_type: attachType, ...attr });
  }
  /** `BPF_LINK_CREATE` of a cgroup link. */
  cgroupLink(name: string, prog: FdRef, cg: FdRef, attachType = 'BPF_CGROUP_INET_EGRESS', attr: BpfAttr = {}): this {
    return this.bpf('BPF_LINK_CREATE', { prog_fd: this.fd(prog), target_fd: this.fd(cg), attach_type: attachType, ...attr }, name);
  }
  /** `BPF_LINK_CREATE` of an XDP link on `ifindex`. */
  xdpLink(name: string, prog: FdRef, ifindex: number, flags: Flags = 0): this {
    return this.bpf('BPF_LINK_CREATE', { prog_fd: this.fd(prog), target_ifindex: ifindex, attach_type: 'BPF_XDP', flags }, name);
  }
  /** The netlink XDP attach (`ip link set dev ... xdp`); `prog` -1 detaches; `expected` only if given. */
  netlinkXdp(ifindex: number, prog: FdRef, flags?: Flags, expected?: FdRef): this {
    const c: KernelCall = { call: 'netlinkXdpAttach', pid: this.pid, ifindex, prog_fd: prog === -1 ? -1 : this.fd(prog) };
    if (flags !== undefined) c.flags = flags;
    if (expected !== undefined) c.expected_fd = expected === -1 ? -1 : this.fd(expected);
    return this.call(`${this.name}: netlink XDP attach(${show(c)})`, c);
  }
  vethAdd(name: string, peer: string): this { return this.call(`${this.name}: ip link add ${name} type veth peer ${peer}`, { call: 'netlinkVethAdd', pid: this.pid, name, peer }); }
  linkDel(name: string): this { return this.call(`${this.name}: ip link del ${name}`, { call: 'netlinkLinkDel', pid: this.pid, name }); }
  /** `BPF_LINK_UPDATE`; `old` sets BPF_F_REPLACE with old_prog_fd. */
  linkUpdate(link: FdRef, prog: FdRef, old?: FdRef, attr: BpfAttr = {}): this {
    const a: BpfAttr = { link_fd: this.fd(link), new_prog_fd: this.fd(prog), ...(old === undefined ? {} : { flags: ['BPF_F_REPLACE'], old_prog_fd: this.fd(old) }) };
    return this.bpf('BPF_LINK_UPDATE', { ...a, ...attr });
  }
  linkDetach(link: FdRef): this { return this.bpf('BPF_LINK_DETACH', { link_fd: this.fd(link) }); }
  /** `BPF_OBJ_GET_INFO_BY_FD`; the info is in `t.last.attr.info`. */
  info(ref: FdRef): this { return this.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: this.fd(ref), info: {} }); }

  /** The fd table as { fd: name }: "tty", "dir", or the fd's (else the object's) name.
   * Fds 0-2 are compared only when `expected` names them. */
  expectFds(expected: Record<number, string>): this {
    const s = this.t.snapshot;
    const proc = s.processes.find((x) => x.pid === this.pid);
    check(!!proc, () => `${this.name} (pid ${this.pid}) is not alive`);
    const actual: Record<number, string> = {};
    for (const { fd, file } of proc!.fds) {
      if (fd < 3 && !(fd in expected)) continue;
      const f = s.files.find((x) => x.key === file)!;
      const local = [...this.fds].find(([, n]) => n === fd)?.[0];
      actual[fd] = f.kind === 'tty' || f.kind === 'dir' ? f.kind : local ?? this.t.nameOf(f.target);
    }
    check(show(actual) === show(expected), () => `${this.name}'s fds are ${show(actual)}, expected ${show(expected)}`);
    return this;
  }
  private call(desc: string, call: KernelCall, name?: string, onOk?: (ret: number) => void): this {
    this.t.run(desc, call, (ret) => {
      if (name !== undefined) this.t.bind(name, this, ret);
      onOk?.(ret);
    });
    return this;
  }
}

export class ObjectExpectation {
  constructor(private readonly t: TestKernel, private readonly name: string, private readonly kind: ObjKind) {
    check(t.object(name).kind === kind, () => `"${name}" is a ${t.object(name).kind}, not a ${kind}`);
  }

  private get key(): string { return this.t.object(this.name).key; }

  private get obj(): { id: number; refcnt: number; usercnt?: number; attached?: boolean } {
    const s = this.t.snapshot;
    const o = (this.kind === 'prog' ? s.progs : this.kind === 'map' ? s.maps : s.links).find((x) => x.key === this.key);
    check(!!o, () => `${this.kind} "${this.name}" (${this.key}) has been freed`);
    return o!;
  }
  private is(what: string, actual: unknown, expected: unknown): this {
    check(actual === expected, () => `${this.name}: ${what} ${String(actual)}, expected ${String(expected)}`);
    return this;
  }
  alive(): this { void this.obj; return this; }
  refcnt(n: number): this { return this.is('refcnt', this.obj.refcnt, n); }
  usercnt(n: number): this { return this.is('usercnt', this.obj.usercnt, n); }
  id(n: number): this { return this.is('id', this.obj.id, n); }

  /** Gone from the snapshot, and its id gone from its id space. */
  freed(): this {
    check(!this.t.live(this.key), () => `${this.kind} "${this.name}" is still alive`);
    const { id } = this.t.object(this.name);
    const k = this.t.kernel.internals;
    const idr = this.kind === 'prog' ? k.progIdr : this.kind === 'map' ? k.mapIdr : k.linkIdr;
    check(id === 0 || idr.find(id) === undefined, () => `${this.kind} "${this.name}" is freed but id ${id} is still in use`);
    return this;
  }
  private onHook(): boolean { return this.t.snapshot.attachPoints.some((a) => a.links.includes(this.key)); }
  /** Alive, attached, and on the list of its attach point. */
  attached(): this { return this.is('attached', this.obj.attached === true && this.onHook(), true); }
  /** Attached to nothing (freed, or alive but detached). */
  detached(): this { return this.is('attached', this.onHook() || (this.t.live(this.key) && this.obj.attached === true), false); }

  /** Exactly these holders, and refcnt (a map's usercnt too) equal to the units they own. */
  heldOnlyBy(expected: string[]): this {
    const s = this.t.snapshot;
    const key = this.key;
    const holders: string[] = [];
    const files = new Set<string>();
    for (const p of s.processes)
      for (const { fd, file } of p.fds)
        if (s.files.find((f) => f.key === file)?.target === key) {
          holders.push(`${this.t.procName(p.pid)} fd ${fd}`);
          files.add(file);
        }
    const pins = s.bpffs.filter((e) => e.obj === key).map((e) => `pin ${e.path}`);
    const others = [
      ...s.links.filter((l) => l.prog === key).map((l) => `link ${this.t.nameOf(l.key)}`),
      ...s.progs.filter((p) => p.maps.includes(key)).map((p) => `prog ${this.t.nameOf(p.key)}`),
      ...(s.legacy ?? []).filter((l) => l.prog === key).map((l) => `legacy ${l.target}`),
    ];
    holders.push(...pins, ...others);
    check(sorted(holders) === sorted(expected), () => `${this.name} is held by ${show(holders)}, expected ${show(expected)}`);
    const units = files.size + pins.length + others.length;
    check(this.obj.refcnt === units, () => `${this.name}: refcnt ${this.obj.refcnt}, but ${units} holders (${show(holders)})`);
    if (this.kind === 'map')
      check(this.obj.usercnt === files.size + pins.length, () => `${this.name}: usercnt ${String(this.obj.usercnt)}, but ${files.size + pins.length} files and pins`);
    return this;
  }
}

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
 * - Names: a step that makes an fd names it (`'l'`); the name then stands for that fd in
 *   that process and for the object behind it everywhere. A number is taken as a raw fd.
 * - Every step asserts success. `expectErrno('EINVAL')` arms the *next* step to fail with
 *   that errno instead, and then also asserts the failed call left `snapshot()` unchanged.
 * - `returns(n)` checks the last step's return value (an fd number, say).
 * - Holders are named `"<proc> fd <n>"`, `"pin <path>"`, `"link <name>"` (a link holding a
 *   program) and `"prog <name>"` (a program using a map). `heldOnlyBy` also checks that the
 *   object's refcnt (and a map's usercnt) equals the number of units those holders own.
 *
 * Failures throw `KernelTestError`; the driver needs no test framework.
 */
import type { ApplyResult, BpfAttr, KernelCall } from '../call';
import { Errno, errnoName, type ErrnoName } from '../errno';
import { Kernel, type KernelOptions } from '../kernel';
import type { KernelSnapshot } from '../snapshot';

export type FdRef = string | number;
export type ObjKind = 'prog' | 'map' | 'link';

export class KernelTestError extends Error {
  override name = 'KernelTestError';
}

function check(ok: boolean, msg: () => string): void {
  if (!ok) throw new KernelTestError(msg());
}
const show = (v: unknown): string => JSON.stringify(v);
const sameSet = (a: readonly string[], b: readonly string[]): boolean => show([...a].sort()) === show([...b].sort());

/** Program kinds by libbpf section prefix: [prog_type, expected_attach_type]. */
export const PROG_KINDS: Record<string, [string, string?]> = {
  raw_tp: ['BPF_PROG_TYPE_RAW_TRACEPOINT'],
  raw_tp_writable: ['BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE'],
  tp_btf: ['BPF_PROG_TYPE_TRACING', 'BPF_TRACE_RAW_TP'],
  fentry: ['BPF_PROG_TYPE_TRACING', 'BPF_TRACE_FENTRY'],
  fexit: ['BPF_PROG_TYPE_TRACING', 'BPF_TRACE_FEXIT'],
  fmod_ret: ['BPF_PROG_TYPE_TRACING', 'BPF_MODIFY_RETURN'],
  lsm: ['BPF_PROG_TYPE_LSM', 'BPF_LSM_MAC'],
  socket_filter: ['BPF_PROG_TYPE_SOCKET_FILTER'],
  kprobe: ['BPF_PROG_TYPE_KPROBE'],
  xdp: ['BPF_PROG_TYPE_XDP'],
};

export interface ProgSpec {
  /** A key of PROG_KINDS, or a uapi `BPF_PROG_TYPE_*` name. */
  type: string;
  /** attach_func_name: the tracepoint of tp_btf, the function of fentry/fexit/fmod_ret/lsm. */
  target?: string;
  maps?: FdRef[];
  /** Extra or overriding attr fields. */
  attr?: BpfAttr;
}

export interface MapSpec { type?: string; key_size?: number; value_size?: number; max_entries?: number; attr?: BpfAttr }

export class TestKernel {
  readonly kernel: Kernel;
  /** The result of the last step. */
  last: ApplyResult = { ret: 0, events: [] };
  private armed: ErrnoName | null = null;
  private readonly objects = new Map<string, { key: string; kind: ObjKind; id: number }>();
  private readonly procs = new Map<number, TestProcess>();

  constructor(options: KernelOptions = {}) {
    this.kernel = new Kernel(options);
  }

  get snapshot(): KernelSnapshot {
    return this.kernel.snapshot();
  }

  spawn(name: string): TestProcess {
    const pid = this.kernel.spawn(name);
    check(pid > 0, () => `spawn("${name}") failed: ${pid}`);
    const p = new TestProcess(this, pid, name);
    this.procs.set(pid, p);
    return p;
  }

  /** fork(): the child shares every open file and inherits the parent's fd names. */
  fork(parent: TestProcess, name: string): TestProcess {
    const child = new TestProcess(this, 0, name);
    this.run(`${parent.name} forks ${name}`, { call: 'fork', pid: parent.pid }, (pid) => {
      child.pid = pid;
      for (const [n, fd] of parent.fds) child.fds.set(n, fd);
      this.procs.set(pid, child);
    });
    return child;
  }

  exit(p: TestProcess): this {
    return this.run(`${p.name} exits`, { call: 'exit', pid: p.pid }, () => p.fds.clear());
  }

  /** Arm the next step (of any process) to fail with `errno`. */
  expectErrno(errno: ErrnoName): this {
    this.armed = errno;
    return this;
  }

  /** The last step returned `ret`. */
  returns(ret: number): this {
    check(this.last.ret === ret, () => `expected the last step to return ${ret}, got ${this.describeRet(this.last)}`);
    return this;
  }

  /** Fire an event; the names of the programs that ran, in order. */
  trigger(event: string): string[] {
    const r = this.kernel.apply({ call: 'trigger', event });
    check(r.ret >= 0, () => `trigger("${event}") failed: ${this.describeRet(r)}`);
    return (r.ran ?? []).map((id) => this.nameOfId('prog', id));
  }

  expectRan(event: string, progs: string[]): this {
    const ran = this.trigger(event);
    check(show(ran) === show(progs), () => `${event} ran ${show(ran)}, expected ${show(progs)}`);
    return this;
  }

  expectProg(name: string): ObjectExpectation { return new ObjectExpectation(this, name, 'prog'); }
  expectMap(name: string): ObjectExpectation { return new ObjectExpectation(this, name, 'map'); }
  expectLink(name: string): ObjectExpectation { return new ObjectExpectation(this, name, 'link'); }

  /** The kernel id the named object had when it was named. */
  id(name: string): number {
    return this.object(name).id;
  }

  /** Model key ("link#7") of a named object. */
  object(name: string): { key: string; kind: ObjKind; id: number } {
    const o = this.objects.get(name);
    check(o !== undefined, () => `no object is named "${name}"`);
    return o!;
  }

  /** Paths of bpffs entries (directories and pins), below the root. */
  bpffs(): string[] {
    return this.snapshot.bpffs.slice(1).map((e) => e.path);
  }

  /** The driver's name for an object key, or the key. */
  nameOf(key: string): string {
    for (const [n, o] of this.objects) if (o.key === key) return n;
    return key;
  }

  procName(pid: number): string {
    return this.procs.get(pid)?.name ?? `pid ${pid}`;
  }

  private nameOfId(kind: ObjKind, id: number): string {
    for (const [n, o] of this.objects) if (o.kind === kind && o.id === id) return n;
    return `${kind} id ${id}`;
  }

  describeRet(r: ApplyResult): string {
    if (r.ret >= 0) return String(r.ret);
    const why = [...r.events].reverse().find((e) => e.kind === 'return')?.text ?? '';
    return `-${errnoName(r.ret)} (${why})`;
  }

  /** Run one call; assert success (or the armed errno and an unchanged snapshot). */
  run(desc: string, call: KernelCall, onOk?: (ret: number) => void): this {
    const want = this.armed;
    this.armed = null;
    const before = want ? show(this.kernel.snapshot()) : '';
    const r = (this.last = this.kernel.apply(call));
    if (want) {
      check(r.ret === -Errno[want], () => `${desc}: expected -${want}, got ${this.describeRet(r)}`);
      check(show(this.kernel.snapshot()) === before, () => `${desc}: failed with -${want} but changed the kernel state`);
    } else {
      check(r.ret >= 0, () => `${desc}: expected success, got ${this.describeRet(r)}`);
      onOk?.(r.ret);
    }
    return this;
  }

  /** Name the object behind `fd` of `p`. A name may be reused once its object is freed. */
  bind(name: string, p: TestProcess, fd: number): void {
    const s = this.snapshot;
    const file = s.processes.find((x) => x.pid === p.pid)?.fds.find((x) => x.fd === fd)?.file;
    const f = s.files.find((x) => x.key === file);
    check(!!f, () => `fd ${fd} of ${p.name} is not open`);
    p.fds.set(name, fd);
    if (f!.kind !== 'prog' && f!.kind !== 'map' && f!.kind !== 'link') return; // a tty or a directory: an fd name only
    const kind = f!.kind;
    const key = f!.target;
    const old = this.objects.get(name);
    check(!old || old.key === key || !this.live(old.key),
      () => `"${name}" already names ${old!.key}, which is alive; fd ${fd} of ${p.name} refers to ${key}`);
    const id = (kind === 'prog' ? s.progs : kind === 'map' ? s.maps : s.links).find((o) => o.key === key)!.id;
    this.objects.set(name, { key, kind, id });
  }

  live(key: string): boolean {
    const s = this.snapshot;
    return [...s.progs, ...s.maps, ...s.links].some((o) => o.key === key);
  }
}

export class TestProcess {
  /** fd names of this process. */
  readonly fds = new Map<string, number>();

  constructor(readonly t: TestKernel, public pid: number, readonly name: string) {}

  /** The fd number a name (or number) stands for in this process. */
  fd(ref: FdRef): number {
    if (typeof ref === 'number') return ref;
    const fd = this.fds.get(ref);
    check(fd !== undefined, () => `${this.name} has no fd named "${ref}"`);
    return fd!;
  }

  expectErrno(errno: ErrnoName): this {
    this.t.expectErrno(errno);
    return this;
  }

  returns(ret: number): this {
    this.t.returns(ret);
    return this;
  }

  /** Raw `bpf(cmd, attr)`; out-parameters are in `t.last.attr`. */
  bpf(cmd: string, attr: BpfAttr = {}, name?: string): this {
    return this.call(`${this.name}: bpf(${cmd}, ${show(attr)})`, { call: 'bpf', pid: this.pid, cmd, attr }, name);
  }

  createMap(name: string, spec: MapSpec = {}): this {
    const t = spec.type ?? 'array';
    return this.bpf('BPF_MAP_CREATE', {
      map_type: t.startsWith('BPF_') ? t : `BPF_MAP_TYPE_${t.toUpperCase()}`, key_size: spec.key_size ?? 4,
      value_size: spec.value_size ?? 8, max_entries: spec.max_entries ?? 1, ...spec.attr,
    }, name);
  }

  loadProg(name: string, spec: ProgSpec): this {
    const [type, eat] = PROG_KINDS[spec.type] ?? [spec.type];
    const attr: BpfAttr = { prog_type: type, prog_name: /^[A-Za-z0-9_.]{0,15}$/.test(name) ? name : '' };
    if (eat) attr.expected_attach_type = eat;
    if (spec.target !== undefined) attr.attach_func_name = spec.target;
    if (spec.maps) attr.map_fds = spec.maps.map((m) => this.fd(m));
    return this.bpf('BPF_PROG_LOAD', { ...attr, ...spec.attr }, name);
  }

  /** `BPF_RAW_TRACEPOINT_OPEN{name: tp, prog_fd}`; `tp` null for tp_btf/fentry/... */
  attachRawTp(name: string, prog: FdRef, tp: string | null, attr: BpfAttr = {}): this {
    const a: BpfAttr = { prog_fd: this.fd(prog), ...attr };
    if (tp !== null) a.name = tp;
    return this.bpf('BPF_RAW_TRACEPOINT_OPEN', a, name);
  }

  /** `BPF_LINK_CREATE{prog_fd, attach_type}` (tp_btf, fentry, ... on 5.19+). */
  linkCreate(name: string, prog: FdRef, attachType: string, attr: BpfAttr = {}): this {
    return this.bpf('BPF_LINK_CREATE', { prog_fd: this.fd(prog), target_fd: 0, attach_type: attachType, ...attr }, name);
  }

  pin(obj: FdRef, path: string, attr: BpfAttr = {}): this {
    return this.bpf('BPF_OBJ_PIN', { pathname: path, bpf_fd: this.fd(obj), ...attr });
  }

  /** `BPF_OBJ_GET`: the new fd is named `name`; if `name` already names a live object,
   * the fd must refer to that same object. */
  objGet(name: string, path: string, attr: BpfAttr = {}): this {
    return this.bpf('BPF_OBJ_GET', { pathname: path, ...attr }, name);
  }

  getFdById(name: string, kind: ObjKind, id: number): this {
    const cmd = `BPF_${kind.toUpperCase()}_GET_FD_BY_ID`;
    return this.bpf(cmd, { [`${kind}_id`]: id }, name);
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

  /** open(2) of a directory; the fd is named `name`. */
  open(name: string, path: string): this {
    return this.call(`${this.name}: open(${path})`, { call: 'open', pid: this.pid, path }, name);
  }

  mkdir(path: string): this { return this.call(`${this.name}: mkdir(${path})`, { call: 'mkdir', pid: this.pid, path }); }
  rmdir(path: string): this { return this.call(`${this.name}: rmdir(${path})`, { call: 'rmdir', pid: this.pid, path }); }
  unlink(path: string): this { return this.call(`${this.name}: unlink(${path})`, { call: 'unlink', pid: this.pid, path }); }
  rename(from: string, to: string): this {
    return this.call(`${this.name}: rename(${from}, ${to})`, { call: 'rename', pid: this.pid, from, to });
  }

  /** The process's fd table as { fd: name } ("tty", "dir", or the fd's/object's name).
   * Fds 0–2 are compared only when `expected` names them. */
  expectFds(expected: Record<number, string>): this {
    const proc = this.t.snapshot.processes.find((x) => x.pid === this.pid);
    check(!!proc, () => `${this.name} (pid ${this.pid}) is not alive`);
    const s = this.t.snapshot;
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

  private get obj(): { key: string; id: number; refcnt: number; usercnt?: number; attached?: boolean } {
    const s = this.t.snapshot;
    const o = (this.kind === 'prog' ? s.progs : this.kind === 'map' ? s.maps : s.links).find((x) => x.key === this.key);
    check(!!o, () => `${this.kind} "${this.name}" (${this.key}) has been freed`);
    return o!;
  }

  alive(): this { void this.obj; return this; }

  /** Freed: gone from the snapshot and its id gone from the id space. */
  freed(): this {
    check(!this.t.live(this.key), () => `${this.kind} "${this.name}" is still alive`);
    const { id } = this.t.object(this.name);
    const k = this.t.kernel.internals;
    const idr = this.kind === 'prog' ? k.progIdr : this.kind === 'map' ? k.mapIdr : k.linkIdr;
    check(id === 0 || idr.find(id) === undefined,
      () => `${this.kind} "${this.name}" is freed but id ${id} is still in the idr`);
    return this;
  }

  refcnt(n: number): this {
    check(this.obj.refcnt === n, () => `${this.name}: refcnt ${this.obj.refcnt}, expected ${n}`);
    return this;
  }

  usercnt(n: number): this {
    check(this.obj.usercnt === n, () => `${this.name}: usercnt ${String(this.obj.usercnt)}, expected ${n}`);
    return this;
  }

  id(n: number): this {
    check(this.obj.id === n, () => `${this.name}: id ${this.obj.id}, expected ${n}`);
    return this;
  }

  /** Alive, attached, and on the list of its attach point. */
  attached(): this {
    const on = this.t.snapshot.attachPoints.some((a) => a.links.includes(this.key));
    check(this.obj.attached === true && on, () => `link "${this.name}" is not attached (attached=${String(this.obj.attached)}, on a hook: ${on})`);
    return this;
  }

  /** Not attached anywhere (freed, or alive but detached). */
  detached(): this {
    const on = this.t.snapshot.attachPoints.some((a) => a.links.includes(this.key));
    const flag = this.t.live(this.key) ? this.obj.attached : false;
    check(!on && !flag, () => `link "${this.name}" is still attached`);
    return this;
  }

  /** Exactly these holders, and refcnt (usercnt) equal to the units they own. */
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
    const links = s.links.filter((l) => l.prog === key).map((l) => `link ${this.t.nameOf(l.key)}`);
    const progs = s.progs.filter((p) => p.maps.includes(key)).map((p) => `prog ${this.t.nameOf(p.key)}`);
    holders.push(...pins, ...links, ...progs);
    check(sameSet(holders, expected), () => `${this.name} is held by ${show(holders)}, expected ${show(expected)}`);
    const units = files.size + pins.length + links.length + progs.length;
    check(this.obj.refcnt === units, () => `${this.name}: refcnt ${this.obj.refcnt}, but ${units} holders (${show(holders)})`);
    if (this.kind === 'map')
      check(this.obj.usercnt === files.size + pins.length, () => `${this.name}: usercnt ${String(this.obj.usercnt)}, but ${files.size + pins.length} files and pins`);
    return this;
  }
}

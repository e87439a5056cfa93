/**
 * A builder of call sequences for differential runs: fds are named as they are made, the
 * sequence is run on a model as it is written so a later call can use the fd an earlier
 * one returned, and the result is plain `KernelCall[]` for `compareWithRealKernel`.
 *
 *   const s = new Scenario('loader');
 *   s.cgroup('a').load('p', 'cgroup_skb').link('l', 'a', 'p', 'BPF_CGROUP_INET_EGRESS');
 *   s.trigger('cgroup:/sys/fs/cgroup/a:BPF_CGROUP_INET_EGRESS');
 */
import type { BpfAttr, KernelCall } from '../src/kernel/call';
import { Kernel } from '../src/kernel/kernel';

export const CGROOT = '/sys/fs/cgroup';
export const EGRESS = 'BPF_CGROUP_INET_EGRESS';

/** Program kinds: [prog_type, expected_attach_type?]. */
const KINDS: Record<string, [string, string?]> = {
  cgroup_skb: ['BPF_PROG_TYPE_CGROUP_SKB', 'BPF_CGROUP_INET_EGRESS'],
  cgroup_skb_ingress: ['BPF_PROG_TYPE_CGROUP_SKB', 'BPF_CGROUP_INET_INGRESS'],
  sock_create: ['BPF_PROG_TYPE_CGROUP_SOCK', 'BPF_CGROUP_INET_SOCK_CREATE'],
  connect4: ['BPF_PROG_TYPE_CGROUP_SOCK_ADDR', 'BPF_CGROUP_INET4_CONNECT'],
  bind4: ['BPF_PROG_TYPE_CGROUP_SOCK_ADDR', 'BPF_CGROUP_INET4_BIND'],
  xdp: ['BPF_PROG_TYPE_XDP'],
  xdp_devmap: ['BPF_PROG_TYPE_XDP', 'BPF_XDP_DEVMAP'],
  xdp_link: ['BPF_PROG_TYPE_XDP', 'BPF_XDP'],
  tc: ['BPF_PROG_TYPE_SCHED_CLS'],
  raw_tp: ['BPF_PROG_TYPE_RAW_TRACEPOINT'],
};

export class Scenario {
  readonly calls: KernelCall[] = [];
  private readonly kernel: Kernel;
  private readonly names = new Map<string, number>();
  /** The pid of the current process (the model's numbering). */
  pid: number;

  constructor(comm = 'loader', version = '6.18') {
    this.kernel = new Kernel({ version, log: false });
    this.pid = 0;
    this.pid = this.raw({ call: 'spawn', comm });
  }

  /** Append a call; returns what the model returned. */
  raw(c: KernelCall, name?: string): number {
    this.calls.push(c);
    const ret = this.kernel.apply(structuredClone(c)).ret;
    if (name !== undefined && ret >= 0) this.names.set(name, ret);
    return ret;
  }

  /** The fd a name stands for (a number is itself). */
  fd(ref: string | number): number {
    if (typeof ref === 'number') return ref;
    const fd = this.names.get(ref);
    if (fd === undefined) throw new Error(`scenario: no fd named "${ref}"`);
    return fd;
  }

  /** Act as another process from here on (`spawn` or `fork` it first). */
  as(pid: number): this { this.pid = pid; return this; }
  spawn(comm: string): number { return this.raw({ call: 'spawn', comm }); }
  fork(): number { return this.raw({ call: 'fork', pid: this.pid }); }
  exit(pid = this.pid): this { this.raw({ call: 'exit', pid }); return this; }
  close(ref: string | number): this { this.raw({ call: 'close', pid: this.pid, fd: this.fd(ref) }); return this; }
  mkdir(path: string): this { this.raw({ call: 'mkdir', pid: this.pid, path }); return this; }
  rmdir(path: string): this { this.raw({ call: 'rmdir', pid: this.pid, path }); return this; }
  open(name: string, path: string): this { this.raw({ call: 'open', pid: this.pid, path }, name); return this; }
  trigger(event: string): this { this.raw({ call: 'trigger', event }); return this; }

  /** mkdir /sys/fs/cgroup/REL and open it as fd `name` (default: REL). */
  cgroup(rel: string, name = rel): this {
    return this.mkdir(`${CGROOT}/${rel}`).open(name, `${CGROOT}/${rel}`);
  }

  bpf(cmd: string, attr: BpfAttr, name?: string): this {
    this.raw({ call: 'bpf', pid: this.pid, cmd, attr }, name);
    return this;
  }

  load(name: string, kind: string, attr: BpfAttr = {}): this {
    const [type, eat] = KINDS[kind] ?? [kind];
    const a: BpfAttr = { prog_type: type, prog_name: name.slice(0, 15) };
    if (eat) a.expected_attach_type = eat;
    return this.bpf('BPF_PROG_LOAD', { ...a, ...attr }, name);
  }

  /** BPF_PROG_ATTACH to a cgroup fd. */
  attach(cg: string | number, prog: string | number, type: string | number = EGRESS, flags: number | string[] = 0, attr: BpfAttr = {}): this {
    return this.bpf('BPF_PROG_ATTACH', { target_fd: this.fd(cg), attach_bpf_fd: this.fd(prog), attach_type: type, attach_flags: flags, ...attr });
  }

  detach(cg: string | number, prog: string | number, type: string | number = EGRESS, attr: BpfAttr = {}): this {
    return this.bpf('BPF_PROG_DETACH', { target_fd: this.fd(cg), attach_bpf_fd: this.fd(prog), attach_type: type, ...attr });
  }

  query(cg: string | number, type: string | number = EGRESS, attr: BpfAttr = {}): this {
    return this.bpf('BPF_PROG_QUERY', { target_fd: this.fd(cg), attach_type: type, ...attr });
  }

  effective(cg: string | number, type = EGRESS): this {
    return this.query(cg, type, { query_flags: ['BPF_F_QUERY_EFFECTIVE'] });
  }

  /** BPF_LINK_CREATE on a cgroup fd. */
  link(name: string, cg: string | number, prog: string | number, type: string | number = EGRESS, attr: BpfAttr = {}): this {
    return this.bpf('BPF_LINK_CREATE', { prog_fd: this.fd(prog), target_fd: this.fd(cg), attach_type: type, ...attr }, name);
  }

  /** BPF_LINK_CREATE of an XDP link on `ifindex`. */
  xdpLink(name: string, prog: string | number, ifindex: number, flags: number | string[] = 0): this {
    return this.bpf('BPF_LINK_CREATE', { prog_fd: this.fd(prog), target_ifindex: ifindex, attach_type: 'BPF_XDP', flags }, name);
  }

  /** The netlink XDP attach; `prog` -1 detaches; `expected` only if given. */
  xdp(ifindex: number, prog: string | number, flags?: number | string[], expected?: string | number): this {
    const c: KernelCall = { call: 'netlinkXdpAttach', pid: this.pid, ifindex, prog_fd: prog === -1 ? -1 : this.fd(prog) };
    if (flags !== undefined) c.flags = flags;
    if (expected !== undefined) c.expected_fd = expected === -1 ? -1 : this.fd(expected);
    this.raw(c);
    return this;
  }

  vethAdd(name: string, peer: string): this { this.raw({ call: 'netlinkVethAdd', pid: this.pid, name, peer }); return this; }
  linkDel(name: string): this { this.raw({ call: 'netlinkLinkDel', pid: this.pid, name }); return this; }

  update(link: string | number, prog: string | number, attr: BpfAttr = {}): this {
    return this.bpf('BPF_LINK_UPDATE', { link_fd: this.fd(link), new_prog_fd: this.fd(prog), ...attr });
  }

  linkDetach(link: string | number): this { return this.bpf('BPF_LINK_DETACH', { link_fd: this.fd(link) }); }
  info(ref: string | number): this { return this.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: this.fd(ref), info: {} }); }
}

/**
 * One run on the real kernel: each KernelCall executed by the helper, the model's pids and
 * ids in the call translated to the run's real ones (see Tracker), out-parameters decoded,
 * new objects recorded, then settled before the next call.
 */
import type { BpfAttr, KernelCall } from '../src/kernel/call';
import { vmlinuxBtf, type Btf } from './btf';
import { encodeBpf, flagValue, parseBpfReply, requestLine, type FdKind } from './encode';
import type { Helper } from './native';
import { settle } from './settle';
import { Tracker, type IdKind } from './track';
import { trigger } from './trigger';
import { BPF_ATTACH_TYPE, BPF_CMD, BPF_PROG_TYPE } from './uapi';

export interface RealCallResult {
  /** What the raw syscall returned: >= 0, or -errno (for spawn and fork, the real pid). */
  ret: number;
  /** bpf: the attr as sent (real ids and pids) with the out-parameters the kernel wrote. */
  attr?: BpfAttr;
  /** trigger: the ids of the programs that ran, one entry per run, ascending. */
  ran?: number[];
  /** trigger: how `ran` was obtained where it was not measured alone. */
  note?: string;
  /** Set when this call cannot be compared with the model on this machine, and why. */
  notComparable?: string;
  /** The object a bpf call created or opened, if any. */
  object?: { kind: IdKind; id: number };
  /** Wall time of the call and of the settling after it. */
  ms: number;
  settleMs: number;
}

const EPERM = -1;
const hex = (s: string): string => Buffer.from(s, 'latin1').toString('hex') || '-';
const CREATES: Record<string, IdKind> = { BPF_PROG_LOAD: 'prog', BPF_MAP_CREATE: 'map', BPF_RAW_TRACEPOINT_OPEN: 'link', BPF_LINK_CREATE: 'link' };
const OPENS = ['BPF_OBJ_GET', 'BPF_PROG_GET_FD_BY_ID', 'BPF_MAP_GET_FD_BY_ID', 'BPF_LINK_GET_FD_BY_ID'];
const ID_INPUTS: Record<string, [string, IdKind][]> = {
  BPF_PROG_GET_FD_BY_ID: [['prog_id', 'prog']], BPF_MAP_GET_FD_BY_ID: [['map_id', 'map']],
  BPF_LINK_GET_FD_BY_ID: [['link_id', 'link']], BPF_PROG_GET_NEXT_ID: [['start_id', 'prog']],
  BPF_MAP_GET_NEXT_ID: [['start_id', 'map']], BPF_LINK_GET_NEXT_ID: [['start_id', 'link']],
};
const TRAMPOLINE = (type: string, eat: string): boolean => type === 'BPF_PROG_TYPE_LSM' || type === 'BPF_PROG_TYPE_EXT' ||
  (type === 'BPF_PROG_TYPE_TRACING' && ['BPF_TRACE_FENTRY', 'BPF_TRACE_FEXIT', 'BPF_MODIFY_RETURN'].includes(eat));

const nameOf = (table: readonly string[], v: unknown): string =>
  typeof v === 'number' ? table[v] ?? String(v) : typeof v === 'string' ? v : '';

export class Run {
  readonly tracker: Tracker;
  private readonly btf: Btf = vmlinuxBtf();

  constructor(private readonly helper: Helper, firstModelPid: number) { this.tracker = new Tracker(firstModelPid); }

  async apply(call: KernelCall): Promise<RealCallResult> {
    const t0 = Date.now();
    const r = await this.exec(call);
    const ms = Date.now() - t0;
    const settleMs = await settle(this.helper, this.tracker, call, r.ret);
    return { ...r, ms, settleMs };
  }

  private async ret(line: string): Promise<number> {
    const reply = await this.helper.request(line);
    return Number(reply.split(' ')[1]);
  }

  private async exec(call: KernelCall): Promise<Omit<RealCallResult, 'ms' | 'settleMs'>> {
    const t = this.tracker;
    switch (call.call) {
      case 'spawn': case 'fork': {
        const reply = await this.helper.request(call.call === 'spawn' ? `spawn ${hex(call.comm.slice(0, 15))}` : `fork ${t.realPid(call.pid)}`);
        const ret = Number(reply.split(' ')[1]);
        if (reply.startsWith('ok')) t.pids.push(ret);
        return { ret };
      }
      case 'exit': return { ret: await this.ret(`exit ${t.realPid(call.pid)}`) };
      case 'close': case 'dup': return { ret: await this.ret(`w ${t.realPid(call.pid)} sys ${call.call} ${call.fd}`) };
      case 'open': case 'mkdir': case 'rmdir': case 'unlink':
        return { ret: await this.ret(`w ${t.realPid(call.pid)} sys ${call.call} ${hex(call.path)}`) };
      case 'rename': return { ret: await this.ret(`w ${t.realPid(call.pid)} sys rename ${hex(call.from)} ${hex(call.to)}`) };
      case 'trigger': {
        const { ran, notComparable, note } = await trigger(this.helper, t, call.event);
        return { ret: 0, ran, ...(notComparable ? { notComparable } : {}), ...(note ? { note } : {}) };
      }
      case 'bpf': return this.bpf(t.realPid(call.pid), call.cmd, call.attr);
      case 'netlinkXdpAttach': {
        // RTM_SETLINK with IFLA_XDP from that process (oracle/native/netlink.c): flags and
        // expected_fd are sent only when the call gives them.
        let flags = '-';
        try { if (call.flags !== undefined) flags = String(flagValue(call.flags, 'flags')); }
        catch (e) { return { ret: -22, notComparable: `netlinkXdpAttach: ${(e as Error).message}` }; }
        const exp = call.expected_fd === undefined ? '-' : String(call.expected_fd);
        return { ret: await this.ret(`w ${t.realPid(call.pid)} nl xdp ${call.ifindex} ${call.prog_fd} ${flags} ${exp}`) };
      }
      case 'netlinkVethAdd': return { ret: await this.ret(`w ${t.realPid(call.pid)} nl veth ${hex(call.name)} ${hex(call.peer)}`) };
      case 'netlinkLinkDel': return { ret: await this.ret(`w ${t.realPid(call.pid)} nl del ${hex(call.name)}`) };
      default: return { ret: -22, notComparable: `unknown call ${JSON.stringify(call)}` };
    }
  }

  /** The contract's ids in `attr` as this run's real ids. */
  private translate(cmd: string, attr: BpfAttr): BpfAttr {
    const out: BpfAttr = { ...attr };
    for (const [field, kind] of ID_INPUTS[cmd] ?? []) if (field in out) out[field] = this.tracker.realId(kind, out[field]);
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
    const rt = (first.out.info as { raw_tracepoint?: { tp_name_len?: number } } | undefined)?.raw_tracepoint;
    return rt?.tp_name_len ? once(rt.tp_name_len) : first;
  }

  private async bpf(pid: number, cmdIn: string, attrIn: BpfAttr): Promise<Omit<RealCallResult, 'ms' | 'settleMs'>> {
    const cmd = typeof cmdIn === 'number' ? BPF_CMD[cmdIn] ?? '' : String(cmdIn);
    const attr = this.translate(cmd, attrIn);
    const { ret, out, notComparable } = await this.call(pid, cmd || cmdIn, attr);
    const res: Omit<RealCallResult, 'ms' | 'settleMs'> = { ret, attr: { ...attr, ...out } };
    if (notComparable) return { ...res, notComparable: `${cmd}: ${notComparable}` };
    const type = nameOf(BPF_PROG_TYPE, attr.prog_type);
    let eat = attr.expected_attach_type === undefined ? '' : nameOf(BPF_ATTACH_TYPE, attr.expected_attach_type);
    if (type === 'BPF_PROG_TYPE_CGROUP_SOCK' && (eat === '' || eat === BPF_ATTACH_TYPE[0])) eat = 'BPF_CGROUP_INET_SOCK_CREATE';
    if (cmd === 'BPF_PROG_LOAD' && ret === EPERM && TRAMPOLINE(type, eat))
      res.notComparable = `${type}/${eat} loads are refused with EPERM by this kernel build (trampolines)`;
    const kind = CREATES[cmd];
    if (ret >= 0 && (kind || OPENS.includes(cmd))) res.object = await this.record(pid, ret, !!kind, { type, eat });
    const nextKind = ID_INPUTS[cmd]?.[0]?.[1];
    const next = out.next_id;
    if (cmd.endsWith('_GET_NEXT_ID') && nextKind && ret === 0 && typeof next === 'number' && !this.tracker.known[nextKind].has(next))
      res.notComparable = `${cmd}: next_id ${next} is an object outside this run (ids are shared by the whole machine)`;
    return res;
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
      return { kind: 'prog', id };
    }
    if ('key_size' in info) { t.see('map', id, created); return { kind: 'map', id }; }
    const rt = info.raw_tracepoint as { tp_name?: string } | undefined;
    t.see('link', id, created);
    t.links.set(id, { type: String(info.type), progId: info.prog_id as number, tpName: rt?.tp_name ?? '' });
    t.see('prog', info.prog_id as number, false);
    return { kind: 'link', id };
  }
}

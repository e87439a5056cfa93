/**
 * `trigger(event)` on the real kernel: make the event happen and report which of the
 * run's programs ran, and how often, from the kernel's run statistics (`run_cnt`, kept
 * because the helper holds BPF_ENABLE_STATS for the whole run).
 *
 * - `cgroup:PATH:ATTACH_TYPE`: a helper process joins PATH, enters the triggers' own
 *   network namespace (only lo, so no device of the run, lo with an XDP program say, sees
 *   its packets) and does one thing that runs that hook once (egress: one UDP datagram to 127.0.0.1, received by a socket outside
 *   the run's cgroups; ingress: one datagram to a socket it opened there; sock_create: one
 *   socket; ...). Only this run's processes live in its cgroups, so counts are exact. The
 *   programs counted are those of the hook's effective array for PATH (a real
 *   BPF_PROG_QUERY with BPF_F_QUERY_EFFECTIVE, by the supervisor, just before): the
 *   helper's action also runs other hooks (its socket() the sock_create ones, ...), and a
 *   link may hold a program of another expected attach type (BPF_LINK_UPDATE does not
 *   compare them).
 * - `xdp:IFNAME`: one Ethernet frame sent from the peer (veth1 for eth0, and back; lo to
 *   itself), awaited on IFNAME with a packet socket (seen only after XDP passed it). It
 *   runs the peer's tcx egress list, IFNAME's XDP program and IFNAME's tcx ingress list
 *   (before the packet socket's poll returns: the receive path runs in the sender's
 *   softirq); the XDP and SCHED_CLS programs of the run are counted. Exact.
 *   `tcx:IFNAME:ingress` is the same frame; `tcx:IFNAME:egress` the frame IFNAME sends to
 *   its peer.
 * - `tracepoint:NAME`: tracepoints fire for every process on the machine, so the runs of
 *   one event are measured, not read. Each repetition has two windows of equal length,
 *   each between two reads of every candidate's run_cnt (one bpf() syscall per read): in
 *   the first the helper does the action N times (getppid for sys_enter/sys_exit, fork
 *   for sched_process_fork/exit, fork+exec for sched_process_exec, PR_SET_NAME for
 *   task_rename), in the second it only spins without syscalls. Other processes' events
 *   fall into both windows alike and the reads are the same in both, so runs per event =
 *   round((action delta - control delta) / N); the median of 5 repetitions is taken.
 *   Candidates are the programs of this run's live raw tracepoint links on NAME (the
 *   kernel's link info says which tracepoint each link is on). sys_enter and sys_exit
 *   always fire together, so for a program also linked to the other one, that link count
 *   (from link info) is subtracted; a program also linked to any other tracepoint cannot
 *   be measured apart, and its runs are its links on NAME (with a `note` saying so).
 *   A program linked to NAME twice runs twice per event.
 * The kernel's run order is not observable from counts: `ran` lists program ids
 * ascending, each as many times as it ran; compare it as a multiset (normalize sorts).
 *
 * - `function:NAME`: nothing of the run can run there on this build (no trampoline or
 *   kprobe program can be attached): 0 runs for a function of the kernel's BTF, else
 *   -ENOENT; not comparable once the run holds a program of a kind that runs on functions.
 * A trigger is not a syscall; its return value is the contract's (kernel-api.md, Events):
 * the number of runs, or -errno when the event cannot happen: -ENOENT for a cgroup path
 * that is no cgroup directory (the oracle's helper cannot join it; it only ever tries paths
 * under /sys/fs/cgroup, the model's only cgroup file system) and for a tracepoint the
 * running kernel does not have (no `btf_trace_NAME` in its BTF), -ENODEV for a network
 * device that does not exist in the run.
 */
import type { Btf } from './btf';
import { encodeBpf, parseBpfReply, requestLine } from './encode';
import type { Helper } from './native';
import { resolvePath } from './paths';
import { NEXT_ID_CMD, type Tracker } from './track';

const TP_ACTIONS: Record<string, { action: string; n: number }> = {
  sys_enter: { action: 'syscall', n: 1000 },
  sys_exit: { action: 'syscall', n: 1000 },
  sched_process_fork: { action: 'fork', n: 8 },
  sched_process_exit: { action: 'fork', n: 8 },
  sched_process_exec: { action: 'exec', n: 4 },
  task_rename: { action: 'rename', n: 50 },
};
const REPS = 5;

/** Attach type → the helper's operation that runs that hook once. */
const CG_OPS: Record<string, string> = {
  BPF_CGROUP_INET_EGRESS: 'egress',
  BPF_CGROUP_INET_INGRESS: 'ingress',
  BPF_CGROUP_INET_SOCK_CREATE: 'sock_create',
  BPF_CGROUP_INET_SOCK_RELEASE: 'sock_release',
  BPF_CGROUP_INET4_POST_BIND: 'bind4',
  BPF_CGROUP_INET4_BIND: 'bind4',
  BPF_CGROUP_INET4_CONNECT: 'connect4',
  BPF_CGROUP_UDP4_SENDMSG: 'sendmsg4',
  BPF_CGROUP_DEVICE: 'device',
  BPF_CGROUP_SYSCTL: 'sysctl',
  BPF_CGROUP_GETSOCKOPT: 'getsockopt',
  BPF_CGROUP_SETSOCKOPT: 'setsockopt',
};
const ENOENT = -2, ENODEV = -19, EINVAL = -22;
/** BPF_PROG_QUERY reads no BTF. */
const NO_BTF = null as unknown as Btf;

export type TriggerResult = { ret: number; ran: number[]; notComparable?: string; note?: string };
const ran = (ids: number[], extra: Omit<TriggerResult, 'ret' | 'ran'> = {}): TriggerResult => ({ ret: ids.length, ran: ids, ...extra });
const nc = (why: string): TriggerResult => ({ ret: 0, ran: [], notComparable: why });

function expand(ids: number[], times: number[]): number[] {
  return ids.flatMap((id, i) => Array<number>(Math.max(0, times[i] ?? 0)).fill(id)).sort((a, b) => a - b);
}

async function count(helper: Helper, args: string, ids: number[]): Promise<{ opened: number; status: number; join: boolean; deltas: number[] }> {
  const [, opened, status, join, ...d] = (await helper.request(`count ${args} ${ids.join(' ')}`)).split(' ');
  return { opened: Number(opened), status: Number(status), join: join === '1', deltas: d.map(Number) };
}

/** The ids in the effective array of `attachType` for the cgroup at `path` (each once), or
 * null if `path` is no cgroup directory. Asked by the supervisor (pid 0), with its own fd. */
async function effective(helper: Helper, path: string, attachType: string): Promise<number[] | null> {
  const fd = Number((await helper.request(`w 0 sys open ${Buffer.from(path).toString('hex')}`)).split(' ')[1]);
  if (!(fd >= 0)) return null;
  try {
    const e = encodeBpf('BPF_PROG_QUERY', { target_fd: fd, attach_type: attachType, query_flags: ['BPF_F_QUERY_EFFECTIVE'], prog_cnt: 1024 }, NO_BTF);
    if (!e.ok) throw new Error(`trigger: ${e.notComparable}`);
    const { ret, bufs } = parseBpfReply(await helper.request(`w 0 ${requestLine(e.enc)}`));
    if (ret < 0) return null;
    return [...new Set(e.enc.decode(ret, bufs).prog_ids as number[])];
  } finally {
    await helper.request(`w 0 sys close ${fd}`);
  }
}

/** `veths`: each network device of the run by name, and the device a frame for it is sent
 * from (its veth peer; lo itself). */
export async function trigger(helper: Helper, t: Tracker, event: string, veths: ReadonlyMap<string, string>, btf: Btf): Promise<TriggerResult> {
  const [kind, ...rest] = event.split(':');
  if (kind === 'tracepoint') {
    const name = rest.join(':');
    if (!btf.find('TYPEDEF', `btf_trace_${name}`)) return { ret: ENOENT, ran: [] };
    const live = await helper.request(`ids ${NEXT_ID_CMD.link} 1 2147483647`);
    const liveLinks = new Set(live.split(' ').slice(1).map(Number));
    const ids = [...new Set([...t.links].filter(([id, l]) => liveLinks.has(id) && l.tpName === name).map(([, l]) => l.progId))];
    // Nothing of the run is linked to it: none of its programs can run, whatever fires it.
    if (!ids.length) return ran([]);
    const how = TP_ACTIONS[name];
    if (!how) return nc(`the oracle has no way to fire tracepoint ${name} on purpose (and count runs per event)`);
    const c = await count(helper, `tp ${how.action} ${how.n} ${REPS}`, ids);
    const mixed: number[] = [];
    const pair = name === 'sys_enter' ? 'sys_exit' : name === 'sys_exit' ? 'sys_enter' : '';
    const times = ids.map((id, i) => {
      const perRep = Array.from({ length: REPS }, (_, r) => {
        const act = c.deltas[(2 * r) * ids.length + i]!, ctl = c.deltas[(2 * r + 1) * ids.length + i]!;
        return act < 0 || ctl < 0 ? 0 : Math.round((act - ctl) / how.n);
      }).sort((a, b) => a - b);
      const mine = [...t.links].filter(([lid, l]) => liveLinks.has(lid) && l.progId === id && l.tpName !== name).map(([, l]) => l.tpName);
      if (mine.every((tp) => tp === pair)) return perRep[Math.floor(REPS / 2)]! - mine.length;
      // Linked to other tracepoints that the action fires too: counts cannot be told apart.
      mixed.push(id);
      return [...t.links].filter(([lid, l]) => liveLinks.has(lid) && l.progId === id && l.tpName === name).length;
    });
    if (mixed.length) return ran(expand(ids, times), { note: `programs ${mixed.join(', ')} are also linked to other tracepoints: their runs are their links on ${name} (link info), not measured` });
    return ran(expand(ids, times));
  }
  if (kind === 'cgroup' && rest.length >= 2) {
    const attachType = rest[rest.length - 1]!;
    const path = rest.slice(0, -1).join(':');
    const op = CG_OPS[attachType];
    if (!op) return nc(`the oracle has no way to fire cgroup hook ${attachType}`);
    if (path.includes('\0')) return nc(`cgroup path ${JSON.stringify(path)} has a NUL byte`);
    // The helper joins PATH by writing its cgroup.procs; only paths in the run's cgroup2
    // mount are tried (anything else is no cgroup in the model either, and is the host's).
    const resolved = resolvePath('/', path);
    if (!(resolved === '/sys/fs/cgroup' || resolved.startsWith('/sys/fs/cgroup/')) || resolved.length > 4000) return { ret: ENOENT, ran: [] };
    const ids = await effective(helper, resolved, attachType);
    if (ids === null) return { ret: ENOENT, ran: [] };
    const c = await count(helper, `cg ${op} ${Buffer.from(resolved).toString('hex')}`, ids);
    // status: 0, or the errno of joining the cgroup (ENOENT, ENOTDIR: it is none) or of
    // the action; a failed join is the contract's -ENOENT
    if (c.status !== 0 && c.join) return { ret: ENOENT, ran: [] };
    return ran(expand(ids, c.deltas));
  }
  if (kind === 'tcx' && rest.length < 2) return { ret: EINVAL, ran: [] };
  if ((kind === 'xdp' && rest.length === 1) || kind === 'tcx') {
    // tcx:IF:ingress is a frame arriving at IF, tcx:IF:egress one IF sends (to its peer)
    const ifname = kind === 'xdp' ? rest[0]! : rest.slice(0, -1).join(':');
    const dir = rest[rest.length - 1];
    if (kind === 'tcx' && !veths.has(ifname)) return { ret: ENODEV, ran: [] };
    if (kind === 'tcx' && dir !== 'ingress' && dir !== 'egress') return { ret: EINVAL, ran: [] };
    const dev = kind === 'tcx' && dir === 'egress' ? veths.get(ifname)! : ifname;
    const peer = veths.get(dev);
    // the frame runs the peer's tcx egress list, dev's XDP program and its tcx ingress list:
    // only this frame crosses the run's devices, so every XDP and SCHED_CLS count is exact
    const ids = [...t.progs].filter(([, p]) => p.type === 'BPF_PROG_TYPE_XDP' || p.type === 'BPF_PROG_TYPE_SCHED_CLS').map(([id]) => id);
    if (peer === undefined || dev.length >= 16) return { ret: ENODEV, ran: [] };
    const c = await count(helper, `xdp ${Buffer.from(dev).toString('hex')} ${Buffer.from(peer).toString('hex')}`, ids);
    if (c.status === ENODEV) return { ret: ENODEV, ran: [] };
    return ran(expand(ids, c.deltas));
  }
  if (kind === 'function') {
    // Programs that run on a kernel function (fentry, fexit, fmod_ret, lsm through BPF
    // trampolines; kprobes) cannot be attached on this build: while the run has none
    // loaded, nothing of it can run there, whatever fires it.
    const name = rest.join(':');
    const onFunctions = [...t.progs.values()].some((p) => p.type === 'BPF_PROG_TYPE_KPROBE' || p.type === 'BPF_PROG_TYPE_LSM' ||
      (p.type === 'BPF_PROG_TYPE_TRACING' && ['BPF_TRACE_FENTRY', 'BPF_TRACE_FEXIT', 'BPF_MODIFY_RETURN'].includes(String(p.eat))));
    if (onFunctions) return nc('kprobes are off and trampolines cannot be attached on this kernel build: a function event cannot be fired and counted');
    return btf.find('FUNC', name) ? ran([]) : { ret: ENOENT, ran: [] };
  }
  return nc(`unknown event ${JSON.stringify(event)}`);
}

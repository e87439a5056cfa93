/**
 * `trigger(event)` on the real kernel: make the event happen and report which of the
 * run's programs ran, and how often, from the kernel's run statistics (`run_cnt`, kept
 * because the helper holds BPF_ENABLE_STATS for the whole run).
 *
 * - `cgroup:PATH:ATTACH_TYPE`: a helper process joins PATH and does one thing that runs
 *   that hook once (egress: one UDP datagram to 127.0.0.1, received by a socket outside
 *   the run's cgroups; ingress: one datagram to a socket it opened there; sock_create: one
 *   socket; ...). Only this run's processes live in its cgroups, so counts are exact. A
 *   program counts if its type (and, where the kernel checks it, expected attach type) fits
 *   the attach type: the helper's socket() also runs sock_create programs, for example.
 * - `xdp:IFNAME`: one Ethernet frame sent from the peer (veth1 for eth0, and back; lo to
 *   itself), awaited on IFNAME with a packet socket (seen only after XDP passed it). Exact.
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
 */
import type { Helper } from './native';
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

/** Attach type → the helper's operation and the program types it runs. */
const CG_OPS: Record<string, { op: string; progType: string; eat?: string }> = {
  BPF_CGROUP_INET_EGRESS: { op: 'egress', progType: 'BPF_PROG_TYPE_CGROUP_SKB' },
  BPF_CGROUP_INET_INGRESS: { op: 'ingress', progType: 'BPF_PROG_TYPE_CGROUP_SKB' },
  BPF_CGROUP_INET_SOCK_CREATE: { op: 'sock_create', progType: 'BPF_PROG_TYPE_CGROUP_SOCK', eat: 'BPF_CGROUP_INET_SOCK_CREATE' },
  BPF_CGROUP_INET_SOCK_RELEASE: { op: 'sock_release', progType: 'BPF_PROG_TYPE_CGROUP_SOCK', eat: 'BPF_CGROUP_INET_SOCK_RELEASE' },
  BPF_CGROUP_INET4_POST_BIND: { op: 'bind4', progType: 'BPF_PROG_TYPE_CGROUP_SOCK', eat: 'BPF_CGROUP_INET4_POST_BIND' },
  BPF_CGROUP_INET4_BIND: { op: 'bind4', progType: 'BPF_PROG_TYPE_CGROUP_SOCK_ADDR', eat: 'BPF_CGROUP_INET4_BIND' },
  BPF_CGROUP_INET4_CONNECT: { op: 'connect4', progType: 'BPF_PROG_TYPE_CGROUP_SOCK_ADDR', eat: 'BPF_CGROUP_INET4_CONNECT' },
  BPF_CGROUP_UDP4_SENDMSG: { op: 'sendmsg4', progType: 'BPF_PROG_TYPE_CGROUP_SOCK_ADDR', eat: 'BPF_CGROUP_UDP4_SENDMSG' },
  BPF_CGROUP_DEVICE: { op: 'device', progType: 'BPF_PROG_TYPE_CGROUP_DEVICE' },
  BPF_CGROUP_SYSCTL: { op: 'sysctl', progType: 'BPF_PROG_TYPE_CGROUP_SYSCTL' },
  BPF_CGROUP_GETSOCKOPT: { op: 'getsockopt', progType: 'BPF_PROG_TYPE_CGROUP_SOCKOPT', eat: 'BPF_CGROUP_GETSOCKOPT' },
  BPF_CGROUP_SETSOCKOPT: { op: 'setsockopt', progType: 'BPF_PROG_TYPE_CGROUP_SOCKOPT', eat: 'BPF_CGROUP_SETSOCKOPT' },
};
const IFINDEX: Record<string, number> = { lo: 1, eth0: 2, veth1: 3 };

export type TriggerResult = { ran: number[]; notComparable?: string; note?: string };

function expand(ids: number[], times: number[]): number[] {
  return ids.flatMap((id, i) => Array<number>(Math.max(0, times[i] ?? 0)).fill(id)).sort((a, b) => a - b);
}

async function count(helper: Helper, args: string, ids: number[]): Promise<{ opened: number; status: number; deltas: number[] }> {
  const [, opened, status, ...d] = (await helper.request(`count ${args} ${ids.join(' ')}`)).split(' ');
  return { opened: Number(opened), status: Number(status), deltas: d.map(Number) };
}

export async function trigger(helper: Helper, t: Tracker, event: string): Promise<TriggerResult> {
  const [kind, ...rest] = event.split(':');
  if (kind === 'tracepoint') {
    const name = rest.join(':');
    const how = TP_ACTIONS[name];
    if (!how) return { ran: [], notComparable: `the oracle has no way to fire tracepoint ${name}` };
    const live = await helper.request(`ids ${NEXT_ID_CMD.link} 1 2147483647`);
    const liveLinks = new Set(live.split(' ').slice(1).map(Number));
    const ids = [...new Set([...t.links].filter(([id, l]) => liveLinks.has(id) && l.tpName === name).map(([, l]) => l.progId))];
    if (!ids.length) return { ran: [] };
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
    if (mixed.length) return { ran: expand(ids, times), note: `programs ${mixed.join(', ')} are also linked to other tracepoints: their runs are their links on ${name} (link info), not measured` };
    return { ran: expand(ids, times) };
  }
  if (kind === 'cgroup' && rest.length >= 2) {
    const attachType = rest[rest.length - 1]!;
    const path = rest.slice(0, -1).join(':');
    const op = CG_OPS[attachType];
    if (!op) return { ran: [], notComparable: `the oracle has no way to fire cgroup hook ${attachType}` };
    const ids = [...t.progs].filter(([, p]) => p.type === op.progType && (!op.eat || p.eat === op.eat)).map(([id]) => id);
    if (!ids.length) return { ran: [] };
    const c = await count(helper, `cg ${op.op} ${Buffer.from(path).toString('hex') || '-'}`, ids);
    return { ran: expand(ids, c.deltas) };
  }
  if (kind === 'xdp' && rest.length === 1) {
    const ifindex = IFINDEX[rest[0]!];
    if (!ifindex) return { ran: [] };
    const ids = [...t.progs].filter(([, p]) => p.type === 'BPF_PROG_TYPE_XDP').map(([id]) => id);
    if (!ids.length) return { ran: [] };
    const c = await count(helper, `xdp ${ifindex}`, ids);
    return { ran: expand(ids, c.deltas) };
  }
  if (kind === 'function') return { ran: [], notComparable: 'kprobes are off and trampoline programs cannot load on this kernel build' };
  return { ran: [], notComparable: `unknown event ${event}` };
}

/**
 * `trigger(event)`: a kernel event fires and the programs attached to it run, in the
 * kernel's order, each run counted in `run_cnt` / `run_time_ns` (as with BPF_ENABLE_STATS).
 *
 * - `tracepoint:NAME`: raw tracepoint and tp_btf links, in probe registration order
 *   (`__DO_TRACE` walks `tp->funcs`).
 * - `function:NAME`: the BPF trampoline of NAME runs fentry programs, then fmod_ret, then
 *   the function, then fexit (`arch_prepare_bpf_trampoline`).
 * - `xdp:IFNAME`: one frame sent from IFNAME's veth peer (lo: from itself) arrives: the
 *   sender's tcx egress list (`__dev_queue_xmit`), IFNAME's XDP program, then its tcx
 *   ingress list (`__netif_receive_skb_core`). A tcx list runs until a program returns
 *   other than TCX_NEXT; the model's SCHED_CLS programs return TC_ACT_OK, so the first
 *   program of a list is the one that runs.
 * - `tcx:IFNAME:ingress`: the same frame; `tcx:IFNAME:egress`: a frame IFNAME sends to its
 *   peer (IFNAME's tcx egress, the peer's XDP and tcx ingress).
 *
 * A trigger is not a syscall, so its return value is this contract's, and the real-kernel
 * oracle answers it the same way: the number of runs, or -ENOENT when PATH is no cgroup
 * directory or NAME no tracepoint or kernel function, -ENODEV when IFNAME is no device,
 * -EINVAL for an event that is no such string.
 */
import { TRACEPOINTS, KERNEL_FUNCS, hasOwn } from './btf';
import { Errno } from './errno';
import { effectiveEntries, entryProg } from './cgroup';
import { devByName, type NetDev } from './netdev';
import { tcxRunList } from './tcx';
import type { BpfProg } from './objects';
import { BPF_ATTACH_TYPE } from './uapi';
import { isWalkError } from './vfs';
import { fail, progKey, type KernelState } from './state';

/** Nominal cost of one program run, added to `run_time_ns`. */
const RUN_NS = 250;

function run(k: KernelState, progs: readonly BpfProg[], where: string, ran: number[]): void {
  for (const prog of progs) {
    prog.runCnt++;
    prog.runTimeNs += RUN_NS;
    ran.push(prog.id);
    const fn = where.startsWith('tracepoint') ? '__bpf_trace_run' : where.startsWith('cgroup') ? 'bpf_prog_run_array_cg'
      : where.startsWith('xdp') ? 'bpf_prog_run_xdp' : where.startsWith('tcx') ? 'tcx_run' : '__bpf_prog_enter';
    if (k.keepLog) k.emit('run', fn, `prog ${prog.id}${prog.name ? ` "${prog.name}"` : ''} ran on ${where} (run_cnt ${prog.runCnt})`, { obj: progKey(prog) });
  }
}

/** One frame from `dev`'s peer (lo: from itself) arrives at `dev`: the sender's tcx egress
 * list (`__dev_queue_xmit`), `dev`'s XDP program, then its tcx ingress list. */
function frameArrives(k: KernelState, dev: NetDev, ran: number[]): void {
  const from = dev.peer ?? dev;
  run(k, tcxRunList(from, false), `tcx:${from.name}:egress`, ran);
  const slot = dev.xdp.drv ?? dev.xdp.skb;
  if (slot) run(k, [slot.link ? slot.link.prog : slot.legacy.prog], `xdp:${dev.name}`, ran);
  run(k, tcxRunList(dev, true), `tcx:${dev.name}:ingress`, ran);
}

export function trigger(k: KernelState, event: unknown): number[] {
  if (typeof event !== 'string') fail(Errno.EINVAL, 'trigger', 'an event is a string such as "tracepoint:sys_enter"');
  const colon = event.indexOf(':');
  const kind = colon < 0 ? event : event.slice(0, colon);
  const name = colon < 0 ? '' : event.slice(colon + 1);
  const ran: number[] = [];
  if (k.keepLog) k.emit('call', 'trigger', `event ${event} fires`);
  if (kind === 'tracepoint') {
    if (!hasOwn(TRACEPOINTS, name)) fail(Errno.ENOENT, 'trigger', `no tracepoint "${name}" in the model`);
    run(k, (k.tracepoints.get(name)?.links ?? []).map((l) => l.prog), event, ran);
  } else if (kind === 'function') {
    if (!hasOwn(KERNEL_FUNCS, name)) fail(Errno.ENOENT, 'trigger', `no kernel function "${name}" in the model`);
    const t = k.trampolines.get(name);
    if (t) {
      for (const list of [t.fentry, t.fmodRet, t.fexit]) run(k, list.map((l) => l.prog), event, ran);
    }
  } else if (kind === 'cgroup') {
    // cgroup:PATH:ATTACH_TYPE — the cgroup's effective array (bpf_prog_run_array_cg)
    const sep = name.lastIndexOf(':');
    const path = name.slice(0, sep);
    const atype = BPF_ATTACH_TYPE.indexOf(name.slice(sep + 1) as (typeof BPF_ATTACH_TYPE)[number]);
    const inode = k.vfs.lookup(path, null);
    const cg = isWalkError(inode) ? undefined : inode.cgroup;
    if (!cg || sep < 0) fail(Errno.ENOENT, 'trigger', `no cgroup at "${path}" (use cgroup:/sys/fs/cgroup/PATH:ATTACH_TYPE)`);
    if (atype < 0) fail(Errno.EINVAL, 'trigger', `unknown attach type "${name.slice(sep + 1)}"`);
    run(k, effectiveEntries(cg, atype).map(entryProg), event, ran);
  } else if (kind === 'xdp') {
    const dev = devByName(k, name);
    if (!dev) fail(Errno.ENODEV, 'trigger', `no network device "${name}"`);
    frameArrives(k, dev, ran);
  } else if (kind === 'tcx') {
    // tcx:IFNAME:ingress is a frame arriving at IFNAME; tcx:IFNAME:egress one it sends
    const sep = name.lastIndexOf(':');
    if (sep < 0) fail(Errno.EINVAL, 'trigger', 'use tcx:IFNAME:ingress or tcx:IFNAME:egress');
    const dir = name.slice(sep + 1);
    const dev = devByName(k, name.slice(0, sep));
    if (!dev) fail(Errno.ENODEV, 'trigger', `no network device "${name.slice(0, sep)}"`);
    if (dir !== 'ingress' && dir !== 'egress') fail(Errno.EINVAL, 'trigger', 'use tcx:IFNAME:ingress or tcx:IFNAME:egress');
    frameArrives(k, dir === 'ingress' ? dev : dev.peer ?? dev, ran);
  } else {
    fail(Errno.EINVAL, 'trigger', `unknown event kind "${kind}": use tracepoint:NAME, function:NAME, cgroup:PATH:ATTACH_TYPE, xdp:IFNAME or tcx:IFNAME:ingress|egress`);
  }
  if (ran.length === 0) k.emit('note', 'trigger', `nothing is attached to ${event}: no program ran`);
  return ran;
}

/**
 * Attach points of the core link types: tracepoints (raw tracepoint and tp_btf links,
 * `bpf_probe_register` / `bpf_probe_unregister`) and BPF trampolines of kernel functions
 * (fentry, fexit, fmod_ret, lsm: `bpf_trampoline_link_prog` / `bpf_trampoline_unlink_prog`).
 */
import { cgroupLinkRelease } from './cgroup';
import { Errno } from './errno';
import { xdpLinkRelease } from './netdev';
import { tcxLinkRelease } from './tcx';
import { iterLinkRelease } from './iter';
import type { BpfLink } from './objects';
import { describe, fail, linkKey, type KernelState, type TrampolineState } from './state';

/** `BPF_MAX_TRAMP_LINKS` on x86-64. */
export const BPF_MAX_TRAMP_LINKS = 38;

export function trampolineOf(k: KernelState, func: string, btfId: number): TrampolineState {
  let t = k.trampolines.get(func);
  if (!t) {
    t = { func, btfId, fentry: [], fmodRet: [], fexit: [] };
    k.trampolines.set(func, t);
  }
  return t;
}

function trampolineList(t: TrampolineState, l: BpfLink): BpfLink[] {
  if (l.attachType === 25) return t.fexit; // BPF_TRACE_FEXIT
  if (l.attachType === 26) return t.fmodRet; // BPF_MODIFY_RETURN
  return t.fentry; // BPF_TRACE_FENTRY, BPF_LSM_MAC
}

/** Is the same program already linked to this tracepoint? (before 6.10 the probe's data
 * pointer was the program, so a second registration is -EEXIST) */
export function tracepointHasProg(k: KernelState, tp: string, progOid: number): boolean {
  return !!k.tracepoints.get(tp)?.links.some((l) => l.prog.oid === progOid);
}

/** Link a program into its hook. Throws the kernel's error if the hook refuses. */
export function attachLinkToHook(k: KernelState, l: BpfLink): void {
  const t = l.target;
  if (t.kind === 'cgroup' || t.kind === 'xdp' || t.kind === 'tcx' || t.kind === 'iter') throw new Error('cgroup, XDP, tcx and iterator links attach through their own paths');
  if (t.kind === 'tracepoint') {
    if (!k.since(610) && tracepointHasProg(k, t.name, l.prog.oid))
      fail(Errno.EEXIST, 'tracepoint_probe_register_may_exist',
        `prog ${l.prog.id} is already attached to tracepoint ${t.name} (before 6.10 the probe data is the program, so one program can be registered once per tracepoint)`);
    let s = k.tracepoints.get(t.name);
    if (!s) k.tracepoints.set(t.name, (s = { links: [] }));
    s.links.push(l);
    l.attached = true;
    if (k.keepLog) k.emit('attach', 'bpf_probe_register', `${describe(l)}: prog ${l.prog.id} attached to tracepoint ${t.name}`, { obj: linkKey(l) });
    return;
  }
  const tr = trampolineOf(k, t.func, t.btfId);
  const all = [...tr.fentry, ...tr.fmodRet, ...tr.fexit];
  // __bpf_trampoline_link_prog: the count is checked before the program's presence.
  if (all.length >= BPF_MAX_TRAMP_LINKS)
    fail(Errno.E2BIG, '__bpf_trampoline_link_prog', `the trampoline of ${t.func} already has ${BPF_MAX_TRAMP_LINKS} programs`);
  if (all.some((x) => x.prog.oid === l.prog.oid))
    fail(Errno.EBUSY, '__bpf_trampoline_link_prog', `prog ${l.prog.id} is already linked to the trampoline of ${t.func}`);
  // hlist_add_head, and the trampoline calls each list from its head: the newest link runs first.
  trampolineList(tr, l).unshift(l);
  l.attached = true;
  if (k.keepLog) k.emit('attach', 'bpf_trampoline_link_prog', `${describe(l)}: prog ${l.prog.id} linked into the BPF trampoline of ${t.func}`, { obj: linkKey(l) });
}

/** `ops->release`: take the program off its hook. */
export function detachLinkFromHook(k: KernelState, l: BpfLink, fn: string): void {
  const t = l.target;
  if (t.kind === 'cgroup') return cgroupLinkRelease(k, l, fn);
  if (t.kind === 'xdp') return xdpLinkRelease(k, l, fn);
  if (t.kind === 'tcx') return tcxLinkRelease(k, l, fn);
  if (t.kind === 'iter') return iterLinkRelease(k, l, fn);
  l.attached = false;
  if (t.kind === 'tracepoint') {
    const s = k.tracepoints.get(t.name);
    if (s) {
      s.links = s.links.filter((x) => x !== l);
      if (s.links.length === 0) k.tracepoints.delete(t.name);
    }
    if (k.keepLog) k.emit('detach', 'bpf_probe_unregister', `${describe(l)} released (${fn}): prog ${l.prog.id} detached from tracepoint ${t.name}`, { obj: linkKey(l) });
    return;
  }
  const tr = k.trampolines.get(t.func);
  if (tr) {
    const list = trampolineList(tr, l);
    list.splice(list.indexOf(l), 1);
    if (tr.fentry.length + tr.fmodRet.length + tr.fexit.length === 0) k.trampolines.delete(t.func);
  }
  if (k.keepLog) k.emit('detach', 'bpf_trampoline_unlink_prog', `${describe(l)} released (${fn}): prog ${l.prog.id} unlinked from the trampoline of ${t.func}`, { obj: linkKey(l) });
}

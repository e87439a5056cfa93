/**
 * tcx (kernel/bpf/tcx.c, 6.6): BPF programs on a network device's ingress and egress,
 * one ordered list per direction (`mprog.ts`) that holds links (`BPF_LINK_TYPE_TCX`, owned
 * by their files) and `BPF_PROG_ATTACH` entries (owned by no file) together. A device that
 * goes away detaches its links (they live on, defunct) and puts the other programs.
 */
import { flagsField, putUser, subAttr, u32, u64 } from './attr';
import type { BpfAttr } from './call';
import { progOfType } from './cmd_link';
import { Errno } from './errno';
import { canonicalRetval } from './insns';
import { createLink } from './link';
import { mprogAttach, mprogDetach, type MprogBundle, type MprogEntry, type MprogPlace } from './mprog';
import type { NetDev } from './netdev';
import type { BpfLink, BpfProg, LegacyAttachment, Process } from './objects';
import { progPut } from './refs';
import { describe, fail, linkKey, progKey, type KernelState } from './state';
import { BPF_LINK_TYPE, BPF_PROG_TYPE, FLAG_VALUES } from './uapi';

/** `TCX_NEXT`: a tcx program's "go on with the next one"; anything else ends the list. */
export const TCX_NEXT = -1;

export function tcxWhere(dev: { name: string }, ingress: boolean): string {
  return `${dev.name} ${ingress ? 'ingress' : 'egress'}`;
}

function bundleOf(dev: NetDev, ingress: boolean): MprogBundle | null {
  return ingress ? dev.tcx.ingress : dev.tcx.egress;
}

function setBundle(dev: NetDev, ingress: boolean, b: MprogBundle | null): void {
  if (ingress) dev.tcx.ingress = b; else dev.tcx.egress = b;
}

/**
 * One field of `union bpf_attr` with two names (`target_fd` / `target_ifindex`,
 * `relative_fd` / `relative_id`): the same bytes, so whichever name is given counts (libbpf's
 * `bpf_prog_attach_opts` passes a tcx device as `target_fd`); given both, the one written
 * last, as the bytes would be.
 */
export function unionU32(attr: BpfAttr, a: string, b: string): number {
  const va = u32(attr, a), vb = u32(attr, b);
  const given = (n: string): boolean => attr[n] !== undefined && attr[n] !== null;
  if (!given(a)) return vb;
  if (!given(b)) return va;
  const keys = Object.keys(attr);
  return keys.indexOf(a) > keys.indexOf(b) ? va : vb;
}

/** The device a tcx call names (`target_ifindex`, the union's other name `target_fd`). */
function ifindexOf(attr: BpfAttr): number {
  return unionU32(attr, 'target_ifindex', 'target_fd');
}

/** The anchor (`relative_fd`, or `relative_id` with BPF_F_ID: one field). */
function relativeOf(attr: BpfAttr): number {
  return unionU32(attr, 'relative_fd', 'relative_id');
}

/** `__dev_get_by_index` for tcx: -ENODEV when there is none. */
function tcxDev(k: KernelState, ifindex: number, fn: string): NetDev {
  const dev = k.netdevs.get(ifindex);
  if (!dev) fail(Errno.ENODEV, fn, `no network device with ifindex ${ifindex}`);
  return dev;
}

/** Put an entry where `bpf_mprog_attach` decided, and bump the revision (`bpf_mprog_commit`). */
function place(b: MprogBundle, at: MprogPlace, e: MprogEntry): MprogEntry | null {
  let old: MprogEntry | null = null;
  if (at.replace) { old = b.entries[at.index]!; b.entries[at.index] = e; } else b.entries.splice(at.index, 0, e);
  b.revision++;
  return old;
}

/** `tcx_entry_fetch_or_create`, then attach; a list made for a failed attach is freed again. */
function attachEntry(dev: NetDev, ingress: boolean, decide: (b: MprogBundle) => MprogPlace, make: () => MprogEntry): MprogEntry | null {
  const b = bundleOf(dev, ingress) ?? { entries: [], revision: 1 };
  const at = decide(b); // throws: a list created here was never installed
  const old = place(b, at, make());
  setBundle(dev, ingress, b);
  return old;
}

/** Remove entry `idx`; the list goes when it is empty (`tcx_entry_free`). */
function removeEntry(k: KernelState, dev: NetDev, ingress: boolean, idx: number): MprogEntry {
  const b = bundleOf(dev, ingress)!;
  const [e] = b.entries.splice(idx, 1);
  b.revision++;
  if (b.entries.length === 0) setBundle(dev, ingress, null);
  if (e!.legacy) k.legacy.delete(e!.legacy.oid);
  return e!;
}

/** `tcx_prog_attach` (BPF_PROG_ATTACH with BPF_TCX_INGRESS/EGRESS). */
export function tcxProgAttach(k: KernelState, p: Process, attr: BpfAttr, prog: BpfProg, ingress: boolean, flags: number): number {
  const fn = 'tcx_prog_attach';
  const dev = tcxDev(k, ifindexOf(attr), fn);
  let replace: BpfProg | null = null;
  if (flags & FLAG_VALUES.BPF_F_REPLACE) replace = progOfType(p, u32(attr, 'replace_bpf_fd'), BPF_PROG_TYPE[prog.type] ?? '');
  const legacy: LegacyAttachment = { kind: 'legacy', oid: 0, prog, attacherPid: p.pid, attacherComm: p.comm, target: { kind: 'tcx', dev, ingress } };
  const old = attachEntry(dev, ingress,
    (b) => mprogAttach(k, p, b, prog, null, replace, flags, relativeOf(attr), u64(attr, 'expected_revision')),
    () => ({ prog, link: null, legacy }));
  legacy.oid = k.oid();
  k.legacy.set(legacy.oid, legacy);
  prog.refcnt++;
  if (k.keepLog) {
    k.ref(progKey(prog), 'refcnt', prog.refcnt - 1, prog.refcnt, 'tcx_prog_attach', `${describe(prog)}: refcnt +1, held by the tcx list of ${tcxWhere(dev, ingress)} (owned by no file)`);
    k.emit('attach', fn, `prog ${prog.id} attached to ${tcxWhere(dev, ingress)} with BPF_PROG_ATTACH${old ? ` in place of prog ${old.prog.id}` : ''}: no file owns this attachment`, { obj: `legacy#${legacy.oid}` });
  }
  if (old) {
    if (old.legacy) k.legacy.delete(old.legacy.oid);
    progPut(k, old.prog, 'bpf_mprog_commit', `replaced on ${tcxWhere(dev, ingress)}`);
  }
  return 0;
}

/** `tcx_prog_detach` (BPF_PROG_DETACH): by program, or the first (BPF_F_BEFORE) or last entry. */
export function tcxProgDetach(k: KernelState, p: Process, attr: BpfAttr, prog: BpfProg | null, ingress: boolean, flags: number): number {
  const fn = 'tcx_prog_detach';
  const dev = tcxDev(k, ifindexOf(attr), fn);
  const b = bundleOf(dev, ingress);
  if (!b) fail(Errno.ENOENT, fn, `nothing is attached to ${tcxWhere(dev, ingress)}`);
  const idx = mprogDetach(k, p, b, prog, null, flags, relativeOf(attr), u64(attr, 'expected_revision'));
  const e = removeEntry(k, dev, ingress, idx);
  if (k.keepLog) k.emit('detach', fn, `prog ${e.prog.id} detached from ${tcxWhere(dev, ingress)}`);
  progPut(k, e.prog, 'bpf_mprog_commit', `its tcx attachment on ${tcxWhere(dev, ingress)} was removed`);
  return 0;
}

/** `tcx_prog_query` → `bpf_mprog_query`: ids in list order, `link_ids` (0: no link), the revision
 * (1 for a list that does not exist). */
export function tcxProgQuery(k: KernelState, attr: BpfAttr, ingress: boolean): number {
  const fn = 'bpf_mprog_query';
  const dev = tcxDev(k, ifindexOf(attr), 'tcx_prog_query');
  if (flagsField(attr, 'query_flags') || flagsField(attr, 'attach_flags')) fail(Errno.EINVAL, fn, 'tcx lists take no query_flags (no BPF_F_QUERY_EFFECTIVE) and no attach_flags');
  const b = bundleOf(dev, ingress);
  const entries = b?.entries ?? [];
  const capacity = attr.prog_cnt === undefined || attr.prog_cnt === null ? 64 : u32(attr, 'prog_cnt') >>> 0;
  putUser(attr, 'attach_flags', 0);
  putUser(attr, 'revision', b ? b.revision : 1);
  putUser(attr, 'prog_cnt', entries.length);
  if (capacity === 0 || entries.length === 0) {
    putUser(attr, 'prog_ids', []);
    return 0;
  }
  const shown = entries.slice(0, capacity);
  putUser(attr, 'prog_ids', shown.map((e) => e.prog.id));
  if (attr.prog_attach_flags) putUser(attr, 'prog_attach_flags', shown.map(() => 0));
  if (attr.link_ids) putUser(attr, 'link_ids', shown.map((e) => (e.link ? e.link.id : 0)));
  if (attr.link_attach_flags) putUser(attr, 'link_attach_flags', shown.map(() => 0));
  if (capacity < entries.length) fail(Errno.ENOSPC, fn, `${entries.length} programs, room for ${capacity}: the first ${capacity} ids were copied`);
  return 0;
}

/** `tcx_link_attach` (BPF_LINK_CREATE): the id is taken before the list is asked (a refused
 * attach uses it up, `bpf_link_cleanup`). */
export function tcxLinkAttach(k: KernelState, p: Process, prog: BpfProg, attachType: number, ingress: boolean, flags: number, attr: BpfAttr): number {
  const dev = tcxDev(k, ifindexOf(attr), 'tcx_link_attach');
  const sub = subAttr(attr, 'tcx');
  const target = { kind: 'tcx' as const, dev, ifname: dev.name, ingress };
  return createLink(k, p, prog, BPF_LINK_TYPE.indexOf('BPF_LINK_TYPE_TCX'), attachType, target, 0, undefined, (l) => {
    attachEntry(dev, ingress,
      (b) => mprogAttach(k, p, b, prog, l, null, flags, relativeOf(sub), u64(sub, 'expected_revision')),
      () => ({ prog, link: l, legacy: null }));
    l.attached = true;
    if (k.keepLog) k.emit('attach', 'tcx_link_prog_attach', `${describe(l)}: prog ${prog.id} attached to ${tcxWhere(dev, ingress)}`, { obj: linkKey(l) });
  });
}

/** `tcx_link_release` / detach: take the link's entry out; the link goes defunct (ifindex 0). */
export function tcxLinkRelease(k: KernelState, link: BpfLink, fn: string): void {
  const t = link.target;
  if (t.kind !== 'tcx' || !t.dev) return;
  const dev = t.dev;
  const idx = bundleOf(dev, t.ingress)?.entries.findIndex((e) => e.link === link) ?? -1;
  if (idx >= 0) removeEntry(k, dev, t.ingress, idx);
  t.dev = null;
  link.attached = false;
  if (k.keepLog) k.emit('detach', fn, `${describe(link)}: prog ${link.prog.id} detached from ${tcxWhere(dev, t.ingress)}`, { obj: linkKey(link) });
}

/** `tcx_link_update` (BPF_LINK_UPDATE): the new program takes the old one's place. */
export function tcxLinkUpdate(k: KernelState, p: Process, link: BpfLink, newProg: BpfProg, oldProg: BpfProg | null): number {
  const fn = 'tcx_link_update';
  const t = link.target;
  if (t.kind !== 'tcx' || !t.dev) fail(Errno.ENOLINK, fn, `${describe(link)} is detached`);
  if (oldProg && link.prog !== oldProg) fail(Errno.EPERM, fn, `${describe(link)} runs prog ${link.prog.id}, not prog ${oldProg.id}`);
  if (link.prog === newProg) return 0;
  const b = bundleOf(t.dev, t.ingress);
  if (!b) fail(Errno.ENOENT, fn, 'the device has no tcx list');
  const at = mprogAttach(k, p, b, newProg, link, link.prog, FLAG_VALUES.BPF_F_REPLACE | FLAG_VALUES.BPF_F_ID, link.prog.id, 0);
  place(b, at, { prog: newProg, link, legacy: null });
  const old = link.prog;
  newProg.refcnt++;
  if (k.keepLog) k.ref(progKey(newProg), 'refcnt', newProg.refcnt - 1, newProg.refcnt, 'bpf_prog_get', `${describe(newProg)}: refcnt +1, now held by ${describe(link)}`);
  link.prog = newProg;
  if (k.keepLog) k.emit('attach', fn, `${describe(link)} now runs prog ${newProg.id} instead of prog ${old.id} on ${tcxWhere(t.dev, t.ingress)}`, { obj: linkKey(link) });
  progPut(k, old, fn, `replaced in ${describe(link)}`);
  return 0;
}

/** `tcx_uninstall` (the device is unregistered): links go defunct, other programs are put. */
export function tcxUninstall(k: KernelState, dev: NetDev, ingress: boolean): void {
  const b = bundleOf(dev, ingress);
  if (!b) return;
  setBundle(dev, ingress, null);
  for (const e of b.entries) {
    if (e.link) {
      if (e.link.target.kind === 'tcx') e.link.target.dev = null;
      e.link.attached = false;
      if (k.keepLog) k.emit('detach', 'tcx_uninstall', `${dev.name} is gone: ${describe(e.link)} is auto-detached from ${ingress ? 'ingress' : 'egress'}; it lives on (defunct) while fds or pins hold it`, { obj: linkKey(e.link) });
    } else {
      if (e.legacy) k.legacy.delete(e.legacy.oid);
      if (k.keepLog) k.emit('detach', 'tcx_uninstall', `${dev.name} is gone: its tcx ${ingress ? 'ingress' : 'egress'} program ${e.prog.id} is released`);
      progPut(k, e.prog, 'tcx_uninstall', `device ${dev.name} was removed`);
    }
  }
}

/** `tcx_run`: the programs that run on a packet, in list order, until one returns other
 * than TCX_NEXT (the model's programs return their type's canonical value: TC_ACT_OK). */
export function tcxRunList(dev: NetDev, ingress: boolean): BpfProg[] {
  const out: BpfProg[] = [];
  for (const e of bundleOf(dev, ingress)?.entries ?? []) {
    out.push(e.prog);
    if (canonicalRetval(e.prog.type) !== TCX_NEXT) break;
  }
  return out;
}

/** For the snapshot: each tcx list of a device. */
export function tcxLists(dev: NetDev): { ingress: boolean; bundle: MprogBundle }[] {
  return [true, false].flatMap((ingress) => {
    const bundle = bundleOf(dev, ingress);
    return bundle ? [{ ingress, bundle }] : [];
  });
}

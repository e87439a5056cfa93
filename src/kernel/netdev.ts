/**
 * Network devices and XDP (net/core/dev.c): per device three slots, generic (SKB),
 * native (DRV) and offload (HW), each empty or holding a netlink-attached program or an
 * XDP link. `dev_xdp_attach` is the path both take, with its checks in the kernel's order.
 */
import { Errno } from './errno';
import type { BpfLink, BpfProg, LegacyAttachment } from './objects';
import { progPut } from './refs';
import { describe, fail, linkKey, type KernelState } from './state';
import type { MprogBundle } from './mprog';
import { tcxUninstall } from './tcx';
import { BPF_ATTACH_TYPE, FLAG_VALUES } from './uapi';

export type XdpMode = 'skb' | 'drv' | 'hw';
export const XDP_MODES: readonly XdpMode[] = ['skb', 'drv', 'hw'];
const F = FLAG_VALUES;
export const XDP_FLAGS_MODES = F.XDP_FLAGS_SKB_MODE | F.XDP_FLAGS_DRV_MODE | F.XDP_FLAGS_HW_MODE;
export const XDP_FLAGS_MASK = F.XDP_FLAGS_UPDATE_IF_NOEXIST | XDP_FLAGS_MODES | F.XDP_FLAGS_REPLACE;

export type XdpSlot = { link: BpfLink; legacy: null } | { link: null; legacy: LegacyAttachment };

export interface NetDev {
  oid: number;
  ifindex: number;
  name: string;
  /** veth: has `ndo_bpf` (native XDP); lo has not (no mode flag means generic). */
  ndoBpf: boolean;
  /** The other end of a veth pair. */
  peer: NetDev | null;
  xdp: Record<XdpMode, XdpSlot | null>;
  /** tcx (6.6): the ingress and egress program lists (`dev->tcx_ingress`, `tcx_egress`). */
  tcx: { ingress: MprogBundle | null; egress: MprogBundle | null };
  dead: boolean;
}

export function modeLabel(m: XdpMode): string {
  return m === 'skb' ? 'generic (SKB)' : m === 'drv' ? 'native (DRV)' : 'offload (HW)';
}

export function newNetDev(k: KernelState, name: string, ndoBpf: boolean): NetDev {
  const dev: NetDev = { oid: k.oid(), ifindex: k.nextIfindex++, name, ndoBpf, peer: null, xdp: { skb: null, drv: null, hw: null },
    tcx: { ingress: null, egress: null }, dead: false };
  k.netdevs.set(dev.ifindex, dev);
  return dev;
}

export function bootNetDevs(k: KernelState): void {
  newNetDev(k, 'lo', false);
  const eth0 = newNetDev(k, 'eth0', true);
  const veth1 = newNetDev(k, 'veth1', true);
  eth0.peer = veth1;
  veth1.peer = eth0;
}

export function devByName(k: KernelState, name: string): NetDev | undefined {
  for (const d of k.netdevs.values()) if (d.name === name) return d;
  return undefined;
}

function slotProg(s: XdpSlot | null): BpfProg | null {
  return s ? (s.link ? s.link.prog : s.legacy.prog) : null;
}

/** `dev_xdp_mode`: the mode a request means. */
export function xdpMode(dev: NetDev, flags: number): XdpMode {
  if (flags & F.XDP_FLAGS_HW_MODE) return 'hw';
  if (flags & F.XDP_FLAGS_DRV_MODE) return 'drv';
  if (flags & F.XDP_FLAGS_SKB_MODE) return 'skb';
  return dev.ndoBpf ? 'drv' : 'skb';
}

function countModes(flags: number): number {
  return [F.XDP_FLAGS_SKB_MODE, F.XDP_FLAGS_DRV_MODE, F.XDP_FLAGS_HW_MODE].filter((m) => flags & m).length;
}

export interface XdpAttachRequest {
  link: BpfLink | null;
  newProg: BpfProg | null;
  oldProg: BpfProg | null;
  flags: number;
  pid: number;
  comm: string;
}

/** `dev_xdp_attach`: the checks, then the slot takes the link or the program. */
export function devXdpAttach(k: KernelState, dev: NetDev, req: XdpAttachRequest): void {
  const fn = 'dev_xdp_attach';
  const { link, flags } = req;
  if (link && flags & ~XDP_FLAGS_MODES) fail(Errno.EINVAL, fn, 'Invalid XDP flags for BPF link attachment');
  if (countModes(flags) > 1) fail(Errno.EINVAL, fn, 'Only one XDP mode flag can be set');
  if (!countModes(flags) && XDP_MODES.filter((m) => dev.xdp[m]).length > 1) fail(Errno.EINVAL, fn, 'More than one program loaded, unset mode is ambiguous');
  if (req.oldProg && !(flags & F.XDP_FLAGS_REPLACE)) fail(Errno.EINVAL, fn, 'XDP_FLAGS_REPLACE is not specified');
  const mode = xdpMode(dev, flags);
  const cur = dev.xdp[mode];
  if (cur?.link) fail(Errno.EBUSY, fn, "Can't replace active BPF XDP link");
  const curProg = slotProg(cur);
  if (link && curProg) fail(Errno.EBUSY, fn, "Can't replace active XDP program with BPF link");
  if (flags & F.XDP_FLAGS_REPLACE && curProg !== req.oldProg) fail(Errno.EEXIST, fn, 'Active program does not match expected');
  const newProg = link ? link.prog : req.newProg;
  if (newProg) {
    if (flags & F.XDP_FLAGS_UPDATE_IF_NOEXIST && curProg) fail(Errno.EBUSY, fn, 'XDP program already attached');
    const other: XdpMode = mode === 'skb' ? 'drv' : 'skb';
    if (mode !== 'hw' && dev.xdp[other]) fail(Errno.EEXIST, fn, "Native and generic XDP can't be active at the same time");
    const eat = BPF_ATTACH_TYPE[newProg.expectedAttachType];
    if (eat === 'BPF_XDP_DEVMAP' || eat === 'BPF_XDP_CPUMAP') fail(Errno.EINVAL, fn, `${eat} programs can not be attached to a device`);
  }
  if (newProg !== curProg) {
    if (mode !== 'skb' && !dev.ndoBpf) fail(Errno.EOPNOTSUPP, fn, 'Underlying driver does not support XDP in native mode');
    if (mode === 'hw') fail(Errno.EINVAL, 'veth_xdp', `${dev.name} cannot offload XDP programs to hardware`);
  }
  // Success.
  if (link) {
    dev.xdp[mode] = { link, legacy: null };
    link.attached = true;
    if (k.keepLog) k.emit('attach', 'dev_xdp_attach_link', `${describe(link)}: prog ${link.prog.id} attached to ${dev.name} in ${modeLabel(mode)} mode`, { obj: linkKey(link) });
  } else if (req.newProg) {
    const prog = req.newProg;
    prog.refcnt++;
    if (k.keepLog) k.ref(`prog#${prog.oid}`, 'refcnt', prog.refcnt - 1, prog.refcnt, 'dev_xdp_set_prog', `${describe(prog)}: refcnt +1, held by ${dev.name} (owned by no file)`);
    const legacy: LegacyAttachment = { kind: 'legacy', oid: k.oid(), prog, attacherPid: req.pid, attacherComm: req.comm, target: { kind: 'xdp', dev, mode } };
    k.legacy.set(legacy.oid, legacy);
    if (cur?.legacy) k.legacy.delete(cur.legacy.oid);
    dev.xdp[mode] = { link: null, legacy };
    if (k.keepLog) k.emit('attach', 'dev_xdp_set_prog', `prog ${prog.id} attached to ${dev.name} in ${modeLabel(mode)} mode through netlink: no file owns this attachment`, { obj: `legacy#${legacy.oid}` });
  } else {
    if (cur?.legacy) k.legacy.delete(cur.legacy.oid);
    dev.xdp[mode] = null;
    if (k.keepLog) k.emit('detach', 'dev_xdp_set_prog', curProg ? `prog ${curProg.id} detached from ${dev.name} (${modeLabel(mode)})` : `nothing attached to ${dev.name} in ${modeLabel(mode)} mode: nothing to do`);
  }
  if (curProg && !link) progPut(k, curProg, 'dev_xdp_attach', `replaced on ${dev.name}`);
}

/** `bpf_xdp_link_release` / detach: empty the slot; the link keeps its program. */
export function xdpLinkRelease(k: KernelState, link: BpfLink, fn: string): void {
  const t = link.target;
  if (t.kind !== 'xdp' || !t.dev) return;
  const dev = t.dev;
  if (dev.xdp[t.mode]?.link === link) dev.xdp[t.mode] = null;
  t.dev = null;
  link.attached = false;
  if (k.keepLog) k.emit('detach', fn, `${describe(link)}: prog ${link.prog.id} detached from ${t.ifname} (${modeLabel(t.mode)})`, { obj: linkKey(link) });
}

/** Device unregistration (`dev_xdp_uninstall`): links go defunct, netlink programs are put. */
export function unregisterNetDev(k: KernelState, dev: NetDev): void {
  dev.dead = true;
  k.netdevs.delete(dev.ifindex);
  if (k.keepLog) k.emit('note', 'unregister_netdevice', `device ${dev.name} (ifindex ${dev.ifindex}) is unregistered`);
  // dev_tcx_uninstall, then dev_xdp_uninstall (unregister_netdevice_many_notify)
  tcxUninstall(k, dev, true);
  tcxUninstall(k, dev, false);
  for (const mode of XDP_MODES) {
    const s = dev.xdp[mode];
    if (!s) continue;
    dev.xdp[mode] = null;
    if (s.link) {
      if (s.link.target.kind === 'xdp') s.link.target.dev = null;
      s.link.attached = false;
      if (k.keepLog) k.emit('detach', 'dev_xdp_uninstall', `${dev.name} is gone: ${describe(s.link)} is auto-detached; it lives on (defunct) while fds or pins hold it`, { obj: linkKey(s.link) });
    } else {
      k.legacy.delete(s.legacy.oid);
      if (k.keepLog) k.emit('detach', 'dev_xdp_uninstall', `${dev.name} is gone: its netlink XDP program ${s.legacy.prog.id} is released`);
      progPut(k, s.legacy.prog, 'dev_xdp_uninstall', `device ${dev.name} was removed`);
    }
  }
}

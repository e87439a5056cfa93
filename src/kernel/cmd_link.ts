/**
 * The link commands: `BPF_RAW_TRACEPOINT_OPEN`, `BPF_LINK_CREATE`, `BPF_LINK_UPDATE`,
 * `BPF_LINK_DETACH` (kernel/bpf/syscall.c `bpf_raw_tracepoint_open`, `link_create`,
 * `link_update`, `link_detach`).
 */
import { checkAttr, enumField, fdField, flagsField, strField, subAttr, u32, u64, type FieldSpec } from './attr';
import { TRACEPOINTS, hasOwn } from './btf';
import type { BpfAttr } from './call';
import { Errno } from './errno';
import { fget } from './fdtable';
import { rawTpAttach, tracingAttach } from './link';
import type { BpfLink, BpfProg, Process } from './objects';
import { anchorResolver, cgroupFromFd, mprogAttachKind, NO_NETKIT } from './cmd_attach';
import { cgroupAttachInfo, cgroupBpfAttach, cgroupLinkRelease, cgroupPath, cgroupRevision } from './cgroup';
import { createLink } from './link';
import { devXdpAttach, xdpLinkRelease, xdpMode } from './netdev';
import { progPut } from './refs';
import { tcxLinkAttach, tcxLinkRelease, tcxLinkUpdate } from './tcx';
import { bpfIterLinkAttach, iterLinkReplace } from './iter';
import { describe, fail, linkKey, progKey, type KernelState } from './state';
import { BPF_ATTACH_TYPE, BPF_LINK_TYPE, BPF_PROG_TYPE, FLAG_VALUES } from './uapi';

const T = (name: string): number => BPF_PROG_TYPE.indexOf(name as (typeof BPF_PROG_TYPE)[number]);
const A = (name: string): number => BPF_ATTACH_TYPE.indexOf(name as (typeof BPF_ATTACH_TYPE)[number]);
const L = (name: string): number => BPF_LINK_TYPE.indexOf(name as (typeof BPF_LINK_TYPE)[number]);
const CGROUP_PROG_TYPES = new Set(['BPF_PROG_TYPE_CGROUP_SKB', 'BPF_PROG_TYPE_CGROUP_SOCK', 'BPF_PROG_TYPE_CGROUP_SOCK_ADDR',
  'BPF_PROG_TYPE_SOCK_OPS', 'BPF_PROG_TYPE_CGROUP_DEVICE', 'BPF_PROG_TYPE_CGROUP_SYSCTL', 'BPF_PROG_TYPE_CGROUP_SOCKOPT']);
const EAT_MUST_MATCH = new Set(['BPF_PROG_TYPE_CGROUP_SOCK', 'BPF_PROG_TYPE_CGROUP_SOCK_ADDR', 'BPF_PROG_TYPE_CGROUP_SOCKOPT', 'BPF_PROG_TYPE_SK_LOOKUP']);

/** `bpf_prog_get(fd)`: EBADF for an empty slot, EINVAL for a file that is not a program. */
export function progFromFd(p: Process, fd: number, fn = '__bpf_prog_get'): BpfProg {
  const f = fget(p, fd);
  if (!f) fail(Errno.EBADF, fn, `pid ${p.pid} has no fd ${fd}`);
  if (f.target.kind !== 'prog') fail(Errno.EINVAL, fn, `fd ${fd} is not a BPF program`);
  return f.target;
}

/** `bpf_prog_get_type(fd, type)`: `bpf_prog_get`, then EINVAL for another program type. */
export function progOfType(p: Process, fd: number, progType: string): BpfProg {
  const prog = progFromFd(p, fd, 'bpf_prog_get_type');
  if (BPF_PROG_TYPE[prog.type] !== progType) fail(Errno.EINVAL, 'bpf_prog_get_type', `fd ${fd} is a ${BPF_PROG_TYPE[prog.type]} program, ${progType} is needed`);
  return prog;
}

/** `bpf_link_get_from_fd(fd)`: EBADF for an empty slot, EINVAL for a file that is not a link. */
export function linkFromFd(p: Process, fd: number): BpfLink {
  const f = fget(p, fd);
  if (!f) fail(Errno.EBADF, 'bpf_link_get_from_fd', `pid ${p.pid} has no fd ${fd}`);
  if (f.target.kind !== 'link' || !f.target.isLink) fail(Errno.EINVAL, 'bpf_link_get_from_fd', `fd ${fd} is not a bpf_link`);
  return f.target;
}

export const RAW_TP_FIELDS: readonly FieldSpec[] = [{ name: 'name' }, { name: 'prog_fd' }, { name: 'cookie', since: 610 }];

export function bpfRawTracepointOpen(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_RAW_TRACEPOINT_OPEN', attr, RAW_TP_FIELDS);
  const prog = progFromFd(p, fdField(attr, 'prog_fd'));
  const cookie = u64(attr, 'cookie');
  const fn = 'bpf_raw_tp_link_attach';
  const type = prog.type;
  if (type === T('BPF_PROG_TYPE_TRACING') || type === T('BPF_PROG_TYPE_EXT') || type === T('BPF_PROG_TYPE_LSM')) {
    if (attr.name !== undefined && attr.name !== null)
      fail(Errno.EINVAL, fn, `${BPF_PROG_TYPE[type]} programs name their target at load time: raw_tracepoint.name must be NULL`);
    if (type === T('BPF_PROG_TYPE_TRACING') && prog.expectedAttachType === A('BPF_TRACE_RAW_TP'))
      return rawTpAttach(k, p, prog, prog.attachFunc!, cookie, true);
    return tracingAttach(k, p, prog, 0, 0, 0); // bpf_tracing_prog_attach(prog, 0, 0, 0): the cookie is not passed
  }
  if (type !== T('BPF_PROG_TYPE_RAW_TRACEPOINT') && type !== T('BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE'))
    fail(Errno.EINVAL, fn, `${BPF_PROG_TYPE[type]} programs cannot be attached to a raw tracepoint`);
  const name = strField(attr, 'name');
  if (name === null) fail(Errno.EFAULT, 'strncpy_from_user', 'raw_tracepoint.name is NULL');
  const tp = name.slice(0, 127);
  return rawTpAttach(k, p, prog, tp, cookie, hasOwn(TRACEPOINTS, tp));
}

export const LINK_CREATE_FIELDS: readonly FieldSpec[] = [
  { name: 'prog_fd' }, { name: 'target_fd' }, { name: 'target_ifindex' }, { name: 'attach_type' }, { name: 'flags' },
  { name: 'target_btf_id', since: 510 }, { name: 'iter_info', since: 509 }, { name: 'iter_info_len', since: 509 },
  { name: 'perf_event', since: 515 }, { name: 'kprobe_multi', since: 518 }, { name: 'tracing', since: 519 },
  { name: 'netfilter', since: 604 }, { name: 'tcx', since: 606 }, { name: 'uprobe_multi', since: 606 },
  { name: 'netkit', since: 607 }, { name: 'cgroup', since: 617 },
];

/** `attach_type_to_prog_type` for the attach types of the core link types. */
function progTypeOfAttachType(at: number): number {
  const n = BPF_ATTACH_TYPE[at];
  if (n === 'BPF_TRACE_RAW_TP' || n === 'BPF_TRACE_FENTRY' || n === 'BPF_TRACE_FEXIT' || n === 'BPF_MODIFY_RETURN' || n === 'BPF_TRACE_ITER')
    return T('BPF_PROG_TYPE_TRACING');
  if (n === 'BPF_LSM_MAC' || n === 'BPF_LSM_CGROUP') return T('BPF_PROG_TYPE_LSM');
  return -1;
}

/** `cgroup_bpf_link_attach`. */
function cgroupLinkAttach(k: KernelState, p: Process, prog: BpfProg, attachType: number, flags: number, attr: BpfAttr): number {
  const F = FLAG_VALUES;
  const mask = k.since(617) ? F.BPF_F_ID | F.BPF_F_BEFORE | F.BPF_F_AFTER | F.BPF_F_PREORDER | F.BPF_F_LINK : k.since(615) ? F.BPF_F_PREORDER : 0;
  if (flags & ~mask) fail(Errno.EINVAL, 'cgroup_bpf_link_attach', `flags 0x${flags.toString(16)} are not taken by cgroup links (a link is always BPF_F_ALLOW_MULTI)`);
  const cg = cgroupFromFd(k, p, fdField(attr, 'target_fd'));
  const sub = subAttr(attr, 'cgroup');
  const target = { kind: 'cgroup' as const, cgroup: cg, path: cgroupPath(k, cg), attachType };
  return createLink(k, p, prog, L('BPF_LINK_TYPE_CGROUP'), attachType, target, 0, undefined, (l) => cgroupBpfAttach(k, cg, {
    prog: null, link: l, replaceProg: null, atype: attachType, flags: F.BPF_F_ALLOW_MULTI | flags,
    anchor: anchorResolver(k, p, flags, fdField(sub, 'relative_fd'), u32(sub, 'relative_id'), true),
    revision: u32(sub, 'expected_revision'), pid: p.pid, comm: p.comm,
  }));
}

/** `bpf_xdp_link_attach`. */
function xdpLinkAttach(k: KernelState, p: Process, prog: BpfProg, flags: number, attr: BpfAttr): number {
  const ifindex = u32(attr, 'target_ifindex') || u32(attr, 'target_fd');
  const dev = k.netdevs.get(ifindex);
  if (!dev) fail(Errno.EINVAL, 'bpf_xdp_link_attach', `no network device with ifindex ${ifindex}`);
  const target = { kind: 'xdp' as const, dev, ifname: dev.name, mode: xdpMode(dev, flags) };
  return createLink(k, p, prog, L('BPF_LINK_TYPE_XDP'), A('BPF_XDP'), target, 0, undefined,
    (l) => devXdpAttach(k, dev, { link: l, newProg: null, oldProg: null, flags, pid: p.pid, comm: p.comm }));
}

export function bpfLinkCreate(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_LINK_CREATE', attr, LINK_CREATE_FIELDS);
  const attachType = enumField(attr, 'attach_type', BPF_ATTACH_TYPE);
  const flags = flagsField(attr, 'flags');
  const prog = progFromFd(p, fdField(attr, 'prog_fd'));
  const fn = 'link_create';
  const type = prog.type;
  const typeName = BPF_PROG_TYPE[type] ?? '';
  if (EAT_MUST_MATCH.has(typeName) && prog.expectedAttachType !== attachType)
    fail(Errno.EINVAL, 'bpf_prog_attach_check_attach_type', `prog ${prog.id} was loaded for ${BPF_ATTACH_TYPE[prog.expectedAttachType]}, not ${BPF_ATTACH_TYPE[attachType] ?? attachType}`);
  if (CGROUP_PROG_TYPES.has(typeName)) {
    if (cgroupAttachInfo(k, attachType)?.progType !== typeName)
      fail(Errno.EINVAL, 'attach_type_to_prog_type', `attach type ${BPF_ATTACH_TYPE[attachType] ?? attachType} does not take ${typeName} programs`);
    return cgroupLinkAttach(k, p, prog, attachType, flags, attr);
  }
  if (typeName === 'BPF_PROG_TYPE_XDP') {
    if (!k.since(509)) fail(Errno.EINVAL, fn, 'XDP links come in 5.9: before that XDP programs are attached through netlink');
    if (attachType !== A('BPF_XDP')) fail(Errno.EINVAL, 'attach_type_to_prog_type', `attach type ${BPF_ATTACH_TYPE[attachType] ?? attachType} does not take XDP programs`);
    return xdpLinkAttach(k, p, prog, flags, attr);
  }
  if (typeName === 'BPF_PROG_TYPE_SCHED_CLS' && k.since(606)) {
    // bpf_prog_attach_check_attach_type: SCHED_CLS links are tcx or netkit ones
    const kind = mprogAttachKind(k, attachType);
    if (!kind) fail(Errno.EINVAL, 'bpf_prog_attach_check_attach_type', `SCHED_CLS programs link with BPF_TCX_INGRESS or BPF_TCX_EGRESS, not ${BPF_ATTACH_TYPE[attachType] ?? attachType}`);
    if (kind === 'netkit') fail(Errno.EINVAL, 'netkit_link_attach', NO_NETKIT);
    return tcxLinkAttach(k, p, prog, attachType, kind === 'ingress', flags, attr);
  }
  const isTracing = type === T('BPF_PROG_TYPE_TRACING') || type === T('BPF_PROG_TYPE_LSM');
  if (!isTracing) {
    if (type === T('BPF_PROG_TYPE_RAW_TRACEPOINT'))
      fail(Errno.EINVAL, 'bpf_prog_attach_check_attach_type', 'raw tracepoint programs are attached with BPF_RAW_TRACEPOINT_OPEN, not BPF_LINK_CREATE');
    fail(Errno.EINVAL, fn, `the model does not attach ${BPF_PROG_TYPE[type]} programs with BPF_LINK_CREATE`);
  }
  if (progTypeOfAttachType(attachType) !== type)
    fail(Errno.EINVAL, 'attach_type_to_prog_type', `attach type ${BPF_ATTACH_TYPE[attachType] ?? attachType} does not belong to ${BPF_PROG_TYPE[type]} programs`);
  if (!k.since(519) && attachType !== A('BPF_TRACE_ITER'))
    fail(Errno.EINVAL, 'tracing_bpf_link_attach', 'before 5.19 BPF_LINK_CREATE does not attach fentry/fexit/fmod_ret/lsm/tp_btf programs (libbpf falls back to BPF_RAW_TRACEPOINT_OPEN)');
  if (attachType !== prog.expectedAttachType)
    fail(Errno.EINVAL, fn, `attach_type ${BPF_ATTACH_TYPE[attachType]} differs from the program's expected_attach_type ${BPF_ATTACH_TYPE[prog.expectedAttachType]}`);
  const tracing = subAttr(attr, 'tracing');
  const cookie = u64(tracing, 'cookie');
  if (attachType === A('BPF_TRACE_RAW_TP')) return rawTpAttach(k, p, prog, prog.attachFunc!, cookie, true);
  if (attachType === A('BPF_TRACE_ITER')) return bpfIterLinkAttach(k, p, prog, attachType, attr);
  if (attachType === A('BPF_LSM_CGROUP')) fail(Errno.EINVAL, fn, 'BPF_LSM_CGROUP is not modelled');
  const targetBtfId = u32(attr, 'target_btf_id') || u32(tracing, 'target_btf_id');
  return tracingAttach(k, p, prog, fdField(attr, 'target_fd'), targetBtfId, cookie);
}

export const LINK_UPDATE_FIELDS: readonly FieldSpec[] = [{ name: 'link_fd' }, { name: 'new_prog_fd' }, { name: 'flags' }, { name: 'old_prog_fd' }, { name: 'new_map_fd', since: 604 }, { name: 'old_map_fd', since: 604 }];

export function bpfLinkUpdate(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_LINK_UPDATE', attr, LINK_UPDATE_FIELDS);
  const flags = flagsField(attr, 'flags');
  if (flags & ~FLAG_VALUES.BPF_F_REPLACE) fail(Errno.EINVAL, 'link_update', 'flags other than BPF_F_REPLACE');
  const link = linkFromFd(p, fdField(attr, 'link_fd'));
  const newProg = progFromFd(p, fdField(attr, 'new_prog_fd'));
  let oldProg: BpfProg | null = null;
  if (flags & FLAG_VALUES.BPF_F_REPLACE) oldProg = progFromFd(p, fdField(attr, 'old_prog_fd'));
  else if (fdField(attr, 'old_prog_fd')) fail(Errno.EINVAL, 'link_update', 'old_prog_fd is only read with BPF_F_REPLACE');
  const t = link.target;
  if (t.kind === 'tcx') return tcxLinkUpdate(k, p, link, newProg, oldProg);
  if (t.kind === 'iter') return iterLinkReplace(k, link, newProg, oldProg);
  if (t.kind !== 'cgroup' && t.kind !== 'xdp')
    fail(Errno.EINVAL, 'link_update', `${t.kind === 'tracepoint' ? 'raw tracepoint' : 'tracing'} links have no update_prog operation`);
  const fn = t.kind === 'cgroup' ? 'cgroup_bpf_replace' : 'bpf_xdp_link_update';
  if (t.kind === 'cgroup' ? !t.cgroup : !t.dev) fail(Errno.ENOLINK, fn, `${describe(link)} is detached`);
  if (oldProg && link.prog !== oldProg) fail(Errno.EPERM, fn, `${describe(link)} runs prog ${link.prog.id}, not prog ${oldProg.id}`);
  if (link.prog.type !== newProg.type || (t.kind === 'xdp' && link.prog.expectedAttachType !== newProg.expectedAttachType))
    fail(Errno.EINVAL, fn, `prog ${newProg.id} is a ${BPF_PROG_TYPE[newProg.type]} program; the link needs ${BPF_PROG_TYPE[link.prog.type]}${t.kind === 'xdp' ? ' with the same expected_attach_type' : ''}`);
  if (t.kind === 'xdp' && link.prog === newProg) return 0;
  if (t.kind === 'cgroup') {
    const cg = t.cgroup!;
    if (!cg.progs.get(t.attachType)?.some((e) => e.link === link)) fail(Errno.ENOENT, '__cgroup_bpf_replace', 'the link is not in the cgroup list');
    cg.revisions.set(t.attachType, cgroupRevision(cg, t.attachType) + 1);
  }
  const old = link.prog;
  newProg.refcnt++;
  if (k.keepLog) k.ref(progKey(newProg), 'refcnt', newProg.refcnt - 1, newProg.refcnt, 'bpf_prog_get', `${describe(newProg)}: refcnt +1, now held by ${describe(link)}`);
  link.prog = newProg;
  if (k.keepLog) k.emit('attach', fn, `${describe(link)} now runs prog ${newProg.id} instead of prog ${old.id}`, { obj: linkKey(link) });
  progPut(k, old, fn, `replaced in ${describe(link)}`);
  return 0;
}

export function bpfLinkDetach(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_LINK_DETACH', attr, [{ name: 'link_fd' }]);
  const link = linkFromFd(p, fdField(attr, 'link_fd'));
  const t = link.target;
  if (t.kind === 'cgroup') {
    if (t.cgroup) cgroupLinkRelease(k, link, 'bpf_cgroup_link_detach');
    else k.emit('note', 'bpf_cgroup_link_detach', `${describe(link)} is already detached: nothing to do`, { obj: linkKey(link) });
    return 0;
  }
  if (t.kind === 'tcx') {
    tcxLinkRelease(k, link, 'tcx_link_detach');
    return 0;
  }
  if (t.kind === 'xdp') {
    if (t.dev) xdpLinkRelease(k, link, 'bpf_xdp_link_detach');
    else k.emit('note', 'bpf_xdp_link_detach', `${describe(link)} is already detached: nothing to do`, { obj: linkKey(link) });
    return 0;
  }
  return fail(Errno.EOPNOTSUPP, 'link_detach', `${t.kind === 'tracepoint' ? 'raw tracepoint' : t.kind === 'iter' ? 'iterator' : 'tracing'} links have no detach operation: close every fd and unpin to ${t.kind === 'iter' ? 'free it' : 'detach'}`);
}

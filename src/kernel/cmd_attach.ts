/**
 * The attachments that no file owns, and how to find them: `BPF_PROG_ATTACH`,
 * `BPF_PROG_DETACH`, `BPF_PROG_QUERY` (kernel/bpf/syscall.c `bpf_prog_attach`,
 * `bpf_prog_detach`, `bpf_prog_query`; kernel/bpf/cgroup.c), and the netlink XDP attach
 * that `ip link set dev DEV xdp ...` performs (net/core/dev.c `dev_change_xdp_fd`).
 */
import { checkAttr, enumField, fdField, flagsField, putUser, u32, type FieldSpec } from './attr';
import type { BpfAttr } from './call';
import { cgroupAttachInfo, cgroupBpfAttach, cgroupBpfDetachProg, cgroupMode, cgroupRevision, effectiveEntries, entryProg, type Cgroup, type CgroupAnchor } from './cgroup';
import { progFromFd, progOfType, linkFromFd } from './cmd_link';
import { Errno } from './errno';
import { fget, findProcess } from './fdtable';
import { devXdpAttach, XDP_FLAGS_MASK, XDP_FLAGS_MODES } from './netdev';
import { tcxProgAttach, tcxProgDetach, tcxProgQuery } from './tcx';
import type { BpfProg, Process } from './objects';
import { fail, type KernelState } from './state';
import { BPF_ATTACH_TYPE, FLAG_VALUES } from './uapi';

const F = FLAG_VALUES;
const ATTACH_MASK = F.BPF_F_ALLOW_OVERRIDE | F.BPF_F_ALLOW_MULTI | F.BPF_F_REPLACE;

/** `cgroup_get_from_fd`: a cgroup v2 directory fd. */
export function cgroupFromFd(k: KernelState, p: Process, fd: number): Cgroup {
  const f = fget(p, fd);
  if (!f) fail(Errno.EBADF, 'cgroup_get_from_fd', `pid ${p.pid} has no fd ${fd}`);
  const cg = f.target.kind === 'dir' ? f.target.inode.cgroup : undefined;
  if (!cg) fail(Errno.EBADF, 'cgroup_get_from_fd', `fd ${fd} is not a cgroup v2 directory`);
  if (cg.dead) fail(Errno.ENOENT, 'cgroup_get_from_fd', 'the cgroup has been removed');
  void k;
  return cg;
}

/** The attach flags a release knows for cgroups. */
function cgroupFlagMask(k: KernelState): number {
  let m = ATTACH_MASK;
  if (k.since(615)) m |= F.BPF_F_PREORDER;
  if (k.since(617)) m |= F.BPF_F_BEFORE | F.BPF_F_AFTER | F.BPF_F_ID | F.BPF_F_LINK;
  return m;
}

/** Anchor lookup for BPF_F_BEFORE/AFTER (6.17): by id with BPF_F_ID, else by fd. */
export function anchorResolver(k: KernelState, p: Process, flags: number, relFd: number, relId: number, forLink: boolean): (() => CgroupAnchor) | null {
  const isLink = (flags & F.BPF_F_LINK) !== 0;
  const byId = (flags & F.BPF_F_ID) !== 0;
  if (!isLink && !byId && !relFd) return null;
  return () => {
    if (isLink !== forLink) fail(Errno.EINVAL, 'get_prog_list', forLink ? 'a link is anchored on a link (BPF_F_LINK)' : 'a program is anchored on a program, not on a link');
    if (forLink) {
      if (byId) {
        const l = k.linkIdr.find(relId);
        if (!l) fail(Errno.ENOENT, 'get_prog_list', `no link with id ${relId}`);
        return { link: l };
      }
      return { link: linkFromFd(p, relFd) };
    }
    if (byId) {
      const pr = k.progIdr.find(relId);
      if (!pr) fail(Errno.ENOENT, 'get_prog_list', `no program with id ${relId}`);
      return { prog: pr };
    }
    return { prog: progFromFd(p, relFd) };
  };
}

/** `BPF_F_ATTACH_MASK_MPROG`: the flags of a multi-program (tcx) attach or detach. */
const MPROG_MASK = F.BPF_F_REPLACE | F.BPF_F_BEFORE | F.BPF_F_AFTER | F.BPF_F_ID | F.BPF_F_LINK;

/** The tcx (6.6) and netkit (6.7) attach types: SCHED_CLS programs, `bpf_mprog_supported`.
 * 'ingress' / 'egress' for tcx; 'netkit' for a netkit one, which this kernel refuses as a
 * kernel built without CONFIG_NETKIT does (the modelled machine has no netkit devices). */
export function mprogAttachKind(k: KernelState, atype: number): 'ingress' | 'egress' | 'netkit' | null {
  const name = BPF_ATTACH_TYPE[atype];
  if (k.since(606) && name === 'BPF_TCX_INGRESS') return 'ingress';
  if (k.since(606) && name === 'BPF_TCX_EGRESS') return 'egress';
  if (k.since(607) && (name === 'BPF_NETKIT_PRIMARY' || name === 'BPF_NETKIT_PEER')) return 'netkit';
  return null;
}

export const NO_NETKIT = 'this kernel has no netkit devices (built without CONFIG_NETKIT)';

/** `bpf_prog_attach` for tcx and netkit: the flags, the program (SCHED_CLS), then the list. */
function mprogProgAttach(k: KernelState, p: Process, attr: BpfAttr, kind: 'ingress' | 'egress' | 'netkit', flags: number): number {
  if (flags & ~MPROG_MASK) fail(Errno.EINVAL, 'bpf_prog_attach', `attach_flags 0x${flags.toString(16)}: tcx takes only BPF_F_REPLACE, BPF_F_BEFORE, BPF_F_AFTER, BPF_F_ID and BPF_F_LINK`);
  const prog = progOfType(p, fdField(attr, 'attach_bpf_fd'), 'BPF_PROG_TYPE_SCHED_CLS');
  if (kind === 'netkit') fail(Errno.EINVAL, 'netkit_prog_attach', NO_NETKIT);
  return tcxProgAttach(k, p, attr, prog, kind === 'ingress', flags);
}

export const PROG_ATTACH_FIELDS: readonly FieldSpec[] = [
  { name: 'target_fd' }, { name: 'target_ifindex', since: 606 }, { name: 'attach_bpf_fd' }, { name: 'attach_type' },
  { name: 'attach_flags' }, { name: 'replace_bpf_fd' }, { name: 'relative_fd', since: 606 }, { name: 'relative_id', since: 606 },
  { name: 'expected_revision', since: 606 },
];

/** `attach_type_to_prog_type` for attach types that have a program type but no
 * BPF_PROG_ATTACH in the model (the release each came in, approximately). */
const OTHER_ATTACH: Readonly<Record<string, { progType: string; since: number }>> = {
  BPF_XDP: { progType: 'BPF_PROG_TYPE_XDP', since: 509 },
  BPF_SK_LOOKUP: { progType: 'BPF_PROG_TYPE_SK_LOOKUP', since: 509 },
  BPF_TRACE_ITER: { progType: 'BPF_PROG_TYPE_TRACING', since: 508 },
  ...Object.fromEntries(['BPF_TRACE_RAW_TP', 'BPF_TRACE_FENTRY', 'BPF_TRACE_FEXIT', 'BPF_MODIFY_RETURN']
    .map((n) => [n, { progType: 'BPF_PROG_TYPE_TRACING', since: 600 }])),
  BPF_LSM_MAC: { progType: 'BPF_PROG_TYPE_LSM', since: 600 },
};

/**
 * `bpf_prog_attach` for an attach type the model does not attach this way: one with no
 * program type is -EINVAL at once; one with a program type (BPF_XDP, the tracing ones, ...)
 * has its flags checked (LSM as a cgroup type, because of BPF_LSM_CGROUP), then its program
 * looked up by type (-EBADF / -EINVAL), and only then is refused (-EINVAL), as 6.18 does.
 */
function nonCgroupProgAttach(k: KernelState, p: Process, attr: BpfAttr, atype: number, flags: number): number {
  const fn = 'bpf_prog_attach';
  const name = BPF_ATTACH_TYPE[atype] ?? String(atype);
  const other = OTHER_ATTACH[name];
  if (!other || !k.since(other.since)) fail(Errno.EINVAL, fn, `attach type ${name} has no program type for BPF_PROG_ATTACH`);
  if (other.progType === 'BPF_PROG_TYPE_LSM' && k.since(617)) {
    if (flags & ~cgroupFlagMask(k)) fail(Errno.EINVAL, fn, `attach_flags 0x${flags.toString(16)} are not taken here`);
  } else {
    const base = F.BPF_F_ALLOW_OVERRIDE | F.BPF_F_ALLOW_MULTI | F.BPF_F_REPLACE | (k.since(615) ? F.BPF_F_PREORDER : 0);
    if (flags & ~base) fail(Errno.EINVAL, fn, `attach_flags 0x${flags.toString(16)} are not taken for ${name}`);
    if (u32(attr, 'relative_fd') || u32(attr, 'relative_id') || u32(attr, 'expected_revision'))
      fail(Errno.EINVAL, fn, `${name} takes no relative_fd, relative_id or expected_revision`);
  }
  progOfType(p, fdField(attr, 'attach_bpf_fd'), other.progType);
  return fail(Errno.EINVAL, fn, name === 'BPF_XDP'
    ? 'XDP programs are attached through netlink or with BPF_LINK_CREATE, not with BPF_PROG_ATTACH'
    : `${name} programs are not attached with BPF_PROG_ATTACH${other.progType === 'BPF_PROG_TYPE_LSM' ? ' (only BPF_LSM_CGROUP ones are)' : ''}`);
}

export function bpfProgAttach(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_PROG_ATTACH', attr, PROG_ATTACH_FIELDS);
  const atype = enumField(attr, 'attach_type', BPF_ATTACH_TYPE);
  const flags = flagsField(attr, 'attach_flags');
  const mprog = mprogAttachKind(k, atype);
  if (mprog) return mprogProgAttach(k, p, attr, mprog, flags);
  const info = cgroupAttachInfo(k, atype);
  if (!info) return nonCgroupProgAttach(k, p, attr, atype, flags);
  if (flags & ~cgroupFlagMask(k)) fail(Errno.EINVAL, 'bpf_prog_attach', `attach_flags 0x${flags.toString(16)} has bits this release does not take for cgroups`);
  // 6.6 to 6.16: relative_fd/relative_id (one union) and expected_revision are tcx-only.
  if (!k.since(617) && (u32(attr, 'relative_fd') || u32(attr, 'relative_id') || u32(attr, 'expected_revision')))
    fail(Errno.EINVAL, 'bpf_prog_attach', 'before 6.17 cgroups take no relative_fd, relative_id or expected_revision');
  const prog = progOfType(p, fdField(attr, 'attach_bpf_fd'), info.progType);
  if (info.eatMustMatch && prog.expectedAttachType !== atype)
    fail(Errno.EINVAL, 'bpf_prog_attach_check_attach_type', `prog ${prog.id} was loaded for ${BPF_ATTACH_TYPE[prog.expectedAttachType]}, not ${BPF_ATTACH_TYPE[atype]}`);
  const cg = cgroupFromFd(k, p, fdField(attr, 'target_fd'));
  let replaceProg: BpfProg | null = null;
  if (flags & F.BPF_F_ALLOW_MULTI && flags & F.BPF_F_REPLACE) replaceProg = progOfType(p, fdField(attr, 'replace_bpf_fd'), info.progType);
  cgroupBpfAttach(k, cg, {
    prog, link: null, replaceProg, atype, flags,
    anchor: anchorResolver(k, p, flags, fdField(attr, 'relative_fd'), u32(attr, 'relative_id'), false),
    revision: u32(attr, 'expected_revision'), pid: p.pid, comm: p.comm,
  });
  return 0;
}

export function bpfProgDetach(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_PROG_DETACH', attr, PROG_ATTACH_FIELDS);
  const atype = enumField(attr, 'attach_type', BPF_ATTACH_TYPE);
  const mprog = mprogAttachKind(k, atype);
  if (mprog) {
    const flags = flagsField(attr, 'attach_flags');
    if (flags & ~MPROG_MASK) fail(Errno.EINVAL, 'bpf_prog_detach', `attach_flags 0x${flags.toString(16)}: tcx takes only BPF_F_REPLACE, BPF_F_BEFORE, BPF_F_AFTER, BPF_F_ID and BPF_F_LINK`);
    const fd = fdField(attr, 'attach_bpf_fd');
    const prog = fd ? progOfType(p, fd, 'BPF_PROG_TYPE_SCHED_CLS') : null;
    if (mprog === 'netkit') fail(Errno.EINVAL, 'netkit_prog_detach', NO_NETKIT);
    return tcxProgDetach(k, p, attr, prog, mprog === 'ingress', flags);
  }
  const info = cgroupAttachInfo(k, atype);
  if (!info) fail(Errno.EINVAL, 'bpf_prog_detach', `the model detaches only cgroup programs with BPF_PROG_DETACH; ${BPF_ATTACH_TYPE[atype] ?? atype} is not one`);
  if (flagsField(attr, 'attach_flags') || u32(attr, 'relative_fd') || u32(attr, 'relative_id')) fail(Errno.EINVAL, 'bpf_prog_detach', 'attach_flags and relative_fd must be 0');
  if (!k.since(617) && u32(attr, 'expected_revision')) fail(Errno.EINVAL, 'bpf_prog_detach', 'before 6.17 cgroups take no expected_revision');
  const cg = cgroupFromFd(k, p, fdField(attr, 'target_fd'));
  let prog: BpfProg | null;
  try {
    prog = progOfType(p, fdField(attr, 'attach_bpf_fd'), info.progType);
  } catch {
    prog = null; // cgroup_bpf_prog_detach: a failed lookup means "no program"
  }
  cgroupBpfDetachProg(k, cg, prog, atype, u32(attr, 'expected_revision'));
  return 0;
}

export const PROG_QUERY_FIELDS: readonly FieldSpec[] = [
  { name: 'target_fd' }, { name: 'target_ifindex', since: 606 }, { name: 'attach_type' }, { name: 'query_flags' },
  { name: 'attach_flags', out: true }, { name: 'prog_ids', out: true }, { name: 'prog_cnt', out: true },
  { name: 'prog_attach_flags', out: true }, { name: 'link_ids', since: 606, out: true }, { name: 'link_attach_flags', since: 606 },
  { name: 'revision', since: 606, out: true },
];

export function bpfProgQuery(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_PROG_QUERY', attr, PROG_QUERY_FIELDS);
  const qflags = flagsField(attr, 'query_flags');
  if (qflags & ~F.BPF_F_QUERY_EFFECTIVE) fail(Errno.EINVAL, 'bpf_prog_query', 'query_flags other than BPF_F_QUERY_EFFECTIVE');
  const atype = enumField(attr, 'attach_type', BPF_ATTACH_TYPE);
  const mprog = mprogAttachKind(k, atype);
  if (mprog === 'netkit') fail(Errno.EINVAL, 'netkit_prog_query', NO_NETKIT);
  if (mprog) return tcxProgQuery(k, attr, mprog === 'ingress');
  if (!cgroupAttachInfo(k, atype))
    fail(Errno.EINVAL, 'bpf_prog_query', `the model answers BPF_PROG_QUERY for cgroups only${BPF_ATTACH_TYPE[atype] === 'BPF_XDP' ? ' (XDP programs are found through netlink, as ip link and bpftool net do)' : ''}`);
  const cg = cgroupFromFd(k, p, fdField(attr, 'target_fd'));
  const effective = (qflags & F.BPF_F_QUERY_EFFECTIVE) !== 0;
  if (effective && attr.prog_attach_flags) fail(Errno.EINVAL, '__cgroup_bpf_query', 'prog_attach_flags cannot be asked for in an effective query');
  const ids = (effective ? effectiveEntries(cg, atype) : cg.progs.get(atype) ?? []).map((e) => entryProg(e).id);
  // The caller's prog_cnt is the capacity of prog_ids; absent means a full-size buffer.
  const capacity = attr.prog_cnt === undefined || attr.prog_cnt === null ? 64 : u32(attr, 'prog_cnt') >>> 0;
  putUser(attr, 'attach_flags', effective ? 0 : cgroupMode(cg, atype));
  putUser(attr, 'prog_cnt', ids.length);
  if (k.since(617)) putUser(attr, 'revision', effective ? 0 : cgroupRevision(cg, atype));
  if (capacity === 0 || ids.length === 0) {
    putUser(attr, 'prog_ids', []);
    return 0;
  }
  putUser(attr, 'prog_ids', ids.slice(0, capacity));
  // prog_attach_flags (a buffer the caller passes): the cgroup's mode once per copied id,
  // whatever the entry's own flags (BPF_F_PREORDER is not reported here).
  if (!effective && attr.prog_attach_flags) putUser(attr, 'prog_attach_flags', ids.slice(0, capacity).map(() => cgroupMode(cg, atype)));
  if (capacity < ids.length) fail(Errno.ENOSPC, '__cgroup_bpf_query', `${ids.length} programs, room for ${capacity}: the first ${capacity} ids were copied`);
  return 0;
}

/** `RTM_SETLINK` with `IFLA_XDP` (`do_setlink` → `dev_change_xdp_fd`). */
export function netlinkXdpAttach(k: KernelState, pid: unknown, req: BpfAttr): number {
  const p = findProcess(k, pid);
  const flags = flagsField(req, 'flags');
  // rtnl_setlink finds the device first (ifi_index is an int: 0 or less names none, and
  // without IFLA_IFNAME that is -EINVAL), then do_setlink reads IFLA_XDP.
  const ifindex = fdField(req, 'ifindex');
  if (ifindex <= 0) fail(Errno.EINVAL, 'rtnl_setlink', `ifindex ${ifindex} names no device (and no IFLA_IFNAME was given)`);
  const dev = k.netdevs.get(ifindex);
  if (!dev) fail(Errno.ENODEV, 'rtnl_setlink', `no network device with ifindex ${ifindex}`);
  // XDP_FLAGS_REPLACE (and IFLA_XDP_EXPECTED_FD) came in 5.7: before, an unknown bit.
  const mask = k.since(507) ? XDP_FLAGS_MASK : XDP_FLAGS_MASK & ~F.XDP_FLAGS_REPLACE;
  if (flags & ~mask) fail(Errno.EINVAL, 'do_setlink', `unknown XDP flag bits 0x${(flags & ~mask).toString(16)}`);
  if ([2, 4, 8].filter((m) => flags & m).length > 1 || (flags & XDP_FLAGS_MODES) === XDP_FLAGS_MODES) fail(Errno.EINVAL, 'do_setlink', 'more than one XDP mode flag');
  // IFLA_XDP_EXPECTED_FD is read only with XDP_FLAGS_REPLACE, and then it must be there.
  const hasExpected = req.expected_fd !== undefined && req.expected_fd !== null;
  if (flags & F.XDP_FLAGS_REPLACE && !hasExpected) fail(Errno.EINVAL, 'do_setlink', 'XDP_FLAGS_REPLACE without IFLA_XDP_EXPECTED_FD');
  const progFd = req.prog_fd === undefined ? -1 : fdField(req, 'prog_fd');
  const newProg = progFd >= 0 ? progOfType(p, progFd, 'BPF_PROG_TYPE_XDP') : null;
  let oldProg: BpfProg | null = null;
  if (flags & F.XDP_FLAGS_REPLACE) {
    const expFd = fdField(req, 'expected_fd');
    if (expFd >= 0) oldProg = progOfType(p, expFd, 'BPF_PROG_TYPE_XDP');
  }
  if (k.keepLog) k.emit('call', 'do_setlink', `pid ${p.pid}: netlink RTM_SETLINK IFLA_XDP on ${dev.name} (${newProg ? `prog ${newProg.id}` : 'detach'})`, { pid: p.pid });
  devXdpAttach(k, dev, { link: null, newProg, oldProg, flags, pid: p.pid, comm: p.comm });
  return 0;
}


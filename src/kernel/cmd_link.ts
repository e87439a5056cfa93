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
import { fail, type KernelState } from './state';
import { BPF_ATTACH_TYPE, BPF_PROG_TYPE, FLAG_VALUES } from './uapi';

const T = (name: string): number => BPF_PROG_TYPE.indexOf(name as (typeof BPF_PROG_TYPE)[number]);
const A = (name: string): number => BPF_ATTACH_TYPE.indexOf(name as (typeof BPF_ATTACH_TYPE)[number]);

/** `bpf_prog_get(fd)`: EBADF for an empty slot, EINVAL for a file that is not a program. */
export function progFromFd(p: Process, fd: number, fn = '__bpf_prog_get'): BpfProg {
  const f = fget(p, fd);
  if (!f) fail(Errno.EBADF, fn, `pid ${p.pid} has no fd ${fd}`);
  if (f.target.kind !== 'prog') fail(Errno.EINVAL, fn, `fd ${fd} is not a BPF program`);
  return f.target;
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

export function bpfLinkCreate(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_LINK_CREATE', attr, LINK_CREATE_FIELDS);
  const attachType = enumField(attr, 'attach_type', BPF_ATTACH_TYPE);
  flagsField(attr, 'flags');
  const prog = progFromFd(p, fdField(attr, 'prog_fd'));
  const fn = 'link_create';
  const type = prog.type;
  const isTracing = type === T('BPF_PROG_TYPE_TRACING') || type === T('BPF_PROG_TYPE_LSM');
  if (!isTracing) {
    if (type === T('BPF_PROG_TYPE_RAW_TRACEPOINT'))
      fail(Errno.EINVAL, 'bpf_prog_attach_check_attach_type', 'raw tracepoint programs are attached with BPF_RAW_TRACEPOINT_OPEN, not BPF_LINK_CREATE');
    fail(Errno.EINVAL, fn, `the model does not attach ${BPF_PROG_TYPE[type]} programs with BPF_LINK_CREATE yet`);
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
  if (attachType === A('BPF_TRACE_ITER')) fail(Errno.EINVAL, 'bpf_iter_link_attach', 'BPF iterators are not modelled');
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
  progFromFd(p, fdField(attr, 'new_prog_fd'));
  if (flags & FLAG_VALUES.BPF_F_REPLACE) progFromFd(p, fdField(attr, 'old_prog_fd'));
  else if (fdField(attr, 'old_prog_fd')) fail(Errno.EINVAL, 'link_update', 'old_prog_fd is only read with BPF_F_REPLACE');
  return fail(Errno.EINVAL, 'link_update', `${link.target.kind === 'tracepoint' ? 'raw tracepoint' : 'tracing'} links have no update_prog operation`);
}

export function bpfLinkDetach(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_LINK_DETACH', attr, [{ name: 'link_fd' }]);
  const link = linkFromFd(p, fdField(attr, 'link_fd'));
  return fail(Errno.EOPNOTSUPP, 'link_detach', `${link.target.kind === 'tracepoint' ? 'raw tracepoint' : 'tracing'} links have no detach operation: close every fd and unpin to detach`);
}

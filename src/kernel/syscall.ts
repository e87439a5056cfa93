/**
 * The `bpf()` front door (`__sys_bpf`, kernel/bpf/syscall.c): command lookup, version
 * gates, and dispatch to the command's module.
 */
import type { BpfAttr } from './call';
import { bpfProgLoad } from './prog';
import { bpfMapCreate, bpfMapFreeze } from './map';
import { bpfLinkCreate, bpfLinkDetach, bpfLinkUpdate, bpfRawTracepointOpen } from './cmd_link';
import { bpfObjGet, bpfObjPin } from './bpffs';
import { bpfGetNextId, bpfLinkGetFdById, bpfMapGetFdById, bpfProgGetFdById } from './ids';
import { bpfObjGetInfoByFd } from './info';
import { bpfProgAttach, bpfProgDetach, bpfProgQuery } from './cmd_attach';
import { bpfIterCreate } from './iter';
import { Errno } from './errno';
import { findProcess } from './fdtable';
import type { Process } from './objects';
import { fail, show, type KernelState } from './state';
import { BPF_CMD, BPF_CMD_SINCE, type BpfCmd } from './uapi';
import { formatVersion } from './version';

type Handler = (k: KernelState, p: Process, attr: BpfAttr) => number;

const HANDLERS: Partial<Record<BpfCmd, Handler>> = {
  BPF_MAP_CREATE: bpfMapCreate,
  BPF_PROG_LOAD: bpfProgLoad,
  BPF_OBJ_PIN: bpfObjPin,
  BPF_OBJ_GET: bpfObjGet,
  BPF_PROG_GET_NEXT_ID: (k, _p, a) => bpfGetNextId(k, 'BPF_PROG_GET_NEXT_ID', a, k.progIdr),
  BPF_MAP_GET_NEXT_ID: (k, _p, a) => bpfGetNextId(k, 'BPF_MAP_GET_NEXT_ID', a, k.mapIdr),
  BPF_LINK_GET_NEXT_ID: (k, _p, a) => bpfGetNextId(k, 'BPF_LINK_GET_NEXT_ID', a, k.linkIdr),
  BPF_PROG_GET_FD_BY_ID: bpfProgGetFdById,
  BPF_MAP_GET_FD_BY_ID: bpfMapGetFdById,
  BPF_LINK_GET_FD_BY_ID: bpfLinkGetFdById,
  BPF_OBJ_GET_INFO_BY_FD: bpfObjGetInfoByFd,
  BPF_RAW_TRACEPOINT_OPEN: bpfRawTracepointOpen,
  BPF_LINK_CREATE: bpfLinkCreate,
  BPF_LINK_UPDATE: bpfLinkUpdate,
  BPF_LINK_DETACH: bpfLinkDetach,
  BPF_PROG_ATTACH: bpfProgAttach,
  BPF_PROG_DETACH: bpfProgDetach,
  BPF_PROG_QUERY: bpfProgQuery,
  BPF_ITER_CREATE: bpfIterCreate,
  BPF_MAP_FREEZE: bpfMapFreeze,
};

/** `bpf(cmd, attr)` as process `pid`. Throws SyscallError; `Kernel.apply` turns it into -errno. */
export function sysBpf(k: KernelState, pid: unknown, cmdArg: unknown, attr: unknown): number {
  const p = findProcess(k, pid);
  // __sys_bpf copies the attr in (EFAULT) before it looks at the command (EINVAL).
  if (typeof attr !== 'object' || attr === null || Array.isArray(attr))
    fail(Errno.EFAULT, 'copy_from_bpfptr', 'attr must be an object');
  const cmd = (typeof cmdArg === 'number' ? BPF_CMD[cmdArg] : BPF_CMD[BPF_CMD.indexOf(cmdArg as BpfCmd)]) as BpfCmd | undefined;
  if (!cmd) fail(Errno.EINVAL, '__sys_bpf', `unknown bpf() command ${show(cmdArg)}`);
  const since = BPF_CMD_SINCE[cmd];
  if (since && !k.since(since))
    fail(Errno.EINVAL, '__sys_bpf', `${cmd} does not exist in Linux ${formatVersion(k.version)} (it came in ${formatVersion(since)}): unknown command`);
  const h = HANDLERS[cmd];
  if (!h) fail(Errno.EINVAL, '__sys_bpf', `${cmd} is not modelled by the playground`);
  if (k.keepLog) k.emit('call', '__sys_bpf', `pid ${p.pid}: bpf(${cmd})`, { pid: p.pid });
  return h(k, p, attr as BpfAttr);
}

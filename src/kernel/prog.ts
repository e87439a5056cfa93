/**
 * `BPF_PROG_LOAD` (kernel/bpf/syscall.c `bpf_prog_load`). The model takes no
 * instructions: the attr describes the program, and the verifier is assumed to accept it.
 */
import { checkAttr, enumField, fdArray, flagsField, objName, strField, type FieldSpec } from './attr';
import { ITER_TARGETS, KERNEL_FUNCS, TRACEPOINTS, hasOwn, lsmHookFunc, modifyReturnAllowed } from './btf';
import type { BpfAttr } from './call';
import { Errno } from './errno';
import { allocFd, newFd } from './fdtable';
import { mapFromFd } from './map';
import type { Process } from './objects';
import { progTag } from './insns';
import type { BpfMap, BpfProg } from './objects';
import { mapInc } from './refs';
import { fail, progKey, show, type KernelState } from './state';
import { BPF_ATTACH_TYPE, BPF_PROG_TYPE, BPF_PROG_TYPE_SINCE, FLAG_VALUES } from './uapi';

export const PROG_LOAD_FIELDS: readonly FieldSpec[] = [
  { name: 'prog_type' }, { name: 'insn_cnt' }, { name: 'insns' }, { name: 'license' },
  { name: 'log_level' }, { name: 'log_size' }, { name: 'log_buf' }, { name: 'kern_version' },
  { name: 'prog_flags' }, { name: 'prog_name' }, { name: 'prog_ifindex' },
  { name: 'expected_attach_type' }, { name: 'attach_func_name' }, { name: 'attach_btf_id' },
  { name: 'attach_prog_fd' }, { name: 'fd_array' }, { name: 'map_fds' },
  { name: 'core_relo_cnt', since: 517 }, { name: 'log_true_size', since: 604 },
  { name: 'prog_token_fd', since: 609 },
];

const MAX_USED_MAPS = 64;
const T = (name: string): number => BPF_PROG_TYPE.indexOf(name as (typeof BPF_PROG_TYPE)[number]);
const A = (name: string): number => BPF_ATTACH_TYPE.indexOf(name as (typeof BPF_ATTACH_TYPE)[number]);

const GPL_COMPATIBLE = new Set(['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL']);
const PROG_FLAGS_MASK = 0xff | FLAG_VALUES.BPF_F_TOKEN_FD;

/** `bpf_prog_load_fixup_attach_type`: old loaders leave cgroup/sock's type 0. */
function fixupAttachType(type: number, eat: number): number {
  if (type === T('BPF_PROG_TYPE_CGROUP_SOCK') && eat === 0) return A('BPF_CGROUP_INET_SOCK_CREATE');
  return eat;
}

/** Allowed expected attach types per program type (`bpf_prog_load_check_attach`). */
const EXPECTED: Record<string, string[]> = {
  BPF_PROG_TYPE_CGROUP_SOCK: ['BPF_CGROUP_INET_SOCK_CREATE', 'BPF_CGROUP_INET_SOCK_RELEASE', 'BPF_CGROUP_INET4_POST_BIND', 'BPF_CGROUP_INET6_POST_BIND'],
  BPF_PROG_TYPE_CGROUP_SOCK_ADDR: ['BPF_CGROUP_INET4_BIND', 'BPF_CGROUP_INET6_BIND', 'BPF_CGROUP_INET4_CONNECT', 'BPF_CGROUP_INET6_CONNECT',
    'BPF_CGROUP_UNIX_CONNECT', 'BPF_CGROUP_INET4_GETPEERNAME', 'BPF_CGROUP_INET6_GETPEERNAME', 'BPF_CGROUP_UNIX_GETPEERNAME',
    'BPF_CGROUP_INET4_GETSOCKNAME', 'BPF_CGROUP_INET6_GETSOCKNAME', 'BPF_CGROUP_UNIX_GETSOCKNAME', 'BPF_CGROUP_UDP4_SENDMSG',
    'BPF_CGROUP_UDP6_SENDMSG', 'BPF_CGROUP_UNIX_SENDMSG', 'BPF_CGROUP_UDP4_RECVMSG', 'BPF_CGROUP_UDP6_RECVMSG', 'BPF_CGROUP_UNIX_RECVMSG'],
  BPF_PROG_TYPE_CGROUP_SKB: ['BPF_CGROUP_INET_INGRESS', 'BPF_CGROUP_INET_EGRESS'],
  BPF_PROG_TYPE_CGROUP_SOCKOPT: ['BPF_CGROUP_SETSOCKOPT', 'BPF_CGROUP_GETSOCKOPT'],
  BPF_PROG_TYPE_SK_LOOKUP: ['BPF_SK_LOOKUP'],
  BPF_PROG_TYPE_SK_REUSEPORT: ['BPF_SK_REUSEPORT_SELECT', 'BPF_SK_REUSEPORT_SELECT_OR_MIGRATE'],
  BPF_PROG_TYPE_NETFILTER: ['BPF_NETFILTER'],
  BPF_PROG_TYPE_TRACING: ['BPF_TRACE_RAW_TP', 'BPF_TRACE_FENTRY', 'BPF_TRACE_FEXIT', 'BPF_MODIFY_RETURN', 'BPF_TRACE_ITER'],
  BPF_PROG_TYPE_LSM: ['BPF_LSM_MAC', 'BPF_LSM_CGROUP'],
};
const SLEEPABLE_OK = new Set(['BPF_TRACE_FENTRY', 'BPF_TRACE_FEXIT', 'BPF_MODIFY_RETURN', 'BPF_TRACE_ITER', 'BPF_LSM_MAC']);

/** The load-time BTF target of a TRACING/LSM program: tracepoint or kernel function
 * (`bpf_check_attach_target`, from the verifier's `check_attach_btf_id`). */
function resolveTarget(k: KernelState, type: number, eat: number, name: string | null): { func: string; btfId: number } | null {
  const isTracing = type === T('BPF_PROG_TYPE_TRACING');
  const isLsm = type === T('BPF_PROG_TYPE_LSM');
  if (!isTracing && !isLsm) return null;
  if (!name) fail(Errno.EINVAL, 'bpf_check_attach_target', `${BPF_PROG_TYPE[type]} programs must name their target (attach_btf_id)`);
  if (eat === A('BPF_TRACE_RAW_TP')) {
    if (!hasOwn(TRACEPOINTS, name)) fail(Errno.EINVAL, 'bpf_check_attach_target', `no tracepoint "${name}" in vmlinux BTF (typedef btf_trace_${name})`);
    return { func: name, btfId: TRACEPOINTS[name]!.btfId };
  }
  if (eat === A('BPF_TRACE_ITER')) {
    // check_attach_btf_id → bpf_iter_prog_supported: bpf_iter_<name> must be a registered target
    const t = hasOwn(ITER_TARGETS, name) ? ITER_TARGETS[name]! : null;
    if (!t || !k.since(t.since)) fail(Errno.EINVAL, 'bpf_iter_prog_supported', `"${name}" is no BPF iterator target of this kernel (task, bpf_map, tcp, cgroup, ...)`);
    return { func: name, btfId: t.btfId };
  }
  const func = isLsm ? lsmHookFunc(name) : name;
  if (!hasOwn(KERNEL_FUNCS, func)) fail(Errno.EINVAL, 'bpf_check_attach_target', `no function "${func}" in vmlinux BTF`);
  if (isLsm && !func.startsWith('bpf_lsm_')) fail(Errno.EINVAL, 'bpf_lsm_verify_prog', `${func} is not an LSM hook`);
  if (eat === A('BPF_MODIFY_RETURN') && !modifyReturnAllowed(func))
    fail(Errno.EINVAL, 'check_attach_modify_return', `${func} is not on the error-injection list: fmod_ret cannot change its return value`);
  return { func, btfId: KERNEL_FUNCS[func]!.btfId };
}

export function bpfProgLoad(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_PROG_LOAD', attr, PROG_LOAD_FIELDS);
  const type = enumField(attr, 'prog_type', BPF_PROG_TYPE);
  const flags = flagsField(attr, 'prog_flags');
  if (flags & ~PROG_FLAGS_MASK) fail(Errno.EINVAL, 'bpf_prog_load', `unknown prog_flags bits 0x${(flags & ~PROG_FLAGS_MASK).toString(16)}`);
  const typeName = BPF_PROG_TYPE[type];
  const since = typeName ? BPF_PROG_TYPE_SINCE[typeName] : undefined;
  if (type === 0 || !typeName || (since && !k.since(since)))
    fail(Errno.EINVAL, 'find_prog_type', `unknown program type ${show(attr.prog_type)}`);
  if (typeName === 'BPF_PROG_TYPE_STRUCT_OPS' || typeName === 'BPF_PROG_TYPE_EXT')
    fail(Errno.EINVAL, 'bpf_prog_load', `${typeName} programs need BTF of their target (not modelled)`);
  const license = strField(attr, 'license') ?? 'GPL';
  const eat = fixupAttachType(type, enumField(attr, 'expected_attach_type', BPF_ATTACH_TYPE));
  const allowed = EXPECTED[typeName];
  if (allowed && !allowed.includes(BPF_ATTACH_TYPE[eat] ?? ''))
    fail(Errno.EINVAL, 'bpf_prog_load_check_attach', `${typeName} cannot have expected_attach_type ${BPF_ATTACH_TYPE[eat] ?? eat}`);
  if (typeName === 'BPF_PROG_TYPE_SYSCALL' && eat !== 0)
    fail(Errno.EINVAL, 'bpf_prog_load_check_attach', 'syscall programs take no expected_attach_type');
  const name = objName(attr, 'prog_name');
  const funcName = strField(attr, 'attach_func_name');
  if (funcName && typeName !== 'BPF_PROG_TYPE_TRACING' && typeName !== 'BPF_PROG_TYPE_LSM')
    fail(Errno.EINVAL, 'bpf_prog_load_check_attach', 'attach_btf_id is only for tracing, LSM, struct_ops and extension programs');
  const gpl = GPL_COMPATIBLE.has(license);
  const sleepable = (flags & FLAG_VALUES.BPF_F_SLEEPABLE) !== 0;
  // The verifier's check_attach_btf_id: can it sleep, its BTF target, an LSM program's license.
  const checkAttachBtfId = (): { func: string; btfId: number } | null => {
    if (sleepable && !(typeName === 'BPF_PROG_TYPE_TRACING' || typeName === 'BPF_PROG_TYPE_LSM') || sleepable && !SLEEPABLE_OK.has(BPF_ATTACH_TYPE[eat] ?? ''))
      fail(Errno.EINVAL, 'check_attach_btf_id', 'only fentry/fexit/fmod_ret, lsm, iter, uprobe and struct_ops programs can be sleepable');
    const t = resolveTarget(k, type, eat, funcName);
    if (typeName === 'BPF_PROG_TYPE_LSM' && !gpl)
      fail(Errno.EINVAL, 'bpf_lsm_verify_prog', 'LSM programs must have a GPL compatible license');
    return t;
  };
  // bpf_check ran it before resolving the map fds (resolve_pseudo_ldimm64) until 6.13, after
  // them (and check_cfg) since (commit 81f6d0530ba0): a closed map fd is -EBADF before a
  // wrong target or BPF_F_SLEEPABLE is -EINVAL.
  let target = k.since(613) ? null : checkAttachBtfId();
  // add_used_map_from_fd: each distinct map referenced once, refcnt only.
  const maps: BpfMap[] = [];
  for (const fd of [...fdArray(attr, 'fd_array'), ...fdArray(attr, 'map_fds')]) {
    const m = mapFromFd(p, fd);
    if (!maps.includes(m)) maps.push(m);
  }
  if (maps.length > MAX_USED_MAPS) fail(Errno.E2BIG, 'add_used_map', `more than ${MAX_USED_MAPS} maps (MAX_USED_MAPS)`);
  if (k.since(613)) target = checkAttachBtfId();
  // Every check passed: allocate.
  const prog: BpfProg = {
    kind: 'prog', oid: k.oid(), id: 0, refcnt: 1, type, expectedAttachType: eat,
    attachFunc: target?.func ?? null, attachBtfId: target?.btfId ?? 0, attachedOnce: false,
    name, license, gplCompatible: gpl, sleepable, usedMaps: maps, tag: progTag(type, maps.length, k.version),
    insnCnt: 2 + 2 * maps.length, loadTime: k.clockNs, runCnt: 0, runTimeNs: 0, freed: false,
  };
  prog.id = k.progIdr.alloc(prog);
  // bpf_prog_alloc_id comes before bpf_prog_new_fd: an EMFILE puts the program, its id is consumed.
  try { allocFd(p); } catch (e) { k.progIdr.remove(prog.id); throw e; }
  k.progs.set(prog.oid, prog);
  if (k.keepLog) k.emit('alloc', 'bpf_prog_load', `prog ${prog.id}${name ? ` "${name}"` : ''} loaded: ${typeName}${target ? ` for ${target.func}` : ''}; refcnt 1, owned by its new fd`, { obj: progKey(prog), pid: p.pid });
  for (const m of maps) mapInc(k, m, false, 'add_used_map_from_fd', k.keepLog ? `prog ${prog.id} uses it` : '');
  return newFd(k, p, prog, 'anon_inode:bpf-prog', 'rdwr');
}

/**
 * Creating links: the primer protocol (`bpf_link_init` / `bpf_link_prime` /
 * `bpf_link_settle` / `bpf_link_cleanup`, kernel/bpf/syscall.c), and the two core link
 * types: raw tracepoint (`bpf_raw_tp_link_attach`) and tracing (`bpf_tracing_prog_attach`).
 *
 * Before 5.7 the same attach calls return a plain anon-inode fd that is not a link
 * (`isLink: false`): close detaches, but it cannot be pinned and has no id.
 */
import { Errno } from './errno';
import { allocFd, newFd } from './fdtable';
import { attachLinkToHook } from './hooks';
import type { BpfLink, BpfProg, LinkTarget, Process } from './objects';
import { SyscallError, describe, fail, linkKey, progKey, type KernelState } from './state';
import { BPF_ATTACH_TYPE, BPF_LINK_TYPE, BPF_PROG_TYPE } from './uapi';

const T = (name: string): number => BPF_PROG_TYPE.indexOf(name as (typeof BPF_PROG_TYPE)[number]);
const A = (name: string): number => BPF_ATTACH_TYPE.indexOf(name as (typeof BPF_ATTACH_TYPE)[number]);
const L = (name: string): number => BPF_LINK_TYPE.indexOf(name as (typeof BPF_LINK_TYPE)[number]);

/**
 * Prime, attach and settle a new link for `prog` (whose reference the caller has taken
 * with `bpf_prog_get`, which in the model is taken here on success). The fd and the id are
 * chosen before the attach; a failed attach consumes the id (`bpf_link_cleanup`).
 */
export function createLink(k: KernelState, p: Process, prog: BpfProg, linkType: number, attachType: number,
  target: LinkTarget, cookie: number, legacyName?: string, attach: (l: BpfLink) => void = (l) => attachLinkToHook(k, l)): number {
  const isLink = legacyName === undefined;
  allocFd(p); // bpf_link_prime: get_unused_fd_flags(O_CLOEXEC) first (EMFILE)
  const link: BpfLink = {
    kind: 'link', oid: k.oid(), id: 0, refcnt: 1, type: linkType, isLink, prog, attachType, target,
    attached: false, cookie, freed: false,
  };
  let id = 0;
  if (isLink && k.since(508)) {
    id = k.linkIdr.alloc(link);
    if (id < 0) fail(Errno.ENOSPC, 'bpf_link_prime', 'the link id space is full');
  }
  try {
    attach(link);
  } catch (e) {
    if (e instanceof SyscallError && id > 0) {
      k.linkIdr.remove(id);
      if (k.keepLog) k.emit('free', 'bpf_link_cleanup', `attach failed after bpf_link_prime: link id ${id} was allocated and is now released (the next link gets a later id)`, { obj: linkKey(link) });
    }
    throw e;
  }
  link.id = id;
  k.links.set(link.oid, link);
  prog.refcnt++;
  if (k.keepLog) k.ref(progKey(prog), 'refcnt', prog.refcnt - 1, prog.refcnt, 'bpf_prog_get', `${describe(prog)}: refcnt +1, held by the new ${isLink ? 'link' : 'attachment'}`);
  const fileName = !isLink ? `anon_inode:${legacyName}` : k.since(508) ? 'anon_inode:bpf_link' : 'anon_inode:bpf-link';
  const fd = newFd(k, p, link, fileName, 'rdonly');
  if (k.keepLog) k.emit('alloc', isLink ? 'bpf_link_settle' : 'anon_inode_getfd',
    isLink ? `${describe(link)} (${BPF_LINK_TYPE[linkType]}) settled: refcnt 1, owned by fd ${fd} of pid ${p.pid}`
      : `pid ${p.pid} fd ${fd} holds the attachment (${legacyName}); it is not a bpf_link: it cannot be pinned`,
    { obj: linkKey(link), pid: p.pid });
  return fd;
}

/** `bpf_raw_tp_link_attach` after the tracepoint name is known. */
export function rawTpAttach(k: KernelState, p: Process, prog: BpfProg, tpName: string, cookie: number, known: boolean): number {
  if (!known) fail(Errno.ENOENT, 'bpf_get_raw_tracepoint', `no tracepoint named "${tpName}"`);
  return createLink(k, p, prog, L('BPF_LINK_TYPE_RAW_TRACEPOINT'), prog.type === T('BPF_PROG_TYPE_TRACING') ? A('BPF_TRACE_RAW_TP') : 0,
    { kind: 'tracepoint', name: tpName }, cookie, k.since(507) ? undefined : 'bpf-raw-tracepoint');
}

/** `bpf_tracing_prog_attach(prog, 0, 0, cookie)`: fentry, fexit, fmod_ret, lsm. */
export function tracingAttach(k: KernelState, p: Process, prog: BpfProg, targetFd: number, targetBtfId: number, cookie: number): number {
  const fn = 'bpf_tracing_prog_attach';
  const eat = prog.expectedAttachType;
  if (prog.type === T('BPF_PROG_TYPE_TRACING')) {
    if (eat !== A('BPF_TRACE_FENTRY') && eat !== A('BPF_TRACE_FEXIT') && eat !== A('BPF_MODIFY_RETURN'))
      fail(Errno.EINVAL, fn, `${BPF_ATTACH_TYPE[eat]} programs are not attached through a trampoline`);
  } else if (prog.type === T('BPF_PROG_TYPE_LSM')) {
    if (eat !== A('BPF_LSM_MAC')) fail(Errno.EINVAL, fn, 'only BPF_LSM_MAC programs attach through a trampoline');
  } else {
    fail(Errno.EINVAL, fn, `${BPF_PROG_TYPE[prog.type]} programs cannot be attached this way`);
  }
  if (!!targetFd !== !!targetBtfId) fail(Errno.EINVAL, fn, 'target_fd and target_btf_id go together');
  if (targetFd) fail(Errno.EINVAL, fn, 'only extension programs (freplace) take a new target');
  if (prog.attachedOnce) {
    if (k.since(510) && !k.since(513))
      fail(Errno.ENOENT, fn, 'the program was attached once and its load-time target was cleared (re-attach comes in 5.13)');
  }
  const func = prog.attachFunc!;
  const linkType = L('BPF_LINK_TYPE_TRACING');
  const fd = createLink(k, p, prog, linkType, eat, { kind: 'trampoline', func, btfId: prog.attachBtfId }, cookie,
    k.since(507) ? undefined : 'bpf-tracing-prog');
  prog.attachedOnce = true;
  return fd;
}

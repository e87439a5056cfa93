/**
 * BPF iterators (kernel/bpf/bpf_iter.c, 5.8): an iterator program (TRACING with
 * `BPF_TRACE_ITER`, loaded for a target such as `task` or `bpf_map`) is linked with
 * `BPF_LINK_CREATE` into a `BPF_LINK_TYPE_ITER` link, which runs nothing by itself: each
 * `BPF_ITER_CREATE` on the link, or open() of the link pinned in BPF FS, makes a seq file
 * whose reads run the program. That file holds the program (`prepare_seq_file`), not the
 * link. Iterator links have no detach; they end when their last fd or pin goes.
 */
import { checkAttr, fdField, subAttr, u32, u64, type FieldSpec } from './attr';
import { ITER_TARGETS } from './btf';
import type { BpfAttr } from './call';
import { cgroupFromFd } from './cmd_attach';
import { linkFromFd } from './cmd_link';
import { mapFromFd } from './map';
import { Errno } from './errno';
import { newFd } from './fdtable';
import { createLink } from './link';
import type { BpfLink, BpfMap, BpfProg, LinkTarget, Process } from './objects';
import { mapInc, mapPutWithUref, progInc, progPut } from './refs';
import { describe, fail, linkKey, type KernelState } from './state';
import type { Inode } from './vfs';
import { BPF_LINK_TYPE, BPF_MAP_TYPE } from './uapi';

/** `union bpf_iter_link_info` (16 bytes) as the words the kernel reads: `map.map_fd` /
 * `cgroup.order` / `task.tid` at 0, `cgroup.cgroup_fd` / `task.pid` at 4, `cgroup.cgroup_id`
 * (u64) / `task.pid_fd` at 8. A member given as an object of the union (`{ map: {...} }`,
 * `{ cgroup: {...} }`, `{ task: {...} }`); where two members overlap, map wins over cgroup
 * over task. The oracle encodes the same bytes from the same function. */
export const ITER_INFO_SIZE = 16;
export function iterInfoBytes(info: unknown): Uint8Array {
  const out = new Uint8Array(ITER_INFO_SIZE);
  const v = new DataView(out.buffer);
  const o = (typeof info === 'object' && info !== null ? info : {}) as Record<string, unknown>;
  const sub = (name: string): BpfAttr => (typeof o[name] === 'object' && o[name] !== null ? o[name] : {}) as BpfAttr;
  const task = sub('task'), cg = sub('cgroup'), map = sub('map');
  const put32 = (off: number, x: number) => { if (x) v.setUint32(off, x >>> 0, true); };
  put32(0, u32(task, 'tid')); put32(4, u32(task, 'pid')); put32(8, u32(task, 'pid_fd'));
  const id = cg.cgroup_id;
  put32(0, u32(cg, 'order')); put32(4, u32(cg, 'cgroup_fd'));
  if (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) v.setBigUint64(8, BigInt(id), true);
  put32(0, u32(map, 'map_fd'));
  return out;
}

/** The iterator link's `tinfo` target name, by the program's `attach_btf_id`. */
function targetOf(prog: BpfProg): string | undefined {
  return Object.keys(ITER_TARGETS).find((n) => ITER_TARGETS[n]!.btfId === prog.attachBtfId);
}

/** `bpf_map_get_with_uref`: the map, with a reference and a uref for the link. */
function mapWithUref(k: KernelState, p: Process, fd: number): BpfMap {
  const map = mapFromFd(p, fd, 'bpf_map_get_with_uref');
  mapInc(k, map, true, 'bpf_map_get_with_uref', 'held by the iterator link');
  return map;
}

/** `reg_info->attach_target`: what the link takes from `iter_info`. Throws the kernel's errno. */
function attachTarget(k: KernelState, p: Process, name: string, info: DataView, t: Extract<LinkTarget, { kind: 'iter' }>): void {
  const target = ITER_TARGETS[name]!;
  if (target.attach === 'map') {
    // bpf_iter_attach_map / sock_map_iter_attach_target / bpf_iter_attach_map (sk storage)
    const fd = info.getUint32(0, true);
    if (!fd) fail(Errno.EBADF, 'bpf_iter_attach_map', `the ${name} iterator needs iter_info.map.map_fd`);
    const map = mapWithUref(k, p, fd);
    if (!target.mapTypes!.includes(BPF_MAP_TYPE[map.type] ?? '')) {
      mapPutWithUref(k, map, 'bpf_map_put_with_uref', 'refused by the iterator');
      fail(Errno.EINVAL, 'bpf_iter_attach_map', `the ${name} iterator walks ${target.mapTypes!.join(', ')} maps, not ${BPF_MAP_TYPE[map.type]}`);
    }
    t.map = map;
  } else if (target.attach === 'cgroup') {
    // bpf_iter_attach_cgroup: order SELF_ONLY 1, DESCENDANTS_PRE 2, DESCENDANTS_POST 3, ANCESTORS_UP 4
    // (BPF_CGROUP_ITER_CHILDREN, 5, is newer than 6.18: EINVAL there, checked on the real 6.18)
    const order = info.getUint32(0, true), fd = info.getUint32(4, true), id = info.getBigUint64(8, true);
    if (order < 1 || order > 4) fail(Errno.EINVAL, 'bpf_iter_attach_cgroup', `iter_info.cgroup.order ${order} is no walk order (1 to 4)`);
    if (fd && id) fail(Errno.EINVAL, 'bpf_iter_attach_cgroup', 'cgroup_fd and cgroup_id both given');
    if (fd) t.cgroup = cgroupFromFd(k, p, fd);
    else if (id) {
      const cg = [...k.cgroups.values()].find((c) => BigInt(c.id) === id);
      if (!cg) fail(Errno.ENOENT, 'cgroup_get_from_id', `no cgroup with id ${id}`);
      t.cgroup = cg;
    } else t.cgroup = [...k.cgroups.values()].find((c) => c.parent === null) ?? null;
    t.order = order;
  } else if (target.attach === 'task') {
    // bpf_iter_attach_task: at most one of tid, pid, pid_fd
    const tid = info.getUint32(0, true), pid = info.getUint32(4, true), pidFd = info.getUint32(8, true);
    if ((tid ? 1 : 0) + (pid ? 1 : 0) + (pidFd ? 1 : 0) > 1) fail(Errno.EINVAL, 'bpf_iter_attach_task', 'only one of tid, pid and pid_fd');
    if (pidFd) fail(Errno.EBADF, 'pidfd_get_pid', `fd ${pidFd} is not a pidfd (the model has no pidfds)`);
    t.task = { tid, pid };
  }
}

/** What `bpf_iter_link_attach` reads as `link_create.iter_info` (a pointer at offset 16 of
 * the attr) and `iter_info_len` (offset 24). They share link_create's union with other
 * members, whose bytes the kernel reads the same way: `target_btf_id`, `tracing.target_btf_id`,
 * `perf_event.bpf_cookie` and the `relative_fd`/`relative_id` of `tcx`, `netkit` and `cgroup`
 * are the pointer; `tracing.cookie` and `expected_revision` (their low half) the length.
 * `ptr` is 'info' for the caller's iter_info (it wins: it is the pointer), 'bogus' for a
 * pointer made of another member's value (it points at no memory of the caller's). */
function iterInfoArg(attr: BpfAttr): { ptr: 'none' | 'info' | 'bogus'; len: number } {
  const subs = ['tcx', 'netkit', 'cgroup'].map((n) => subAttr(attr, n));
  const tracing = subAttr(attr, 'tracing');
  const low32 = (v: number): number => Number(BigInt.asUintN(32, BigInt(v)));
  const given = attr.iter_info !== undefined && attr.iter_info !== null && attr.iter_info !== 0;
  const alias = u32(attr, 'target_btf_id') || u32(tracing, 'target_btf_id') || u64(subAttr(attr, 'perf_event'), 'bpf_cookie')
    || subs.some((t) => u32(t, 'relative_fd') || u32(t, 'relative_id'));
  const len = (u32(attr, 'iter_info_len') || low32(u64(tracing, 'cookie')) || subs.map((t) => low32(u64(t, 'expected_revision'))).find((x) => x) || 0) >>> 0;
  return { ptr: given ? 'info' : alias ? 'bogus' : 'none', len };
}

/** `bpf_iter_link_attach` (BPF_LINK_CREATE with BPF_TRACE_ITER). */
export function bpfIterLinkAttach(k: KernelState, p: Process, prog: BpfProg, attachType: number, attr: BpfAttr): number {
  const fn = 'bpf_iter_link_attach';
  if (u32(attr, 'target_fd') || u32(attr, 'flags')) fail(Errno.EINVAL, fn, 'an iterator link takes no target_fd and no flags');
  const { ptr, len } = iterInfoArg(attr);
  if ((ptr === 'none') !== (len === 0)) fail(Errno.EINVAL, fn, 'iter_info and iter_info_len go together (a NULL pointer with no length, or both)');
  if (len > 4096) fail(Errno.E2BIG, 'bpf_check_uarg_tail_zero', `iter_info_len ${len} is over a page`);
  // a pointer made of another member's bytes points at nothing: the tail check past 16
  // bytes (check_zeroed_user) or the copy faults
  if (ptr === 'bogus') fail(Errno.EFAULT, len > ITER_INFO_SIZE ? 'bpf_check_uarg_tail_zero' : 'copy_from_bpfptr', 'iter_info is a pointer made of another member of link_create\'s union (target_btf_id, a cookie, relative_fd, ...): no memory there');
  const bytes = ptr === 'info' ? iterInfoBytes(attr.iter_info) : new Uint8Array(ITER_INFO_SIZE);
  bytes.fill(0, Math.min(len, ITER_INFO_SIZE)); // only iter_info_len bytes are copied in
  const name = targetOf(prog);
  if (!name) fail(Errno.ENOENT, fn, `prog ${prog.id} is for no registered iterator target`);
  // 6.0: "Only allow sleepable program for resched-able iterator" (BPF_LINK_UPDATE does not check)
  if (prog.sleepable && !ITER_TARGETS[name]!.resched && k.since(600))
    fail(Errno.EINVAL, fn, `prog ${prog.id} is sleepable, and the ${name} iterator cannot reschedule (no BPF_ITER_RESCHED): only task, task_file, task_vma, cgroup, ksym, kmem_cache and dmabuf take sleepable programs`);
  const target: Extract<LinkTarget, { kind: 'iter' }> = { kind: 'iter', target: name, map: null, cgroup: null, order: 0, task: { tid: 0, pid: 0 } };
  return createLink(k, p, prog, BPF_LINK_TYPE.indexOf('BPF_LINK_TYPE_ITER'), attachType, target, 0, undefined, (l) => {
    attachTarget(k, p, name, new DataView(bytes.buffer), target);
    l.attached = true;
    if (k.keepLog) k.emit('attach', fn, `${describe(l)}: an iterator over ${name} running prog ${prog.id}; BPF_ITER_CREATE (or open() of a pin) makes a file whose reads run it`, { obj: linkKey(l) });
  });
}

/** `bpf_iter_link_release` → `detach_target`: let go of what the link took. */
export function iterLinkRelease(k: KernelState, link: BpfLink, fn: string): void {
  const t = link.target;
  if (t.kind !== 'iter') return;
  link.attached = false;
  if (t.map) {
    const m = t.map;
    t.map = null;
    mapPutWithUref(k, m, 'bpf_iter_detach_map', `the iterator link ${link.id} is released`);
  }
  if (k.keepLog) k.emit('detach', fn, `${describe(link)} released: the ${t.target} iterator is gone`, { obj: linkKey(link) });
}

/** `bpf_iter_link_replace` (BPF_LINK_UPDATE). */
export function iterLinkReplace(k: KernelState, link: BpfLink, newProg: BpfProg, oldProg: BpfProg | null): number {
  const fn = 'bpf_iter_link_replace';
  if (oldProg && link.prog !== oldProg) fail(Errno.EPERM, fn, `${describe(link)} runs prog ${link.prog.id}, not prog ${oldProg.id}`);
  const cur = link.prog;
  if (cur.type !== newProg.type || cur.expectedAttachType !== newProg.expectedAttachType || cur.attachBtfId !== newProg.attachBtfId)
    fail(Errno.EINVAL, fn, `prog ${newProg.id} is not an iterator program for the same target`);
  progInc(k, newProg, 'bpf_prog_get', `now held by ${describe(link)}`);
  link.prog = newProg;
  if (k.keepLog) k.emit('attach', fn, `${describe(link)} now runs prog ${newProg.id} instead of prog ${cur.id}`, { obj: linkKey(link) });
  progPut(k, cur, fn, `replaced in ${describe(link)}`);
  return 0;
}

/** `bpf_iter_new_fd` / `iter_open`: a seq file on the link's program; opened through a
 * pin (`pin`), the file also holds that pin's inode. */
export function iterNewFd(k: KernelState, p: Process, link: BpfLink, fn: string, name: string, pin: Inode | null = null): number {
  const fd = newFd(k, p, { kind: 'iter', prog: link.prog, link, pin }, name, 'rdonly');
  progInc(k, link.prog, 'prepare_seq_file', `held by the iterator file (fd ${fd} of pid ${p.pid})`);
  if (k.keepLog) k.emit('fd', fn, `pid ${p.pid} fd ${fd}: an iterator file of ${describe(link)}; reading it runs prog ${link.prog.id} once per object${pin ? `; the file holds the pin ${name} (unlinked, it keeps the link until the file is closed)` : ''}`, { pid: p.pid });
  return fd;
}

export const ITER_CREATE_FIELDS: readonly FieldSpec[] = [{ name: 'link_fd' }, { name: 'flags' }];

/** `bpf_iter_create` (BPF_ITER_CREATE). */
export function bpfIterCreate(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_ITER_CREATE', attr, ITER_CREATE_FIELDS);
  if (u32(attr, 'flags')) fail(Errno.EINVAL, 'bpf_iter_create', 'flags must be 0');
  const link = linkFromFd(p, fdField(attr, 'link_fd'));
  if (link.target.kind !== 'iter') fail(Errno.EINVAL, 'bpf_iter_new_fd', `${describe(link)} is not an iterator link`);
  return iterNewFd(k, p, link, 'bpf_iter_new_fd', 'anon_inode:bpf_iter');
}

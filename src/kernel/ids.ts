/**
 * `BPF_{PROG,MAP,LINK}_GET_NEXT_ID` and `BPF_{PROG,MAP,LINK}_GET_FD_BY_ID`
 * (kernel/bpf/syscall.c `bpf_obj_get_next_id`, `bpf_prog_get_fd_by_id`,
 * `bpf_map_get_fd_by_id`, `bpf_link_get_fd_by_id`).
 */
import { checkAttr, flagsField, putUser, u32 } from './attr';
import type { BpfAttr } from './call';
import { Errno } from './errno';
import { allocFd, newFd } from './fdtable';
import type { Idr } from './idr';
import { INT_MAX } from './idr';
import type { Process } from './objects';
import { linkInc, mapInc, progInc } from './refs';
import { fail, type KernelState } from './state';
import { FLAG_VALUES } from './uapi';

export function bpfGetNextId(k: KernelState, cmd: string, attr: BpfAttr, idr: Idr<unknown>): number {
  checkAttr(k, cmd, attr, [{ name: 'start_id' }, { name: 'next_id', out: true }]);
  const start = u32(attr, 'start_id') >>> 0;
  if (start >= INT_MAX) fail(Errno.EINVAL, 'bpf_obj_get_next_id', `start_id ${start} is not below INT_MAX`);
  const next = idr.nextAfter(start);
  if (next === undefined) fail(Errno.ENOENT, 'bpf_obj_get_next_id', `no id after ${start}`);
  putUser(attr, 'next_id', next);
  return 0;
}

export function bpfProgGetFdById(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_PROG_GET_FD_BY_ID', attr, [{ name: 'prog_id' }]);
  const id = u32(attr, 'prog_id') >>> 0;
  const prog = id ? k.progIdr.find(id) : undefined;
  if (!prog) fail(Errno.ENOENT, 'bpf_prog_by_id', `no program with id ${id}`);
  allocFd(p);
  progInc(k, prog, 'bpf_prog_inc_not_zero', `new fd from BPF_PROG_GET_FD_BY_ID in pid ${p.pid}`);
  return newFd(k, p, prog, 'anon_inode:bpf-prog', 'rdwr');
}

export function bpfMapGetFdById(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_MAP_GET_FD_BY_ID', attr, [{ name: 'map_id' }, { name: 'next_id' }, { name: 'open_flags' }]);
  const flags = flagsField(attr, 'open_flags');
  const rw = FLAG_VALUES.BPF_F_RDONLY | FLAG_VALUES.BPF_F_WRONLY;
  if (flags & ~(rw | FLAG_VALUES.BPF_F_TOKEN_FD) || (flags & rw) === rw)
    fail(Errno.EINVAL, 'bpf_get_file_flag', 'open_flags takes BPF_F_RDONLY or BPF_F_WRONLY');
  const id = u32(attr, 'map_id') >>> 0;
  const map = id ? k.mapIdr.find(id) : undefined;
  if (!map) fail(Errno.ENOENT, 'bpf_map_get_fd_by_id', `no map with id ${id}`);
  allocFd(p);
  mapInc(k, map, true, 'bpf_map_inc_not_zero', `new fd from BPF_MAP_GET_FD_BY_ID in pid ${p.pid}`);
  const mode = flags & FLAG_VALUES.BPF_F_RDONLY ? 'rdonly' : flags & FLAG_VALUES.BPF_F_WRONLY ? 'wronly' : 'rdwr';
  return newFd(k, p, map, 'anon_inode:bpf-map', mode);
}

export function bpfLinkGetFdById(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_LINK_GET_FD_BY_ID', attr, [{ name: 'link_id' }]);
  const id = u32(attr, 'link_id') >>> 0;
  const link = id ? k.linkIdr.find(id) : undefined;
  if (!link) fail(Errno.ENOENT, 'bpf_link_by_id', `no link with id ${id}`);
  allocFd(p);
  linkInc(k, link, 'bpf_link_inc_not_zero', `new fd from BPF_LINK_GET_FD_BY_ID in pid ${p.pid}`);
  return newFd(k, p, link, 'anon_inode:bpf-link', 'rdonly');
}

/** `BPF_MAP_CREATE` (kernel/bpf/syscall.c `map_create`, and each map type's `map_alloc_check`). */
import { checkAttr, enumField, flagsField, objName, u32, type FieldSpec } from './attr';
import type { BpfAttr } from './call';
import { Errno } from './errno';
import { allocFd, fget, newFd } from './fdtable';
import type { BpfMap, Process } from './objects';
import { fail, mapKey, show, type KernelState } from './state';
import { BPF_MAP_TYPE, BPF_MAP_TYPE_SINCE, FLAG_VALUES } from './uapi';

export const MAP_CREATE_FIELDS: readonly FieldSpec[] = [
  { name: 'map_type' }, { name: 'key_size' }, { name: 'value_size' }, { name: 'max_entries' },
  { name: 'map_flags' }, { name: 'inner_map_fd' }, { name: 'numa_node' }, { name: 'map_name' },
  { name: 'map_ifindex' }, { name: 'btf_fd' }, { name: 'btf_key_type_id' }, { name: 'btf_value_type_id' },
  { name: 'btf_vmlinux_value_type_id' }, { name: 'map_extra', since: 516 }, { name: 'value_type_btf_obj_fd', since: 609 },
  { name: 'map_token_fd', since: 609 },
];

const ARRAYS = new Set(['BPF_MAP_TYPE_ARRAY', 'BPF_MAP_TYPE_PERCPU_ARRAY', 'BPF_MAP_TYPE_PROG_ARRAY',
  'BPF_MAP_TYPE_PERF_EVENT_ARRAY', 'BPF_MAP_TYPE_CGROUP_ARRAY', 'BPF_MAP_TYPE_ARRAY_OF_MAPS']);
const FD_ARRAYS = new Set(['BPF_MAP_TYPE_PROG_ARRAY', 'BPF_MAP_TYPE_PERF_EVENT_ARRAY', 'BPF_MAP_TYPE_CGROUP_ARRAY']);
const HASHES = new Set(['BPF_MAP_TYPE_HASH', 'BPF_MAP_TYPE_PERCPU_HASH', 'BPF_MAP_TYPE_LRU_HASH', 'BPF_MAP_TYPE_LRU_PERCPU_HASH']);
const NEED_INNER = new Set(['BPF_MAP_TYPE_ARRAY_OF_MAPS', 'BPF_MAP_TYPE_HASH_OF_MAPS']);
const NEED_BTF = new Set(['BPF_MAP_TYPE_STRUCT_OPS', 'BPF_MAP_TYPE_SK_STORAGE', 'BPF_MAP_TYPE_INODE_STORAGE',
  'BPF_MAP_TYPE_TASK_STORAGE', 'BPF_MAP_TYPE_CGRP_STORAGE']);

/** The machine's memory, for `bpf_map_area_alloc` (vmalloc refuses more than `totalram_pages`):
 * the model's machine has 24 GiB, as the one it is checked against (a 16 GiB array is
 * created there, a 32 GiB one is -ENOMEM). */
const MACHINE_RAM = 24 * 2 ** 30;
/** `KMALLOC_MAX_SIZE` (4 MiB on x86-64) less `sizeof(struct htab_elem)` (48): key_size +
 * value_size must stay below it. */
const HTAB_KV_LIMIT = 2 ** 22 - 48;
/** `PCPU_MIN_UNIT_SIZE`: a per-CPU value is at most 32 KiB. */
const PCPU_MIN_UNIT_SIZE = 32 * 1024;
const PERCPU = new Set(['BPF_MAP_TYPE_PERCPU_ARRAY', 'BPF_MAP_TYPE_PERCPU_HASH', 'BPF_MAP_TYPE_LRU_PERCPU_HASH']);
const roundUp8 = (n: number): number => Math.ceil(n / 8) * 8;

/** What a map of sane sizes still cannot get (sizes as u32): -E2BIG or -ENOMEM, as 6.18
 * answers (`array_map_alloc_check`: value_size over INT_MAX; `htab_map_alloc_check`: key and
 * value over the kmalloc limit; `htab_map_alloc`: more than 2^27 entries, whose buckets
 * overflow a u32; then the allocation of the elements, which fails past the machine's RAM). */
function sizeLimits(type: string, key: number, value: number, max: number, flags: number): { errno: number; why: string } | null {
  const percpu = PERCPU.has(type);
  if (ARRAYS.has(type)) {
    if (value > 0x7fffffff) return { errno: Errno.E2BIG, why: `value_size ${value} is over INT_MAX` };
    if (percpu && roundUp8(value) > PCPU_MIN_UNIT_SIZE) return { errno: Errno.E2BIG, why: `a per-CPU value is at most ${PCPU_MIN_UNIT_SIZE} bytes` };
    const bytes = max * (percpu ? 8 : roundUp8(value));
    if (bytes > MACHINE_RAM) return { errno: Errno.ENOMEM, why: `${max} elements of ${roundUp8(value)} bytes are more than the machine's memory` };
    return null;
  }
  if (HASHES.has(type)) {
    if (key + value >= HTAB_KV_LIMIT) return { errno: Errno.E2BIG, why: 'key_size + value_size reach the kmalloc limit (4 MiB less an element header)' };
    if (percpu && roundUp8(value) > PCPU_MIN_UNIT_SIZE) return { errno: Errno.E2BIG, why: `a per-CPU value is at most ${PCPU_MIN_UNIT_SIZE} bytes` };
    if (max > 2 ** 27) return { errno: Errno.E2BIG, why: `${max} entries need more than 2^28 buckets: their size overflows a u32` };
    const elem = 48 + roundUp8(key) + (percpu ? 8 : roundUp8(value));
    if (!(flags & FLAG_VALUES.BPF_F_NO_PREALLOC) && max * elem > MACHINE_RAM)
      return { errno: Errno.ENOMEM, why: `${max} preallocated elements of ${elem} bytes are more than the machine's memory` };
  }
  return null;
}

/** The size rules of the common map types (`array_map_alloc_check`, `htab_map_alloc_check`,
 * `fd_array_map_alloc_check`, `ringbuf_map_alloc`). */
function checkSizes(type: string, key: number, value: number, max: number): string | null {
  if (NEED_INNER.has(type)) return 'map-in-map needs an inner map (not modelled)';
  if (NEED_BTF.has(type)) return `${type} needs BTF (not modelled)`;
  if (type === 'BPF_MAP_TYPE_RINGBUF' || type === 'BPF_MAP_TYPE_USER_RINGBUF') {
    if (key !== 0 || value !== 0) return 'ring buffers take key_size 0 and value_size 0';
    if (max < 4096 || (max & (max - 1)) !== 0) return 'ring buffer size must be a power of 2 and at least a page';
    return null;
  }
  if (max === 0) return 'max_entries must be at least 1';
  if (ARRAYS.has(type)) {
    if (key !== 4) return 'array maps take key_size 4';
    if (FD_ARRAYS.has(type) && value !== 4) return `${type} takes value_size 4`;
    if (value === 0) return 'value_size must be at least 1';
    return null;
  }
  if (HASHES.has(type) || type === 'BPF_MAP_TYPE_LPM_TRIE' || type === 'BPF_MAP_TYPE_DEVMAP_HASH') {
    if (key === 0 || value === 0) return 'hash maps need key_size and value_size of at least 1';
    return null;
  }
  if (type === 'BPF_MAP_TYPE_QUEUE' || type === 'BPF_MAP_TYPE_STACK' || type === 'BPF_MAP_TYPE_BLOOM_FILTER') {
    if (key !== 0 || value === 0) return `${type} takes key_size 0 and a value_size`;
    return null;
  }
  return null;
}

export function bpfMapCreate(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_MAP_CREATE', attr, MAP_CREATE_FIELDS);
  const type = enumField(attr, 'map_type', BPF_MAP_TYPE);
  const typeName = BPF_MAP_TYPE[type];
  const since = typeName ? BPF_MAP_TYPE_SINCE[typeName] : undefined;
  if (type === 0 || !typeName || (since && !k.since(since)))
    fail(Errno.EINVAL, 'find_and_alloc_map', `unknown map type ${show(attr.map_type)}`);
  const flags = flagsField(attr, 'map_flags');
  if ((flags & FLAG_VALUES.BPF_F_RDONLY) && (flags & FLAG_VALUES.BPF_F_WRONLY))
    fail(Errno.EINVAL, 'bpf_get_file_flag', 'BPF_F_RDONLY and BPF_F_WRONLY together');
  if ((flags & FLAG_VALUES.BPF_F_RDONLY_PROG) && (flags & FLAG_VALUES.BPF_F_WRONLY_PROG))
    fail(Errno.EINVAL, 'map_create', 'BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG together');
  // the kernel's u32s: -1 is 0xffffffff
  const key = u32(attr, 'key_size') >>> 0;
  const value = u32(attr, 'value_size') >>> 0;
  const max = u32(attr, 'max_entries') >>> 0;
  // ringbuf_map_alloc: the only flag a ring buffer takes is BPF_F_NUMA_NODE (6.18 refuses
  // BPF_F_RDONLY there); checked before its sizes
  if ((typeName === 'BPF_MAP_TYPE_RINGBUF' || typeName === 'BPF_MAP_TYPE_USER_RINGBUF') && flags & ~FLAG_VALUES.BPF_F_NUMA_NODE)
    fail(Errno.EINVAL, 'ringbuf_map_alloc', `map_flags 0x${flags.toString(16)}: a ring buffer takes only BPF_F_NUMA_NODE`);
  const bad = checkSizes(typeName, key, value, max);
  if (bad) fail(Errno.EINVAL, 'map_alloc_check', bad);
  const limit = sizeLimits(typeName, key, value, max, flags);
  if (limit) fail(limit.errno, limit.errno === Errno.ENOMEM ? 'bpf_map_area_alloc' : 'map_alloc_check', limit.why);
  const name = objName(attr, 'map_name');
  const map: BpfMap = {
    kind: 'map', oid: k.oid(), id: 0, refcnt: 1, usercnt: 1, type, keySize: key, valueSize: value,
    // bpf_map_flags_retain_permanent: RDONLY/WRONLY belong to the fd, not the map
    maxEntries: max, mapFlags: flags & ~(FLAG_VALUES.BPF_F_RDONLY | FLAG_VALUES.BPF_F_WRONLY),
    name, frozen: false, freed: false,
  };
  map.id = k.mapIdr.alloc(map);
  // bpf_map_alloc_id comes before bpf_map_new_fd: an EMFILE puts the map, its id is consumed.
  try { allocFd(p); } catch (e) { k.mapIdr.remove(map.id); throw e; }
  k.maps.set(map.oid, map);
  if (k.keepLog) k.emit('alloc', 'map_create', `map ${map.id}${name ? ` "${name}"` : ''} created: ${typeName}, refcnt 1 / usercnt 1, owned by its new fd`, { obj: mapKey(map), pid: p.pid });
  const mode = flags & FLAG_VALUES.BPF_F_RDONLY ? 'rdonly' : flags & FLAG_VALUES.BPF_F_WRONLY ? 'wronly' : 'rdwr';
  return newFd(k, p, map, 'anon_inode:bpf-map', mode);
}

/** `__bpf_map_get(fd)`: EBADF for an empty slot, EINVAL for a file that is not a map. */
export function mapFromFd(p: Process, fd: number, fn = '__bpf_map_get'): BpfMap {
  const f = fget(p, fd);
  if (!f) fail(Errno.EBADF, fn, `pid ${p.pid} has no fd ${fd}`);
  if (f.target.kind !== 'map') fail(Errno.EINVAL, fn, `fd ${fd} is not a BPF map`);
  return f.target;
}

/**
 * `BPF_MAP_FREEZE` (`map_freeze`, 5.2): the map becomes read-only from the syscall side for
 * good. The fd must be a map's (EBADF / EINVAL) and writable: a read-only fd, or a map
 * already frozen (`map_get_sys_perms` drops FMODE_CAN_WRITE then), is EPERM.
 */
export function bpfMapFreeze(k: KernelState, p: Process, attr: BpfAttr): number {
  checkAttr(k, 'BPF_MAP_FREEZE', attr, [{ name: 'map_fd' }]);
  const fd = u32(attr, 'map_fd');
  const map = mapFromFd(p, fd);
  const writable = fget(p, fd)!.mode !== 'rdonly';
  if (BPF_MAP_TYPE[map.type] === 'BPF_MAP_TYPE_STRUCT_OPS') fail(Errno.ENOTSUPP, 'map_freeze', 'struct_ops maps cannot be frozen');
  if (map.frozen) fail(Errno.EPERM, 'map_freeze', `map ${map.id} is already frozen: no fd can write to it`);
  if (!writable) fail(Errno.EPERM, 'map_freeze', `fd ${fd} is read-only (BPF_F_RDONLY)`);
  map.frozen = true;
  if (k.keepLog) k.emit('note', 'map_freeze', `map ${map.id}${map.name ? ` "${map.name}"` : ''} frozen: read-only from the syscall side for good`, { obj: mapKey(map), pid: p.pid });
  return 0;
}

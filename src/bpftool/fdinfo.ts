/**
 * `/proc/self/fdinfo/FD` as bpftool reads it (`get_fdinfo`): the model has no procfs, so
 * the values are computed as Linux 6.18 computes them (`bpf_prog_show_fdinfo`,
 * `bpf_map_show_fdinfo` -> each map type's `map_mem_usage`), with the struct sizes of the
 * x86_64 6.18 build the project checks against, 4 KiB pages and 2 possible CPUs (measured:
 * an array of 1 x 4 bytes is 320 B, a mmapable one 8192 B, a 16-entry hash 4/8 2320 B).
 */
import { uapi } from '../kernel/index';

const PAGE = 4096;
const NCPUS = 2;
const SIZEOF_BPF_ARRAY = 312;
const SIZEOF_BPF_HTAB = 832;
const SIZEOF_HTAB_ELEM = 48;
const SIZEOF_BUCKET = 16;
const HASHTAB_MAP_LOCK_COUNT = 8;
const SIZEOF_QUEUE_STACK = 312;
const SIZEOF_RINGBUF_MAP = 304;
const RINGBUF_META_PAGES = 3;

const round8 = (n: number): number => Math.ceil(n / 8) * 8;
const pageAlign = (n: number): number => Math.ceil(n / PAGE) * PAGE;
const pow2 = (n: number): number => (n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n)));

/** `memlock:` of a program fd: its pages (`prog->pages * PAGE_SIZE`). */
export function progMemlock(xlatedBytes: number): number {
  return Math.max(1, Math.ceil((72 + xlatedBytes) / PAGE)) * PAGE;
}

export interface MapInfoLike { type: unknown; key_size: number; value_size: number; max_entries: number; map_flags: number }

/** `memlock:` of a map fd (`bpf_map_memory_usage`). The model's maps hold no elements. */
export function mapMemlock(m: MapInfoLike): number {
  const type = typeof m.type === 'number' ? uapi.BPF_MAP_TYPE[m.type] ?? '' : String(m.type);
  const max = m.max_entries;
  const value = round8(m.value_size);
  switch (type) {
    case 'BPF_MAP_TYPE_ARRAY': case 'BPF_MAP_TYPE_PROG_ARRAY': case 'BPF_MAP_TYPE_PERF_EVENT_ARRAY':
    case 'BPF_MAP_TYPE_CGROUP_ARRAY': case 'BPF_MAP_TYPE_ARRAY_OF_MAPS':
      if (m.map_flags & uapi.FLAG_VALUES.BPF_F_MMAPABLE) return pageAlign(SIZEOF_BPF_ARRAY) + pageAlign(max * value);
      return SIZEOF_BPF_ARRAY + max * value;
    case 'BPF_MAP_TYPE_PERCPU_ARRAY':
      return SIZEOF_BPF_ARRAY + max * 8 + max * value * NCPUS;
    case 'BPF_MAP_TYPE_HASH': case 'BPF_MAP_TYPE_PERCPU_HASH': case 'BPF_MAP_TYPE_LRU_HASH':
    case 'BPF_MAP_TYPE_LRU_PERCPU_HASH': case 'BPF_MAP_TYPE_HASH_OF_MAPS': {
      const percpu = type.includes('PERCPU');
      const lru = type.includes('LRU');
      let usage = SIZEOF_BPF_HTAB + SIZEOF_BUCKET * pow2(max) + 4 * NCPUS * HASHTAB_MAP_LOCK_COUNT;
      const prealloc = lru || !(m.map_flags & uapi.FLAG_VALUES.BPF_F_NO_PREALLOC);
      if (!prealloc) return usage;
      const elem = SIZEOF_HTAB_ELEM + round8(m.key_size) + (percpu ? 8 : value);
      const entries = max + (!percpu && !lru ? NCPUS : 0);
      usage += elem * entries;
      if (percpu) usage += value * NCPUS * entries;
      else if (!lru) usage += 8 * NCPUS;
      return usage;
    }
    case 'BPF_MAP_TYPE_QUEUE': case 'BPF_MAP_TYPE_STACK':
      return SIZEOF_QUEUE_STACK + (max + 1) * m.value_size;
    case 'BPF_MAP_TYPE_RINGBUF': case 'BPF_MAP_TYPE_USER_RINGBUF': {
      const n = Math.floor(max / PAGE);
      return SIZEOF_RINGBUF_MAP + (RINGBUF_META_PAGES + n) * PAGE + (RINGBUF_META_PAGES + 2 * n) * 8;
    }
    default:
      return SIZEOF_BPF_ARRAY + max * value;
  }
}

/**
 * uapi numbers and `union bpf_attr` layouts of Linux 6.18 (include/uapi/linux/bpf.h), for
 * encoding the contract's attrs into real syscalls. Enum tables were generated from the
 * running kernel's BTF; `uapi.test.ts` checks them against /sys/kernel/btf/vmlinux.
 */

// The enum tables are the model's own (src/kernel/uapi.ts); oracle.test.ts checks them against
// the running kernel's BTF, so model and oracle cannot drift apart.
import * as model from '../src/kernel/uapi';

export const BPF_CMD: readonly string[] = model.BPF_CMD;
export const BPF_PROG_TYPE: readonly string[] = model.BPF_PROG_TYPE;
export const BPF_MAP_TYPE: readonly string[] = model.BPF_MAP_TYPE;
export const BPF_ATTACH_TYPE: readonly string[] = model.BPF_ATTACH_TYPE;
export const BPF_LINK_TYPE: readonly string[] = model.BPF_LINK_TYPE;

export const ENUM_ALIASES: Readonly<Record<string, number>> = {
  BPF_PROG_RUN: 10,
  BPF_MAP_TYPE_CGROUP_STORAGE_DEPRECATED: 19,
  BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE_DEPRECATED: 21,
};

/** Every flag name the contract accepts in a flag field (`BPF_F_*`, `XDP_FLAGS_*`). */
export const FLAGS: Readonly<Record<string, number>> = {
  BPF_F_ALLOW_OVERRIDE: 1, BPF_F_ALLOW_MULTI: 2, BPF_F_REPLACE: 4, BPF_F_BEFORE: 8, BPF_F_AFTER: 16,
  BPF_F_ID: 32, BPF_F_PREORDER: 64, BPF_F_QUERY_EFFECTIVE: 1,
  BPF_F_NO_PREALLOC: 1, BPF_F_NO_COMMON_LRU: 2, BPF_F_NUMA_NODE: 4, BPF_F_RDONLY: 8, BPF_F_WRONLY: 16,
  BPF_F_STACK_BUILD_ID: 32, BPF_F_ZERO_SEED: 64, BPF_F_RDONLY_PROG: 128, BPF_F_WRONLY_PROG: 256,
  BPF_F_CLONE: 512, BPF_F_MMAPABLE: 1024, BPF_F_PRESERVE_ELEMS: 2048, BPF_F_INNER_MAP: 4096,
  BPF_F_LINK: 8192, BPF_F_PATH_FD: 16384, BPF_F_VTYPE_BTF_OBJ_FD: 32768, BPF_F_TOKEN_FD: 65536,
  BPF_F_SEGV_ON_FAULT: 131072, BPF_F_NO_USER_CONV: 262144,
  BPF_F_STRICT_ALIGNMENT: 1, BPF_F_ANY_ALIGNMENT: 2, BPF_F_TEST_RND_HI32: 4, BPF_F_TEST_STATE_FREQ: 8,
  BPF_F_SLEEPABLE: 16, BPF_F_XDP_HAS_FRAGS: 32, BPF_F_XDP_DEV_BOUND_ONLY: 64, BPF_F_TEST_REG_INVARIANTS: 128,
  XDP_FLAGS_UPDATE_IF_NOEXIST: 1, XDP_FLAGS_SKB_MODE: 2, XDP_FLAGS_DRV_MODE: 4, XDP_FLAGS_HW_MODE: 8,
  XDP_FLAGS_REPLACE: 16,
};

/** How one attr field is written: an integer of `size` bytes at `off`, taking enum names
 * from `names` or flag names (`flags`); or a NUL-padded char array of `size` bytes. */
export interface FieldSpec { off: number; size: 4 | 8 | 16; names?: readonly string[]; flags?: true; chars?: true }

const u32 = (off: number, names?: readonly string[]): FieldSpec => (names ? { off, size: 4, names } : { off, size: 4 });
const u64 = (off: number): FieldSpec => ({ off, size: 8 });
const flags = (off: number): FieldSpec => ({ off, size: 4, flags: true });
const chars = (off: number): FieldSpec => ({ off, size: 16, chars: true });

const GET_NEXT_ID = { start_id: u32(0), next_id: u32(4), open_flags: flags(8) };
const FD_BY_ID = (idField: string) => ({ [idField]: u32(0), next_id: u32(4), open_flags: flags(8), fd_by_id_token_fd: u32(12) });
const ATTACH = { target_fd: u32(0), target_ifindex: u32(0), attach_bpf_fd: u32(4), attach_type: u32(8, BPF_ATTACH_TYPE),
  attach_flags: flags(12), replace_bpf_fd: u32(16), relative_fd: u32(20), relative_id: u32(20), expected_revision: u64(24) };
const REL = (p: string) => ({ [`${p}.relative_fd`]: u32(16), [`${p}.relative_id`]: u32(16), [`${p}.expected_revision`]: u64(24) });

/** The plain integer fields of each command's member of `union bpf_attr` (dotted names for
 * nested members). Pointers and strings are handled by the encoder. */
export const ATTR_FIELDS: Readonly<Record<string, Readonly<Record<string, FieldSpec>>>> = {
  BPF_MAP_CREATE: { map_type: u32(0, BPF_MAP_TYPE), key_size: u32(4), value_size: u32(8), max_entries: u32(12),
    map_flags: flags(16), inner_map_fd: u32(20), numa_node: u32(24), map_name: chars(28), map_ifindex: u32(44),
    btf_fd: u32(48), btf_key_type_id: u32(52), btf_value_type_id: u32(56), btf_vmlinux_value_type_id: u32(60),
    map_extra: u64(64), value_type_btf_obj_fd: u32(72), map_token_fd: u32(76) },
  BPF_PROG_LOAD: { prog_type: u32(0, BPF_PROG_TYPE), log_level: u32(24), kern_version: u32(40), prog_flags: flags(44),
    prog_name: chars(48), prog_ifindex: u32(64), expected_attach_type: u32(68, BPF_ATTACH_TYPE), prog_btf_fd: u32(72),
    attach_btf_id: u32(108), attach_prog_fd: u32(112), attach_btf_obj_fd: u32(112), prog_token_fd: u32(144) },
  BPF_OBJ_PIN: { bpf_fd: u32(8), file_flags: flags(12), path_fd: u32(16) },
  BPF_OBJ_GET: { bpf_fd: u32(8), file_flags: flags(12), path_fd: u32(16) },
  BPF_PROG_ATTACH: ATTACH,
  BPF_PROG_DETACH: ATTACH,
  BPF_PROG_QUERY: { target_fd: u32(0), target_ifindex: u32(0), attach_type: u32(4, BPF_ATTACH_TYPE), query_flags: flags(8),
    attach_flags: flags(12), prog_cnt: u32(24), count: u32(24) },
  BPF_PROG_GET_NEXT_ID: GET_NEXT_ID, BPF_MAP_GET_NEXT_ID: GET_NEXT_ID, BPF_LINK_GET_NEXT_ID: GET_NEXT_ID,
  BPF_PROG_GET_FD_BY_ID: FD_BY_ID('prog_id'), BPF_MAP_GET_FD_BY_ID: FD_BY_ID('map_id'),
  BPF_LINK_GET_FD_BY_ID: FD_BY_ID('link_id'),
  BPF_OBJ_GET_INFO_BY_FD: { bpf_fd: u32(0), info_len: u32(4) },
  BPF_RAW_TRACEPOINT_OPEN: { prog_fd: u32(8), cookie: u64(16) },
  BPF_LINK_CREATE: { prog_fd: u32(0), map_fd: u32(0), target_fd: u32(4), target_ifindex: u32(4),
    attach_type: u32(8, BPF_ATTACH_TYPE), flags: flags(12), target_btf_id: u32(16), 'tracing.target_btf_id': u32(16),
    'tracing.cookie': u64(24), 'perf_event.bpf_cookie': u64(16), ...REL('cgroup'), ...REL('tcx'), ...REL('netkit'),
    'netfilter.pf': u32(16), 'netfilter.hooknum': u32(20), 'netfilter.priority': u32(24), 'netfilter.flags': u32(28),
    iter_info_len: u32(24) },
  BPF_ITER_CREATE: { link_fd: u32(0), flags: u32(4) },
  BPF_MAP_FREEZE: { map_fd: u32(0) },
  BPF_LINK_UPDATE: { link_fd: u32(0), new_prog_fd: u32(4), new_map_fd: u32(4), flags: flags(8), old_prog_fd: u32(12),
    old_map_fd: u32(12) },
  BPF_LINK_DETACH: { link_fd: u32(0) },
};

/** sizeof(union bpf_attr) on 6.18: every request passes this many bytes. */
export const ATTR_SIZE = 168;

/** Sizes of the info structs on 6.18. */
export const INFO_SIZE = { prog: 232, map: 104, link: 64 } as const;

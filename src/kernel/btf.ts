/**
 * The modelled vmlinux BTF: the tracepoints and kernel functions a program can name.
 *
 * Type ids are those of the Linux 6.18 vmlinux BTF this project is checked against
 * (`bpftool btf dump file /sys/kernel/btf/vmlinux`), so `BPF_OBJ_GET_INFO_BY_FD` on a
 * tracing link reports the same `target_btf_id` as that kernel. vmlinux BTF is BTF
 * object id 1.
 */

export const VMLINUX_BTF_OBJ_ID = 1;

export interface Tracepoint {
  /** Number of tracepoint arguments (the `btf_trace_<name>` typedef's, minus `void *`). */
  nargs: number;
  /** BTF id of the `btf_trace_<name>` typedef (what a tp_btf program's attach_btf_id names). */
  btfId: number;
}

export const TRACEPOINTS: Readonly<Record<string, Tracepoint>> = {
  sys_enter: { nargs: 2, btfId: 11324 },
  sys_exit: { nargs: 2, btfId: 11328 },
  sched_switch: { nargs: 4, btfId: 10306 },
  sched_process_exec: { nargs: 3, btfId: 10330 },
  sched_process_fork: { nargs: 2, btfId: 10326 },
  sched_process_exit: { nargs: 2, btfId: 10316 },
  sched_process_free: { nargs: 1, btfId: 10314 },
  sched_wakeup: { nargs: 1, btfId: 10302 },
  task_rename: { nargs: 2, btfId: 9540 },
  task_newtask: { nargs: 2, btfId: 9536 },
  block_rq_issue: { nargs: 1, btfId: 28921 },
  kfree: { nargs: 2, btfId: 16055 },
  kmalloc: { nargs: 6, btfId: 16051 },
  netif_receive_skb: { nargs: 1, btfId: 38184 },
  net_dev_queue: { nargs: 1, btfId: 38180 },
  tcp_retransmit_skb: { nargs: 3, btfId: 38298 },
  inet_sock_set_state: { nargs: 3, btfId: 38247 },
  cpu_idle: { nargs: 2, btfId: 13376 },
  signal_generate: { nargs: 5, btfId: 9874 },
  xdp_exception: { nargs: 3, btfId: 13649 },
  irq_handler_entry: { nargs: 2, btfId: 9715 },
  softirq_entry: { nargs: 1, btfId: 9723 },
};

export interface KernelFunc {
  btfId: number;
  /** On the error-injection list (`ALLOW_ERROR_INJECTION`): fmod_ret may attach. */
  errorInjectable?: boolean;
}

/** Kernel functions (BTF `FUNC`s) that fentry/fexit/fmod_ret/lsm programs can target.
 * `bpf_lsm_*` are the LSM hooks; `security_*` are allowed for fmod_ret too
 * (`check_attach_modify_return`, kernel/bpf/verifier.c). */
export const KERNEL_FUNCS: Readonly<Record<string, KernelFunc>> = {
  do_unlinkat: { btfId: 76299 },
  do_sys_openat2: { btfId: 76236 },
  vfs_read: { btfId: 119961 },
  vfs_write: { btfId: 119990 },
  vfs_open: { btfId: 119945 },
  tcp_connect: { btfId: 114234 },
  tcp_v4_connect: { btfId: 114666 },
  tcp_sendmsg: { btfId: 114545 },
  inet_bind: { btfId: 85365 },
  kfree: { btfId: 90217 },
  do_exit: { btfId: 75887 },
  do_nanosleep: { btfId: 76027 },
  wake_up_new_task: { btfId: 121477 },
  schedule: { btfId: 108568 },
  bpf_fentry_test1: { btfId: 63947 },
  bpf_modify_return_test: { btfId: 65155, errorInjectable: true },
  __x64_sys_openat: { btfId: 57040, errorInjectable: true },
  __x64_sys_write: { btfId: 57247, errorInjectable: true },
  __x64_sys_getpgid: { btfId: 56906, errorInjectable: true },
  __x64_sys_unlinkat: { btfId: 57228, errorInjectable: true },
  __x64_sys_execve: { btfId: 56846, errorInjectable: true },
  security_file_open: { btfId: 108836 },
  security_bprm_check: { btfId: 108787 },
  security_socket_connect: { btfId: 109082 },
  bpf_lsm_file_open: { btfId: 64615 },
  bpf_lsm_bprm_check_security: { btfId: 64573 },
  bpf_lsm_socket_connect: { btfId: 64901 },
  bpf_lsm_task_alloc: { btfId: 64927 },
  bpf_lsm_inode_unlink: { btfId: 64726 },
};

/** May fmod_ret attach to this function? (`check_attach_modify_return`) */
export function modifyReturnAllowed(func: string): boolean {
  const f = KERNEL_FUNCS[func];
  return !!f && (f.errorInjectable === true || func.startsWith('security_'));
}

/** The BTF function an LSM program targets: `file_open` and `bpf_lsm_file_open` both
 * name `bpf_lsm_file_open` (libbpf adds the prefix for `SEC("lsm/file_open")`). */
export function lsmHookFunc(name: string): string {
  return name.startsWith('bpf_lsm_') ? name : `bpf_lsm_${name}`;
}

export function hasOwn<T extends object>(table: T, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(table, key);
}

/** A BPF iterator target (`bpf_iter_reg_target`): its `bpf_iter_<name>` BTF function, the
 * release that registered it (from the kernel's history, approximate for some), what
 * `attach_target` takes from `iter_info` (a map, a cgroup, a task filter, or nothing), and
 * whether its walk may reschedule (`BPF_ITER_RESCHED`: only those take sleepable programs,
 * as 6.18 answers BPF_LINK_CREATE for each target; the map-element ones, refused at load
 * there, as their registrations say). */
export interface IterTarget { btfId: number; since: number; attach: 'map' | 'cgroup' | 'task' | null; mapTypes?: readonly string[]; resched?: true }

const ELEM_MAPS = ['BPF_MAP_TYPE_HASH', 'BPF_MAP_TYPE_LRU_HASH', 'BPF_MAP_TYPE_ARRAY', 'BPF_MAP_TYPE_PERCPU_HASH', 'BPF_MAP_TYPE_LRU_PERCPU_HASH', 'BPF_MAP_TYPE_PERCPU_ARRAY'];

/** The iterator targets of Linux 6.18 (BTF ids of its vmlinux). */
export const ITER_TARGETS: Readonly<Record<string, IterTarget>> = {
  task: { btfId: 64274, since: 508, attach: 'task', resched: true },
  task_file: { btfId: 64279, since: 508, attach: 'task', resched: true },
  bpf_map: { btfId: 64157, since: 508, attach: null },
  netlink: { btfId: 64254, since: 508, attach: null },
  ipv6_route: { btfId: 64223, since: 508, attach: null },
  bpf_map_elem: { btfId: 64159, since: 509, attach: 'map', mapTypes: ELEM_MAPS },
  bpf_sk_storage_map: { btfId: 64163, since: 509, attach: 'map', mapTypes: ['BPF_MAP_TYPE_SK_STORAGE'] },
  tcp: { btfId: 64299, since: 509, attach: null },
  udp: { btfId: 64318, since: 509, attach: null },
  bpf_prog: { btfId: 64161, since: 509, attach: null },
  sockmap: { btfId: 64272, since: 510, attach: 'map', mapTypes: ['BPF_MAP_TYPE_SOCKMAP', 'BPF_MAP_TYPE_SOCKHASH'] },
  task_vma: { btfId: 64288, since: 512, attach: 'task', resched: true },
  unix: { btfId: 64329, since: 517, attach: null },
  ksym: { btfId: 64237, since: 600, attach: null, resched: true },
  bpf_link: { btfId: 64155, since: 600, attach: null },
  cgroup: { btfId: 64165, since: 601, attach: 'cgroup', resched: true },
  kmem_cache: { btfId: 64225, since: 613, attach: null, resched: true },
  dmabuf: { btfId: 64191, since: 616, attach: null, resched: true },
};

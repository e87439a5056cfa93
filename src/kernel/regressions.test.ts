/**
 * Model bugs the property tests (properties.test.ts) and the differential runs against the
 * real kernel (oracle/*.diff.test.ts) found, each as the sequence it was shrunk to, with the
 * real kernel's answers. (The differential scenarios replay these sequences too.) Every sequence must now keep the invariants at every step and leave
 * nothing behind after teardown (testing/checked.ts `checkSequence`), and the call that
 * went wrong must return what the real kernel returns.
 */
import { describe, expect, it } from 'vitest';
import type { KernelCall } from './call';
import { Errno } from './errno';
import { createKernel } from './index';
import { checkSequence } from './testing/checked';

interface Regression {
  bug: string;
  version: string;
  calls: KernelCall[];
  /** The call that went wrong and what it must return (or several); `attr`: out-parameters
   * it must write (compared as given, e.g. a whole `info`). */
  expect: Expected | Expected[];
}
interface Expected { step: number; ret: number; attr?: Record<string, unknown> }

const N256 = 'n'.repeat(256);
const PATH_FD = ['BPF_F_PATH_FD'];
const TC_LOAD: KernelCall = { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_SCHED_CLS' } };
const tcxAttach = (fd: number, attr: Record<string, unknown> = {}): KernelCall =>
  ({ call: 'bpf', pid: 100, cmd: 'BPF_PROG_ATTACH', attr: { target_ifindex: 2, attach_bpf_fd: fd, attach_type: 'BPF_TCX_INGRESS', ...attr } });

const ITER_LOAD = (target: string, attr: Record<string, unknown> = {}): KernelCall =>
  ({ call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_ITER', attach_func_name: target, ...attr } });
const iterLink = (prog: number, attr: Record<string, unknown> = {}): KernelCall =>
  ({ call: 'bpf', pid: 100, cmd: 'BPF_LINK_CREATE', attr: { prog_fd: prog, attach_type: 'BPF_TRACE_ITER', ...attr } });

const REGRESSIONS: Regression[] = [
  {
    bug: 'a sleepable iterator program linked to any target: since 6.0 only the targets whose walk may reschedule (BPF_ITER_RESCHED: task, task_file, task_vma, cgroup, ksym, kmem_cache, dmabuf) take one, EINVAL for the others after the iter_info checks (BPF_LINK_UPDATE does not check). Found by a random differential run (seed 20260101, sequence 7xx) against 6.18, shrunk',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { attach_func_name: 'sys_enter', expected_attach_type: 'BPF_TRACE_RAW_TP', license: 'Proprietary', prog_type: 'BPF_PROG_TYPE_TRACING' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { key_size: 4, map_type: 'BPF_MAP_TYPE_ARRAY', max_entries: 1, value_size: 8 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_RAW_TRACEPOINT_OPEN', attr: { cookie: 1099511627776, prog_fd: 3 } },
      { call: 'open', pid: 100, path: '/sys/fs/cgroup' },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { attach_func_name: 'bpf_prog', expected_attach_type: 'BPF_TRACE_ITER', license: 'Proprietary', prog_flags: ['BPF_F_SLEEPABLE'], prog_type: 'BPF_PROG_TYPE_TRACING' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_LINK_CREATE', attr: { attach_type: 'BPF_TRACE_ITER', prog_fd: 7 } },
      ITER_LOAD('task', { prog_flags: ['BPF_F_SLEEPABLE'] }),
      iterLink(8), // task: may reschedule
      ITER_LOAD('bpf_prog'),
      iterLink(10),
      { call: 'bpf', pid: 100, cmd: 'BPF_LINK_UPDATE', attr: { link_fd: 11, new_prog_fd: 7 } }, // the sleepable bpf_prog program
    ],
    expect: [{ step: 6, ret: -Errno.EINVAL }, { step: 8, ret: 9 }, { step: 10, ret: 11 }, { step: 11, ret: 0 }],
  },
  {
    bug: 'rename in cgroup2 replaced a cgroup directory, leaving a live cgroup with no directory (cgroup2 has no rename: EPERM)',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      { call: 'mkdir', pid: 100, path: '/sys/fs/cgroup/c' },
      { call: 'mkdir', pid: 100, path: '/sys/fs/cgroup/a' },
      { call: 'rename', pid: 100, from: '/sys/fs/cgroup/c', to: '/sys/fs/cgroup/a' },
    ],
    expect: { step: 3, ret: -Errno.EPERM },
  },
  {
    bug: 'a ring buffer took BPF_F_RDONLY (ringbuf_map_alloc takes only BPF_F_NUMA_NODE: EINVAL); found by a random differential run against 6.18',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_RINGBUF', key_size: 0, value_size: 0, max_entries: 4096, map_flags: ['BPF_F_RDONLY'] } },
    ],
    expect: { step: 1, ret: -Errno.EINVAL },
  },
  {
    bug: 'path walk: a removed directory failed "." and ".." (only a name looked up in it is ENOENT: pin "." is EEXIST, get "." EACCES); a dotted name over 255 bytes in BPF FS was ENAMETOOLONG (bpf_lookup says EPERM first); a long component in a removed directory was ENAMETOOLONG (ENOENT first); a cgroup name over 255 bytes was refused (kernfs takes it). Found checking the BPF_F_PATH_FD cases of the arbitraries against 6.18',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      { call: 'mkdir', pid: 100, path: '/sys/fs/bpf/d' },
      { call: 'open', pid: 100, path: '/sys/fs/bpf/d' },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1 } },
      { call: 'rmdir', pid: 100, path: '/sys/fs/bpf/d' },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { pathname: '.', bpf_fd: 4, file_flags: PATH_FD, path_fd: 3 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { pathname: '..', bpf_fd: 4, file_flags: PATH_FD, path_fd: 3 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_GET', attr: { pathname: '.', file_flags: PATH_FD, path_fd: 3 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_GET', attr: { pathname: '..', file_flags: PATH_FD, path_fd: 3 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { pathname: 'x', bpf_fd: 4, file_flags: PATH_FD, path_fd: 3 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { pathname: 'x.y', bpf_fd: 4, file_flags: PATH_FD, path_fd: 3 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { pathname: `${N256}/x`, bpf_fd: 4, file_flags: PATH_FD, path_fd: 3 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { pathname: '../b', bpf_fd: 4, file_flags: PATH_FD, path_fd: 3 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { pathname: `/sys/fs/bpf/${N256}`, bpf_fd: 4 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { pathname: `/sys/fs/bpf/${N256}.y`, bpf_fd: 4 } },
      { call: 'rmdir', pid: 100, path: `/sys/fs/bpf/${N256}.y` },
      { call: 'mkdir', pid: 100, path: `/tmp/${N256}` },
      { call: 'mkdir', pid: 100, path: `/sys/fs/cgroup/${N256}` },
    ],
    expect: [
      { step: 5, ret: -Errno.EEXIST }, { step: 6, ret: -Errno.EEXIST }, { step: 7, ret: -Errno.EACCES }, { step: 8, ret: -Errno.EACCES },
      { step: 9, ret: -Errno.ENOENT }, { step: 10, ret: -Errno.ENOENT }, { step: 11, ret: -Errno.ENOENT }, { step: 12, ret: 0 },
      { step: 13, ret: -Errno.ENAMETOOLONG }, { step: 14, ret: -Errno.EPERM }, { step: 15, ret: -Errno.EPERM },
      { step: 16, ret: -Errno.ENAMETOOLONG }, { step: 17, ret: 0 },
    ],
  },
  {
    bug: 'BPF_OBJ_PIN / BPF_OBJ_GET with BPF_F_PATH_FD and an empty pathname: -ENOENT, whatever path_fd is (getname refuses the empty name before path_fd is looked at; was -EBADF for a closed path_fd, -ENOTDIR for one that is no directory); a bad bpf_fd still comes first. Found by the random differential run against 6.18',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_XDP' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { bpf_fd: 3, file_flags: PATH_FD, path_fd: 4, pathname: '' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { bpf_fd: 3, file_flags: PATH_FD, path_fd: 3, pathname: '' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { bpf_fd: 3, file_flags: PATH_FD, path_fd: 4, pathname: 'x' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { bpf_fd: 3, file_flags: PATH_FD, path_fd: 3, pathname: 'x' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_GET', attr: { file_flags: PATH_FD, path_fd: 1, pathname: '' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_GET', attr: { file_flags: PATH_FD, path_fd: 5, pathname: '' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_GET', attr: { file_flags: PATH_FD, path_fd: 5, pathname: 'x' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { bpf_fd: 9, file_flags: PATH_FD, path_fd: 4, pathname: '' } },
    ],
    expect: [
      { step: 2, ret: -Errno.ENOENT }, { step: 3, ret: -Errno.ENOENT }, { step: 4, ret: -Errno.EBADF }, { step: 5, ret: -Errno.ENOTDIR },
      { step: 6, ret: -Errno.ENOENT }, { step: 7, ret: -Errno.ENOENT }, { step: 8, ret: -Errno.EBADF }, { step: 9, ret: -Errno.EINVAL },
    ],
  },
  {
    bug: 'BPF_PROG_LOAD with BPF_F_SLEEPABLE, an unknown or missing BTF target and a closed fd_array fd: -EBADF, as 6.18 answers (the verifier resolves the map fds before check_attach_btf_id since 6.13; was -EINVAL); a target named for a type that takes none is still -EINVAL first (bpf_prog_load_check_attach). Found by the random differential run against 6.18',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_XDP', prog_flags: ['BPF_F_SLEEPABLE'], map_fds: [5, 4] } },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', attach_func_name: 'nope', map_fds: [3, 3] } },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', fd_array: [3] } },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', attach_func_name: 'sys_enter', fd_array: [3] } },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', attach_func_name: 'sys_enter', prog_flags: ['BPF_F_SLEEPABLE'], fd_array: [0] } },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_XDP', prog_flags: ['BPF_F_SLEEPABLE'], map_fds: [3] } },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', attach_func_name: 'nope', map_fds: [3] } },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', attach_func_name: 'sys_enter', map_fds: [3] } },
    ],
    expect: [
      { step: 1, ret: -Errno.EBADF }, { step: 2, ret: -Errno.EBADF }, { step: 3, ret: -Errno.EBADF }, { step: 4, ret: -Errno.EINVAL },
      { step: 5, ret: -Errno.EINVAL }, { step: 6, ret: 3 }, { step: 7, ret: -Errno.EINVAL }, { step: 8, ret: -Errno.EINVAL }, { step: 9, ret: 4 },
    ],
  },
  {
    bug: 'BPF_OBJ_GET_INFO_BY_FD of an fd that is no BPF object (a directory, the tty) with info_len over a page: -EINVAL, as 6.18 answers (the page-size check runs in each kind\'s get_info; was -E2BIG). Found by the random differential run against 6.18',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      { call: 'open', pid: 100, path: '/sys/fs/bpf' },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_GET_INFO_BY_FD', attr: { bpf_fd: 3, info: {}, info_len: 5000 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_GET_INFO_BY_FD', attr: { bpf_fd: 0, info: {}, info_len: 5000 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_GET_INFO_BY_FD', attr: { bpf_fd: 4, info: {}, info_len: 5000 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_GET_INFO_BY_FD', attr: { bpf_fd: 5, info: {}, info_len: 5000 } },
    ],
    expect: [{ step: 2, ret: -Errno.EINVAL }, { step: 3, ret: -Errno.EINVAL }, { step: 5, ret: -Errno.E2BIG }, { step: 6, ret: -Errno.EBADFD }],
  },
  {
    bug: 'BPF_MAP_CREATE took any u32 size: an array value_size over INT_MAX (-1 too) is -E2BIG, an array or preallocated hash larger than the machine\'s memory -ENOMEM, hash key_size + value_size reaching 4 MiB less 48 and more than 2^27 hash entries -E2BIG, as 6.18 answers (was a map). Found by replaying the model\'s garbage tests on 6.18',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 2 ** 31, max_entries: 1 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: -1, max_entries: 1 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 4, max_entries: -1 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_HASH', key_size: 0xffffffff, value_size: 4, max_entries: 16 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_HASH', key_size: 4, value_size: 2 ** 22 - 52, max_entries: 16 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_HASH', key_size: 4, value_size: 2 ** 22 - 56, max_entries: 16 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_HASH', key_size: 4, value_size: 4, max_entries: 2 ** 27 + 1 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_HASH', key_size: 4, value_size: 2 ** 20, max_entries: 2 ** 16 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1 } },
    ],
    expect: [
      { step: 1, ret: -Errno.E2BIG }, { step: 2, ret: -Errno.E2BIG }, { step: 3, ret: -Errno.ENOMEM }, { step: 4, ret: -Errno.E2BIG },
      { step: 5, ret: -Errno.E2BIG }, { step: 6, ret: 3 }, { step: 7, ret: -Errno.E2BIG }, { step: 8, ret: -Errno.ENOMEM }, { step: 9, ret: 4 },
    ],
  },
  {
    bug: 'rename to a name over 255 bytes: -ENOENT when the source does not exist (the source is looked up first), -ENAMETOOLONG when it does, on bpffs and tmpfs; a dotted target is -EPERM; cgroup2 takes long names but refuses rename (-EPERM). Listed as an open divergence by the oracle issue; 6.18 answers these and the model already agreed (path walk order fix 7c738d0)',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'r' },
      { call: 'rename', pid: 100, from: '/sys/fs/bpf/nope', to: `/sys/fs/bpf/${N256}` },
      { call: 'rename', pid: 100, from: `/sys/fs/bpf/${N256}`, to: '/sys/fs/bpf/x' },
      { call: 'rename', pid: 100, from: '/tmp/nope', to: `/tmp/${N256}` },
      { call: 'mkdir', pid: 100, path: '/sys/fs/bpf/d' },
      { call: 'rename', pid: 100, from: '/sys/fs/bpf/d', to: `/sys/fs/bpf/${N256}` },
      { call: 'rename', pid: 100, from: '/sys/fs/bpf/d', to: '/sys/fs/bpf/x.y' },
      { call: 'rename', pid: 100, from: '/sys/fs/bpf/nope', to: '/sys/fs/bpf/x.y' },
      { call: 'rename', pid: 100, from: `/sys/fs/bpf/${N256}`, to: `/sys/fs/bpf/${N256}` },
      { call: 'rename', pid: 100, from: '/sys/fs/bpf/nope/a', to: `/sys/fs/bpf/${N256}` },
      { call: 'rename', pid: 100, from: '/sys/fs/bpf/d', to: `/sys/fs/bpf/nope/${N256}` },
      { call: 'rename', pid: 100, from: '/sys/fs/bpf/d', to: `/sys/fs/bpf/${N256}/a` },
      { call: 'mkdir', pid: 100, path: '/tmp/t' },
      { call: 'rename', pid: 100, from: '/tmp/t', to: `/tmp/${N256}` },
      { call: 'rename', pid: 100, from: '/sys/fs/bpf/d', to: `/tmp/${N256}` },
      { call: 'mkdir', pid: 100, path: '/sys/fs/cgroup/c' },
      { call: 'rename', pid: 100, from: '/sys/fs/cgroup/nope', to: `/sys/fs/cgroup/${N256}` },
      { call: 'rename', pid: 100, from: '/sys/fs/cgroup/c', to: `/sys/fs/cgroup/${N256}` },
    ],
    expect: [
      { step: 1, ret: -Errno.ENOENT }, { step: 2, ret: -Errno.ENAMETOOLONG }, { step: 3, ret: -Errno.ENOENT }, { step: 5, ret: -Errno.ENAMETOOLONG },
      { step: 6, ret: -Errno.EPERM }, { step: 7, ret: -Errno.ENOENT }, { step: 8, ret: -Errno.ENAMETOOLONG }, { step: 9, ret: -Errno.ENOENT },
      { step: 10, ret: -Errno.ENOENT }, { step: 11, ret: -Errno.ENAMETOOLONG }, { step: 13, ret: -Errno.ENAMETOOLONG }, { step: 14, ret: -Errno.EXDEV },
      { step: 16, ret: -Errno.ENOENT }, { step: 17, ret: -Errno.EPERM },
    ],
  },
  {
    bug: 'ip link add v0 type veth peer name v0 (NAME refused after the peer was registered) used up no ifindex: the next pair got 4/5 where 6.18 gives 5/6 (the failed peer\'s ifindex is consumed), so ifindex 4 named a device that does not exist. Found by the random differential run against 6.18',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      { call: 'netlinkVethAdd', pid: 100, name: 'v0', peer: 'v0' },
      { call: 'netlinkVethAdd', pid: 100, name: 'v0', peer: 'v1' },
      { call: 'netlinkXdpAttach', pid: 100, ifindex: 4, prog_fd: 3 },
      { call: 'netlinkXdpAttach', pid: 100, ifindex: 5, prog_fd: 3 },
      { call: 'netlinkVethAdd', pid: 100, name: 'w0', peer: 'a b' },
      { call: 'netlinkVethAdd', pid: 100, name: 'eth0', peer: 'w1' },
      { call: 'netlinkVethAdd', pid: 100, name: 'a:b', peer: 'w1' },
      { call: 'netlinkVethAdd', pid: 100, name: 'w0', peer: 'w1' },
      { call: 'netlinkXdpAttach', pid: 100, ifindex: 7, prog_fd: 3 },
      { call: 'netlinkXdpAttach', pid: 100, ifindex: 8, prog_fd: 3 },
    ],
    expect: [
      { step: 1, ret: -Errno.EEXIST }, { step: 2, ret: 0 }, { step: 3, ret: -Errno.ENODEV }, { step: 4, ret: -Errno.EBADF },
      { step: 5, ret: -Errno.EINVAL }, { step: 6, ret: -Errno.EEXIST }, { step: 7, ret: -Errno.EINVAL }, { step: 8, ret: 0 },
      { step: 9, ret: -Errno.ENODEV }, { step: 10, ret: -Errno.EBADF },
    ],
  },
  {
    bug: 'a tcx list took 64 programs, and BPF_F_BEFORE on a full list one more: bpf_mprog_max() is 63 (64 slots, the last ends the array), and since 6.6\'s fix f9b0e1088bbf a full list refuses any insert (-ERANGE) once the anchor is looked up, whatever BPF_F_BEFORE/AFTER say; BPF_F_REPLACE still works. Found by the tcx differential scenarios against 6.18',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      ...Array.from({ length: 65 }, () => TC_LOAD), // fds 3..67
      ...Array.from({ length: 63 }, (_, i) => tcxAttach(3 + i)),
      tcxAttach(66), // 64th: ERANGE
      tcxAttach(66, { attach_flags: ['BPF_F_BEFORE'] }), // ERANGE (was 0: one past the end)
      tcxAttach(66, { attach_flags: ['BPF_F_BEFORE'], relative_fd: 999 }), // EBADF: the anchor comes first
      tcxAttach(66, { attach_flags: ['BPF_F_BEFORE'], relative_fd: 67 }), // ERANGE before the anchor's place (ENOENT)
      tcxAttach(3), // EEXIST comes first
      { call: 'bpf', pid: 100, cmd: 'BPF_LINK_CREATE', attr: { prog_fd: 66, target_ifindex: 2, attach_type: 'BPF_TCX_INGRESS' } }, // ERANGE
      tcxAttach(66, { attach_flags: ['BPF_F_REPLACE'], replace_bpf_fd: 3 }), // a replace: 0
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_QUERY', attr: { target_ifindex: 2, attach_type: 'BPF_TCX_INGRESS', prog_cnt: 0 } },
    ],
    expect: [
      { step: 128, ret: 0 }, { step: 129, ret: -Errno.ERANGE }, { step: 130, ret: -Errno.ERANGE }, { step: 131, ret: -Errno.EBADF },
      { step: 132, ret: -Errno.ERANGE }, { step: 133, ret: -Errno.EEXIST }, { step: 134, ret: -Errno.ERANGE }, { step: 135, ret: 0 },
      { step: 136, ret: 0 },
    ],
  },
  {
    bug: 'tcx calls read the device only from target_ifindex: given as target_fd (the same bytes of union bpf_attr, and what libbpf\'s bpf_prog_attach_opts and bpf_link_create write) it was ifindex 0 (-ENODEV). Found by the tcx differential scenarios against 6.18',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      TC_LOAD, TC_LOAD,
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_ATTACH', attr: { target_fd: 3, attach_bpf_fd: 3, attach_type: 'BPF_TCX_INGRESS' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_QUERY', attr: { target_fd: 3, attach_type: 'BPF_TCX_INGRESS' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_LINK_CREATE', attr: { prog_fd: 4, target_fd: 3, attach_type: 'BPF_TCX_INGRESS' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_DETACH', attr: { target_fd: 3, attach_bpf_fd: 3, attach_type: 'BPF_TCX_INGRESS' } },
      { call: 'trigger', event: 'xdp:veth1' },
    ],
    expect: [{ step: 3, ret: 0 }, { step: 4, ret: 0 }, { step: 5, ret: 5 }, { step: 6, ret: 0 }, { step: 7, ret: 1 }],
  },
  {
    bug: 'an iterator link read iter_info and iter_info_len only under those names: the bytes are link_create\'s union, so tracing.cookie (or tcx.expected_revision) is the length and target_btf_id (or tracing.target_btf_id, perf_event.bpf_cookie, a relative_fd) the pointer: a length without a pointer is EINVAL, a pointer made of such a value EFAULT (E2BIG over a page first). Found by the iterator differential scenarios against 6.18',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      ITER_LOAD('bpf_map'),
      iterLink(3, { tracing: { cookie: 16 } }),
      iterLink(3, { target_btf_id: 5 }),
      iterLink(3, { target_btf_id: 4096, iter_info_len: 16 }),
      iterLink(3, { target_btf_id: 4096, iter_info_len: 32 }),
      iterLink(3, { target_btf_id: 4096, iter_info_len: 5000 }),
      iterLink(3, { tcx: { expected_revision: 3 } }),
      iterLink(3, { perf_event: { bpf_cookie: 2 ** 40 } }),
      iterLink(3, { iter_info: { cgroup: { order: 1 } }, tracing: { cookie: 16 } }), // the length from the cookie: 0
    ],
    expect: [
      { step: 2, ret: -Errno.EINVAL }, { step: 3, ret: -Errno.EINVAL }, { step: 4, ret: -Errno.EFAULT }, { step: 5, ret: -Errno.EFAULT },
      { step: 6, ret: -Errno.E2BIG }, { step: 7, ret: -Errno.EINVAL }, { step: 8, ret: -Errno.EINVAL }, { step: 9, ret: 4 },
    ],
  },
  {
    bug: 'unlinking the pin of an iterator link put the link at once, while a file opened through the pin (open() of it: an iterator file) holds the pin\'s inode and so the link: it goes when the last such file is closed (bpf_free_inode). Found by the iterator differential scenarios against 6.18',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      ITER_LOAD('task'),
      iterLink(3),
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { bpf_fd: 4, pathname: '/sys/fs/bpf/it' } },
      { call: 'open', pid: 100, path: '/sys/fs/bpf/it' },
      { call: 'close', pid: 100, fd: 4 },
      { call: 'unlink', pid: 100, path: '/sys/fs/bpf/it' },
      { call: 'bpf', pid: 100, cmd: 'BPF_LINK_GET_FD_BY_ID', attr: { link_id: 1 } },
      { call: 'close', pid: 100, fd: 4 },
      { call: 'fork', pid: 100 },
      { call: 'close', pid: 100, fd: 5 },
      { call: 'bpf', pid: 100, cmd: 'BPF_LINK_GET_NEXT_ID', attr: { start_id: 0 } },
      { call: 'exit', pid: 101 },
      { call: 'bpf', pid: 100, cmd: 'BPF_LINK_GET_NEXT_ID', attr: { start_id: 0 } },
    ],
    expect: [{ step: 7, ret: 4 }, { step: 11, ret: 0, attr: { next_id: 1 } }, { step: 13, ret: -Errno.ENOENT }],
  },
  {
    bug: 'link info with an info_len that cuts the union (16 < info_len < 64) gave the whole member: the kernel copies info_len bytes out, so fields at or past them are not written, target_name\'s buffer is only handed in with its length (from 28 bytes), and a cut field keeps its low bytes. Found by the iterator differential scenarios against 6.18',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      ITER_LOAD('cgroup'),
      iterLink(3, { iter_info: { cgroup: { order: 3 } }, iter_info_len: 16 }),
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_GET_INFO_BY_FD', attr: { bpf_fd: 4, info: {}, info_len: 24 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_GET_INFO_BY_FD', attr: { bpf_fd: 4, info: {}, info_len: 28 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_GET_INFO_BY_FD', attr: { bpf_fd: 4, info: {}, info_len: 36 } },
    ],
    expect: [
      { step: 3, ret: 0, attr: { info: { type: 'BPF_LINK_TYPE_ITER', id: 1, prog_id: 1, iter: { target_name: '' } }, info_len: 24 } },
      { step: 4, ret: 0, attr: { info: { type: 'BPF_LINK_TYPE_ITER', id: 1, prog_id: 1, iter: { target_name: 'cgroup', target_name_len: 7 } }, info_len: 28 } },
      { step: 5, ret: 0, attr: { info: { type: 'BPF_LINK_TYPE_ITER', id: 1, prog_id: 1, iter: { target_name: 'cgroup', target_name_len: 7, cgroup: { cgroup_id: 1 } } }, info_len: 36 } },
    ],
  },
];

describe('regressions found by the property tests', () => {
  for (const r of REGRESSIONS) {
    it(r.bug, () => {
      expect(checkSequence(r.version, r.calls)).toBeNull();
      const k = createKernel({ version: r.version });
      const results = r.calls.map((c) => k.apply(structuredClone(c)));
      for (const e of Array.isArray(r.expect) ? r.expect : [r.expect]) {
        expect(results[e.step]?.ret, `call ${e.step}`).toBe(e.ret);
        for (const [field, v] of Object.entries(e.attr ?? {})) expect(results[e.step]?.attr?.[field], `call ${e.step}: ${field}`).toEqual(v);
      }
    });
  }
});

/**
 * The call lists of the oracle's own tests (linkPinning, errno, process, trigger, attach,
 * oracle): each test checks facts of the real kernel on its list, and the differential
 * scenarios (index.ts) run the same lists on the model too.
 */
import type { KernelCall } from '../../src/kernel/call';
import { as, SYS_ENTER, spawn, trigger } from '../testing';

const p = as(100);

function linkPinning(): Record<string, KernelCall[]> {
  const PIN = '/sys/fs/bpf/pinned_link_test';
  const load = [
    spawn('test_progs'),
    p.bpf('BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1, map_name: 'test_lin.bss' }),
    p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', prog_name: 'raw_tp_prog', fd_array: [3] }),
    p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP',
      attach_func_name: 'sys_enter', prog_name: 'tp_btf_prog', fd_array: [3] }),
  ];
  /** The sub-test, with the attach call of raw_tp or tp_btf; `prog` is the program's fd. */
  const subtest = (attach: KernelCall): KernelCall[] => [
    attach, // 4: fd 6
    SYS_ENTER, // 5: runs
    p.bpf('BPF_OBJ_PIN', { bpf_fd: 6, pathname: PIN }), // 6
    p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 6, info: {} }), // 7
    SYS_ENTER, // 8
    p.close(6), // 9: only the pin holds the link
    SYS_ENTER, // 10: still runs
    p.bpf('BPF_OBJ_GET', { pathname: PIN }), // 11: fd 6 again
    p.unlink(PIN), // 12
    SYS_ENTER, // 13: still runs, through the fd
    p.close(6), // 14: link gone
    SYS_ENTER, // 15: nothing runs
    p.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 1 }), // 16: the link's id is gone
  ];
  return {
    'pin_raw_tp: BPF_RAW_TRACEPOINT_OPEN, pin, close, get, unlink, close': [...load, ...subtest(p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 4 }))],
    'pin_tp_btf: BPF_LINK_CREATE with BPF_TRACE_RAW_TP makes a raw tracepoint link too': [...load, ...subtest(p.bpf('BPF_LINK_CREATE', { prog_fd: 5, target_fd: 0, attach_type: 'BPF_TRACE_RAW_TP' }))],
    'program info: the map it uses, the canonical tag, instruction counts': [...load, p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 4, info: {} }),
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 5, info: {} }), p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 3, info: {} })],
  };
}

function errno(): Record<string, KernelCall[]> {
  return {
    'a closed fd: EBADF to attach, EINVAL to pin, EBADFD to get info': [
      spawn('errnos'),
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 3 }),
      p.bpf('BPF_OBJ_PIN', { bpf_fd: 3, pathname: '/sys/fs/bpf/x' }),
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 3, info: {} }),
      p.bpf('BPF_LINK_DETACH', { link_fd: 3 }),
      p.bpf('BPF_LINK_UPDATE', { link_fd: 3, new_prog_fd: 4 }),
      p.close(3),
    ],
    'the wrong kind of fd is EINVAL; raw tracepoint links cannot be detached or updated': [
      spawn('errnos'),
      p.bpf('BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 4, max_entries: 1 }), // 3
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' }), // 4
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 3 }), // map as prog
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 4 }), // 5
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 5 }), // link as prog
      p.bpf('BPF_LINK_DETACH', { link_fd: 5 }),
      p.bpf('BPF_LINK_UPDATE', { link_fd: 5, new_prog_fd: 4 }),
      p.bpf('BPF_LINK_DETACH', { link_fd: 4 }), // prog as link
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'no_such_tracepoint', prog_fd: 4 }),
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 4 }), // 6: a second link, 6.10+
      p.bpf('BPF_LINK_CREATE', { prog_fd: 4, target_fd: 0, attach_type: 'BPF_TRACE_RAW_TP' }), // raw_tp via LINK_CREATE
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', attach_func_name: 'sys_enter' }),
    ],
    'bpffs: dotted names EPERM, pin over a pin EEXIST, open of a pin EIO, unlink of a directory EISDIR': [
      spawn('errnos'),
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' }), // 3
      p.bpf('BPF_OBJ_PIN', { bpf_fd: 3, pathname: '/sys/fs/bpf/a.b' }),
      p.bpf('BPF_OBJ_PIN', { bpf_fd: 3, pathname: '/sys/fs/bpf/p' }),
      p.bpf('BPF_OBJ_PIN', { bpf_fd: 3, pathname: '/sys/fs/bpf/p' }),
      p.open('/sys/fs/bpf/p'),
      p.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/c.d' }),
      p.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/maps.debug' }), // the kernel's own pin: ENOENT, observed
      p.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/missing' }),
      p.mkdir('/sys/fs/bpf/d'),
      p.unlink('/sys/fs/bpf/d'),
      p.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/d' }),
      p.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/p' }), // 4
    ],
    'trampoline loads are refused here: marked not comparable, counted': [
      spawn('errnos'),
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_FENTRY', attach_func_name: 'do_unlinkat' }),
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_LSM', expected_attach_type: 'BPF_LSM_MAC', attach_func_name: 'file_open' }),
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', attach_func_name: 'sys_enter' }),
      { call: 'trigger', event: 'function:do_unlinkat' },
      p.bpf('BPF_MAP_UPDATE_ELEM', {}),
    ],
  };
}

function processes(): Record<string, KernelCall[]> {
  const parent = as(100), child = as(101);
  const loadAndAttach = [
    spawn('loader'),
    parent.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', prog_name: 'p' }), // 3
    parent.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 3 }), // 4
  ];
  return {
    'fork: the child shares the link; it stays until the last copy is closed': [
      ...loadAndAttach,
      parent.fork(), // 3: pid 101
      child.close(4), // 4
      SYS_ENTER, // 5: still attached through the parent's fd
      child.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 4, info: {} }), // 6: EBADFD in the child
      parent.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 4, info: {} }), // 7
      child.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' }), // 8: fd 4, lowest free in the child
      child.exit(), // 9
      SYS_ENTER, // 10
      parent.close(4), // 11
      SYS_ENTER, // 12
      child.close(3), // 13: the child is gone
      { call: 'fork', pid: 101 }, // 14
    ],
    'exit releases every fd: links go, pinned ones stay': [
      ...loadAndAttach,
      parent.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 3 }), // 3: fd 5, second link
      parent.bpf('BPF_OBJ_PIN', { bpf_fd: 5, pathname: '/sys/fs/bpf/kept' }), // 4
      SYS_ENTER, // 5: two links, the program runs twice
      parent.exit(), // 6
      SYS_ENTER, // 7: the pinned link only
      spawn('reader'), // 8: pid 101
      child.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/kept' }), // 9: fd 3
      child.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 3, info: {} }), // 10
      child.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 1 }), // 11: the first link is gone
      child.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 2 }), // 12: fd 4
      child.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 1 }), // 13: fd 5, held by the pinned link
    ],
    'dup shares the file; fds are allocated lowest first': [
      ...loadAndAttach,
      parent.dup(4), // 3: fd 5
      parent.close(4), // 4
      SYS_ENTER, // 5
      parent.bpf('BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_HASH', key_size: 4, value_size: 4, max_entries: 8 }), // 6: fd 4
      parent.close(5), // 7
      SYS_ENTER, // 8
      parent.close(0), // 9
      parent.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_SOCKET_FILTER' }), // 10: fd 0
    ],
  };
}

function triggers(): Record<string, KernelCall[]> {
  const TPS = ['sys_enter', 'sys_exit', 'sched_process_fork', 'sched_process_exit', 'sched_process_exec', 'task_rename'];
  return {
    'each tracepoint runs the programs linked to it, once per link': [
      spawn('tp'),
      ...TPS.flatMap((name, i) => [
        p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', prog_name: `p${i}` }), // fd 3 + 2i
        p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name, prog_fd: 3 + 2 * i }), // fd 4 + 2i
      ]),
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 3 }), // a second link
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', attach_func_name: 'sys_enter' }),
      p.bpf('BPF_LINK_CREATE', { prog_fd: 16, target_fd: 0, attach_type: 'BPF_TRACE_RAW_TP' }),
      ...TPS.map((name) => trigger(`tracepoint:${name}`)),
    ],
    // A trigger is not a syscall: it returns its runs, or -ENOENT (no such cgroup or
    // tracepoint) / -ENODEV (no such device) when the event cannot happen (kernel-api.md,
    // Events; both sides answer it so).
    'events that cannot happen: -ENOENT, -ENODEV; nothing attached: 0': [
      spawn('tp'),
      p.mkdir('/sys/fs/cgroup/a'), // 1
      trigger('cgroup:/sys/fs/cgroup/a:BPF_CGROUP_INET_EGRESS'), // 2: 0 runs
      trigger('cgroup:/sys/fs/cgroup/nope:BPF_CGROUP_INET_EGRESS'), // 3: ENOENT
      trigger('cgroup:/sys/fs/bpf:BPF_CGROUP_INET_EGRESS'), // 4: a directory, no cgroup: ENOENT
      trigger('cgroup:sys/fs/cgroup/a:BPF_CGROUP_INET_EGRESS'), // 5: relative, from /: the cgroup
      trigger('cgroup:/sys/fs/cgroup/a/../a/:BPF_CGROUP_INET_INGRESS'), // 6: 0 runs
      p.rmdir('/sys/fs/cgroup/a'), // 7
      trigger('cgroup:/sys/fs/cgroup/a:BPF_CGROUP_INET_EGRESS'), // 8: removed: ENOENT
      trigger('xdp:lo'), // 9: 0 runs
      trigger('xdp:eth9'), // 10: ENODEV
      trigger('xdp:'), // 11: ENODEV
      p.netlinkVethAdd('v0', 'v1'), // 12
      trigger('xdp:v1'), // 13: 0 runs
      p.netlinkLinkDel('v0'), // 14: takes v1 with it
      trigger('xdp:v1'), // 15: ENODEV
      trigger('tracepoint:sys_enter'), // 16: 0 runs
      trigger('tracepoint:no_such_tracepoint'), // 17: ENOENT
    ],
    // The model's cgroup event is a packet of a socket in the cgroup, nothing else: the
    // oracle's packets take a network namespace of their own, so lo's XDP program does
    // not run (found by the random differential run: run_cnt 1 where the model has 0).
    'a cgroup event runs no XDP program on lo': [
      spawn('xdp'),
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_XDP' }), // 3
      { call: 'netlinkXdpAttach', pid: 100, ifindex: 1, prog_fd: 3 }, // generic XDP on lo
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_CGROUP_SKB', expected_attach_type: 'BPF_CGROUP_INET_INGRESS' }), // 4
      p.open('/sys/fs/cgroup'), // 5
      p.bpf('BPF_PROG_ATTACH', { target_fd: 5, attach_bpf_fd: 4, attach_type: 'BPF_CGROUP_INET_INGRESS' }),
      trigger('cgroup:/sys/fs/cgroup:BPF_CGROUP_INET_INGRESS'), // 1 run
      trigger('cgroup:/sys/fs/cgroup:BPF_CGROUP_INET_EGRESS'), // 0 runs
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 3, info: {} }), // the XDP program: run_cnt 0
      trigger('xdp:lo'), // 1 run
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 3, info: {} }), // run_cnt 1
    ],
  };
}

function attach(): Record<string, KernelCall[]> {
  const CG = '/sys/fs/cgroup/test';
  const EGRESS = trigger(`cgroup:${CG}:BPF_CGROUP_INET_EGRESS`);
  return {
    'cgroup: link and legacy MULTI entry both run; query; detach; rmdir auto-detaches': [
      spawn('loader'),
      p.mkdir(CG), // 1
      p.open(CG), // 2: fd 3
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_CGROUP_SKB', expected_attach_type: 'BPF_CGROUP_INET_EGRESS', prog_name: 'egress' }), // 3: fd 4
      p.bpf('BPF_LINK_CREATE', { prog_fd: 4, target_fd: 3, attach_type: 'BPF_CGROUP_INET_EGRESS' }), // 4: fd 5
      EGRESS, // 5
      p.bpf('BPF_PROG_ATTACH', { target_fd: 3, attach_bpf_fd: 4, attach_type: 'BPF_CGROUP_INET_EGRESS', attach_flags: ['BPF_F_ALLOW_MULTI'] }), // 6
      EGRESS, // 7: twice
      p.bpf('BPF_PROG_QUERY', { target_fd: 3, attach_type: 'BPF_CGROUP_INET_EGRESS' }), // 8
      p.bpf('BPF_PROG_QUERY', { target_fd: 3, attach_type: 'BPF_CGROUP_INET_EGRESS', prog_cnt: 1 }), // 9: ENOSPC
      p.bpf('BPF_PROG_ATTACH', { target_fd: 3, attach_bpf_fd: 4, attach_type: 'BPF_CGROUP_INET_EGRESS' }), // 10: mode none vs multi
      p.bpf('BPF_LINK_DETACH', { link_fd: 5 }), // 11
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 5, info: {} }), // 12: cgroup_id 0, prog kept
      EGRESS, // 13: the legacy entry only
      p.bpf('BPF_PROG_DETACH', { target_fd: 3, attach_bpf_fd: 4, attach_type: 'BPF_CGROUP_INET_EGRESS' }), // 14
      EGRESS, // 15
      p.bpf('BPF_LINK_CREATE', { prog_fd: 4, target_fd: 3, attach_type: 'BPF_CGROUP_INET_EGRESS' }), // 16: fd 6
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 6, info: {} }), // 17
      p.rmdir(CG), // 18
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 6, info: {} }), // 19: auto-detached
      p.bpf('BPF_LINK_UPDATE', { link_fd: 6, new_prog_fd: 4 }), // 20: ENOLINK
      p.bpf('BPF_PROG_QUERY', { target_fd: 3, attach_type: 'BPF_CGROUP_INET_EGRESS' }), // 21: removed cgroup
    ],
    'XDP: a link on eth0 runs for a frame arriving there; detach; lo runs generic XDP': [
      spawn('loader'),
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_XDP', prog_name: 'xdp_pass' }), // 1: fd 3
      p.bpf('BPF_LINK_CREATE', { prog_fd: 3, target_ifindex: 2, attach_type: 'BPF_XDP' }), // 2: fd 4
      trigger('xdp:eth0'), // 3
      trigger('xdp:veth1'), // 4
      p.bpf('BPF_LINK_CREATE', { prog_fd: 3, target_ifindex: 2, attach_type: 'BPF_XDP' }), // 5: EBUSY
      p.bpf('BPF_LINK_CREATE', { prog_fd: 3, target_ifindex: 99, attach_type: 'BPF_XDP' }), // 6: EINVAL
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 4, info: {} }), // 7
      p.bpf('BPF_PROG_QUERY', { target_ifindex: 2, attach_type: 'BPF_XDP' }), // 8: EINVAL
      p.bpf('BPF_LINK_DETACH', { link_fd: 4 }), // 9
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 4, info: {} }), // 10
      trigger('xdp:eth0'), // 11
      p.bpf('BPF_LINK_CREATE', { prog_fd: 3, target_ifindex: 1, attach_type: 'BPF_XDP' }), // 12: fd 5
      trigger('xdp:lo'), // 13
    ],
  };
}

function oracle(): Record<string, KernelCall[]> {
  return {
    'isolation: a fresh bpffs and cgroup root, lo/eth0/veth1; nothing of the run left afterwards': [
      spawn('a'),
      p.open('/sys/fs/cgroup/x'), // no cgroup of the host is visible
      p.mkdir('/sys/fs/cgroup/x'),
      p.mkdir('/sys/fs/bpf/dir'),
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' }), // fd 3
      p.bpf('BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 4, max_entries: 1 }), // fd 4
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 3 }), // fd 5
      p.bpf('BPF_OBJ_PIN', { bpf_fd: 5, pathname: '/sys/fs/bpf/dir/link' }),
      p.bpf('BPF_LINK_CREATE', { prog_fd: 3, target_ifindex: 4, attach_type: 'BPF_XDP' }), // no ifindex 4: EINVAL
      p.fork(),
    ],
  };
}

const BY_FILE: Record<string, Record<string, KernelCall[]>> = {
  linkPinning: linkPinning(), errno: errno(), process: processes(), trigger: triggers(), attach: attach(), oracle: oracle(),
};

/** Every list, named "file: test". */
export const FACTS: Record<string, KernelCall[]> = Object.fromEntries(
  Object.entries(BY_FILE).flatMap(([file, lists]) => Object.entries(lists).map(([test, calls]) => [`${file}: ${test}`, calls])));

/** The list of one test of oracle/FILE.test.ts. */
export function fact(file: string, test: string): KernelCall[] {
  const calls = BY_FILE[file]?.[test];
  if (!calls) throw new Error(`no call list for ${file}: ${test}`);
  return calls;
}

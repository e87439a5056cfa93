/**
 * Hand-written BPF iterator scenarios (kernel/bpf/bpf_iter.c, task_iter.c, cgroup_iter.c,
 * kernel/bpf/inode.c for pins), each a call sequence that scenarios.diff.test.ts runs on the
 * model and on the real kernel: loads for every target, BPF_LINK_CREATE with and without
 * iter_info, cgroup and task iterators, BPF_LINK_UPDATE/DETACH, BPF_ITER_CREATE, open() of
 * a pinned iterator link, who holds what (files, pins, fork, dup, exit), link info.
 *
 * Only 6.18 is compared (the machine's kernel): the releases the targets came with are the
 * unit tests' (src/kernel/iter.test.ts). Loads of iterators over map elements
 * (bpf_map_elem, bpf_sk_storage_map, sockmap) are refused with EPERM by this kernel build:
 * not comparable, and not applied to the model either.
 */
import { ITER_TARGETS } from '../../src/kernel/btf';
import type { BpfAttr, KernelCall } from '../../src/kernel/call';
import { CGROOT, Scenario } from '../scenario';

const ITER: BpfAttr = { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_ITER' };
type Ref = string | number;

/** BPF_PROG_LOAD of an iterator program for `target`, fd named `name`. */
function load(s: Scenario, name: string, target: string, attr: BpfAttr = {}): Scenario {
  return s.bpf('BPF_PROG_LOAD', { ...ITER, attach_func_name: target, prog_name: name.slice(0, 15), ...attr }, name);
}

/** Iterator programs by fd name: { T: 'task', ... }. */
function loadAll(s: Scenario, progs: Record<string, string>): Scenario {
  for (const [name, target] of Object.entries(progs)) load(s, name, target);
  return s;
}

/** BPF_LINK_CREATE of an iterator link. */
function link(s: Scenario, name: string, prog: Ref, attr: BpfAttr = {}): Scenario {
  return s.bpf('BPF_LINK_CREATE', { prog_fd: s.fd(prog), attach_type: 'BPF_TRACE_ITER', ...attr }, name);
}

/** An iter_info of its full size (`union bpf_iter_link_info`, 16 bytes). */
const info16 = (iter_info: BpfAttr): BpfAttr => ({ iter_info, iter_info_len: 16 });

function iterCreate(s: Scenario, name: string, linkRef: Ref, attr: BpfAttr = {}): Scenario {
  return s.bpf('BPF_ITER_CREATE', { link_fd: s.fd(linkRef), ...attr }, name);
}

const nextIds = (s: Scenario): Scenario =>
  s.bpf('BPF_PROG_GET_NEXT_ID', { start_id: 0 }).bpf('BPF_LINK_GET_NEXT_ID', { start_id: 0 }).bpf('BPF_MAP_GET_NEXT_ID', { start_id: 0 });

/** Every target of 6.18, names that are no target, load attributes, other commands with an
 * iterator program, other programs with BPF_TRACE_ITER. */
function loads(): KernelCall[] {
  const s = new Scenario();
  for (const t of Object.keys(ITER_TARGETS)) load(s, t, t);
  // no such target: a kfunc (bpf_iter_num_new), no bpf_iter_ function, a doubled prefix,
  // a tracepoint's name, the empty name, no name at all
  for (const t of ['num_new', 'nosuch', 'bpf_iter_task', 'sys_enter', 'do_unlinkat', '']) load(s, `bad_${t}`, t);
  s.bpf('BPF_PROG_LOAD', { ...ITER, prog_name: 'noname' });
  // other types and attach types with an iterator target
  s.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_LSM', expected_attach_type: 'BPF_TRACE_ITER', attach_func_name: 'task' });
  s.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', expected_attach_type: 'BPF_TRACE_ITER', attach_func_name: 'task' });
  s.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', attach_func_name: 'task' });
  // sleepable, another license, maps, flags this load does not take
  load(s, 'sleepy', 'task', { prog_flags: ['BPF_F_SLEEPABLE'] });
  load(s, 'prop', 'bpf_map', { license: 'Proprietary' });
  s.bpf('BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1, map_name: 'm' }, 'M');
  load(s, 'withmap', 'bpf_prog', { fd_array: [s.fd('M')] });
  load(s, 'badflag', 'task', { prog_flags: 1 << 20 });
  s.info('task').info('sleepy').info('withmap');
  // an iterator program elsewhere: raw tracepoints, BPF_PROG_ATTACH, other link types
  s.bpf('BPF_RAW_TRACEPOINT_OPEN', { prog_fd: s.fd('task') });
  s.bpf('BPF_RAW_TRACEPOINT_OPEN', { prog_fd: s.fd('task'), name: 'sys_enter' });
  s.cgroup('a');
  s.attach('a', 'task', 'BPF_TRACE_ITER').attach('a', 'task');
  for (const at of ['BPF_TRACE_FENTRY', 'BPF_TRACE_RAW_TP', 'BPF_CGROUP_INET_EGRESS', 'BPF_TCX_INGRESS', 999])
    s.bpf('BPF_LINK_CREATE', { prog_fd: s.fd('task'), attach_type: at });
  s.bpf('BPF_LINK_CREATE', { prog_fd: s.fd('task'), target_fd: s.fd('a'), attach_type: 'BPF_CGROUP_INET_EGRESS' });
  s.bpf('BPF_LINK_CREATE', { prog_fd: s.fd('task'), target_ifindex: 2, attach_type: 'BPF_XDP' });
  // other programs with BPF_TRACE_ITER
  s.load('R', 'raw_tp').load('C', 'cgroup_skb').load('X', 'xdp');
  s.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', attach_func_name: 'sys_enter', prog_name: 'btf' }, 'B');
  for (const p of ['R', 'C', 'X', 'B']) s.bpf('BPF_LINK_CREATE', { prog_fd: s.fd(p), attach_type: 'BPF_TRACE_ITER' });
  s.bpf('BPF_LINK_CREATE', { prog_fd: s.fd('M'), attach_type: 'BPF_TRACE_ITER' });
  s.bpf('BPF_LINK_CREATE', { prog_fd: 99, attach_type: 'BPF_TRACE_ITER' });
  // iterator programs are not run by events
  link(s, 'L', 'task');
  s.trigger('tracepoint:sys_enter').trigger(`cgroup:${CGROOT}/a:BPF_CGROUP_INET_EGRESS`).info('task');
  nextIds(s);
  return s.calls;
}

/** BPF_LINK_CREATE's checks in order: target_fd and flags, iter_info and its length (a
 * tail over 16 bytes must be zero, a page at most, only iter_info_len bytes are copied in),
 * the fields the pointer and the length share a union with; targets that take no iter_info. */
function linkCreate(): KernelCall[] {
  const s = new Scenario();
  loadAll(s, { T: 'task', M: 'bpf_map', P: 'tcp', G: 'cgroup' });
  s.cgroup('a');
  link(s, 'l0', 'T').info('l0');
  link(s, 'l1', 'T', { target_fd: 3 });
  link(s, 'l2', 'T', { target_fd: 99 });
  link(s, 'l3', 'T', { flags: 1 });
  link(s, 'l4', 'T', { flags: ['BPF_F_REPLACE'] });
  link(s, 'l5', 'T', { target_fd: 3, iter_info: { task: {} } }); // EINVAL before the iter_info check
  link(s, 'l6', 'T', { iter_info: { task: {} } }); // no length
  link(s, 'l7', 'T', { iter_info_len: 16 }); // no pointer
  for (const len of [1, 4, 8, 12, 15, 16, 17, 24, 100, 4096, 4097, 8192, 0xffffffff])
    link(s, `len${len}`, 'M', { iter_info: { task: {} }, iter_info_len: len });
  link(s, 'g4', 'G', { iter_info: { cgroup: { order: 1 } }, iter_info_len: 4 });
  link(s, 'g3', 'G', { iter_info: { cgroup: { order: 1 } }, iter_info_len: 3 });
  link(s, 'g5', 'G', { iter_info: { cgroup: { order: 1 } }, iter_info_len: 5000 }); // E2BIG before the order
  link(s, 'g6', 'G', { target_fd: s.fd('a'), iter_info: { cgroup: { order: 1 } }, iter_info_len: 16 });
  // targets without attach_target ignore what iter_info says
  link(s, 'm1', 'M', info16({ cgroup: { order: 9 } }));
  link(s, 'm2', 'P', info16({ map: { map_fd: 99 } }));
  link(s, 'm3', 'P', info16({ cgroup: { order: 1, cgroup_fd: 99 } }));
  s.info('m1').info('m2');
  // the union: target_btf_id and tracing.target_btf_id are the pointer's low half,
  // tracing.cookie and tcx.expected_revision hold the length
  link(s, 'u1', 'M', { target_btf_id: 5 });
  link(s, 'u2', 'M', { tracing: { target_btf_id: 5 } });
  link(s, 'u3', 'M', { tracing: { cookie: 16 } });
  link(s, 'u4', 'M', { target_btf_id: 4096, iter_info_len: 16 }); // a pointer to nothing: EFAULT
  link(s, 'u5', 'M', { target_btf_id: 4096, iter_info_len: 32 });
  link(s, 'u6', 'M', { target_btf_id: 4096, iter_info_len: 5000 });
  link(s, 'u7', 'M', { tcx: { relative_fd: 3 } });
  link(s, 'u8', 'M', { tcx: { expected_revision: 3 } });
  link(s, 'u9', 'M', { perf_event: { bpf_cookie: 2 ** 40 } });
  link(s, 'u10', 'G', { iter_info: { cgroup: { order: 1 } }, tracing: { cookie: 16 } });
  // programs: none, not a program, an iterator over another target is fine
  s.bpf('BPF_LINK_CREATE', { prog_fd: 99, attach_type: 'BPF_TRACE_ITER', target_fd: 3 });
  s.bpf('BPF_LINK_CREATE', { prog_fd: s.fd('l0'), attach_type: 'BPF_TRACE_ITER' });
  s.bpf('BPF_LINK_CREATE', { prog_fd: s.fd('a'), attach_type: 'BPF_TRACE_ITER' });
  // many links on one program
  for (let i = 0; i < 5; i++) link(s, `many${i}`, 'P');
  s.info('P').close('P');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 3 }, 'P2').info('P2');
  nextIds(s);
  s.bpf('BPF_LINK_GET_NEXT_ID', { start_id: 3 }).bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 2 }, 'L2').info('L2');
  return s.calls;
}

/** cgroup iterators: the walk orders, a start by fd, by id, or the root; both (EINVAL);
 * fds that are no cgroup; removed cgroups; a link holding a cgroup that is then removed.
 * The model numbers cgroups from 1 (the root) in mkdir order: a 2, b 3, c 4. */
function cgroupIters(): KernelCall[] {
  const s = new Scenario();
  s.cgroup('a').cgroup('a/b', 'b').cgroup('c').open('root', CGROOT);
  s.mkdir('/sys/fs/bpf/d').open('bpffs', '/sys/fs/bpf/d');
  loadAll(s, { G: 'cgroup', G2: 'cgroup' });
  const cg = (name: string, cgroup: BpfAttr): Scenario => link(s, name, 'G', info16({ cgroup }));
  link(s, 'none', 'G'); // order 0: EINVAL
  for (const order of [0, 1, 2, 3, 4, 5, 6, 0xffffffff]) cg(`o${order}`, { order, cgroup_fd: s.fd('a') });
  for (const n of ['o1', 'o2', 'o3', 'o4']) s.info(n);
  // by id: b, the root, c; an id no cgroup has
  cg('id3', { order: 2, cgroup_id: 3 }).info('id3');
  cg('id1', { order: 1, cgroup_id: 1 }).info('id1');
  cg('id4', { order: 4, cgroup_id: 4 }).info('id4');
  cg('id99', { order: 1, cgroup_id: 99 });
  cg('idbig', { order: 1, cgroup_id: 2 ** 40 });
  // neither: the root; the root's fd; fd 0 is no fd
  cg('root1', { order: 3 }).info('root1');
  cg('root2', { order: 2, cgroup_fd: s.fd('root') }).info('root2');
  cg('zero', { order: 1, cgroup_fd: 0 }).info('zero');
  // both, even for the same cgroup; an id with a bad fd
  cg('both', { order: 1, cgroup_fd: s.fd('a'), cgroup_id: 2 });
  cg('both2', { order: 1, cgroup_fd: 99, cgroup_id: 2 });
  cg('both3', { order: 0, cgroup_fd: 99, cgroup_id: 2 }); // the order first
  // fds that are no cgroup directory
  cg('f1', { order: 1, cgroup_fd: s.fd('bpffs') });
  cg('f2', { order: 1, cgroup_fd: s.fd('G') });
  cg('f3', { order: 1, cgroup_fd: 99 });
  cg('f4', { order: 1, cgroup_fd: s.fd('o1') });
  cg('f5', { order: 1, cgroup_fd: 2 });
  // only the first 8 bytes: the order and the fd, the id is left out
  link(s, 'short8', 'G', { iter_info: { cgroup: { order: 2, cgroup_fd: s.fd('b') } }, iter_info_len: 8 });
  link(s, 'short4', 'G', { iter_info: { cgroup: { order: 2, cgroup_fd: s.fd('b') } }, iter_info_len: 4 });
  link(s, 'short12', 'G', { iter_info: { cgroup: { order: 2, cgroup_id: 3 } }, iter_info_len: 12 });
  s.info('short8').info('short4').info('short12');
  // a removed cgroup: its open fd and its id are ENOENT; a link made before keeps it
  s.cgroup('d'); // 5
  cg('held', { order: 2, cgroup_fd: s.fd('d') });
  s.rmdir(`${CGROOT}/d`);
  cg('dead1', { order: 1, cgroup_fd: s.fd('d') });
  cg('dead2', { order: 1, cgroup_id: 5 });
  s.info('held');
  iterCreate(s, 'hf', 'held');
  s.cgroup('d', 'd2'); // 6: the same path, a new cgroup
  cg('new', { order: 1, cgroup_fd: s.fd('d2') }).info('new').info('held');
  // the link's cgroup goes with the link; the iterator file holds the program
  s.close('held').close('d');
  s.bpf('BPF_LINK_GET_NEXT_ID', { start_id: 0 });
  s.close('hf');
  // a parent whose child is held: rmdir of the child first, then of the parent
  cg('kid', { order: 3, cgroup_fd: s.fd('b') });
  s.close('b').rmdir(`${CGROOT}/a/b`).rmdir(`${CGROOT}/a`);
  s.info('kid').close('kid');
  s.rmdir(`${CGROOT}/a`);
  // another program for the same target
  link(s, 'g2', 'G2', info16({ cgroup: { order: 4, cgroup_fd: s.fd('c') } })).info('g2');
  return s.calls;
}

/** task, task_file and task_vma iterators: one of tid, pid and pid_fd (the pids are the
 * run's processes, not looked up when the link is made), a pid_fd that is no pidfd. */
function taskIters(): KernelCall[] {
  const s = new Scenario('loader');
  const me = s.pid;
  const other = s.spawn('other');
  loadAll(s, { T: 'task', F: 'task_file', V: 'task_vma' });
  for (const p of ['T', 'F', 'V']) {
    link(s, `${p}all`, p, info16({ task: {} })).info(`${p}all`);
    link(s, `${p}tid`, p, info16({ task: { tid: me } })).info(`${p}tid`);
    link(s, `${p}pid`, p, info16({ task: { pid: other } })).info(`${p}pid`);
    link(s, `${p}both`, p, info16({ task: { tid: me, pid: me } }));
    link(s, `${p}fd`, p, info16({ task: { pid_fd: s.fd(p) } })); // a program: no pidfd
  }
  link(s, 'all3', 'T', info16({ task: { tid: me, pid: other, pid_fd: 3 } }));
  link(s, 'tidfd', 'T', info16({ task: { tid: me, pid_fd: 99 } }));
  link(s, 'fd99', 'T', info16({ task: { pid_fd: 99 } }));
  link(s, 'fd0', 'T', info16({ task: { pid_fd: 0 } })).info('fd0'); // 0 is none
  // only the tid is copied in
  link(s, 'tidonly', 'T', { iter_info: { task: { tid: me, pid: me } }, iter_info_len: 4 }).info('tidonly');
  link(s, 'pidonly', 'T', { iter_info: { task: { pid: me, pid_fd: 99 } }, iter_info_len: 8 }).info('pidonly');
  // a process that exited: its pid is only a number to the link
  s.exit(other);
  link(s, 'gone', 'T', info16({ task: { tid: other } })).info('gone');
  iterCreate(s, 'gf', 'gone').info('Tpid');
  nextIds(s);
  return s.calls;
}

/** BPF_LINK_UPDATE (same target only; BPF_F_REPLACE's old program) and BPF_LINK_DETACH
 * (EOPNOTSUPP) of iterator links; files made before an update keep the old program. */
function updateDetach(): KernelCall[] {
  const s = new Scenario();
  loadAll(s, { A: 'task', B: 'task' });
  load(s, 'S', 'task', { prog_flags: ['BPF_F_SLEEPABLE'] });
  loadAll(s, { F: 'task_file', M: 'bpf_map', G: 'cgroup' });
  s.load('R', 'raw_tp');
  link(s, 'L', 'A').info('L');
  s.update('L', 'B').info('L');
  iterCreate(s, 'f1', 'L');
  s.update('L', 'A', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('A') }); // EPERM: B runs now
  s.update('L', 'A', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('B') });
  s.update('L', 'F').update('L', 'M').update('L', 'R').update('L', 'G'); // EINVAL: another target or type
  s.update('L', 'F', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('B') }); // EPERM before the target
  s.update('L', 'S'); // sleepable, the same target: fine
  s.update('L', 'S'); // the same program again
  s.update('L', 'A', { old_prog_fd: s.fd('S') }); // old_prog_fd without BPF_F_REPLACE
  s.update('L', 'A', { flags: 1 << 5 });
  s.update('L', 99).update(99, 'A').update('A', 'B').update('L', 'A', { flags: ['BPF_F_REPLACE'], old_prog_fd: 99 });
  s.update('L', 'A').info('L');
  iterCreate(s, 'f2', 'L');
  // f1 holds B (the program when it was made), f2 holds A
  s.close('B').close('S');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 2 }, 'B2').info('B2').close('B2');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 3 });
  s.close('f1');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 2 });
  s.linkDetach('L').info('L');
  link(s, 'LM', 'M').update('LM', 'M');
  link(s, 'LG', 'G', info16({ cgroup: { order: 1 } }));
  load(s, 'G3', 'cgroup');
  s.update('LG', 'G3').info('LG').linkDetach('LG');
  s.linkDetach('A').linkDetach('f2').linkDetach(99);
  // the link's program goes with the link when no file holds it
  s.close('A').close('L');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 1 }, 'A2').info('A2');
  s.close('f2').close('A2');
  nextIds(s);
  return s.calls;
}

/** BPF_ITER_CREATE and open() of a pinned iterator link: what each takes, the checks of
 * BPF_ITER_CREATE, pins of other objects, what an iterator fd is not. */
function files(): KernelCall[] {
  const s = new Scenario();
  loadAll(s, { P: 'bpf_prog', K: 'ksym' });
  s.load('R', 'raw_tp').load('C', 'cgroup_skb');
  s.bpf('BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_HASH', key_size: 4, value_size: 4, max_entries: 4, map_name: 'h' }, 'M');
  link(s, 'L', 'P');
  s.bpf('BPF_RAW_TRACEPOINT_OPEN', { prog_fd: s.fd('R'), name: 'sys_enter' }, 'RT');
  s.cgroup('a').link('CL', 'a', 'C');
  iterCreate(s, 'i1', 'L');
  iterCreate(s, 'x1', 'L', { flags: 1 });
  iterCreate(s, 'x2', 'L', { flags: 0xffffffff });
  iterCreate(s, 'x3', 'RT').bpf('BPF_ITER_CREATE', { link_fd: s.fd('CL') });
  iterCreate(s, 'x4', 'P').bpf('BPF_ITER_CREATE', { link_fd: s.fd('M') });
  iterCreate(s, 'x5', 'i1').bpf('BPF_ITER_CREATE', { link_fd: 99 }).bpf('BPF_ITER_CREATE', { link_fd: -1 });
  s.bpf('BPF_ITER_CREATE', { link_fd: s.fd('a') }).bpf('BPF_ITER_CREATE', {}).bpf('BPF_ITER_CREATE', { link_fd: 99, flags: 1 });
  // an iterator fd is no BPF object
  s.info('i1');
  s.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: s.fd('i1'), info: {}, info_len: 8 });
  s.bpf('BPF_OBJ_PIN', { bpf_fd: s.fd('i1'), pathname: '/sys/fs/bpf/i1' });
  s.bpf('BPF_LINK_UPDATE', { link_fd: s.fd('i1'), new_prog_fd: s.fd('P') });
  s.bpf('BPF_LINK_DETACH', { link_fd: s.fd('i1') });
  s.bpf('BPF_LINK_CREATE', { prog_fd: s.fd('i1'), attach_type: 'BPF_TRACE_ITER' });
  // pins: open() of an iterator link's pin is an iterator file; of any other pin, EIO
  s.bpf('BPF_OBJ_PIN', { bpf_fd: s.fd('L'), pathname: '/sys/fs/bpf/it' });
  s.bpf('BPF_OBJ_PIN', { bpf_fd: s.fd('RT'), pathname: '/sys/fs/bpf/rt' });
  s.bpf('BPF_OBJ_PIN', { bpf_fd: s.fd('P'), pathname: '/sys/fs/bpf/prog' });
  s.bpf('BPF_OBJ_PIN', { bpf_fd: s.fd('M'), pathname: '/sys/fs/bpf/map' });
  s.open('o1', '/sys/fs/bpf/it').open('o2', '/sys/fs/bpf/it');
  s.open('e1', '/sys/fs/bpf/rt').open('e2', '/sys/fs/bpf/prog').open('e3', '/sys/fs/bpf/map').open('e4', '/sys/fs/bpf/nope');
  s.info('o1');
  iterCreate(s, 'x6', 'o1');
  // BPF_OBJ_GET of the pin is a link fd, which BPF_ITER_CREATE takes
  s.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/it' }, 'L2').info('L2');
  iterCreate(s, 'i2', 'L2');
  s.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/it', file_flags: ['BPF_F_RDONLY'] });
  s.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 1 }, 'L3');
  iterCreate(s, 'i3', 'L3');
  // a pinned iterator link renamed, pinned again, in a directory
  s.raw({ call: 'rename', pid: s.pid, from: '/sys/fs/bpf/it', to: '/sys/fs/bpf/it2' });
  s.open('o3', '/sys/fs/bpf/it2').open('e5', '/sys/fs/bpf/it');
  s.mkdir('/sys/fs/bpf/dir');
  s.bpf('BPF_OBJ_PIN', { bpf_fd: s.fd('L3'), pathname: '/sys/fs/bpf/dir/it' });
  s.open('o4', '/sys/fs/bpf/dir/it').open('e6', '/sys/fs/bpf/dir');
  // the ksym iterator, pinned only
  link(s, 'KL', 'K');
  s.bpf('BPF_OBJ_PIN', { bpf_fd: s.fd('KL'), pathname: '/sys/fs/bpf/ksym' });
  s.close('KL').close('K');
  s.open('k1', '/sys/fs/bpf/ksym');
  s.bpf('BPF_PROG_GET_NEXT_ID', { start_id: 0 });
  s.raw({ call: 'unlink', pid: s.pid, path: '/sys/fs/bpf/ksym' });
  nextIds(s);
  s.close('k1');
  nextIds(s);
  return s.calls;
}

/** Who holds what: an iterator file holds the program, not the link; a pin's open file
 * holds the pin; fork and dup share the file, exit closes it; ids and next-id walks. */
function references(): KernelCall[] {
  const s = new Scenario('init');
  const loader = s.spawn('loader');
  s.as(loader);
  loadAll(s, { P: 'bpf_link', Q: 'task' });
  link(s, 'L', 'P');
  link(s, 'LQ', 'Q');
  iterCreate(s, 'f', 'L');
  const fFd = s.fd('f');
  s.raw({ call: 'dup', pid: loader, fd: s.fd('f') }, 'fdup');
  s.bpf('BPF_OBJ_PIN', { bpf_fd: s.fd('LQ'), pathname: '/sys/fs/bpf/q' });
  s.open('qf', '/sys/fs/bpf/q');
  // the link and the program fds go: the link is freed, the program lives in the file
  s.close('L').close('P');
  nextIds(s);
  s.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 1 });
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 1 }, 'P2').info('P2').close('P2');
  // a pinned link whose pin is open: unlink the pin with no fd of the link left
  s.close('LQ').close('Q');
  s.raw({ call: 'unlink', pid: loader, path: '/sys/fs/bpf/q' });
  nextIds(s);
  s.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 2 }).info(3).close(3); // fd 3 is the lowest free one
  // fork: the child shares both files
  const child = s.fork();
  s.close('f').close('fdup').close('qf');
  nextIds(s);
  s.as(child).raw({ call: 'dup', pid: child, fd: fFd }); // fd 3
  s.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 3, info: {} });
  s.bpf('BPF_ITER_CREATE', { link_fd: 3 });
  s.exit();
  s.as(loader);
  nextIds(s);
  // exit with an iterator file of a pinned link: the pin keeps the link
  load(s, 'R', 'tcp');
  link(s, 'LR', 'R');
  s.bpf('BPF_OBJ_PIN', { bpf_fd: s.fd('LR'), pathname: '/sys/fs/bpf/r' });
  iterCreate(s, 'rf', 'LR');
  s.open('ro', '/sys/fs/bpf/r');
  s.exit();
  s.as(100);
  nextIds(s);
  s.open('ro2', '/sys/fs/bpf/r');
  s.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 3 }, 'LR2');
  s.bpf('BPF_ITER_CREATE', { link_fd: s.fd('LR2') }, 'rf2');
  s.raw({ call: 'unlink', pid: 100, path: '/sys/fs/bpf/r' });
  s.close('LR2');
  nextIds(s);
  s.close('ro2');
  nextIds(s);
  s.close('rf2');
  nextIds(s);
  return s.calls;
}

/** Link info of iterator links with every info_len: the union members the kernel copies
 * out (target_name's buffer needs target_name_len), too long (E2BIG), nothing. */
function shortInfo(): KernelCall[] {
  const s = new Scenario();
  s.cgroup('a');
  loadAll(s, { T: 'task', G: 'cgroup', U: 'udp' });
  link(s, 'LT', 'T', info16({ task: { tid: s.pid } }));
  link(s, 'LG', 'G', info16({ cgroup: { order: 3, cgroup_fd: s.fd('a') } }));
  link(s, 'LU', 'U');
  for (const l of ['LT', 'LG', 'LU'])
    for (const len of [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 64, 65, 4096, 4097])
      s.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: s.fd(l), info: {}, info_len: len });
  return s.calls;
}

/** Sleepable iterator programs: every target loads one, only the targets whose walk may
 * reschedule (BPF_ITER_RESCHED) link it, after the iter_info checks; BPF_LINK_UPDATE puts one
 * on any link of its target. */
function sleepable(): KernelCall[] {
  const s = new Scenario();
  const SLEEPY = { prog_flags: ['BPF_F_SLEEPABLE'] };
  for (const t of Object.keys(ITER_TARGETS)) {
    load(s, t, t, SLEEPY);
    link(s, `l_${t}`, t, t === 'cgroup' ? info16({ cgroup: { order: 1 } }) : {});
  }
  link(s, 'e1', 'tcp', { iter_info: { task: {} }, iter_info_len: 5000 }); // E2BIG first
  link(s, 'e2', 'tcp', { target_btf_id: 4096, iter_info_len: 16 }); // EFAULT first
  link(s, 'e3', 'tcp', { flags: 1 });
  link(s, 'e4', 'tcp', info16({ task: {} }));
  load(s, 'T', 'tcp');
  link(s, 'L', 'T').update('L', 'tcp').info('L');
  iterCreate(s, 'f', 'L');
  s.update('L', 'T').update('l_task', 'task').update('l_cgroup', 'cgroup');
  nextIds(s);
  return s.calls;
}

/** The fd table's end: BPF_ITER_CREATE and open() of a pin need a free fd (EMFILE), a link
 * that could not get one is freed (its id used up). */
function fdLimit(): KernelCall[] {
  const s = new Scenario();
  load(s, 'P', 'bpf_map');
  link(s, 'L', 'P');
  s.bpf('BPF_OBJ_PIN', { bpf_fd: s.fd('L'), pathname: '/sys/fs/bpf/it' });
  for (let fd = 5; fd < 1024; fd++) s.raw({ call: 'dup', pid: s.pid, fd: 0 });
  iterCreate(s, 'x1', 'L');
  s.open('x2', '/sys/fs/bpf/it');
  link(s, 'x3', 'P');
  s.close(1000);
  iterCreate(s, 'f', 'L');
  iterCreate(s, 'x4', 'L');
  s.close(1000);
  s.open('o', '/sys/fs/bpf/it');
  s.close(1000);
  link(s, 'L2', 'P');
  s.bpf('BPF_LINK_GET_NEXT_ID', { start_id: 0 });
  s.bpf('BPF_LINK_GET_NEXT_ID', { start_id: 1 });
  return s.calls;
}

export const ITER_SCENARIOS: Record<string, () => KernelCall[]> = {
  'iter: loads for every target, wrong targets, iterator programs elsewhere': loads,
  'iter: BPF_LINK_CREATE, iter_info and its length, target_fd, flags': linkCreate,
  'iter: cgroup iterators (orders, fd, id, root, removed cgroups)': cgroupIters,
  'iter: task, task_file, task_vma iterators (tid, pid, pid_fd)': taskIters,
  'iter: BPF_LINK_UPDATE and BPF_LINK_DETACH': updateDetach,
  'iter: BPF_ITER_CREATE and open() of pins': files,
  'iter: iterator files hold the program; fork, dup, exit, pins held open': references,
  'iter: link info with short info_len': shortInfo,
  'iter: the end of the fd table': fdLimit,
  'iter: sleepable programs (BPF_ITER_RESCHED targets only)': sleepable,
};

/**
 * Hand-written tcx scenarios (Linux 6.6: kernel/bpf/tcx.c, kernel/bpf/mprog.c), each a call
 * sequence that scenarios.diff.test.ts runs on the model and on the real kernel (through
 * attachScenarios.ts's SCENARIOS).
 */
import type { BpfAttr, KernelCall } from '../src/kernel/call';
import { Kernel } from '../src/kernel/kernel';
import { Scenario } from './scenario';

const LO = 1, ETH0 = 2, VETH1 = 3;
const ING = 'BPF_TCX_INGRESS', EGR = 'BPF_TCX_EGRESS';
type Ref = string | number;

/** BPF_PROG_ATTACH of `prog` to a device's tcx list. */
function tcxAttach(s: Scenario, ifindex: number, prog: Ref, type = ING, flags: number | string[] = 0, attr: BpfAttr = {}): Scenario {
  return s.bpf('BPF_PROG_ATTACH', { target_ifindex: ifindex, attach_bpf_fd: s.fd(prog), attach_type: type, attach_flags: flags, ...attr });
}

/** BPF_PROG_DETACH from a device's tcx list (`prog` 0: no program). */
function tcxDetach(s: Scenario, ifindex: number, prog: Ref, type = ING, flags: number | string[] = 0, attr: BpfAttr = {}): Scenario {
  return s.bpf('BPF_PROG_DETACH', { target_ifindex: ifindex, attach_bpf_fd: prog === 0 ? 0 : s.fd(prog), attach_type: type, attach_flags: flags, ...attr });
}

/** BPF_PROG_QUERY of a tcx list, with a link_ids buffer. */
function tcxQuery(s: Scenario, ifindex: number, type = ING, attr: BpfAttr = {}): Scenario {
  return s.bpf('BPF_PROG_QUERY', { target_ifindex: ifindex, attach_type: type, link_ids: [], ...attr });
}

/** BPF_LINK_CREATE of a tcx link; `tcx` is link_create.tcx (relative_fd/id, expected_revision). */
function tcxLink(s: Scenario, name: string, prog: Ref, ifindex: number, type = ING, flags: number | string[] = 0, tcx?: BpfAttr): Scenario {
  return s.bpf('BPF_LINK_CREATE', { prog_fd: s.fd(prog), target_ifindex: ifindex, attach_type: type, flags, ...(tcx ? { tcx } : {}) }, name);
}

/** The model's id of the object behind fd `ref` of the current process (the calls so far,
 * replayed on a fresh model): relative_id anchors are written with the model's ids, which
 * the oracle translates. */
function idOf(s: Scenario, ref: Ref): number {
  const k = new Kernel({ version: '6.18', log: false });
  for (const c of s.calls) k.apply(structuredClone(c));
  const info = k.apply({ call: 'bpf', pid: s.pid, cmd: 'BPF_OBJ_GET_INFO_BY_FD', attr: { bpf_fd: s.fd(ref), info: {} } }).attr?.info as { id?: number } | undefined;
  if (!info?.id) throw new Error(`scenario: fd ${String(ref)} has no id`);
  return info.id;
}

/** Links and BPF_PROG_ATTACH entries on one list: BPF_F_BEFORE / BPF_F_AFTER with relative
 * fds, ids (BPF_F_ID) and links (BPF_F_LINK, by fd and by id), at the ends without an anchor;
 * what a frame runs after each change; the programs' run counts. */
function tcxOrder(): KernelCall[] {
  const s = new Scenario();
  for (const n of ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9']) s.load(n, 'tc');
  const ev = (): Scenario => s.trigger('xdp:eth0').trigger('xdp:veth1').trigger('xdp:lo');
  tcxQuery(s, ETH0); // no list yet
  tcxQuery(s, ETH0, EGR);
  tcxAttach(s, ETH0, 'T1');
  tcxQuery(s, ETH0);
  ev();
  tcxLink(s, 'L2', 'T2', ETH0);
  tcxQuery(s, ETH0);
  ev();
  tcxAttach(s, ETH0, 'T3', ING, ['BPF_F_BEFORE'], { relative_fd: s.fd('T1') }); // T3 T1 L2
  tcxQuery(s, ETH0);
  ev();
  tcxLink(s, 'L4', 'T4', ETH0, ING, ['BPF_F_AFTER', 'BPF_F_LINK'], { relative_fd: s.fd('L2') }); // T3 T1 L2 L4
  tcxAttach(s, ETH0, 'T5', ING, ['BPF_F_BEFORE', 'BPF_F_ID'], { relative_id: idOf(s, 'T2') }); // before L2's program
  tcxLink(s, 'L6', 'T6', ETH0, ING, ['BPF_F_BEFORE', 'BPF_F_LINK', 'BPF_F_ID'], { relative_id: idOf(s, 'L4') });
  tcxQuery(s, ETH0);
  tcxAttach(s, ETH0, 'T7', ING, ['BPF_F_BEFORE']); // first
  tcxLink(s, 'L8', 'T8', ETH0, ING, ['BPF_F_AFTER']); // last
  tcxQuery(s, ETH0);
  ev();
  // a program anchor on a link's program (no BPF_F_LINK) and after a legacy entry
  tcxAttach(s, ETH0, 'T9', ING, ['BPF_F_AFTER'], { relative_fd: s.fd('T4') });
  tcxQuery(s, ETH0);
  tcxDetach(s, ETH0, 'T9');
  // egress of eth0 runs on frames to veth1
  tcxLink(s, 'E1', 'T1', ETH0, EGR).bpf('BPF_PROG_ATTACH', { target_ifindex: ETH0, attach_bpf_fd: s.fd('T2'), attach_type: EGR, attach_flags: ['BPF_F_BEFORE'] });
  tcxQuery(s, ETH0, EGR);
  ev();
  // lo: egress and ingress of the same device
  tcxAttach(s, LO, 'T3', EGR);
  tcxLink(s, 'LO1', 'T4', LO);
  ev();
  for (const n of ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9']) s.info(n);
  s.info('L2').info('L4').info('E1').info('LO1');
  return s.calls;
}

/** Anchors that are not on the list, rules that disagree, anchors of the wrong kind. */
function tcxAnchors(): KernelCall[] {
  const s = new Scenario();
  for (const n of ['A', 'B', 'C', 'N', 'M', 'P', 'Q', 'R', 'S', 'U', 'V']) s.load(n, 'tc');
  s.load('X', 'xdp').load('G', 'cgroup_skb');
  // an empty list: BEFORE and AFTER together name -1 and 0
  tcxAttach(s, ETH0, 'A', ING, ['BPF_F_BEFORE', 'BPF_F_AFTER']); // ERANGE
  tcxAttach(s, ETH0, 'A', ING, ['BPF_F_BEFORE'], { relative_fd: s.fd('B') }); // ENOENT: B is on no list
  tcxAttach(s, ETH0, 'A', ING, ['BPF_F_REPLACE'], { replace_bpf_fd: s.fd('B') }); // ENOENT
  tcxQuery(s, ETH0);
  tcxAttach(s, ETH0, 'A');
  tcxLink(s, 'LB', 'B', ETH0);
  tcxLink(s, 'LE', 'C', ETH0, EGR); // on the egress list of the same device
  tcxQuery(s, ETH0);
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_BEFORE'], { relative_fd: s.fd('M') }); // ENOENT
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_AFTER'], { relative_fd: s.fd('C') }); // ENOENT: C is on the egress list
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_AFTER', 'BPF_F_LINK'], { relative_fd: s.fd('LE') }); // ENOENT
  tcxLink(s, 'l1', 'N', ETH0, ING, ['BPF_F_BEFORE', 'BPF_F_LINK'], { relative_fd: s.fd('LE') }); // ENOENT
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_BEFORE', 'BPF_F_AFTER'], { relative_fd: s.fd('A') }); // ERANGE
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_BEFORE', 'BPF_F_AFTER']); // ERANGE: -1 and 2
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_BEFORE'], { relative_fd: s.fd('LB') }); // EINVAL: a link fd as a program
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_BEFORE', 'BPF_F_LINK'], { relative_fd: s.fd('A') }); // EINVAL: a program fd as a link
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_BEFORE', 'BPF_F_LINK']); // EINVAL: BPF_F_LINK without a link
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_BEFORE', 'BPF_F_ID'], { relative_id: 999 }); // ENOENT
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_BEFORE', 'BPF_F_ID']); // ENOENT: id 0
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_BEFORE', 'BPF_F_ID', 'BPF_F_LINK'], { relative_id: 999 }); // ENOENT
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_BEFORE', 'BPF_F_ID', 'BPF_F_LINK']); // ENOENT
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_BEFORE'], { relative_fd: 99 }); // EBADF
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_BEFORE'], { relative_fd: s.fd('X') }); // EINVAL: an XDP anchor
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_BEFORE', 'BPF_F_ID'], { relative_id: idOf(s, 'G') }); // EINVAL: a cgroup program's id
  tcxAttach(s, ETH0, 'N', ING, 0, { relative_fd: s.fd('A') }); // EINVAL: an anchor without BEFORE/AFTER
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_ID'], { relative_id: idOf(s, 'A') }); // EINVAL
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_LINK'], { relative_fd: s.fd('LB') }); // EINVAL
  // BPF_F_REPLACE with BEFORE/AFTER: the rules must agree on the replaced entry's place
  tcxAttach(s, ETH0, 'N', ING, ['BPF_F_REPLACE', 'BPF_F_BEFORE'], { replace_bpf_fd: s.fd('A'), relative_fd: s.fd('B') }); // A is before B: N LB
  tcxQuery(s, ETH0);
  tcxAttach(s, ETH0, 'M', ING, ['BPF_F_REPLACE', 'BPF_F_AFTER'], { replace_bpf_fd: s.fd('N'), relative_fd: s.fd('B') }); // ERANGE
  tcxAttach(s, ETH0, 'M', ING, ['BPF_F_REPLACE', 'BPF_F_BEFORE'], { replace_bpf_fd: s.fd('N') }); // ERANGE: no anchor is -1, N is at 0
  tcxAttach(s, ETH0, 'P', ING, ['BPF_F_AFTER']); // N LB P
  tcxAttach(s, ETH0, 'M', ING, ['BPF_F_REPLACE', 'BPF_F_AFTER', 'BPF_F_LINK'], { replace_bpf_fd: s.fd('P'), relative_fd: s.fd('LB') }); // N LB M
  tcxAttach(s, ETH0, 'P', ING, ['BPF_F_REPLACE', 'BPF_F_AFTER'], { replace_bpf_fd: s.fd('M') }); // the end is 3, M is at 2: ERANGE
  tcxQuery(s, ETH0);
  // links anchored on links by id, on programs by id; a link anchored on a link's program
  tcxLink(s, 'l2', 'Q', ETH0, ING, ['BPF_F_AFTER', 'BPF_F_ID'], { relative_id: idOf(s, 'M') }); // N LB M l2
  tcxLink(s, 'l3', 'R', ETH0, ING, ['BPF_F_BEFORE', 'BPF_F_LINK', 'BPF_F_ID'], { relative_id: idOf(s, 'LB') }); // N l3 LB M l2
  tcxLink(s, 'l4', 'S', ETH0, ING, ['BPF_F_BEFORE'], { relative_fd: s.fd('B') }); // N l3 l4 LB M l2
  tcxLink(s, 'l5', 'U', ETH0, ING, ['BPF_F_AFTER', 'BPF_F_LINK', 'BPF_F_ID'], { relative_id: 999 }); // ENOENT
  tcxLink(s, 'l6', 'U', ETH0, ING, ['BPF_F_BEFORE', 'BPF_F_AFTER'], { relative_fd: s.fd('B') }); // ERANGE
  tcxLink(s, 'l7', 'U', ETH0, ING, ['BPF_F_REPLACE']); // a link replaces nothing: ENOENT
  tcxLink(s, 'l8', 'U', ETH0, ING, ['BPF_F_ALLOW_MULTI']); // EINVAL (flags without a place)
  tcxLink(s, 'l9', 'U', ETH0, ING, ['BPF_F_AFTER', 'BPF_F_ALLOW_MULTI']); // link_create does not check the flags
  tcxLink(s, 'l10', 'V', ETH0, ING, ['BPF_F_BEFORE', 'BPF_F_LINK'], { relative_fd: s.fd('l9') }); // ... l10 l9
  tcxQuery(s, ETH0);
  s.info('l2').info('l9');
  s.trigger('xdp:eth0').bpf('BPF_LINK_GET_NEXT_ID', { start_id: 0 });
  return s.calls;
}

/** BPF_F_REPLACE, the same program twice, expected_revision, flags, program types, devices. */
function tcxChecks(): KernelCall[] {
  const s = new Scenario();
  for (const n of ['A', 'B', 'C', 'D']) s.load(n, 'tc');
  s.load('X', 'xdp').load('G', 'cgroup_skb');
  tcxAttach(s, ETH0, 'A');
  tcxLink(s, 'LB', 'B', ETH0);
  // the same program twice, legacy and links in any combination
  tcxAttach(s, ETH0, 'A'); // EEXIST
  tcxLink(s, 'l1', 'A', ETH0); // EEXIST
  tcxAttach(s, ETH0, 'B'); // EEXIST
  tcxLink(s, 'l2', 'B', ETH0); // EEXIST
  tcxAttach(s, ETH0, 'A', ING, ['BPF_F_REPLACE'], { replace_bpf_fd: s.fd('A') }); // EEXIST
  tcxAttach(s, ETH0, 'A', EGR).bpf('BPF_LINK_CREATE', { prog_fd: s.fd('B'), target_ifindex: ETH0, attach_type: EGR }, 'LBE'); // other list: ok
  tcxAttach(s, VETH1, 'A'); // other device: ok
  tcxQuery(s, ETH0);
  // BPF_F_REPLACE of a legacy entry; of a link's entry (EBUSY); of nothing
  tcxAttach(s, ETH0, 'C', ING, ['BPF_F_REPLACE'], { replace_bpf_fd: s.fd('A') });
  tcxQuery(s, ETH0);
  s.trigger('xdp:eth0').info('A').info('C');
  tcxAttach(s, ETH0, 'D', ING, ['BPF_F_REPLACE'], { replace_bpf_fd: s.fd('B') }); // EBUSY
  tcxAttach(s, ETH0, 'D', ING, ['BPF_F_REPLACE'], { replace_bpf_fd: s.fd('A') }); // ENOENT: A was replaced
  tcxAttach(s, ETH0, 'D', ING, ['BPF_F_REPLACE'], { replace_bpf_fd: s.fd('X') }); // EINVAL: bpf_prog_get_type
  tcxAttach(s, ETH0, 'D', ING, ['BPF_F_REPLACE'], { replace_bpf_fd: 99 }); // EBADF
  tcxAttach(s, ETH0, 'D', ING, ['BPF_F_REPLACE']); // EINVAL: fd 0 is no program
  tcxAttach(s, 99, 'D', ING, ['BPF_F_REPLACE'], { replace_bpf_fd: 99 }); // ENODEV first
  tcxAttach(s, ETH0, 'D', ING, 0, { replace_bpf_fd: s.fd('C') }); // without the flag: appended
  tcxQuery(s, ETH0);
  // expected_revision
  tcxAttach(s, ETH0, 'A', ING, 0, { expected_revision: 1 }); // ESTALE
  tcxAttach(s, ETH0, 'A', ING, 0, { expected_revision: 5 }); // the right one
  tcxLink(s, 'l3', 'D', ETH0, EGR, 0, { expected_revision: 2 }); // ESTALE: egress is at 3
  tcxLink(s, 'l4', 'C', ETH0, EGR, 0, { expected_revision: 3 });
  tcxLink(s, 'l5', 'A', VETH1, EGR, 0, { expected_revision: 1 }); // a new list is at 1
  tcxDetach(s, ETH0, 'A', ING, 0, { expected_revision: 1 }); // ESTALE
  tcxDetach(s, ETH0, 'A', ING, 0, { expected_revision: 6 });
  tcxQuery(s, ETH0);
  tcxQuery(s, ETH0, EGR);
  tcxQuery(s, VETH1, EGR);
  // flags: only REPLACE, BEFORE, AFTER, ID, LINK
  for (const f of [['BPF_F_ALLOW_MULTI'], ['BPF_F_ALLOW_OVERRIDE'], ['BPF_F_PREORDER'], 1 << 10, ['BPF_F_ALLOW_MULTI', 'BPF_F_AFTER']])
    tcxAttach(s, ETH0, 'A', ING, f as number | string[]).bpf('BPF_PROG_DETACH', { target_ifindex: ETH0, attach_bpf_fd: s.fd('C'), attach_type: ING, attach_flags: f });
  tcxDetach(s, ETH0, 'C', ING, ['BPF_F_REPLACE']); // EINVAL
  // program types: the attach type decides SCHED_CLS
  tcxAttach(s, ETH0, 'X');
  tcxAttach(s, ETH0, 'G');
  tcxAttach(s, ETH0, 99);
  tcxAttach(s, ETH0, 0);
  tcxDetach(s, ETH0, 'X');
  tcxDetach(s, ETH0, 99);
  tcxLink(s, 'l6', 'X', ETH0);
  tcxLink(s, 'l7', 'G', ETH0);
  tcxLink(s, 'l8', 'A', ETH0, 'BPF_CGROUP_INET_EGRESS');
  tcxLink(s, 'l9', 'A', ETH0, 'BPF_XDP');
  s.bpf('BPF_PROG_ATTACH', { target_fd: 0, attach_bpf_fd: s.fd('A'), attach_type: 'BPF_CGROUP_INET_EGRESS' }); // a tc program on a cgroup hook
  // netkit types: this kernel has no netkit
  for (const at of ['BPF_NETKIT_PRIMARY', 'BPF_NETKIT_PEER']) {
    tcxAttach(s, ETH0, 'A', at);
    tcxAttach(s, ETH0, 'X', at);
    tcxDetach(s, ETH0, 'A', at);
    tcxQuery(s, ETH0, at);
    tcxLink(s, `nk${at}`, 'A', ETH0, at);
  }
  // devices: none, 0, a removed one
  for (const ifi of [0, 99]) {
    tcxAttach(s, ifi, 'A');
    tcxDetach(s, ifi, 'A');
    tcxDetach(s, ifi, 0);
    tcxQuery(s, ifi);
    tcxLink(s, `d${ifi}`, 'A', ifi);
  }
  // target_fd and target_ifindex are one field (libbpf passes the device as target_fd)
  s.bpf('BPF_PROG_ATTACH', { target_fd: VETH1, attach_bpf_fd: s.fd('C'), attach_type: ING });
  s.bpf('BPF_PROG_QUERY', { target_fd: VETH1, attach_type: ING, link_ids: [] });
  s.bpf('BPF_LINK_CREATE', { prog_fd: s.fd('D'), target_fd: VETH1, attach_type: ING }, 'LF');
  s.bpf('BPF_PROG_DETACH', { target_fd: VETH1, attach_bpf_fd: s.fd('C'), attach_type: ING });
  s.bpf('BPF_PROG_QUERY', { target_ifindex: VETH1, attach_type: ING, link_ids: [] });
  s.info('LF');
  s.bpf('BPF_LINK_GET_NEXT_ID', { start_id: 0 });
  return s.calls;
}

/** BPF_PROG_DETACH: by program, without one (the last entry), BPF_F_BEFORE (the first),
 * BPF_F_AFTER, with anchors; a link's entry (EBUSY); what is not attached (ENOENT). */
function tcxDetachScenario(): KernelCall[] {
  const s = new Scenario();
  for (const n of ['A', 'B', 'C', 'D', 'E', 'F']) s.load(n, 'tc');
  s.load('X', 'xdp');
  tcxDetach(s, ETH0, 'A'); // ENOENT: no list
  tcxDetach(s, ETH0, 0); // ENOENT
  tcxAttach(s, ETH0, 'A');
  tcxAttach(s, ETH0, 'B');
  tcxLink(s, 'LC', 'C', ETH0);
  tcxAttach(s, ETH0, 'D');
  tcxAttach(s, ETH0, 'E');
  tcxQuery(s, ETH0);
  tcxDetach(s, ETH0, 'F'); // ENOENT: not on the list
  tcxDetach(s, ETH0, 'C'); // EBUSY: the link's
  tcxDetach(s, ETH0, 'X'); // EINVAL: type
  tcxDetach(s, ETH0, 99); // EBADF
  tcxDetach(s, ETH0, 'LC'); // EINVAL: a link fd
  tcxDetach(s, ETH0, 0, ING, ['BPF_F_BEFORE', 'BPF_F_AFTER']); // ERANGE
  tcxDetach(s, ETH0, 0, ING, 0, { relative_fd: s.fd('A') }); // EINVAL
  tcxDetach(s, ETH0, 0); // the last: E
  tcxQuery(s, ETH0);
  tcxDetach(s, ETH0, 0, ING, ['BPF_F_BEFORE']); // the first: A
  tcxQuery(s, ETH0);
  tcxDetach(s, ETH0, 0, ING, ['BPF_F_AFTER']); // the last: D
  tcxDetach(s, ETH0, 0, ING, ['BPF_F_AFTER']); // the last is the link's: EBUSY
  tcxAttach(s, ETH0, 'D', ING, ['BPF_F_BEFORE']); // D B LC
  tcxDetach(s, ETH0, 0, ING, ['BPF_F_BEFORE'], { relative_fd: s.fd('B') }); // the one before B: D
  tcxDetach(s, ETH0, 'B', ING, ['BPF_F_BEFORE'], { relative_fd: s.fd('C') }); // B is before C: ok
  tcxQuery(s, ETH0);
  tcxAttach(s, ETH0, 'A', ING, ['BPF_F_BEFORE']); // A LC
  tcxDetach(s, ETH0, 'A', ING, ['BPF_F_AFTER'], { relative_fd: s.fd('C') }); // ERANGE: A is not after C
  tcxDetach(s, ETH0, 0, ING, ['BPF_F_AFTER', 'BPF_F_LINK'], { relative_fd: s.fd('LC') }); // after the last is the last: the link's, EBUSY
  tcxDetach(s, ETH0, 0, ING, ['BPF_F_BEFORE', 'BPF_F_LINK', 'BPF_F_ID'], { relative_id: idOf(s, 'LC') }); // A
  tcxDetach(s, ETH0, 'A', ING, ['BPF_F_BEFORE', 'BPF_F_ID'], { relative_id: idOf(s, 'C') }); // ENOENT: A is gone
  tcxQuery(s, ETH0);
  s.trigger('xdp:eth0');
  s.close('LC').trigger('xdp:eth0');
  tcxQuery(s, ETH0); // the list went with its last entry
  tcxDetach(s, ETH0, 0);
  // a detached program is put: a program only the list held is freed
  tcxAttach(s, VETH1, 'F', EGR).close('F');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 6 }, 'F2').close('F2');
  s.trigger('xdp:eth0');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 6 }, 'F3');
  tcxDetach(s, VETH1, 'F3', EGR).close('F3');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 6 });
  return s.calls;
}

/** BPF_PROG_QUERY of tcx lists: capacities, link_ids, flags, revisions. */
function tcxQueryScenario(): KernelCall[] {
  const s = new Scenario();
  for (const n of ['A', 'B', 'C']) s.load(n, 'tc');
  tcxAttach(s, LO, 'A');
  tcxLink(s, 'LB', 'B', LO);
  tcxAttach(s, LO, 'C');
  tcxQuery(s, LO);
  tcxQuery(s, LO, ING, { prog_cnt: 3 });
  tcxQuery(s, LO, ING, { prog_cnt: 2 }); // ENOSPC, the first two
  tcxQuery(s, LO, ING, { prog_cnt: 1 });
  tcxQuery(s, LO, ING, { prog_cnt: 0 }); // the count only
  s.bpf('BPF_PROG_QUERY', { target_ifindex: LO, attach_type: ING }); // no link_ids buffer
  s.bpf('BPF_PROG_QUERY', { target_ifindex: LO, attach_type: ING, prog_attach_flags: [], link_attach_flags: [] });
  s.bpf('BPF_PROG_QUERY', { target_ifindex: LO, attach_type: ING, prog_cnt: 1, prog_attach_flags: [], link_ids: [], link_attach_flags: [] });
  tcxQuery(s, LO, ING, { query_flags: ['BPF_F_QUERY_EFFECTIVE'] }); // EINVAL
  tcxQuery(s, LO, ING, { query_flags: 2 }); // EINVAL
  tcxQuery(s, LO, EGR, { query_flags: ['BPF_F_QUERY_EFFECTIVE'] }); // no list
  tcxQuery(s, 99, ING, { query_flags: 2 });
  tcxQuery(s, LO, EGR);
  tcxQuery(s, ETH0);
  s.update('LB', 'A'); // EEXIST
  s.close('LB');
  tcxQuery(s, LO);
  return s.calls;
}

/** BPF_LINK_UPDATE and BPF_LINK_DETACH of tcx links; link info. */
function tcxLinkOps(): KernelCall[] {
  const s = new Scenario();
  for (const n of ['A', 'B', 'C', 'D']) s.load(n, 'tc');
  s.load('X', 'xdp').load('G', 'cgroup_skb');
  tcxLink(s, 'L', 'A', ETH0);
  tcxAttach(s, ETH0, 'C');
  tcxLink(s, 'M', 'D', ETH0, EGR);
  s.info('L').info('M');
  tcxQuery(s, ETH0);
  s.update('L', 'A'); // the same program: 0, no new revision
  tcxQuery(s, ETH0);
  s.update('L', 'B').info('L');
  tcxQuery(s, ETH0);
  s.trigger('xdp:eth0').info('A').info('B');
  s.update('L', 'C'); // EEXIST: C is on the list
  s.update('L', 'D'); // D is on the egress list only: ok
  s.update('L', 'B');
  s.update('L', 'X').update('L', 'G'); // EINVAL
  s.update('L', 'A', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('C') }); // EPERM
  s.update('L', 'X', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('C') }); // EPERM before the type
  s.update('L', 'A', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('B') });
  s.update('L', 'B', { old_prog_fd: s.fd('A') }); // EINVAL
  s.update('L', 99).update(99, 'A').update('A', 'B');
  tcxQuery(s, ETH0);
  s.info('L');
  // detach: the entry goes, the link stays (ifindex 0), updates are ENOLINK
  s.linkDetach('L').info('L');
  tcxQuery(s, ETH0);
  s.trigger('xdp:eth0');
  s.update('L', 'B').update('L', 'A').update('L', 'X', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('C') });
  s.linkDetach('L');
  s.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 1 }, 'L2').info('L2').close('L2');
  // the egress link: detach, then the program it held stays held
  s.linkDetach('M').info('M').close('D');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 4 }, 'D2').info('D2').close('D2');
  s.close('M').bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 4 });
  // after a detach the program can go on the list again
  tcxLink(s, 'L3', 'A', ETH0);
  tcxQuery(s, ETH0);
  s.linkDetach('C'); // a program fd: EINVAL
  return s.calls;
}

/** Who owns a tcx link: fds, pins, fork and exit; BPF_PROG_ATTACH entries outlive their loader. */
function tcxLifetimes(): KernelCall[] {
  const s = new Scenario('init');
  const loader = s.spawn('loader');
  s.as(loader).load('A', 'tc').load('B', 'tc').load('C', 'tc');
  tcxLink(s, 'L', 'A', VETH1);
  tcxAttach(s, VETH1, 'B');
  tcxLink(s, 'P', 'C', VETH1, EGR);
  s.bpf('BPF_OBJ_PIN', { bpf_fd: s.fd('P'), pathname: '/sys/fs/bpf/tcx_egress' });
  s.close('P');
  s.trigger('xdp:veth1').trigger('xdp:eth0');
  const child = s.fork();
  s.close('L').trigger('xdp:veth1'); // the child's fd holds L
  s.as(child).exit();
  s.as(loader).trigger('xdp:veth1'); // L is gone: B runs
  s.exit();
  s.as(100).trigger('xdp:veth1').trigger('xdp:eth0'); // B stays (no file owns it); the pin holds the egress link
  tcxQuery(s, VETH1);
  tcxQuery(s, VETH1, EGR);
  s.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/tcx_egress' }, 'P2').info('P2').linkDetach('P2').info('P2');
  s.trigger('xdp:eth0').close('P2');
  s.raw({ call: 'unlink', pid: 100, path: '/sys/fs/bpf/tcx_egress' });
  s.bpf('BPF_LINK_GET_NEXT_ID', { start_id: 0 });
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 2 }, 'B2');
  tcxDetach(s, VETH1, 'B2').close('B2');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 2 });
  s.trigger('xdp:veth1');
  return s.calls;
}

/** Device removal with tcx links and BPF_PROG_ATTACH entries on both directions; a new veth pair. */
function tcxDevices(): KernelCall[] {
  const s = new Scenario();
  for (const n of ['A', 'B', 'C', 'D', 'E']) s.load(n, 'tc');
  s.load('X', 'xdp');
  s.vethAdd('va', 'vb'); // vb 4, va 5
  tcxLink(s, 'LI', 'A', 5);
  tcxAttach(s, 5, 'B');
  tcxLink(s, 'LE', 'C', 5, EGR);
  tcxAttach(s, 5, 'D', EGR, ['BPF_F_BEFORE']);
  tcxAttach(s, 4, 'E');
  s.xdp(5, 'X');
  tcxQuery(s, 5);
  tcxQuery(s, 5, EGR);
  s.trigger('xdp:va').trigger('xdp:vb');
  s.close('B').close('D').close('E');
  s.linkDel('va');
  s.info('LI').info('LE');
  tcxQuery(s, 5);
  tcxQuery(s, 4);
  tcxAttach(s, 5, 'A');
  tcxLink(s, 'l', 'A', 4);
  s.update('LI', 'C').linkDetach('LI').linkDetach('LE');
  // the programs only the lists held were freed; the links' programs stay
  for (const id of [1, 2, 3, 4, 5]) s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: id });
  s.trigger('xdp:va').trigger('xdp:eth0');
  // a new pair: new ifindexes, tcx on it
  s.vethAdd('va', 'vb'); // vb 6, va 7
  tcxLink(s, 'N1', 'A', 7);
  tcxLink(s, 'N2', 'C', 6, EGR);
  tcxQuery(s, 7);
  s.trigger('xdp:va').trigger('xdp:vb');
  s.info('N1').info('N2').info('A').info('C');
  // deleting the peer takes both ends
  s.linkDel('vb').info('N1').info('N2').trigger('xdp:va');
  s.close('LI').close('LE').close('N1').close('N2');
  s.bpf('BPF_LINK_GET_NEXT_ID', { start_id: 0 });
  return s.calls;
}

/** Odd values: a link or map fd where a program is wanted, fd and ifindex -1, u64 revisions,
 * a query buffer larger than the list, detach by an anchor alone, link_create flags. */
function tcxOdd(): KernelCall[] {
  const s = new Scenario();
  s.load('A', 'tc').load('B', 'tc').bpf('BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1 }, 'M');
  tcxLink(s, 'L', 'A', ETH0);
  tcxAttach(s, ETH0, 'L'); // EINVAL: a link fd as the program
  tcxAttach(s, ETH0, 'B', ING, ['BPF_F_REPLACE'], { replace_bpf_fd: s.fd('L') }); // EINVAL
  tcxAttach(s, ETH0, 'B', ING, ['BPF_F_BEFORE'], { relative_fd: s.fd('M') }); // EINVAL: a map anchor
  tcxAttach(s, ETH0, 'B', ING, ['BPF_F_BEFORE', 'BPF_F_LINK'], { relative_fd: s.fd('M') }); // EINVAL
  tcxAttach(s, ETH0, 'B', ING, ['BPF_F_BEFORE'], { relative_fd: -1 }); // EBADF
  tcxAttach(s, -1, 'B'); // ENODEV
  tcxAttach(s, ETH0, 'B', ING, 0, { expected_revision: 2 ** 32 + 2 }); // ESTALE: no 32-bit wrap
  tcxAttach(s, ETH0, 'B', ING, ['BPF_F_AFTER', 'BPF_F_ID', 'BPF_F_LINK'], { relative_id: idOf(s, 'L') });
  tcxQuery(s, ETH0, ING, { prog_cnt: 1000, prog_attach_flags: [] });
  tcxDetach(s, ETH0, 'B', EGR); // ENOENT: another list
  // with the program named, an anchor without BEFORE/AFTER is looked up, then not used: 0
  tcxDetach(s, ETH0, 'B', ING, ['BPF_F_ID'], { relative_id: idOf(s, 'A') });
  tcxAttach(s, ETH0, 'B', ING, ['BPF_F_AFTER']);
  tcxDetach(s, ETH0, 'B', ING, ['BPF_F_AFTER', 'BPF_F_LINK'], { relative_fd: s.fd('L') }); // B is after L: ok
  tcxDetach(s, ETH0, 'B', ING, ['BPF_F_ID'], { relative_id: 999 }); // ENOENT (no such anchor, and B is gone)
  tcxDetach(s, ETH0, 0, ING, ['BPF_F_LINK'], { relative_fd: s.fd('L') }); // EINVAL
  tcxDetach(s, ETH0, 0, ING, ['BPF_F_BEFORE', 'BPF_F_LINK'], { relative_fd: s.fd('L') }); // nothing before L: the first is L's, EBUSY
  s.update('L', 'B', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('A') });
  tcxQuery(s, ETH0);
  tcxLink(s, 'l1', 'A', ETH0, ING, 0, { expected_revision: 2 ** 32 + 2 }); // ESTALE
  tcxLink(s, 'l2', 'A', ETH0, ING, ['BPF_F_REPLACE', 'BPF_F_BEFORE']); // ENOENT
  tcxLink(s, 'l3', 'A', ETH0, EGR, ['BPF_F_BEFORE', 'BPF_F_AFTER']); // ERANGE on an empty list
  tcxLink(s, 'l4', 'A', ETH0, EGR, ['BPF_F_BEFORE', 'BPF_F_ID'], { relative_id: idOf(s, 'B') }); // ENOENT: B is on the ingress list
  s.bpf('BPF_LINK_GET_NEXT_ID', { start_id: 0 }).trigger('xdp:eth0').info('A').info('B');
  return s.calls;
}

/** 63 programs per list (bpf_mprog_max(): 64 slots, the last one ends the array), links and
 * BPF_PROG_ATTACH entries together; a full list refuses an insert after the anchor lookup,
 * before BPF_F_BEFORE/AFTER are placed; a replace still works. */
function tcxLimit(): KernelCall[] {
  const s = new Scenario();
  for (let i = 0; i < 66; i++) s.load(`p${i}`, 'tc');
  for (let i = 0; i < 63; i++) {
    if (i % 2) tcxLink(s, `l${i}`, `p${i}`, ETH0);
    else tcxAttach(s, ETH0, `p${i}`);
  }
  tcxQuery(s, ETH0, ING, { prog_cnt: 0 });
  tcxAttach(s, ETH0, 'p63'); // ERANGE
  tcxAttach(s, ETH0, 'p63', ING, ['BPF_F_BEFORE']); // ERANGE
  tcxAttach(s, ETH0, 'p63', ING, ['BPF_F_AFTER'], { relative_fd: s.fd('p0') }); // ERANGE
  tcxAttach(s, ETH0, 'p63', ING, ['BPF_F_BEFORE'], { relative_fd: s.fd('p64') }); // ERANGE before the anchor's place (ENOENT)
  tcxAttach(s, ETH0, 'p63', ING, ['BPF_F_BEFORE'], { relative_fd: 999 }); // EBADF: the anchor is looked up first
  tcxAttach(s, ETH0, 'p63', ING, ['BPF_F_BEFORE', 'BPF_F_AFTER']); // ERANGE
  tcxAttach(s, ETH0, 'p0'); // EEXIST first
  tcxAttach(s, ETH0, 'p63', ING, 0, { expected_revision: 1 }); // ESTALE first
  tcxLink(s, 'l63', 'p63', ETH0); // ERANGE
  tcxLink(s, 'l63b', 'p63', ETH0, ING, ['BPF_F_BEFORE'], { relative_fd: s.fd('p0') }); // ERANGE
  tcxAttach(s, VETH1, 'p63'); // another list is not full
  tcxAttach(s, ETH0, 'p63', ING, ['BPF_F_REPLACE'], { replace_bpf_fd: s.fd('p0') }); // replace: ok
  tcxAttach(s, ETH0, 'p64', ING, ['BPF_F_REPLACE', 'BPF_F_BEFORE'], { replace_bpf_fd: s.fd('p63') }); // ERANGE: BEFORE without an anchor is -1, p63 is at 0
  s.update('l1', 'p65'); // update: ok
  tcxQuery(s, ETH0, ING, { prog_cnt: 0 });
  tcxQuery(s, ETH0, ING, { prog_cnt: 63 });
  tcxQuery(s, ETH0, ING, { prog_cnt: 64 });
  s.trigger('xdp:eth0');
  tcxDetach(s, ETH0, 'p2');
  tcxLink(s, 'l0', 'p0', ETH0, ING, ['BPF_F_BEFORE']); // the 63rd again: first
  tcxAttach(s, ETH0, 'p2'); // ERANGE again
  tcxQuery(s, ETH0, ING, { prog_cnt: 0 });
  s.trigger('xdp:eth0').info('p0').info('p64');
  s.close('l0');
  tcxDetach(s, ETH0, 0, ING, ['BPF_F_BEFORE']); // the first entry: p63
  tcxQuery(s, ETH0, ING, { prog_cnt: 0 });
  return s.calls;
}

export const TCX_SCENARIOS: Record<string, () => KernelCall[]> = {
  'tcx: links and BPF_PROG_ATTACH entries on one list, BEFORE/AFTER/ID/LINK': tcxOrder,
  'tcx: anchors not on the list, rules that disagree, wrong kinds': tcxAnchors,
  'tcx: REPLACE, the same program twice, revisions, flags, types, devices': tcxChecks,
  'tcx: BPF_PROG_DETACH': tcxDetachScenario,
  'tcx: BPF_PROG_QUERY': tcxQueryScenario,
  'tcx: BPF_LINK_UPDATE, BPF_LINK_DETACH, link info': tcxLinkOps,
  'tcx: fds, pins, fork, exit': tcxLifetimes,
  'tcx: device removal, veth pairs': tcxDevices,
  'tcx: 63 programs per list': tcxLimit,
  'tcx: odd values': tcxOdd,
};

/**
 * Hand-written cgroup, XDP, BPF_LINK_UPDATE and BPF_LINK_DETACH scenarios
 * (/work/shared/kernel-semantics/attach-targets.md §1-4, §7), each a call sequence that
 * scenarios.diff.test.ts runs on the model and on the real kernel; with the tcx ones of
 * tcxScenarios.ts.
 */
import type { KernelCall } from '../src/kernel/call';
import { CGROOT, EGRESS, Scenario } from './scenario';
import { TCX_SCENARIOS } from './tcxScenarios';

const MULTI = ['BPF_F_ALLOW_MULTI'];
const OVERRIDE = ['BPF_F_ALLOW_OVERRIDE'];
const EV = (rel: string, type = EGRESS): string => `cgroup:${CGROOT}/${rel}:${type}`;

/** §1.4: every cell of the table (existing mode x request), then a query of each cgroup. */
function modeTable(): KernelCall[] {
  const s = new Scenario();
  s.load('A', 'cgroup_skb').load('B', 'cgroup_skb').load('C', 'cgroup_skb');
  const states: [string, number | string[] | null][] = [['empty', null], ['none', 0], ['override', OVERRIDE], ['multi', MULTI]];
  const requests: [string, number | string[], boolean][] = [
    ['none', 0, false], ['override', OVERRIDE, false], ['multi', MULTI, false], ['replace', ['BPF_F_ALLOW_MULTI', 'BPF_F_REPLACE'], true],
  ];
  for (const [sn, sf] of states) {
    for (const [rn, rf, replace] of requests) {
      const cg = `${sn}_${rn}`;
      s.cgroup(cg);
      if (sf !== null) s.attach(cg, 'A', EGRESS, sf);
      s.attach(cg, 'B', EGRESS, rf, replace ? { replace_bpf_fd: s.fd('A') } : {});
      s.query(cg).trigger(EV(cg));
      s.close(cg);
    }
  }
  // multi: the same program again (-EINVAL), MULTI|REPLACE of a program not attached (-ENOENT),
  // replacing a program with itself, replace_bpf_fd without BPF_F_REPLACE (appends)
  s.cgroup('m');
  s.attach('m', 'A', EGRESS, MULTI).attach('m', 'A', EGRESS, MULTI);
  s.attach('m', 'B', EGRESS, ['BPF_F_ALLOW_MULTI', 'BPF_F_REPLACE'], { replace_bpf_fd: s.fd('C') });
  s.attach('m', 'A', EGRESS, ['BPF_F_ALLOW_MULTI', 'BPF_F_REPLACE'], { replace_bpf_fd: s.fd('A') });
  s.attach('m', 'B', EGRESS, MULTI, { replace_bpf_fd: s.fd('A') });
  s.query('m');
  // a program attached only through a link does not count as a duplicate, and is not a
  // replace target
  s.link('lc', 'm', 'C').attach('m', 'C', EGRESS, MULTI).query('m');
  s.attach('m', 'B', EGRESS, ['BPF_F_ALLOW_MULTI', 'BPF_F_REPLACE'], { replace_bpf_fd: s.fd('C') });
  s.query('m');
  return s.calls;
}

/** §1.3: flag combinations and the order of the checks. */
function attachChecks(): KernelCall[] {
  const s = new Scenario();
  s.cgroup('a').load('A', 'cgroup_skb').load('X', 'xdp').load('S', 'sock_create').load('C4', 'connect4');
  s.mkdir('/sys/fs/bpf/d').open('bpffs', '/sys/fs/bpf/d');
  s.attach('a', 'A', EGRESS, ['BPF_F_ALLOW_OVERRIDE', 'BPF_F_ALLOW_MULTI']); // EINVAL
  s.attach('a', 'A', EGRESS, ['BPF_F_REPLACE']); // EINVAL
  s.attach('a', 'A', EGRESS, ['BPF_F_ALLOW_MULTI', 'BPF_F_REPLACE', 'BPF_F_BEFORE'], { replace_bpf_fd: s.fd('A') }); // EINVAL
  s.attach('a', 'A', EGRESS, 1 << 10); // unknown flag bit
  s.attach('a', 'A', 200); // unknown attach type
  s.attach('a', 'A', 'BPF_XDP');
  s.attach('a', 'A', 'BPF_TRACE_RAW_TP');
  // attach types with a program type but no BPF_PROG_ATTACH: flags, the program, then EINVAL
  for (const at of ['BPF_XDP', 'BPF_TRACE_RAW_TP', 'BPF_TRACE_FENTRY', 'BPF_TRACE_ITER', 'BPF_LSM_MAC', 'BPF_SK_LOOKUP', 'BPF_PERF_EVENT']) {
    s.attach('a', 99, at).attach('a', 'X', at).attach('a', 99, at, ['BPF_F_BEFORE']).attach('a', 99, at, ['BPF_F_ALLOW_OVERRIDE', 'BPF_F_ALLOW_MULTI']);
    s.attach('a', 99, at, ['BPF_F_PREORDER']).attach('a', 99, at, 0, { expected_revision: 1 }).detach('a', 99, at);
  }
  s.attach('a', 99, EGRESS); // no such fd
  s.attach('a', 0, EGRESS); // stdin: not a program
  s.attach('a', 'X', EGRESS); // an XDP program
  s.attach('a', 'A', 'BPF_CGROUP_INET_SOCK_CREATE'); // CGROUP_SKB on sock_create
  s.attach('a', 'C4', 'BPF_CGROUP_INET4_BIND'); // connect4 on bind4
  s.attach('a', 'S', 'BPF_CGROUP_INET_SOCK_CREATE'); // OK
  s.attach(99, 'A', EGRESS); // no such cgroup fd
  s.attach('bpffs', 'A', EGRESS); // not a cgroup directory
  s.attach('A', 'A', EGRESS); // a program fd
  s.attach(99, 99, EGRESS); // the program is looked up first
  s.attach(99, 'A', 200, 1 << 10); // the attach type first
  s.attach('a', 'A', EGRESS, ['BPF_F_ALLOW_MULTI', 'BPF_F_REPLACE'], { replace_bpf_fd: 99 }); // EBADF
  s.attach('a', 'A', EGRESS, ['BPF_F_ALLOW_MULTI', 'BPF_F_REPLACE'], { replace_bpf_fd: 0 }); // EINVAL
  s.attach('a', 'A', EGRESS, ['BPF_F_ALLOW_MULTI', 'BPF_F_REPLACE'], { replace_bpf_fd: s.fd('X') }); // EINVAL
  s.attach(99, 'A', EGRESS, ['BPF_F_ALLOW_MULTI', 'BPF_F_REPLACE'], { replace_bpf_fd: 99 }); // the cgroup first
  s.attach('a', 'A', EGRESS, ['BPF_F_REPLACE'], { replace_bpf_fd: 99 }); // not read without MULTI: EINVAL
  s.query('a').query('a', 'BPF_CGROUP_INET_SOCK_CREATE');
  // links: flags, types
  s.link('l1', 'a', 'A', EGRESS, { flags: MULTI });
  s.link('l2', 'a', 'A', EGRESS, { flags: OVERRIDE });
  s.link('l3', 'a', 'A', EGRESS, { flags: ['BPF_F_REPLACE'] });
  s.link('l4', 'a', 'X', EGRESS);
  s.link('l5', 'a', 'A', 'BPF_CGROUP_INET_SOCK_CREATE');
  s.link('l6', 'a', 'C4', 'BPF_CGROUP_INET4_BIND');
  s.link('l7', 'bpffs', 'A', EGRESS);
  s.link('l8', 99, 'A', EGRESS);
  s.link('l9', 99, 'A', EGRESS, { flags: MULTI }); // flags before the cgroup
  s.link('l10', 'a', 'A', 200);
  s.link('l11', 'a', 'S', 'BPF_CGROUP_INET_SOCK_CREATE'); // EPERM: mode none there
  s.link('l12', 'a', 'A', EGRESS); // OK
  return s.calls;
}

/** §1.5: the nearest ancestor with an attachment decides. */
function hierarchy(): KernelCall[] {
  const s = new Scenario();
  s.load('A', 'cgroup_skb').load('B', 'cgroup_skb');
  for (const [mode, flags] of [['none', 0], ['override', OVERRIDE], ['multi', MULTI]] as const) {
    s.cgroup(mode).cgroup(`${mode}/c`, `${mode}_c`).cgroup(`${mode}/c/g`, `${mode}_g`);
    s.attach(mode, 'A', EGRESS, flags);
    for (const cg of [`${mode}_c`, `${mode}_g`]) {
      s.attach(cg, 'B', EGRESS, 0).attach(cg, 'B', EGRESS, OVERRIDE).attach(cg, 'B', EGRESS, MULTI);
      s.link(`${cg}_l`, cg, 'B');
      s.query(cg).effective(cg);
    }
  }
  // a grandchild under a mode-none child under a multi root is refused: the child decides
  s.cgroup('m2').cgroup('m2/c', 'm2c').cgroup('m2/c/g', 'm2g');
  s.attach('m2', 'A', EGRESS, MULTI).attach('m2c', 'B', EGRESS, 0).attach('m2g', 'A', EGRESS, MULTI);
  // attaching mode none to a parent whose child has programs: allowed, the child keeps them
  s.cgroup('p').cgroup('p/c', 'pc');
  s.attach('pc', 'B', EGRESS, 0).attach('p', 'A', EGRESS, 0).effective('pc').effective('p').trigger(EV('p/c'));
  return s.calls;
}

/** §1.6: BPF_PROG_DETACH. */
function detach(): KernelCall[] {
  const s = new Scenario();
  s.cgroup('a').load('A', 'cgroup_skb').load('B', 'cgroup_skb').load('X', 'xdp');
  s.detach('a', 'A'); // ENOENT: nothing attached
  s.attach('a', 'A', EGRESS, 0).detach('a', 'B').query('a'); // mode none: any program detaches it
  s.attach('a', 'A', EGRESS, OVERRIDE).detach('a', 99).query('a');
  s.attach('a', 'A', EGRESS, 0).detach('a', 0).query('a');
  s.attach('a', 'A', EGRESS, 0).detach('a', 'X').query('a');
  s.attach('a', 'A', EGRESS, 0).detach('a', 'A', EGRESS, { attach_flags: MULTI }); // EINVAL
  s.detach('a', 'A', EGRESS, { attach_flags: ['BPF_F_BEFORE'] });
  s.detach('a', 'A', EGRESS, { relative_fd: s.fd('B') });
  s.detach('a', 'A', EGRESS, { expected_revision: 1 }); // ESTALE
  s.detach('a', 'A', 200);
  s.detach(99, 'A');
  s.detach('a', 'A').query('a').detach('a', 'A'); // the mode went back to none with the list
  // multi
  s.attach('a', 'A', EGRESS, MULTI).link('l', 'a', 'B').attach('a', 'B', EGRESS, MULTI);
  s.detach('a', 99); // EINVAL: no program
  s.detach('a', 'X'); // EINVAL: the lookup by type failed
  s.detach('a', 'B').query('a'); // the legacy B only; the link stays
  s.detach('a', 'B'); // ENOENT: B is attached only through the link
  s.detach('a', 'A').query('a').trigger(EV('a'));
  s.attach('a', 'A', EGRESS, 0); // EPERM: the link keeps the mode multi
  s.close('l').query('a').attach('a', 'A', EGRESS, 0).query('a');
  return s.calls;
}

/** §1.8 and 1.4: links next to legacy attachments. */
function linksAndLegacy(): KernelCall[] {
  const s = new Scenario();
  s.load('A', 'cgroup_skb').load('B', 'cgroup_skb');
  s.cgroup('none').attach('none', 'A', EGRESS, 0).link('l1', 'none', 'B'); // EPERM
  s.cgroup('ovr').attach('ovr', 'A', EGRESS, OVERRIDE).link('l2', 'ovr', 'B'); // EPERM
  s.cgroup('lk').link('l3', 'lk', 'A').attach('lk', 'B', EGRESS, 0).attach('lk', 'B', EGRESS, OVERRIDE); // EPERM x2
  s.attach('lk', 'B', EGRESS, MULTI).link('l4', 'lk', 'A').link('l5', 'lk', 'A').query('lk').trigger(EV('lk'));
  s.info('l3').info('l4');
  // the same link cannot be attached twice: not reachable from user space; closing one
  // of several links of the same program removes that entry only
  s.close('l4').query('lk').trigger(EV('lk'));
  return s.calls;
}

/** §1.1: 64 entries per cgroup and attach type, legacy and links together. */
function limit64(): KernelCall[] {
  const s = new Scenario();
  s.cgroup('a').cgroup('a/b', 'b').load('A', 'cgroup_skb').load('B', 'cgroup_skb');
  s.attach('a', 'B', EGRESS, MULTI);
  for (let i = 0; i < 63; i++) s.link(`l${i}`, 'a', 'A');
  s.link('l63', 'a', 'A'); // E2BIG
  s.attach('a', 'A', EGRESS, MULTI); // E2BIG
  s.attach('a', 'A', EGRESS, ['BPF_F_ALLOW_MULTI', 'BPF_F_REPLACE'], { replace_bpf_fd: s.fd('B') }); // E2BIG too
  s.query('a', EGRESS, { prog_cnt: 0 });
  // the limit is per cgroup: the child's effective array holds more than 64
  s.link('c1', 'b', 'A').link('c2', 'b', 'B').query('b', EGRESS, { prog_cnt: 0, query_flags: ['BPF_F_QUERY_EFFECTIVE'] });
  s.trigger(EV('a/b'));
  s.detach('a', 'B').link('l64', 'a', 'A').query('a', EGRESS, { prog_cnt: 0 });
  return s.calls;
}

/** §1.9: effective arrays, the worked orders and the uapi header's chain. */
function effectiveOrder(): KernelCall[] {
  const s = new Scenario();
  for (const n of ['a1', 'a2', 'a3', 'b1', 'c1', 'X', 'a0', 'P1', 'P2', 'b0', 'Q1', 'Q2']) s.load(n, 'cgroup_skb');
  // A override {a1}; B none {b1}
  s.cgroup('o').cgroup('o/b', 'ob').attach('o', 'a1', EGRESS, OVERRIDE).attach('ob', 'b1', EGRESS, 0);
  s.effective('ob').effective('o').trigger(EV('o/b'));
  // A override {a1}; B nothing; C none {c1}
  s.cgroup('o2').cgroup('o2/b', 'o2b').cgroup('o2/b/c', 'o2c').attach('o2', 'a1', EGRESS, OVERRIDE).attach('o2c', 'c1', EGRESS, 0);
  s.effective('o2c').effective('o2b');
  // A multi {a1 a2 a3}; B override {b1}; C none {c1}
  s.cgroup('m').cgroup('m/b', 'mb').cgroup('m/b/c', 'mc');
  s.attach('m', 'a1', EGRESS, MULTI).attach('m', 'a2', EGRESS, MULTI).attach('m', 'a3', EGRESS, MULTI);
  s.attach('mb', 'b1', EGRESS, OVERRIDE).attach('mc', 'c1', EGRESS, 0);
  s.effective('mc').effective('mb').effective('m').trigger(EV('m/b/c'));
  // preorder: A multi {X(pre, link) a0 P1(pre) P2(pre)}; B multi {b0 Q1(pre) Q2(pre)}
  s.cgroup('p').cgroup('p/b', 'pb');
  s.link('lx', 'p', 'X', EGRESS, { flags: ['BPF_F_PREORDER'] }).attach('p', 'a0', EGRESS, MULTI);
  s.attach('p', 'P1', EGRESS, ['BPF_F_ALLOW_MULTI', 'BPF_F_PREORDER']).attach('p', 'P2', EGRESS, ['BPF_F_ALLOW_MULTI', 'BPF_F_PREORDER']);
  s.attach('pb', 'b0', EGRESS, MULTI).attach('pb', 'Q1', EGRESS, ['BPF_F_ALLOW_MULTI', 'BPF_F_PREORDER']);
  s.attach('pb', 'Q2', EGRESS, ['BPF_F_ALLOW_MULTI', 'BPF_F_PREORDER']);
  s.effective('pb').query('p').query('pb', EGRESS, { prog_cnt: 2 });
  // the uapi chain MULTI{A,B} -> OVERRIDE{C} -> MULTI{D} -> OVERRIDE{E} -> NONE{F}
  s.load('A', 'cgroup_skb').load('B', 'cgroup_skb').load('C', 'cgroup_skb').load('D', 'cgroup_skb').load('E', 'cgroup_skb').load('F', 'cgroup_skb');
  s.cgroup('u').cgroup('u/1', 'u1').cgroup('u/1/2', 'u2').cgroup('u/1/2/3', 'u3').cgroup('u/1/2/3/4', 'u4');
  s.attach('u', 'A', EGRESS, MULTI).attach('u', 'B', EGRESS, MULTI).attach('u1', 'C', EGRESS, OVERRIDE);
  s.attach('u2', 'D', EGRESS, MULTI).attach('u3', 'E', EGRESS, OVERRIDE).attach('u4', 'F', EGRESS, 0);
  s.effective('u4').detach('u4', 'F').effective('u4').detach('u2', 'D').effective('u4').detach('u3', 'E').effective('u4');
  s.effective('u3').effective('u2').effective('u1').effective('u');
  s.trigger(EV('u/1/2/3/4'));
  // a new cgroup inherits at mkdir
  s.cgroup('u/1/2/3/4/5', 'u5').effective('u5');
  return s.calls;
}

/** §1.10: BPF_PROG_QUERY. */
function query(): KernelCall[] {
  const s = new Scenario();
  s.cgroup('a').cgroup('a/b', 'b').load('A', 'cgroup_skb').load('B', 'cgroup_skb').load('C', 'cgroup_skb');
  s.query('a'); // empty: revision 1
  s.attach('a', 'A', EGRESS, MULTI).link('l', 'a', 'B').attach('a', 'C', EGRESS, MULTI);
  s.query('a').query('a', EGRESS, { prog_cnt: 1 }).query('a', EGRESS, { prog_cnt: 0 }).query('a', EGRESS, { prog_cnt: 3 });
  s.effective('b').query('b', EGRESS, { prog_cnt: 2, query_flags: ['BPF_F_QUERY_EFFECTIVE'] });
  s.query('a', EGRESS, { query_flags: 2 }); // EINVAL
  s.query('a', 200).query('a', 'BPF_XDP').query(99).query('A');
  s.bpf('BPF_PROG_QUERY', { target_ifindex: 2, attach_type: 'BPF_XDP' });
  s.query('a', 'BPF_CGROUP_INET_INGRESS'); // another attach type: empty, mode 0
  s.update('l', 'C').query('a').detach('a', 'A').query('a');
  return s.calls;
}

/** §1.11: rmdir. */
function rmdir(): KernelCall[] {
  const s = new Scenario();
  s.cgroup('a').cgroup('a/b', 'b').load('A', 'cgroup_skb').load('B', 'cgroup_skb').load('L', 'cgroup_skb');
  s.attach('b', 'A', EGRESS, MULTI).link('l', 'b', 'B').link('l2', 'b', 'L').close('L');
  s.rmdir(`${CGROOT}/a`); // EBUSY: a child cgroup
  s.info('l').rmdir(`${CGROOT}/a/b`).info('l').info('l2');
  s.update('l', 'A').linkDetach('l').info('l'); // ENOLINK, 0
  s.query('b').attach('b', 'A', EGRESS, MULTI).link('l3', 'b', 'A'); // ENOENT x3
  s.trigger(EV('a')).rmdir(`${CGROOT}/a`).rmdir(`${CGROOT}/a`);
  // the legacy program was put: A still has its fd; a program only the cgroup held is freed
  s.cgroup('c').load('D', 'cgroup_skb').attach('c', 'D', EGRESS, 0).close('D');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 4 }, 'D2').close('D2');
  s.rmdir(`${CGROOT}/c`).bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 4 });
  // the link's program lives as long as the link; closing the link frees it
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 3 }, 'L2').info('L2').close('L2').close('l2');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 3 });
  return s.calls;
}

/** §7: a loader that used BPF_PROG_ATTACH exits, and its program stays; with a link it goes. */
function abandoned(): KernelCall[] {
  const s = new Scenario('init');
  s.cgroup('a');
  const legacy = s.spawn('legacy');
  s.as(legacy).open('cg', `${CGROOT}/a`).load('A', 'cgroup_skb').attach('cg', 'A', EGRESS, MULTI);
  s.load('X', 'xdp').xdp(2, 'X');
  s.exit();
  const linker = s.spawn('linker');
  s.as(linker).open('cg', `${CGROOT}/a`).load('B', 'cgroup_skb').link('l', 'cg', 'B').load('Y', 'xdp').xdpLink('xl', 'Y', 3);
  s.trigger(EV('a')).trigger('xdp:eth0').trigger('xdp:veth1');
  s.exit();
  s.as(100).trigger(EV('a')).trigger('xdp:eth0').trigger('xdp:veth1').query('a');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 1 }, 'A').bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 2 }, 'X');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 3 }).bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 1 });
  s.detach('a', 'A').xdp(2, -1).close('A').close('X');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 1 }).trigger(EV('a')).trigger('xdp:eth0');
  return s.calls;
}

/** §1.7 (6.15, 6.17): BPF_F_PREORDER, BPF_F_BEFORE/AFTER/ID/LINK, revisions. */
function ordering(): KernelCall[] {
  const s = new Scenario();
  s.cgroup('a');
  for (const n of ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']) s.load(n, 'cgroup_skb');
  const m = (...f: string[]): string[] => ['BPF_F_ALLOW_MULTI', ...f];
  s.attach('a', 'p0', EGRESS, MULTI);
  s.attach('a', 'p1', EGRESS, m('BPF_F_BEFORE'), { relative_fd: s.fd('p0') });
  s.attach('a', 'p2', EGRESS, m('BPF_F_AFTER'), { relative_fd: s.fd('p1') });
  s.attach('a', 'p3', EGRESS, m('BPF_F_BEFORE'));
  s.attach('a', 'p4', EGRESS, m('BPF_F_AFTER'));
  // (anchors by id are not translated to the run's ids by the oracle: by fd here)
  s.attach('a', 'p5', EGRESS, m('BPF_F_BEFORE'), { relative_fd: s.fd('p2') });
  s.query('a');
  s.attach('a', 'p6', EGRESS, m('BPF_F_BEFORE', 'BPF_F_AFTER')); // EINVAL (the list is not empty)
  s.attach('a', 'p6', EGRESS, MULTI, { relative_fd: s.fd('p0') }); // EINVAL: anchor without BEFORE/AFTER
  s.attach('a', 'p6', EGRESS, m('BPF_F_BEFORE', 'BPF_F_ID'), { relative_id: 999 }); // ENOENT
  s.attach('a', 'p6', EGRESS, m('BPF_F_BEFORE', 'BPF_F_LINK'), { relative_fd: s.fd('p0') }); // EINVAL: not a link
  s.attach('a', 'p6', EGRESS, m('BPF_F_PREORDER', 'BPF_F_BEFORE'), { relative_fd: s.fd('p0') }); // EINVAL: preorder differs
  s.attach('a', 'p6', EGRESS, MULTI, { expected_revision: 1 }); // ESTALE
  s.cgroup('d').attach('d', 'p0', EGRESS, MULTI).link('ld', 'd', 'p1');
  s.attach('d', 'p6', EGRESS, m('BPF_F_BEFORE'), { relative_fd: s.fd('ld') }); // a legacy program anchored on a link fd
  s.attach('d', 'p6', EGRESS, m('BPF_F_BEFORE'), { relative_fd: s.fd('p1') }); // p1 is there only through a link
  s.link('ld2', 'd', 'p2', EGRESS, { flags: ['BPF_F_BEFORE', 'BPF_F_LINK'], cgroup: { relative_fd: s.fd('p0') } }); // a program fd as a link
  s.query('d').close('d');
  s.query('a').attach('a', 'p6', EGRESS, MULTI, { expected_revision: 7 }).query('a');
  // links: anchors are links
  s.cgroup('b');
  s.link('l0', 'b', 'p0');
  s.link('l1', 'b', 'p1', EGRESS, { flags: ['BPF_F_BEFORE', 'BPF_F_LINK'], cgroup: { relative_fd: s.fd('l0') } });
  s.link('l2', 'b', 'p2', EGRESS, { flags: ['BPF_F_BEFORE'], cgroup: { relative_fd: s.fd('p0') } }); // EINVAL: a program anchor
  s.link('l3', 'b', 'p3', EGRESS, { flags: ['BPF_F_AFTER', 'BPF_F_LINK'], cgroup: { relative_fd: s.fd('l0') } });
  s.link('l6', 'b', 'p6', EGRESS, { flags: ['BPF_F_AFTER', 'BPF_F_LINK', 'BPF_F_ID'], cgroup: { relative_id: 999 } }); // ENOENT
  s.link('l4', 'b', 'p4', EGRESS, { cgroup: { expected_revision: 1 } }); // ESTALE
  s.link('l5', 'b', 'p5', EGRESS, { cgroup: { expected_revision: 4 } });
  s.query('b');
  // mode none ignores the anchor on replace
  s.cgroup('c').attach('c', 'p0', EGRESS, 0).attach('c', 'p1', EGRESS, ['BPF_F_BEFORE'], { relative_fd: s.fd('p0') }).query('c');
  s.detach('c', 'p1', EGRESS, { expected_revision: 2 }).detach('c', 'p1', EGRESS, { expected_revision: 3 });
  return s.calls;
}

/** §2.2-2.6: XDP through netlink and links, on veth (native by default) and lo (generic). */
function xdp(): KernelCall[] {
  const s = new Scenario();
  s.load('P', 'xdp').load('Q', 'xdp').load('D', 'xdp_devmap').load('T', 'tc').load('A', 'cgroup_skb');
  // netlink: attach, replace, same again, detach, detach of nothing
  s.xdp(2, 'P').trigger('xdp:eth0').xdp(2, 'Q').trigger('xdp:eth0').xdp(2, 'Q').xdp(2, -1).xdp(2, -1).trigger('xdp:eth0');
  // REPLACE: expected -1 = only if nothing; mismatch EEXIST; the right one
  s.xdp(2, 'P', ['XDP_FLAGS_REPLACE'], -1).xdp(2, 'Q', ['XDP_FLAGS_REPLACE'], -1).xdp(2, 'Q', ['XDP_FLAGS_REPLACE'], 'Q');
  s.xdp(2, 'Q', ['XDP_FLAGS_REPLACE'], 'P').trigger('xdp:eth0');
  s.xdp(2, 'P', ['XDP_FLAGS_REPLACE']); // no expected fd at all
  s.xdp(2, 'P', 0, 'Q'); // expected fd without the flag: ignored
  s.xdp(2, 'Q', ['XDP_FLAGS_UPDATE_IF_NOEXIST']).xdp(2, -1, ['XDP_FLAGS_UPDATE_IF_NOEXIST']);
  // modes
  s.xdp(2, 'P', ['XDP_FLAGS_SKB_MODE']).xdp(2, 'P', ['XDP_FLAGS_SKB_MODE', 'XDP_FLAGS_DRV_MODE']).xdp(2, 'P', 1 << 6);
  s.xdp(2, -1, ['XDP_FLAGS_SKB_MODE']).xdp(2, -1, ['XDP_FLAGS_DRV_MODE']);
  s.xdp(3, 'P', ['XDP_FLAGS_SKB_MODE']).xdp(3, 'Q', ['XDP_FLAGS_DRV_MODE']).xdp(3, 'Q').xdp(3, -1).xdp(3, -1, ['XDP_FLAGS_SKB_MODE']);
  s.xdp(1, 'P').trigger('xdp:lo').xdp(1, 'P', ['XDP_FLAGS_DRV_MODE']).xdp(1, -1);
  s.xdp(2, 'P', ['XDP_FLAGS_HW_MODE']);
  // programs
  s.xdp(2, 8); // the lowest free fd: -EBADF (the oracle's netlink socket must not be there)
  s.xdp(2, 'D').xdp(2, 'T').xdp(2, 'A').xdp(2, 99).xdp(9, 'P').xdp(0, 'P').xdp(9, 'P', 1 << 6).xdp(2, 99, 1 << 6);
  // links
  s.xdpLink('L', 'P', 2).trigger('xdp:eth0').info('L');
  s.xdp(2, 'Q').xdp(2, 'Q', ['XDP_FLAGS_REPLACE'], 'P').xdp(2, -1).xdp(2, -1, ['XDP_FLAGS_SKB_MODE']);
  s.xdp(2, 'Q', ['XDP_FLAGS_SKB_MODE']);
  s.xdpLink('L2', 'P', 2).xdpLink('L3', 'Q', 2, ['XDP_FLAGS_SKB_MODE']).xdpLink('L4', 'Q', 2, ['XDP_FLAGS_DRV_MODE']);
  s.xdpLink('L5', 'Q', 2, ['XDP_FLAGS_UPDATE_IF_NOEXIST']).xdpLink('L6', 'Q', 2, ['XDP_FLAGS_SKB_MODE', 'XDP_FLAGS_DRV_MODE']);
  s.xdpLink('L7', 'Q', 9).xdpLink('L8', 'Q', 0).xdpLink('L9', 'D', 3).xdpLink('L10', 'Q', 1, ['XDP_FLAGS_DRV_MODE']);
  s.xdpLink('L11', 'Q', 3, ['XDP_FLAGS_HW_MODE']);
  s.xdp(3, 'Q').xdpLink('L12', 'P', 3).xdp(3, -1);
  s.bpf('BPF_LINK_CREATE', { prog_fd: s.fd('P'), target_ifindex: 3, attach_type: 'BPF_CGROUP_INET_EGRESS' });
  s.bpf('BPF_PROG_ATTACH', { target_fd: 0, attach_bpf_fd: s.fd('P'), attach_type: 'BPF_XDP' });
  s.xdpLink('L13', 'Q', 3).xdpLink('L14', 'P', 1).trigger('xdp:eth0').trigger('xdp:veth1').trigger('xdp:lo');
  s.close('L').trigger('xdp:eth0').xdp(2, 'P').trigger('xdp:eth0');
  return s.calls;
}

/** §2.6: device removal, and veth pairs added at run time. */
function devices(): KernelCall[] {
  const s = new Scenario();
  s.load('P', 'xdp').load('Q', 'xdp');
  s.vethAdd('va', 'vb'); // vb is registered first: ifindex 4, va 5
  s.xdpLink('L', 'P', 4).xdp(5, 'Q').info('L').close('Q');
  s.linkDel('va').info('L').update('L', 'P').linkDetach('L').info('L');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 2 }); // the netlink program was put and freed
  s.xdpLink('L2', 'P', 4);
  s.vethAdd('va', 'vb').vethAdd('vc', 'vc').vethAdd('vd', 'eth0').vethAdd('eth0', 've');
  s.vethAdd('a_name_too_long_', 'x').vethAdd('x', 'a_name_too_long_').vethAdd('a_name_15_chars', 'y');
  s.vethAdd('a/b', 'z').vethAdd('', 'z').vethAdd('w', '.').vethAdd('a/b', 'eth0');
  s.linkDel('nope').linkDel('lo').linkDel('y');
  s.xdpLink('L3', 'P', 2).xdp(3, 'P').linkDel('veth1').info('L3').trigger('xdp:eth0');
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 1 }).close('P').close('L').bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 1 });
  s.close('L3').bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 1 });
  return s.calls;
}

/** §3: BPF_LINK_UPDATE for cgroup, XDP and raw tracepoint links. */
function update(): KernelCall[] {
  const s = new Scenario();
  s.cgroup('a').load('A', 'cgroup_skb').load('B', 'cgroup_skb').load('I', 'cgroup_skb_ingress').load('C4', 'connect4').load('B4', 'bind4');
  s.load('S', 'sock_create').load('X', 'xdp').load('Y', 'xdp').load('XD', 'xdp_devmap').load('XL', 'xdp_link').load('R', 'raw_tp');
  s.link('l', 'a', 'A').query('a');
  // generic checks, in order
  s.update('l', 'B', { flags: MULTI }).update(99, 'B').update('A', 'B').update('l', 99).update('l', 'B', { old_prog_fd: s.fd('A') });
  s.update('l', 'B', { flags: ['BPF_F_REPLACE'], old_prog_fd: 99 }).update('l', 'B', { flags: ['BPF_F_REPLACE'], old_prog_fd: 0 });
  s.update(99, 99, { flags: MULTI });
  // cgroup
  s.update('l', 'B', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('B') }); // EPERM
  s.update('l', 'X').update('l', 'S'); // EINVAL: type
  s.update('l', 'X', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('B') }); // EPERM: the old program before the type
  s.update('l', 'B', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('A') }).query('a').trigger(EV('a')).info('l');
  s.update('l', 'B').update('l', 'I').query('a').info('l'); // same again; an ingress-typed CGROUP_SKB program
  s.close('B').close('A'); // the link holds I only now
  s.link('c', 'a', 'C4', 'BPF_CGROUP_INET4_CONNECT').update('c', 'B4').info('c').query('a', 'BPF_CGROUP_INET4_CONNECT');
  // xdp
  s.xdpLink('x', 'X', 2);
  s.update('x', 'X', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('Y') }).update('x', 'A').update('x', 'XD').update('x', 'XL');
  s.update('x', 'X').update('x', 'Y').info('x').trigger('xdp:eth0').update('x', 'X', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('Y') });
  s.info('x').trigger('xdp:eth0');
  // raw tracepoint links have no update_prog
  s.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: s.fd('R') }, 'r').update('r', 'R').update('r', 'A').update('r', 99);
  s.update('c', 'r'); // a link fd as the new program
  // a detached link: ENOLINK before the old program and the type
  s.linkDetach('x').update('x', 'A', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('Y') });
  s.linkDetach('c').update('c', 'X', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('X') });
  return s.calls;
}

/** §4: BPF_LINK_DETACH. */
function linkDetach(): KernelCall[] {
  const s = new Scenario();
  s.cgroup('a').load('A', 'cgroup_skb').load('X', 'xdp').load('R', 'raw_tp');
  s.link('l', 'a', 'A').xdpLink('x', 'X', 2).bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: s.fd('R') }, 'r');
  s.linkDetach(99).linkDetach('A').linkDetach('r');
  s.linkDetach('l').info('l').query('a').trigger(EV('a')).update('l', 'A').linkDetach('l');
  s.linkDetach('x').info('x').trigger('xdp:eth0').update('x', 'X').linkDetach('x');
  // the detached links keep their ids, fds and programs
  s.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 1 }, 'l2').info('l2').bpf('BPF_LINK_GET_NEXT_ID', { start_id: 0 });
  s.close('A').close('X').bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 1 }, 'A2').info('A2').close('A2');
  s.bpf('BPF_OBJ_PIN', { bpf_fd: s.fd('x'), pathname: '/sys/fs/bpf/x' });
  s.close('l').bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 1 }).close('l2').bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 1 });
  s.close('x').bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 2 }, 'X2').close('X2');
  s.raw({ call: 'unlink', pid: 100, path: '/sys/fs/bpf/x' });
  s.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 2 });
  // the cgroup is free for other attachments again, in any mode
  s.attach('a', 'R', EGRESS, 0).load('B', 'cgroup_skb').attach('a', 'B', EGRESS, 0).query('a');
  return s.calls;
}

/** Who owns a cgroup or XDP link: fds (fork, exit) and pins; the root cgroup; cgroupfs. */
function lifetimes(): KernelCall[] {
  const s = new Scenario();
  s.cgroup('a').open('root', CGROOT).load('A', 'cgroup_skb').load('B', 'cgroup_skb').load('X', 'xdp');
  s.link('l', 'a', 'A').xdpLink('x', 'X', 3).attach('root', 'B', EGRESS, MULTI).trigger(EV('a')).trigger(`cgroup:${CGROOT}:${EGRESS}`);
  const child = s.fork();
  s.close('l').close('x').trigger(EV('a')).trigger('xdp:veth1'); // the child's fds hold them
  s.as(child).bpf('BPF_OBJ_PIN', { bpf_fd: s.fd('l'), pathname: '/sys/fs/bpf/l' }).exit();
  s.as(100).trigger(EV('a')).trigger('xdp:veth1'); // the pinned cgroup link stays; the XDP link went with the child
  s.bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/l' }, 'l2').info('l2').close('l2');
  s.raw({ call: 'unlink', pid: 100, path: '/sys/fs/bpf/l' });
  s.trigger(EV('a')).query('a').query('root').effective('a');
  // cgroupfs
  s.mkdir(`${CGROOT}/a`).mkdir(`${CGROOT}/nope/x`).rmdir(`${CGROOT}/nope`).rmdir(CGROOT).open('n', `${CGROOT}/nope`);
  s.detach('root', 'B').query('root');
  // a link on a cgroup whose directory fd is closed keeps working; rmdir auto-detaches it
  s.cgroup('b').link('lb', 'b', 'A').close('b').trigger(EV('b')).rmdir(`${CGROOT}/b`).info('lb').trigger(EV('a'));
  return s.calls;
}

/** Selftest cgroup_link, subtest attach (1.13), as src/kernel/selftests.test.ts replays it. */
function selftestCgroupLink(): KernelCall[] {
  const s = new Scenario('test_progs');
  const cgs = ['cg1', 'cg1/cg2', 'cg1/cg2/cg3', 'cg1/cg2/cg3/cg4'];
  const ping = (): void => void s.trigger(EV(cgs[3]!));
  s.load('egress', 'cgroup_skb').load('egress_alt', 'cgroup_skb');
  cgs.forEach((c, i) => s.cgroup(c, `cg${i + 1}`));
  for (let i = 1; i <= 4; i++) s.link(`link${i}`, `cg${i}`, 'egress');
  ping();
  s.query('cg1').effective('cg4');
  s.close('link4');
  ping();
  s.attach('cg4', 'egress', EGRESS, MULTI).link('link4', 'cg4', 'egress');
  ping();
  s.close('link4').detach('cg4', 'egress').query('cg4');
  s.attach('cg4', 'egress', EGRESS, 0);
  ping();
  s.link('link4x', 'cg4', 'egress'); // EPERM
  ping();
  s.detach('cg4', 'egress');
  ping();
  s.link('link4', 'cg4', 'egress');
  ping();
  s.attach('cg4', 'egress', EGRESS, 0); // EPERM
  for (let i = 2; i <= 4; i++) s.update(`link${i}`, 'egress_alt');
  ping();
  s.update('link1', 'egress_alt', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('egress_alt') }); // EPERM
  s.update('link1', 'egress_alt', { flags: ['BPF_F_REPLACE'], old_prog_fd: s.fd('egress') });
  ping();
  for (let i = 1; i <= 4; i++) s.close(`cg${i}`);
  ping();
  s.info('link1').linkDetach('link1').info('link1');
  ping();
  for (const c of [...cgs].reverse()) s.rmdir(`${CGROOT}/${c}`);
  s.trigger(`cgroup:${CGROOT}:${EGRESS}`);
  for (let i = 1; i <= 4; i++) s.info(`link${i}`).close(`link${i}`);
  return s.calls;
}

/** Selftest xdp_link (2.7) on lo, as src/kernel/selftests.test.ts replays it. */
function selftestXdpLink(): KernelCall[] {
  const s = new Scenario('test_progs');
  s.load('xdp1', 'xdp').load('tc1', 'tc').load('xdp2', 'xdp').load('tc2', 'tc');
  s.xdp(1, 'xdp1', ['XDP_FLAGS_REPLACE'], -1).trigger('xdp:lo');
  s.xdpLink('link', 'xdp1', 1); // EBUSY
  s.xdp(1, -1, ['XDP_FLAGS_REPLACE'], 'xdp1').trigger('xdp:lo');
  s.xdpLink('link', 'xdp1', 1).trigger('xdp:lo');
  s.xdp(1, 'xdp2', ['XDP_FLAGS_REPLACE'], 'xdp1').xdp(1, 'xdp2', 0).xdp(1, -1, 0); // EBUSY x3
  s.xdpLink('link2', 'xdp2', 1); // EBUSY
  s.close('link').xdpLink('link2', 'xdp2', 1).trigger('xdp:lo');
  s.update('link2', 'xdp1').info('link2').trigger('xdp:lo');
  s.update('link2', 'tc1'); // EINVAL
  s.linkDetach('link2').info('link2').trigger('xdp:lo');
  s.close('link2').bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: 1 }, 'again').info('again');
  return s.calls;
}

export const SCENARIOS: Record<string, () => KernelCall[]> = {
  'cgroup: attach modes (the table of 1.4)': modeTable,
  'cgroup: attach flags and the order of the checks (1.3, 1.8)': attachChecks,
  'cgroup: ancestors decide (1.5)': hierarchy,
  'cgroup: BPF_PROG_DETACH (1.6)': detach,
  'cgroup: links next to legacy attachments (1.4, 1.8)': linksAndLegacy,
  'cgroup: 64 entries per cgroup and attach type (1.1)': limit64,
  'cgroup: effective arrays and the uapi chain (1.9)': effectiveOrder,
  'cgroup: BPF_PROG_QUERY (1.10)': query,
  'cgroup: rmdir (1.11)': rmdir,
  'cgroup: BPF_F_PREORDER, BEFORE/AFTER, revisions (1.7)': ordering,
  'abandoned legacy attachments vs links (7)': abandoned,
  'XDP: netlink and links (2.2-2.5)': xdp,
  'XDP: device removal, veth pairs (2.6)': devices,
  'BPF_LINK_UPDATE (3)': update,
  'BPF_LINK_DETACH (4)': linkDetach,
  'link lifetimes: fork, exit, pins; the root cgroup': lifetimes,
  'selftest cgroup_link, subtest attach (1.13)': selftestCgroupLink,
  'selftest xdp_link (2.7)': selftestXdpLink,
  ...TCX_SCENARIOS,
};

/**
 * The two operations on a live link (/work/shared/kernel-semantics/attach-targets.md §3,
 * §4): BPF_LINK_UPDATE (generic checks in order, then the cgroup and XDP link types' own;
 * link types without an update: -EINVAL) and BPF_LINK_DETACH (types with a detach: the link
 * stays, with its id, fds and program, detached; types without: -EOPNOTSUPP).
 *
 * The cgroup, XDP and raw tracepoint cases were also run on a real 6.18 kernel
 * (oracle/attach.diff.test.ts); tracing (fentry) links only in the model, since the test
 * machine's kernel refuses trampoline programs.
 */
import { describe, expect, it } from 'vitest';
import { TestKernel, type TestProcess } from './testing/driver';

const EG = 'BPF_CGROUP_INET_EGRESS';
const EV = `cgroup:/sys/fs/cgroup/a:${EG}`;

/** cgroup a (fd 3), programs A, B (egress), I (ingress-typed CGROUP_SKB), S (sock_create),
 * X, Y (XDP), R (raw_tp), a cgroup link l of A, an XDP link x of X on eth0, a raw
 * tracepoint link r of R. */
function setup(version = '6.18'): { t: TestKernel; p: TestProcess } {
  const t = new TestKernel({ version });
  const p = t.spawn('loader');
  p.cgroup('a', 'a');
  p.loadProg('A', { type: 'cgroup_skb' }).loadProg('B', { type: 'cgroup_skb' }).loadProg('I', { type: 'cgroup_skb_ingress' });
  p.loadProg('S', { type: 'sock_create' }).loadProg('X', { type: 'xdp' }).loadProg('Y', { type: 'xdp' }).loadProg('R', { type: 'raw_tp' });
  p.cgroupLink('l', 'A', 'a').xdpLink('x', 'X', 2).attachRawTp('r', 'R', 'sys_enter');
  return { t, p };
}

describe('BPF_LINK_UPDATE: the generic part, in order (3.1)', () => {
  const cases: [string, string, (p: TestProcess) => void][] = [
    ['flags other than BPF_F_REPLACE (before the link fd)', 'EINVAL', (p) => p.bpf('BPF_LINK_UPDATE', { link_fd: 99, new_prog_fd: 99, flags: ['BPF_F_ALLOW_MULTI'] })],
    ['a link fd that is not open', 'EBADF', (p) => p.linkUpdate(99, 'B')],
    ['a program fd as the link', 'EINVAL', (p) => p.linkUpdate('A', 'B')],
    ['a new program fd that is not open', 'EBADF', (p) => p.linkUpdate('l', 99)],
    ['a link fd as the new program', 'EINVAL', (p) => p.linkUpdate('l', 'x')],
    ['BPF_F_REPLACE, an old program fd that is not open', 'EBADF', (p) => p.linkUpdate('l', 'B', 99)],
    ['BPF_F_REPLACE, stdin as the old program', 'EINVAL', (p) => p.linkUpdate('l', 'B', 0)],
    ['old_prog_fd without BPF_F_REPLACE', 'EINVAL', (p) => p.bpf('BPF_LINK_UPDATE', { link_fd: p.fd('l'), new_prog_fd: p.fd('B'), old_prog_fd: p.fd('A') })],
    ['a raw tracepoint link: no update_prog', 'EINVAL', (p) => p.linkUpdate('r', 'R')],
    ['a raw tracepoint link, a bad new program: the program first', 'EBADF', (p) => p.linkUpdate('r', 99)],
    ['a field past the command\'s attr (CHECK_ATTR)', 'EINVAL', (p) => p.bpf('BPF_LINK_UPDATE', { link_fd: p.fd('l'), new_prog_fd: p.fd('B'), target_fd: 1 })],
  ];
  for (const [what, errno, call] of cases)
    it(`${what}: -${errno}`, () => {
      const { t, p } = setup();
      t.expectErrno(errno as 'EINVAL');
      call(p);
      t.expectProg('A').heldOnlyBy(['loader fd 4', 'link l']);
    });

  it('a tracing (fentry) link has no update_prog either: -EINVAL', () => {
    const t = new TestKernel();
    const p = t.spawn('loader');
    p.loadProg('F', { type: 'fentry', target: 'do_unlinkat' }).loadProg('G', { type: 'fentry', target: 'do_unlinkat' }).attachRawTp('f', 'F', null);
    t.expectErrno('EINVAL');
    p.linkUpdate('f', 'G');
    t.expectErrno('EOPNOTSUPP');
    p.linkDetach('f');
  });
});

describe('BPF_LINK_UPDATE of a cgroup link (cgroup_bpf_replace, 3.2)', () => {
  it('swaps the program in place: the link holds the new one, the old one is put, the revision grows', () => {
    const { t, p } = setup();
    p.query('a');
    expect(t.queried()).toEqual({ progs: ['A'], prog_cnt: 1, attach_flags: 2, revision: 2 });
    p.linkUpdate('l', 'B', 'A');
    p.query('a');
    expect(t.queried()).toEqual({ progs: ['B'], prog_cnt: 1, attach_flags: 2, revision: 3 });
    t.expectRan(EV, ['B']);
    t.expectProg('A').heldOnlyBy(['loader fd 4']);
    t.expectProg('B').heldOnlyBy(['loader fd 5', 'link l']);
    p.info('l');
    expect(t.last.attr!.info).toMatchObject({ prog_id: t.id('B'), cgroup: { cgroup_id: 2 } });
    p.linkUpdate('l', 'B'); // the same program again: fine
    p.close('B');
    t.expectProg('B').heldOnlyBy(['link l']);
  });

  it('checks in order: detached -ENOLINK, old mismatch -EPERM, program type -EINVAL', () => {
    const { t, p } = setup();
    t.expectErrno('EPERM');
    p.linkUpdate('l', 'X', 'B'); // wrong old and wrong type: the old program first
    t.expectErrno('EINVAL');
    p.linkUpdate('l', 'X');
    t.expectErrno('EINVAL');
    p.linkUpdate('l', 'S'); // CGROUP_SOCK
    p.linkDetach('l');
    t.expectErrno('ENOLINK');
    p.linkUpdate('l', 'X', 'B'); // detached first
  });

  it('expected_attach_type is not compared (6.18): an egress link takes an ingress-typed program; connect4 takes bind4', () => {
    const { t, p } = setup();
    p.linkUpdate('l', 'I');
    t.expectRan(EV, ['I']);
    p.loadProg('C4', { type: 'connect4' }).loadProg('B4', { type: 'bind4' });
    p.cgroupLink('c', 'C4', 'a', 'BPF_CGROUP_INET4_CONNECT').linkUpdate('c', 'B4');
    t.expectRan('cgroup:/sys/fs/cgroup/a:BPF_CGROUP_INET4_CONNECT', ['B4']);
  });

  it('to a program already in the list: both entries run it', () => {
    const { t, p } = setup();
    p.progAttach('a', 'B', EG, ['BPF_F_ALLOW_MULTI']).linkUpdate('l', 'B');
    t.expectRan(EV, ['B', 'B']);
    t.expectProg('B').heldOnlyBy(['loader fd 5', 'link l', `legacy ${EV}`]);
  });

  it('the link of a removed cgroup: -ENOLINK', () => {
    const { t, p } = setup();
    p.rmdir('/sys/fs/cgroup/a');
    t.expectErrno('ENOLINK');
    p.linkUpdate('l', 'B');
  });
});

describe('BPF_LINK_UPDATE of an XDP link (bpf_xdp_link_update, 3.2)', () => {
  it('swaps the program on the device; the same program is a no-op', () => {
    const { t, p } = setup();
    p.linkUpdate('x', 'Y', 'X');
    t.expectRan('xdp:eth0', ['Y']);
    t.expectProg('X').heldOnlyBy(['loader fd 8']);
    p.info('x');
    expect(t.last.attr!.info).toEqual({ type: 'BPF_LINK_TYPE_XDP', id: 2, prog_id: t.id('Y'), xdp: { ifindex: 2 } });
    p.linkUpdate('x', 'Y');
    t.expectProg('Y').heldOnlyBy(['loader fd 9', 'link x']);
  });

  it('checks in order: -ENOLINK, -EPERM, then -EINVAL for another type or another expected_attach_type', () => {
    const { t, p } = setup();
    p.loadProg('D', { type: 'xdp_devmap' }).loadProg('XL', { type: 'xdp', attr: { expected_attach_type: 'BPF_XDP' } });
    t.expectErrno('EPERM');
    p.linkUpdate('x', 'A', 'Y');
    for (const prog of ['A', 'D', 'XL']) {
      t.expectErrno('EINVAL');
      p.linkUpdate('x', prog);
    }
    p.linkDetach('x');
    t.expectErrno('ENOLINK');
    p.linkUpdate('x', 'A', 'Y');
  });

  it('after the device is gone: -ENOLINK', () => {
    const { t, p } = setup();
    p.linkDel('eth0');
    t.expectErrno('ENOLINK');
    p.linkUpdate('x', 'Y');
  });
});

describe('BPF_LINK_DETACH (4)', () => {
  it('errors: fd not open -EBADF, not a link -EINVAL, no detach operation -EOPNOTSUPP, CHECK_ATTR', () => {
    const { t, p } = setup();
    t.expectErrno('EBADF');
    p.linkDetach(99);
    t.expectErrno('EINVAL');
    p.linkDetach('A');
    t.expectErrno('EOPNOTSUPP');
    p.linkDetach('r');
    t.expectErrno('EINVAL');
    p.bpf('BPF_LINK_DETACH', { link_fd: p.fd('l'), flags: 1 });
    t.expectLink('r').attached();
  });

  it('a cgroup link: detached, but its id, fds and program stay; info shows cgroup_id 0; detach again is 0', () => {
    const { t, p } = setup();
    p.linkDetach('l').returns(0);
    t.expectLink('l').detached().id(1).heldOnlyBy(['loader fd 11']);
    t.expectProg('A').heldOnlyBy(['loader fd 4', 'link l']);
    t.expectRan(EV, []);
    p.query('a');
    expect(t.queried()).toEqual({ progs: [], prog_cnt: 0, attach_flags: 0, revision: 3 });
    p.info('l');
    expect(t.last.attr!.info).toEqual({ type: 'BPF_LINK_TYPE_CGROUP', id: 1, prog_id: t.id('A'), cgroup: { cgroup_id: 0, attach_type: EG } });
    p.linkDetach('l').returns(0);
    t.expectErrno('ENOLINK');
    p.linkUpdate('l', 'B');
    // still found by id
    p.getFdById('l', 'link', 1).bpf('BPF_LINK_GET_NEXT_ID', { start_id: 0 });
    expect(t.last.attr!.next_id).toBe(1);
    // the program lives as long as the link, not longer
    p.close('A');
    t.expectProg('A').heldOnlyBy(['link l']);
    p.close(11).close('l');
    t.expectLink('l').freed();
    t.expectProg('A').freed();
    // the cgroup is free again, in any mode
    p.progAttach('a', 'B', EG, 0);
    t.expectRan(EV, ['B']);
  });

  it('an XDP link: the slot is emptied, ifindex 0; a pinned detached link stays pinned', () => {
    const { t, p } = setup();
    p.pin('x', '/sys/fs/bpf/x').linkDetach('x');
    t.expectLink('x').detached().heldOnlyBy(['loader fd 12', 'pin /sys/fs/bpf/x']);
    t.expectRan('xdp:eth0', []);
    expect(t.snapshot.netdevs.find((d) => d.name === 'eth0')!.xdp).toEqual([]);
    p.info('x');
    expect(t.last.attr!.info).toEqual({ type: 'BPF_LINK_TYPE_XDP', id: 2, prog_id: t.id('X'), xdp: { ifindex: 0 } });
    p.linkDetach('x').returns(0);
    p.netlinkXdp(2, 'Y'); // the device takes a netlink program again
    p.close('x').close('X');
    t.expectProg('X').heldOnlyBy(['link x']);
    p.unlink('/sys/fs/bpf/x');
    t.expectLink('x').freed();
    t.expectProg('X').freed();
    t.expectRan('xdp:eth0', ['Y']);
  });

  it('the snapshot shows a detached link as not attached and on no attach point', () => {
    const { t, p } = setup();
    p.linkDetach('l').linkDetach('x');
    const s = t.snapshot;
    for (const name of ['l', 'x']) {
      const key = t.object(name).key;
      expect(s.links.find((l) => l.key === key)).toMatchObject({ attached: false });
      expect(s.attachPoints.some((a) => a.entries.includes(key) || a.links.includes(key))).toBe(false);
    }
    expect(s.links.find((l) => l.key === t.object('r').key)).toMatchObject({ attached: true });
  });

  it('5.8 has no BPF_LINK_DETACH (an unknown command)', () => {
    const t = new TestKernel({ version: '5.8' });
    const p = t.spawn('loader');
    p.cgroup('a', 'a').loadProg('A', { type: 'cgroup_skb' }).cgroupLink('l', 'A', 'a');
    t.expectErrno('EINVAL');
    p.linkDetach('l');
    t.expectRan(EV, ['A']);
  });
});

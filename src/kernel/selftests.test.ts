/**
 * The kernel selftests cgroup_link (subtest "attach") and xdp_link
 * (tools/testing/selftests/bpf/prog_tests/{cgroup_link,xdp_link}.c), replayed call by call
 * as /work/shared/kernel-semantics/attach-targets.md §1.13 and §2.7 tell them. libbpf's
 * feature probes are left out, so ids are the first of each space. The same sequences run
 * on a real 6.18 kernel in oracle/attach.diff.test.ts.
 *
 * cgroup_link: the test process lives in cg4 (cg1/cg2/cg3/cg4 nested); "ping" sends one
 * packet from cg4: one egress event there, whose runs of `egress` and `egress_alt` the test
 * counts. xdp_link: on lo (ifindex 1, no native XDP, so flag 0 is generic); the test's
 * `bpf_xdp_query_id` is the program in lo's slot.
 */
import { describe, expect, it } from 'vitest';
import { TestKernel, type TestProcess } from './testing/driver';

const EG = 'BPF_CGROUP_INET_EGRESS';
const CGS = ['cg1', 'cg1/cg2', 'cg1/cg2/cg3', 'cg1/cg2/cg3/cg4'];
const MULTI = ['BPF_F_ALLOW_MULTI'];

describe('selftest cgroup_link, subtest attach (1.13)', () => {
  /** Runs of egress and egress_alt for one packet from cg4. */
  function ping(t: TestKernel): [number, number] {
    const ran = t.trigger(`cgroup:/sys/fs/cgroup/${CGS[3]}:${EG}`);
    return [ran.filter((n) => n === 'egress').length, ran.filter((n) => n === 'egress_alt').length];
  }

  function run(version: string): void {
    const t = new TestKernel({ version });
    const p: TestProcess = t.spawn('test_progs');
    // setup: the skeleton (egress, egress_alt) and four nested cgroups, one fd each
    p.loadProg('egress', { type: 'cgroup_skb' }).loadProg('egress_alt', { type: 'cgroup_skb' }); // fds 3, 4
    CGS.forEach((c, i) => p.cgroup(`cg${i + 1}`, c)); // fds 5-8
    // 1. bpf_program__attach_cgroup(egress, cgN), N = 1..4: four links
    for (let i = 1; i <= 4; i++) p.cgroupLink(`link${i}`, 'egress', `cg${i}`);
    expect(ping(t)).toEqual([4, 0]);
    // 2. query cg1 (attached): BPF_F_ALLOW_MULTI, 1; cg4 effective: 4, all the same id
    p.query('cg1');
    expect(t.queried()).toMatchObject({ attach_flags: 2, prog_cnt: 1 });
    p.query('cg4', EG, { query_flags: ['BPF_F_QUERY_EFFECTIVE'] });
    expect(t.queried()).toMatchObject({ prog_cnt: 4, progs: ['egress', 'egress', 'egress', 'egress'] });
    // 3. destroy the cg4 link: its entry goes at once
    p.close('link4');
    t.expectLink('link4').freed();
    expect(ping(t)).toEqual([3, 0]);
    // 4. legacy BPF_PROG_ATTACH(egress, cg4, MULTI), then a link with the same program: both
    p.progAttach('cg4', 'egress', EG, MULTI).cgroupLink('link4', 'egress', 'cg4');
    expect(ping(t)).toEqual([5, 0]);
    // 5. destroy the cg4 link; legacy detach: cg4 empty, its mode back to none
    p.close('link4').progDetach('cg4', 'egress');
    p.query('cg4');
    expect(t.queried()).toMatchObject({ prog_cnt: 0, attach_flags: 0 });
    // 6. legacy exclusive attach to cg4: OK, the ancestors are multi
    p.progAttach('cg4', 'egress', EG, 0);
    expect(ping(t)).toEqual([4, 0]);
    // 7. a link on cg4 now: -EPERM (mode none vs multi)
    t.expectErrno('EPERM');
    p.cgroupLink('link4', 'egress', 'cg4');
    expect(ping(t)).toEqual([4, 0]);
    // 8. legacy detach; then the link again
    p.progDetach('cg4', 'egress');
    expect(ping(t)).toEqual([3, 0]);
    p.cgroupLink('link4', 'egress', 'cg4');
    expect(ping(t)).toEqual([4, 0]);
    // 9. legacy exclusive attach on cg4 now: -EPERM
    t.expectErrno('EPERM');
    p.progAttach('cg4', 'egress', EG, 0);
    // 10. bpf_link__update_program(links[i], egress_alt) for cg2..cg4
    for (let i = 2; i <= 4; i++) p.linkUpdate(`link${i}`, 'egress_alt');
    expect(ping(t)).toEqual([1, 3]);
    // 11. BPF_F_REPLACE with the wrong old program: -EPERM; with the right one: OK
    t.expectErrno('EPERM');
    p.linkUpdate('link1', 'egress_alt', 'egress_alt');
    p.linkUpdate('link1', 'egress_alt', 'egress');
    expect(ping(t)).toEqual([0, 4]);
    // 12. close the four cgroup directory fds: the links hold the cgroups
    for (let i = 1; i <= 4; i++) p.close(`cg${i}`);
    expect(ping(t)).toEqual([0, 4]);
    // 13. link info of link1; bpf_link__detach; info again
    p.info('link1');
    const before = t.last.attr!.info as { prog_id: number; cgroup: { cgroup_id: number } };
    expect(before.prog_id).toBe(t.id('egress_alt'));
    expect(before.cgroup.cgroup_id).toBeGreaterThan(0);
    p.linkDetach('link1').info('link1');
    expect(t.last.attr!.info).toMatchObject({ prog_id: t.id('egress_alt'), cgroup: { cgroup_id: 0 } });
    expect(ping(t)).toEqual([0, 3]);
    // 14. leave and remove the cgroups without detaching: the links are auto-detached
    for (const c of [...CGS].reverse()) p.rmdir(`/sys/fs/cgroup/${c}`);
    for (let i = 1; i <= 4; i++) t.expectLink(`link${i}`).detached();
    t.expectRan(`cgroup:/sys/fs/cgroup:${EG}`, []);
    // cleanup: the links are destroyed, which frees them; the skeleton goes
    for (let i = 1; i <= 4; i++) p.close(`link${i}`);
    t.expectProg('egress_alt').heldOnlyBy(['test_progs fd 4']);
    t.exit(p);
    expect([t.snapshot.progs, t.snapshot.links, t.snapshot.legacy]).toEqual([[], [], []]);
  }

  it('6.18', () => run('6.18'));
  it('5.9 (the release with BPF_LINK_DETACH)', () => run('5.9'));
});

describe('selftest xdp_link (2.7)', () => {
  function run(version: string): void {
    const t = new TestKernel({ version });
    const p = t.spawn('test_progs');
    // two skeletons: xdp_handler (id1, id2) and tc_handler each
    p.loadProg('xdp1', { type: 'xdp' }).loadProg('tc1', { type: 'tc' }).loadProg('xdp2', { type: 'xdp' }).loadProg('tc2', { type: 'tc' });
    const onLo = (): string[] => t.trigger('xdp:lo');
    // 1. netlink attach prog1 with XDP_FLAGS_REPLACE, expected -1: nothing was attached
    p.netlinkXdp(1, 'xdp1', ['XDP_FLAGS_REPLACE'], -1);
    expect(onLo()).toEqual(['xdp1']);
    // 2. a link for prog1 on lo: -EBUSY (a netlink program is there)
    t.expectErrno('EBUSY');
    p.xdpLink('link', 'xdp1', 1);
    // 3. netlink detach with REPLACE, expected prog1: lo empty, prog1's reference put
    p.netlinkXdp(1, -1, ['XDP_FLAGS_REPLACE'], 'xdp1');
    expect(onLo()).toEqual([]);
    t.expectProg('xdp1').heldOnlyBy(['test_progs fd 3']);
    // 4. a link for prog1
    p.xdpLink('link', 'xdp1', 1);
    expect(onLo()).toEqual(['xdp1']);
    // 5. netlink attach of prog2 (REPLACE, expected prog1), plain, and a netlink detach: -EBUSY
    t.expectErrno('EBUSY');
    p.netlinkXdp(1, 'xdp2', ['XDP_FLAGS_REPLACE'], 'xdp1');
    t.expectErrno('EBUSY');
    p.netlinkXdp(1, 'xdp2', 0);
    t.expectErrno('EBUSY');
    p.netlinkXdp(1, -1, 0);
    // 6. a link for prog2: -EBUSY (one link per device and mode on 6.18)
    t.expectErrno('EBUSY');
    p.xdpLink('link2', 'xdp2', 1);
    // 7. destroy the link; a link for prog2
    p.close('link');
    t.expectLink('link').freed();
    p.xdpLink('link2', 'xdp2', 1);
    expect(onLo()).toEqual(['xdp2']);
    // 8. update to prog1; link info
    p.linkUpdate('link2', 'xdp1').info('link2');
    // link id 4: the refused creates of steps 2 and 6 consumed ids 1 and 3 (bpf_link_prime
    // allocates the id before the attach; seen on 6.18 too)
    expect(t.last.attr!.info).toEqual({ type: 'BPF_LINK_TYPE_XDP', id: 4, prog_id: t.id('xdp1'), xdp: { ifindex: 1 } });
    expect(onLo()).toEqual(['xdp1']);
    // 9. update to tc_handler: -EINVAL (another program type)
    t.expectErrno('EINVAL');
    p.linkUpdate('link2', 'tc1');
    // 10. BPF_LINK_DETACH: prog_id still prog1, ifindex 0
    p.linkDetach('link2').info('link2');
    expect(t.last.attr!.info).toMatchObject({ prog_id: t.id('xdp1'), xdp: { ifindex: 0 } });
    expect(onLo()).toEqual([]);
    t.expectProg('xdp1').heldOnlyBy(['test_progs fd 3', 'link link2']);
    // 11. the skeletons go: the link is freed and puts prog1
    p.close('link2');
    t.expectLink('link2').freed();
    t.expectProg('xdp1').heldOnlyBy(['test_progs fd 3']);
    t.exit(p);
    expect([t.snapshot.progs, t.snapshot.links, t.snapshot.legacy]).toEqual([[], [], []]);
  }

  it('6.18', () => run('6.18'));
  it('5.9 (the release with XDP links)', () => run('5.9'));
});

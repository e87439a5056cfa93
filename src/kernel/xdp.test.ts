/**
 * XDP (/work/shared/kernel-semantics/attach-targets.md §2, §7): the netlink attach that
 * `ip link set dev DEV xdp` performs and XDP links, the checks of `dev_xdp_attach` in
 * order, link vs netlink on one device, device removal, veth pairs, events, versions.
 *
 * Devices at boot: lo 1 (no native XDP: no mode flag means generic), eth0 2 / veth1 3 (a
 * veth pair: no mode flag means native). Every value here was also seen on a real 6.18
 * kernel (oracle/attach.diff.test.ts runs the same sequences on both).
 */
import { describe, expect, it } from 'vitest';
import { TestKernel, type TestProcess } from './testing/driver';

const SKB = ['XDP_FLAGS_SKB_MODE'];
const DRV = ['XDP_FLAGS_DRV_MODE'];
const REPLACE = ['XDP_FLAGS_REPLACE'];

function setup(version = '6.18'): { t: TestKernel; p: TestProcess } {
  const t = new TestKernel({ version });
  const p = t.spawn('loader');
  p.loadProg('P', { type: 'xdp' }).loadProg('Q', { type: 'xdp' }); // fds 3, 4
  return { t, p };
}

/** The snapshot's XDP slots of a device, as { mode: holder }. */
function slots(t: TestKernel, dev: string): Record<string, string> {
  const d = t.snapshot.netdevs.find((x) => x.name === dev);
  return Object.fromEntries((d?.xdp ?? []).map((s) => [s.mode, s.link ? t.nameOf(s.link) : `netlink ${t.progName(t.snapshot.progs.find((p) => p.key === t.snapshot.legacy.find((l) => l.key === s.legacy)?.prog)?.id ?? 0)}`]));
}

describe('netlink attach (RTM_SETLINK IFLA_XDP, 2.3)', () => {
  it('attach, replace (the old program put), the same again, detach, detach of nothing', () => {
    const { t, p } = setup();
    p.netlinkXdp(2, 'P');
    expect(slots(t, 'eth0')).toEqual({ drv: 'netlink P' });
    t.expectRan('xdp:eth0', ['P']);
    t.expectProg('P').heldOnlyBy(['loader fd 3', 'legacy xdp:eth0']);
    p.netlinkXdp(2, 'Q');
    t.expectRan('xdp:eth0', ['Q']);
    t.expectProg('P').heldOnlyBy(['loader fd 3']);
    p.netlinkXdp(2, 'Q');
    t.expectProg('Q').heldOnlyBy(['loader fd 4', 'legacy xdp:eth0']);
    p.netlinkXdp(2, -1).netlinkXdp(2, -1);
    t.expectRan('xdp:eth0', []);
    expect(t.snapshot.legacy).toEqual([]);
  });

  it('XDP_FLAGS_REPLACE: expected fd -1 means "only if nothing is attached"; a mismatch is -EEXIST', () => {
    const { t, p } = setup();
    p.netlinkXdp(2, 'P', REPLACE, -1);
    t.expectErrno('EEXIST');
    p.netlinkXdp(2, 'Q', REPLACE, -1);
    t.expectErrno('EEXIST');
    p.netlinkXdp(2, 'Q', REPLACE, 'Q');
    p.netlinkXdp(2, 'Q', REPLACE, 'P');
    t.expectRan('xdp:eth0', ['Q']);
    p.netlinkXdp(2, -1, REPLACE, 'Q');
    t.expectRan('xdp:eth0', []);
  });

  it('XDP_FLAGS_REPLACE without expected_fd is -EINVAL; expected_fd without the flag is ignored (6.18)', () => {
    const { t, p } = setup();
    p.netlinkXdp(2, 'P');
    t.expectErrno('EINVAL');
    p.netlinkXdp(2, 'Q', REPLACE);
    p.netlinkXdp(2, 'Q', 0, 'P'); // not the expected program, but no flag: a plain replace
    t.expectRan('xdp:eth0', ['Q']);
  });

  it('XDP_FLAGS_UPDATE_IF_NOEXIST: -EBUSY over a program; a detach with it is fine', () => {
    const { t, p } = setup();
    p.netlinkXdp(2, 'P');
    t.expectErrno('EBUSY');
    p.netlinkXdp(2, 'Q', ['XDP_FLAGS_UPDATE_IF_NOEXIST']);
    p.netlinkXdp(2, -1, ['XDP_FLAGS_UPDATE_IF_NOEXIST']);
    p.netlinkXdp(2, 'Q', ['XDP_FLAGS_UPDATE_IF_NOEXIST']);
  });

  it('modes: generic and native exclude each other (-EEXIST); lo has no native XDP (-EOPNOTSUPP); veth no offload', () => {
    const { t, p } = setup();
    p.netlinkXdp(2, 'P', SKB);
    expect(slots(t, 'eth0')).toEqual({ skb: 'netlink P' });
    t.expectRan('xdp:eth0', ['P']);
    t.expectErrno('EEXIST');
    p.netlinkXdp(2, 'Q'); // no flag: native on a veth
    t.expectErrno('EEXIST');
    p.netlinkXdp(2, 'Q', DRV);
    p.netlinkXdp(2, -1); // detach of the native slot: nothing there, fine
    expect(slots(t, 'eth0')).toEqual({ skb: 'netlink P' });
    p.netlinkXdp(2, -1, SKB);
    t.expectErrno('EOPNOTSUPP');
    p.netlinkXdp(1, 'Q', DRV);
    p.netlinkXdp(1, 'P'); // lo: generic
    expect(slots(t, 'lo')).toEqual({ skb: 'netlink P' });
    t.expectRan('xdp:lo', ['P']);
    t.expectErrno('EEXIST'); // the generic slot is in use: that is found before the driver is asked
    p.netlinkXdp(1, 'Q', DRV);
    t.expectErrno('EINVAL');
    p.netlinkXdp(3, 'P', ['XDP_FLAGS_HW_MODE']);
  });

  it('errors, in the order rtnetlink and dev_xdp_attach check them', () => {
    const { t, p } = setup();
    p.loadProg('D', { type: 'xdp_devmap' }).loadProg('T', { type: 'tc' }).loadProg('A', { type: 'cgroup_skb' });
    for (const [ifindex, prog, flags, errno] of [
      [9, 'P', undefined, 'ENODEV'],
      [0, 'P', undefined, 'EINVAL'], // no ifindex (and no name)
      [9, 'P', 1 << 6, 'ENODEV'], // the device is found before the flags are read
      [2, 'P', 1 << 6, 'EINVAL'], // an unknown flag
      [2, 'P', ['XDP_FLAGS_SKB_MODE', 'XDP_FLAGS_DRV_MODE'], 'EINVAL'],
      [2, 99, 1 << 6, 'EINVAL'], // the flags before the program
      [2, 99, undefined, 'EBADF'],
      [2, 'T', undefined, 'EINVAL'], // a SCHED_CLS program
      [2, 'A', undefined, 'EINVAL'],
      [2, 'D', undefined, 'EINVAL'], // BPF_XDP_DEVMAP programs cannot go on a device
    ] as const) {
      t.expectErrno(errno);
      p.netlinkXdp(ifindex, prog, flags as number | string[] | undefined);
    }
  });

  it('a netlink program outlives its process (abandoned) and is found by its id', () => {
    const t = new TestKernel();
    const a = t.spawn('ip');
    a.loadProg('P', { type: 'xdp' }).netlinkXdp(3, 'P');
    t.exit(a);
    expect(t.last.events.some((e) => e.fn === 'do_exit' && /device veth1/.test(e.text) && /abandoned/.test(e.text))).toBe(true);
    expect(t.snapshot.legacy).toMatchObject([{ kind: 'xdp', target: 'xdp:veth1', attacherComm: 'ip', abandoned: true }]);
    t.expectProg('P').heldOnlyBy(['legacy xdp:veth1']);
    t.expectRan('xdp:veth1', ['P']);
    const b = t.spawn('admin');
    b.netlinkXdp(3, -1);
    t.expectProg('P').freed();
  });
});

describe('XDP links (bpf_xdp_link_attach, 2.4)', () => {
  it('create, info, run; one link per device and mode; the device is looked up first (-EINVAL)', () => {
    const { t, p } = setup();
    p.xdpLink('L', 'P', 2);
    p.info('L');
    expect(t.last.attr!.info).toEqual({ type: 'BPF_LINK_TYPE_XDP', id: 1, prog_id: 1, xdp: { ifindex: 2 } });
    t.expectRan('xdp:eth0', ['P']);
    t.expectRan('xdp:veth1', []);
    expect(slots(t, 'eth0')).toEqual({ drv: 'L' });
    t.expectErrno('EBUSY');
    p.xdpLink('L2', 'P', 2); // even with the same program
    t.expectErrno('EBUSY');
    p.xdpLink('L2', 'Q', 2, DRV);
    t.expectErrno('EEXIST');
    p.xdpLink('L2', 'Q', 2, SKB);
    for (const ifindex of [9, 0]) {
      t.expectErrno('EINVAL');
      p.xdpLink('L2', 'Q', ifindex);
    }
    t.expectErrno('EOPNOTSUPP');
    p.xdpLink('L4', 'Q', 1, DRV);
    p.xdpLink('L3', 'Q', 1); // lo, generic
    expect(slots(t, 'lo')).toEqual({ skb: 'L3' });
  });

  it('link flags: only one mode flag; UPDATE_IF_NOEXIST and REPLACE are -EINVAL; types', () => {
    const { t, p } = setup();
    p.loadProg('D', { type: 'xdp_devmap' }).loadProg('A', { type: 'cgroup_skb' });
    for (const [prog, flags, errno] of [
      ['Q', ['XDP_FLAGS_UPDATE_IF_NOEXIST'], 'EINVAL'],
      ['Q', ['XDP_FLAGS_REPLACE'], 'EINVAL'],
      ['Q', ['XDP_FLAGS_SKB_MODE', 'XDP_FLAGS_DRV_MODE'], 'EINVAL'],
      ['Q', ['XDP_FLAGS_HW_MODE'], 'EINVAL'], // veth cannot offload
      ['D', 0, 'EINVAL'],
    ] as const) {
      t.expectErrno(errno);
      p.xdpLink('L', prog, 3, flags as number | string[]);
    }
    t.expectErrno('EINVAL');
    p.bpf('BPF_LINK_CREATE', { prog_fd: p.fd('P'), target_ifindex: 3, attach_type: 'BPF_CGROUP_INET_EGRESS' });
    t.expectErrno('EINVAL'); // BPF_PROG_ATTACH takes no BPF_XDP
    p.bpf('BPF_PROG_ATTACH', { target_fd: 0, attach_bpf_fd: p.fd('P'), attach_type: 'BPF_XDP' });
    t.expectErrno('EINVAL'); // and BPF_PROG_QUERY neither: XDP programs are found through netlink
    p.bpf('BPF_PROG_QUERY', { target_ifindex: 3, attach_type: 'BPF_XDP' });
  });

  it('closing the last fd releases the link; the device takes a netlink program again', () => {
    const { t, p } = setup();
    p.xdpLink('L', 'P', 2).close('P').close('L');
    t.expectLink('L').freed();
    t.expectProg('P').freed();
    t.expectRan('xdp:eth0', []);
    p.netlinkXdp(2, 'Q');
    t.expectRan('xdp:eth0', ['Q']);
  });
});

describe('a link and netlink on one device and mode (2.5)', () => {
  it('link present: netlink attach, replace and detach are -EBUSY; another mode: -EEXIST for attach, detach fine', () => {
    const { t, p } = setup();
    p.xdpLink('L', 'P', 2);
    t.expectErrno('EBUSY');
    p.netlinkXdp(2, 'Q');
    t.expectErrno('EBUSY');
    p.netlinkXdp(2, 'Q', REPLACE, 'P');
    t.expectErrno('EBUSY');
    p.netlinkXdp(2, -1);
    t.expectErrno('EEXIST');
    p.netlinkXdp(2, 'Q', SKB);
    p.netlinkXdp(2, -1, SKB);
    t.expectRan('xdp:eth0', ['P']);
  });

  it('netlink program present: a link is -EBUSY; netlink replaces; another mode: -EEXIST', () => {
    const { t, p } = setup();
    p.netlinkXdp(2, 'P');
    t.expectErrno('EBUSY');
    p.xdpLink('L', 'Q', 2);
    t.expectErrno('EEXIST');
    p.xdpLink('L', 'Q', 2, SKB);
    p.netlinkXdp(2, 'Q', REPLACE, 'P').netlinkXdp(2, -1).xdpLink('L', 'Q', 2);
    t.expectRan('xdp:eth0', ['Q']);
  });

  it('one program on several devices, each attachment a reference', () => {
    const { t, p } = setup();
    p.netlinkXdp(1, 'P').netlinkXdp(2, 'P').xdpLink('L', 'P', 3);
    t.expectProg('P').heldOnlyBy(['loader fd 3', 'legacy xdp:lo', 'legacy xdp:eth0', 'link L']);
    for (const dev of ['lo', 'eth0', 'veth1']) t.expectRan(`xdp:${dev}`, ['P']);
  });
});

describe('device removal and veth pairs (2.6)', () => {
  it('deleting a veth end removes both: links go defunct (ifindex 0), netlink programs are put', () => {
    const { t, p } = setup();
    p.xdpLink('L', 'P', 2).netlinkXdp(3, 'Q').close('Q');
    t.expectProg('Q').heldOnlyBy(['legacy xdp:veth1']);
    p.linkDel('veth1');
    expect(t.snapshot.netdevs.map((d) => d.name)).toEqual(['lo']);
    t.expectProg('Q').freed();
    t.expectLink('L').detached().heldOnlyBy(['loader fd 5']);
    p.info('L');
    expect(t.last.attr!.info).toEqual({ type: 'BPF_LINK_TYPE_XDP', id: 1, prog_id: 1, xdp: { ifindex: 0 } });
    t.expectErrno('ENOLINK');
    p.linkUpdate('L', 'P');
    p.linkDetach('L').returns(0);
    t.expectErrno('ENODEV');
    p.netlinkXdp(2, 'P');
    t.expectErrno('EINVAL');
    p.xdpLink('L2', 'P', 2);
    expect(t.kernel.apply({ call: 'trigger', event: 'xdp:eth0' }).ret).toBe(-19); // ENODEV
    p.close('L');
    t.expectProg('P').heldOnlyBy(['loader fd 3']);
  });

  it('veth add: the peer is registered first and gets the lower ifindex; names as rtnetlink checks them', () => {
    const { t, p } = setup();
    p.vethAdd('va', 'vb');
    expect(t.snapshot.netdevs.map((d) => [d.name, d.ifindex, d.peer])).toEqual([
      ['lo', 1, null], ['eth0', 2, 'veth1'], ['veth1', 3, 'eth0'], ['vb', 4, 'va'], ['va', 5, 'vb'],
    ]);
    p.xdpLink('L', 'P', 5).netlinkXdp(4, 'Q');
    t.expectRan('xdp:va', ['P']);
    t.expectRan('xdp:vb', ['Q']);
    for (const [name, peer, errno] of [
      ['va', 'vx', 'EEXIST'], ['vc', 'vc', 'EEXIST'], ['vd', 'eth0', 'EEXIST'], ['eth0', 've', 'EEXIST'],
      ['a_name_too_long_', 'x', 'ERANGE'], ['x', 'a_name_too_long_', 'ERANGE'], ['eth0', 'a_name_too_long_', 'ERANGE'],
      ['a/b', 'z', 'EINVAL'], ['', 'z', 'EINVAL'], ['w', '.', 'EINVAL'], ['w', '', 'EINVAL'],
      ['a/b', 'eth0', 'EEXIST'], // the peer is registered (and refused) before the name is checked
      ['eth0', '.', 'EEXIST'], // a name in use is found first
    ] as const) {
      t.expectErrno(errno);
      p.vethAdd(name, peer);
    }
    p.vethAdd('a_name_15_chars', 'y');
    for (const [name, errno] of [['nope', 'ENODEV'], ['lo', 'EOPNOTSUPP'], ['a_name_too_long_', 'ERANGE'], ['', 'ENODEV']] as const) {
      t.expectErrno(errno);
      p.linkDel(name);
    }
    p.linkDel('va');
    t.expectLink('L').detached();
    // vc/vc, a/b/z and ''/z each used up the peer's ifindex (6, 7, 8), as 6.18 does
    expect(t.snapshot.netdevs.map((d) => d.ifindex)).toEqual([1, 2, 3, 9, 10]);
  });
});

describe('versions', () => {
  it('before 5.9 there are no XDP links: BPF_LINK_CREATE of an XDP program is -EINVAL; netlink works', () => {
    for (const version of ['5.7', '5.8']) {
      const { t, p } = setup(version);
      t.expectErrno('EINVAL');
      p.xdpLink('L', 'P', 2);
      p.netlinkXdp(2, 'P', REPLACE, -1);
      t.expectRan('xdp:eth0', ['P']);
    }
    const { t, p } = setup('5.9');
    p.xdpLink('L', 'P', 2).linkDetach('L');
    t.expectRan('xdp:eth0', []);
  });

  it('5.6: XDP_FLAGS_REPLACE is an unknown flag (it came in 5.7)', () => {
    const { t, p } = setup('5.6');
    t.expectErrno('EINVAL');
    p.netlinkXdp(2, 'P', REPLACE, -1);
    p.netlinkXdp(2, 'P', ['XDP_FLAGS_UPDATE_IF_NOEXIST']);
    t.expectErrno('EINVAL');
    p.bpf('BPF_LINK_CREATE', { prog_fd: p.fd('P'), target_ifindex: 2, attach_type: 'BPF_XDP' }); // no such command yet
  });
});

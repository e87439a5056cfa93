/**
 * cgroup BPF (/work/shared/kernel-semantics/attach-targets.md §1, §7): BPF_PROG_ATTACH and
 * BPF_PROG_DETACH with every flag and the order of their checks, links next to legacy
 * entries, ancestors, the 64-entry limit, effective arrays, BPF_PROG_QUERY, rmdir, the
 * 6.15/6.17 ordering flags, version gates, and attachments nobody owns.
 *
 * Every value here was also seen on a real 6.18 kernel: the same sequences run on both in
 * oracle/attach.diff.test.ts (oracle/attachScenarios.ts).
 */
import { describe, expect, it } from 'vitest';
import { TestKernel, type TestProcess } from './testing/driver';

const EG = 'BPF_CGROUP_INET_EGRESS';
const CG = (rel: string): string => `/sys/fs/cgroup/${rel}`;
const EV = (rel: string, type = EG): string => `cgroup:${CG(rel)}:${type}`;
const MULTI = ['BPF_F_ALLOW_MULTI'];
const OVERRIDE = ['BPF_F_ALLOW_OVERRIDE'];
const REPLACE = ['BPF_F_ALLOW_MULTI', 'BPF_F_REPLACE'];
const M = (...f: string[]): string[] => ['BPF_F_ALLOW_MULTI', ...f];

/** A kernel with one process that has loaded CGROUP_SKB egress programs `progs` and made
 * the cgroups `cgroups` (opened under the same names). */
function setup(opts: { version?: string; progs?: string[]; cgroups?: string[] } = {}): { t: TestKernel; p: TestProcess } {
  const t = new TestKernel({ version: opts.version ?? '6.18' });
  const p = t.spawn('loader');
  for (const c of opts.cgroups ?? ['a']) p.cgroup(c.replace(/\//g, '_'), c);
  for (const n of opts.progs ?? ['A', 'B', 'C']) p.loadProg(n, { type: 'cgroup_skb' });
  return { t, p };
}

/** Query `cg` and return program names, count, mode (and revision). */
function q(t: TestKernel, p: TestProcess, cg = 'a', attr: Record<string, unknown> = {}, type = EG): ReturnType<TestKernel['queried']> {
  p.query(cg, type, attr);
  return t.queried();
}

describe('BPF_PROG_ATTACH: the mode of a cgroup vs the request (1.4)', () => {
  const states: [string, number | string[] | null][] = [['empty', null], ['none', 0], ['override', OVERRIDE], ['multi', MULTI]];
  const requests: [string, number | string[]][] = [['none', 0], ['override', OVERRIDE], ['multi', MULTI], ['multi|replace', REPLACE]];
  // [errno or null, the list afterwards, the mode afterwards]
  const table: Record<string, Record<string, [string | null, string[], number]>> = {
    empty: { none: [null, ['B'], 0], override: [null, ['B'], 1], multi: [null, ['B'], 2], 'multi|replace': ['ENOENT', [], 0] },
    none: { none: [null, ['B'], 0], override: ['EPERM', ['A'], 0], multi: ['EPERM', ['A'], 0], 'multi|replace': ['EPERM', ['A'], 0] },
    override: { none: ['EPERM', ['A'], 1], override: [null, ['B'], 1], multi: ['EPERM', ['A'], 1], 'multi|replace': ['EPERM', ['A'], 1] },
    multi: { none: ['EPERM', ['A'], 2], override: ['EPERM', ['A'], 2], multi: [null, ['A', 'B'], 2], 'multi|replace': [null, ['B'], 2] },
  };
  for (const [sn, sf] of states)
    for (const [rn, rf] of requests) {
      const [errno, list, mode] = table[sn]![rn]!;
      it(`${sn} + request ${rn}: ${errno ? `-${errno}` : `OK, [${list.join(' ')}]`}`, () => {
        const { t, p } = setup();
        if (sf !== null) p.progAttach('a', 'A', EG, sf);
        if (errno) t.expectErrno(errno as 'EPERM');
        p.progAttach('a', 'B', EG, rf, rn === 'multi|replace' ? { replace_bpf_fd: p.fd('A') } : {});
        expect(q(t, p)).toMatchObject({ progs: list, attach_flags: mode, prog_cnt: list.length });
        t.expectRan(EV('a'), list);
        // a replaced program's reference is put: only its fd holds it
        if (list.length === 1 && list[0] === 'B' && sf !== null) t.expectProg('A').heldOnlyBy(['loader fd 4']);
      });
    }

  it('mode none: attaching the same program again is a no-op replace (revision + 1)', () => {
    const { t, p } = setup();
    p.progAttach('a', 'A', EG, 0).progAttach('a', 'A', EG, 0);
    expect(q(t, p)).toEqual({ progs: ['A'], prog_cnt: 1, attach_flags: 0, revision: 3 });
    t.expectProg('A').heldOnlyBy(['loader fd 4', `legacy ${EV('a')}`]);
  });

  it('mode multi: the same program twice is -EINVAL, not -EEXIST; replace needs a legacy entry; replace_bpf_fd alone appends', () => {
    const { t, p } = setup();
    p.progAttach('a', 'A', EG, MULTI).expectErrno('EINVAL').progAttach('a', 'A', EG, MULTI);
    p.expectErrno('ENOENT').progAttach('a', 'B', EG, REPLACE, { replace_bpf_fd: p.fd('C') });
    p.progAttach('a', 'A', EG, REPLACE, { replace_bpf_fd: p.fd('A') }); // with itself: OK
    p.progAttach('a', 'B', EG, MULTI, { replace_bpf_fd: p.fd('A') }); // no BPF_F_REPLACE: appended
    expect(q(t, p).progs).toEqual(['A', 'B']);
    // a program attached only through a link is no duplicate, and no replace target
    p.cgroupLink('lc', 'C', 'a').progAttach('a', 'C', EG, MULTI);
    expect(q(t, p).progs).toEqual(['A', 'B', 'C', 'C']);
    t.expectErrno('EINVAL'); // B is a legacy entry already (and not the one replaced)
    p.progAttach('a', 'B', EG, REPLACE, { replace_bpf_fd: p.fd('C') });
    p.loadProg('D', { type: 'cgroup_skb' }).progAttach('a', 'D', EG, REPLACE, { replace_bpf_fd: p.fd('C') }); // the legacy C, not the link
    expect(q(t, p).progs).toEqual(['A', 'B', 'C', 'D']);
    t.expectProg('C').heldOnlyBy(['loader fd 6', 'link lc']);
  });
});

describe('BPF_PROG_ATTACH: flags and the order of the checks (1.3)', () => {
  const cases: [string, string, (p: TestProcess) => void][] = [
    ['OVERRIDE|MULTI', 'EINVAL', (p) => p.progAttach('a', 'A', EG, ['BPF_F_ALLOW_OVERRIDE', 'BPF_F_ALLOW_MULTI'])],
    ['REPLACE without MULTI', 'EINVAL', (p) => p.progAttach('a', 'A', EG, ['BPF_F_REPLACE'])],
    ['REPLACE without MULTI, replace_bpf_fd not even read', 'EINVAL', (p) => p.progAttach('a', 'A', EG, ['BPF_F_REPLACE'], { replace_bpf_fd: 99 })],
    ['REPLACE|BEFORE', 'EINVAL', (p) => p.progAttach('a', 'A', EG, M('BPF_F_REPLACE', 'BPF_F_BEFORE'), { replace_bpf_fd: p.fd('A') })],
    ['an unknown flag bit', 'EINVAL', (p) => p.progAttach('a', 'A', EG, 1 << 10)],
    ['an unknown attach type', 'EINVAL', (p) => p.progAttach('a', 'A', 200 as unknown as string)],
    ['BPF_XDP', 'EINVAL', (p) => p.progAttach('a', 'A', 'BPF_XDP')],
    ['BPF_XDP with an XDP program', 'EINVAL', (p) => p.progAttach('a', 'X', 'BPF_XDP')],
    // attach types with a program type: flags, then the program, then -EINVAL (6.18)
    ['BPF_XDP with a program fd not open', 'EBADF', (p) => p.progAttach('a', 99, 'BPF_XDP')],
    ['BPF_XDP with OVERRIDE|MULTI, a program fd not open', 'EBADF', (p) => p.progAttach('a', 99, 'BPF_XDP', ['BPF_F_ALLOW_OVERRIDE', 'BPF_F_ALLOW_MULTI'])],
    ['BPF_XDP with BPF_F_BEFORE', 'EINVAL', (p) => p.progAttach('a', 99, 'BPF_XDP', ['BPF_F_BEFORE'])],
    ['BPF_XDP with expected_revision', 'EINVAL', (p) => p.progAttach('a', 99, 'BPF_XDP', 0, { expected_revision: 1 })],
    ['BPF_TRACE_RAW_TP with a program fd not open', 'EBADF', (p) => p.progAttach('a', 99, 'BPF_TRACE_RAW_TP')],
    ['BPF_LSM_MAC with BPF_F_BEFORE (flags as for cgroups), a program fd not open', 'EBADF', (p) => p.progAttach('a', 99, 'BPF_LSM_MAC', ['BPF_F_BEFORE'])],
    ['BPF_PERF_EVENT (no program type here), a program fd not open', 'EINVAL', (p) => p.progAttach('a', 99, 'BPF_PERF_EVENT')],
    ['a program fd that is not open', 'EBADF', (p) => p.progAttach('a', 99)],
    ['stdin as the program', 'EINVAL', (p) => p.progAttach('a', 0)],
    ['an XDP program', 'EINVAL', (p) => p.progAttach('a', 'X')],
    ['CGROUP_SKB on BPF_CGROUP_INET_SOCK_CREATE', 'EINVAL', (p) => p.progAttach('a', 'A', 'BPF_CGROUP_INET_SOCK_CREATE')],
    ['a connect4 program on BPF_CGROUP_INET4_BIND', 'EINVAL', (p) => p.progAttach('a', 'C4', 'BPF_CGROUP_INET4_BIND')],
    ['a cgroup fd that is not open', 'EBADF', (p) => p.progAttach(99, 'A')],
    ['a bpffs directory as the cgroup', 'EBADF', (p) => p.progAttach('bpffs', 'A')],
    ['a program fd as the cgroup', 'EBADF', (p) => p.progAttach('A', 'A')],
    ['bad program and bad cgroup: the program first', 'EBADF', (p) => p.progAttach('bpffs', 99)],
    ['bad cgroup and bad flags: the attach type and flags first', 'EINVAL', (p) => p.progAttach(99, 'A', EG, 1 << 10)],
    ['MULTI|REPLACE, replace_bpf_fd not open', 'EBADF', (p) => p.progAttach('a', 'A', EG, REPLACE, { replace_bpf_fd: 99 })],
    ['MULTI|REPLACE, replace_bpf_fd stdin', 'EINVAL', (p) => p.progAttach('a', 'A', EG, REPLACE, { replace_bpf_fd: 0 })],
    ['MULTI|REPLACE, replace_bpf_fd an XDP program', 'EINVAL', (p) => p.progAttach('a', 'A', EG, REPLACE, { replace_bpf_fd: p.fd('X') })],
    ['MULTI|REPLACE, bad cgroup and bad replace_bpf_fd: the cgroup first', 'EBADF', (p) => p.progAttach('A', 'A', EG, REPLACE, { replace_bpf_fd: 0 })],
  ];
  for (const [what, errno, call] of cases)
    it(`${what}: -${errno}`, () => {
      const { t, p } = setup();
      p.loadProg('X', { type: 'xdp' }).loadProg('C4', { type: 'connect4' }).mkdir('/sys/fs/bpf/d').open('bpffs', '/sys/fs/bpf/d');
      t.expectErrno(errno as 'EINVAL');
      call(p);
    });

  it('a CGROUP_SOCK program loaded without expected_attach_type attaches to BPF_CGROUP_INET_SOCK_CREATE', () => {
    const { t, p } = setup();
    p.loadProg('S', { type: 'BPF_PROG_TYPE_CGROUP_SOCK' }).progAttach('a', 'S', 'BPF_CGROUP_INET_SOCK_CREATE');
    t.expectRan(EV('a', 'BPF_CGROUP_INET_SOCK_CREATE'), ['S']);
  });
});

describe('ancestors decide (hierarchy_allows_attach, 1.5)', () => {
  for (const [mode, flags, allowed] of [['none', 0, false], ['override', OVERRIDE, true], ['multi', MULTI, true]] as const)
    it(`under a mode-${mode} parent, child and grandchild ${allowed ? 'accept' : 'refuse (-EPERM)'} all four requests`, () => {
      const { t, p } = setup({ cgroups: ['a', 'a/c', 'a/c/g'] });
      p.progAttach('a', 'A', EG, flags);
      for (const cg of ['a_c', 'a_c_g'])
        for (const req of [0, OVERRIDE, MULTI, 'link'] as const) {
          if (req === 'link') {
            if (!allowed) t.expectErrno('EPERM');
            p.cgroupLink(`${cg}_l`, 'B', cg);
          } else {
            // each request on a cgroup of its own below `cg` (one cgroup has one mode)
            const fresh = `${cg}_${String(req)}`;
            p.cgroup(fresh, `${cg.replace(/_/g, '/')}/${fresh}`);
            if (!allowed) t.expectErrno('EPERM');
            p.progAttach(fresh, 'B', EG, req);
          }
        }
    });

  it('only the nearest ancestor with an attachment decides: a mode-none child under a multi root refuses', () => {
    const { t, p } = setup({ cgroups: ['m', 'm/c', 'm/c/g'] });
    p.progAttach('m', 'A', EG, MULTI).progAttach('m_c', 'B', EG, 0);
    t.expectErrno('EPERM');
    p.progAttach('m_c_g', 'A', EG, MULTI);
    // an empty level in between does not decide: the grandchild of an override root is fine
    const { t: t2, p: p2 } = setup({ cgroups: ['o', 'o/c', 'o/c/g'] });
    p2.progAttach('o', 'A', EG, 0);
    t2.expectErrno('EPERM');
    p2.progAttach('o_c_g', 'B', EG, MULTI);
  });

  it('checked only when attaching: mode none on a parent whose child has programs is allowed; the child keeps them', () => {
    const { t, p } = setup({ cgroups: ['p', 'p/c'] });
    p.progAttach('p_c', 'B', EG, 0).progAttach('p', 'A', EG, 0);
    t.expectRan(EV('p/c'), ['B']);
    t.expectRan(EV('p'), ['A']);
  });
});

describe('BPF_PROG_DETACH (1.6)', () => {
  it('mode none or override: the single entry goes, whatever program fd is passed', () => {
    const { t, p } = setup();
    p.loadProg('X', { type: 'xdp' });
    t.expectErrno('ENOENT');
    p.progDetach('a', 'A');
    for (const [flags, fd] of [[0, 'B'], [OVERRIDE, 99], [0, 0], [0, 'X']] as const) {
      p.progAttach('a', 'A', EG, flags).progDetach('a', fd);
      expect(q(t, p)).toMatchObject({ progs: [], attach_flags: 0 });
    }
    t.expectProg('A').heldOnlyBy(['loader fd 4']);
  });

  it('attach_flags or relative_fd: -EINVAL; expected_revision is checked (-ESTALE); bad cgroup: -EBADF', () => {
    const { t, p } = setup();
    p.progAttach('a', 'A', EG, 0);
    t.expectErrno('EINVAL');
    p.progDetach('a', 'A', EG, { attach_flags: MULTI });
    t.expectErrno('EINVAL');
    p.progDetach('a', 'A', EG, { attach_flags: ['BPF_F_BEFORE'] });
    t.expectErrno('EINVAL');
    p.progDetach('a', 'A', EG, { relative_fd: p.fd('B') });
    t.expectErrno('ESTALE');
    p.progDetach('a', 'A', EG, { expected_revision: 1 });
    t.expectErrno('EINVAL');
    p.progDetach('a', 'A', 200 as unknown as string);
    t.expectErrno('EBADF');
    p.progDetach(99, 'A');
    p.progDetach('a', 'A', EG, { expected_revision: 2 });
    t.expectErrno('ENOENT');
    p.progDetach('a', 'A');
  });

  it('mode multi: needs a program (-EINVAL), and a legacy entry of it (-ENOENT); links are not detached this way', () => {
    const { t, p } = setup();
    p.loadProg('X', { type: 'xdp' });
    p.progAttach('a', 'A', EG, MULTI).cgroupLink('l', 'B', 'a').progAttach('a', 'B', EG, MULTI);
    t.expectErrno('EINVAL');
    p.progDetach('a', 99);
    t.expectErrno('EINVAL');
    p.progDetach('a', 'X'); // the typed lookup failed: "no program"
    p.progDetach('a', 'B'); // the legacy B; the link stays
    expect(q(t, p).progs).toEqual(['A', 'B']);
    t.expectErrno('ENOENT');
    p.progDetach('a', 'B');
    p.progDetach('a', 'A');
    expect(q(t, p)).toMatchObject({ progs: ['B'], attach_flags: 2 });
    t.expectErrno('EPERM'); // the link keeps the mode multi
    p.progAttach('a', 'A', EG, 0);
    p.close('l'); // the list empties: the mode goes back to none
    expect(q(t, p)).toMatchObject({ progs: [], attach_flags: 0 });
    p.progAttach('a', 'A', EG, 0);
  });
});

describe('links and legacy entries on one cgroup (1.4, 1.8)', () => {
  it('a link requests mode multi: -EPERM next to none/override; legacy none/override next to links -EPERM; legacy multi OK', () => {
    const { t, p } = setup({ cgroups: ['none', 'ovr', 'lk'] });
    p.progAttach('none', 'A', EG, 0).progAttach('ovr', 'A', EG, OVERRIDE);
    t.expectErrno('EPERM');
    p.cgroupLink('l1', 'B', 'none');
    t.expectErrno('EPERM');
    p.cgroupLink('l2', 'B', 'ovr');
    p.cgroupLink('l3', 'A', 'lk');
    expect(q(t, p, 'lk')).toMatchObject({ progs: ['A'], attach_flags: 2 });
    t.expectErrno('EPERM');
    p.progAttach('lk', 'B', EG, 0);
    t.expectErrno('EPERM');
    p.progAttach('lk', 'B', EG, OVERRIDE);
    p.progAttach('lk', 'B', EG, MULTI).cgroupLink('l4', 'A', 'lk').cgroupLink('l5', 'A', 'lk');
    expect(q(t, p, 'lk').progs).toEqual(['A', 'B', 'A', 'A']);
    t.expectRan(EV('lk'), ['A', 'B', 'A', 'A']);
    t.expectProg('A').heldOnlyBy(['loader fd 6', `legacy ${EV('none')}`, `legacy ${EV('ovr')}`, 'link l3', 'link l4', 'link l5']);
    p.close('l4');
    expect(q(t, p, 'lk').progs).toEqual(['A', 'B', 'A']);
    t.expectLink('l3').attached();
    t.expectLink('l5').attached();
  });

  it('a link holds its program and the cgroup, not the directory fd; closing the last fd detaches it', () => {
    const { t, p } = setup();
    p.cgroupLink('l', 'A', 'a').close('a').close('A');
    t.expectRan(EV('a'), ['A']);
    t.expectProg('A').heldOnlyBy(['link l']);
    p.info('l');
    expect(t.last.attr!.info).toEqual({ type: 'BPF_LINK_TYPE_CGROUP', id: 1, prog_id: 1, cgroup: { cgroup_id: 2, attach_type: EG } });
    p.close('l');
    t.expectLink('l').freed();
    t.expectProg('A').freed();
    t.expectRan(EV('a'), []);
  });

  it('link flags: OVERRIDE, MULTI or REPLACE are -EINVAL (checked before the cgroup fd); PREORDER is taken', () => {
    const { t, p } = setup();
    for (const flags of [MULTI, OVERRIDE, ['BPF_F_REPLACE'], 1 << 10]) {
      t.expectErrno('EINVAL');
      p.cgroupLink('l', 'A', 'a', EG, { flags });
      t.expectErrno('EINVAL');
      p.cgroupLink('l', 'A', 99, EG, { flags });
    }
    p.cgroupLink('l', 'A', 'a', EG, { flags: ['BPF_F_PREORDER'] });
    t.expectErrno('EBADF');
    p.cgroupLink('l2', 'A', 99);
    t.expectErrno('EINVAL');
    p.cgroupLink('l2', 'A', 'a', 'BPF_CGROUP_INET_SOCK_CREATE');
  });
});

describe('64 entries per cgroup and attach type, legacy and links counted together (1.1)', () => {
  it('the 65th is -E2BIG, also for MULTI|REPLACE; an effective array may hold more', () => {
    const { t, p } = setup({ cgroups: ['a', 'a/b'] });
    p.progAttach('a', 'B', EG, MULTI);
    for (let i = 0; i < 63; i++) p.cgroupLink(`l${i}`, 'A', 'a');
    t.expectErrno('E2BIG');
    p.cgroupLink('l63', 'A', 'a');
    t.expectErrno('E2BIG');
    p.progAttach('a', 'C', EG, MULTI);
    t.expectErrno('E2BIG');
    p.progAttach('a', 'C', EG, REPLACE, { replace_bpf_fd: p.fd('B') });
    expect(q(t, p, 'a', { prog_cnt: 0 })).toMatchObject({ prog_cnt: 64, progs: [] });
    p.cgroupLink('c1', 'A', 'a_b').cgroupLink('c2', 'B', 'a_b');
    expect(q(t, p, 'a_b', { prog_cnt: 0, query_flags: ['BPF_F_QUERY_EFFECTIVE'] }).prog_cnt).toBe(66);
    expect(t.trigger(EV('a/b'))).toHaveLength(66);
    p.progDetach('a', 'B').cgroupLink('l64', 'A', 'a');
  });
});

describe('effective programs (compute_effective_progs, 1.9)', () => {
  const eff = (t: TestKernel, p: TestProcess, cg: string): string[] => q(t, p, cg, { query_flags: ['BPF_F_QUERY_EFFECTIVE'] }).progs;

  it('the worked orders of 1.9', () => {
    const { t, p } = setup({ progs: ['a1', 'a2', 'a3', 'b1', 'c1'], cgroups: ['o', 'o/b', 'o2', 'o2/b', 'o2/b/c', 'm', 'm/b', 'm/b/c'] });
    // A override {a1}; B none {b1}
    p.progAttach('o', 'a1', EG, OVERRIDE).progAttach('o_b', 'b1', EG, 0);
    expect([eff(t, p, 'o_b'), eff(t, p, 'o')]).toEqual([['b1'], ['a1']]);
    // A override {a1}; B nothing; C none {c1}
    p.progAttach('o2', 'a1', EG, OVERRIDE).progAttach('o2_b_c', 'c1', EG, 0);
    expect([eff(t, p, 'o2_b_c'), eff(t, p, 'o2_b')]).toEqual([['c1'], ['a1']]);
    // A multi {a1 a2 a3}; B override {b1}; C none {c1}
    p.progAttach('m', 'a1', EG, MULTI).progAttach('m', 'a2', EG, MULTI).progAttach('m', 'a3', EG, MULTI);
    p.progAttach('m_b', 'b1', EG, OVERRIDE).progAttach('m_b_c', 'c1', EG, 0);
    expect([eff(t, p, 'm_b_c'), eff(t, p, 'm_b')]).toEqual([['c1', 'a1', 'a2', 'a3'], ['b1', 'a1', 'a2', 'a3']]);
    t.expectRan(EV('m/b/c'), ['c1', 'a1', 'a2', 'a3']);
    // the effective query reports mode 0 and revision 0
    expect(q(t, p, 'm_b_c', { query_flags: ['BPF_F_QUERY_EFFECTIVE'] })).toMatchObject({ attach_flags: 0, revision: 0 });
  });

  it('BPF_F_PREORDER: preorder entries first, outermost cgroup first; then the rest leaf to root', () => {
    const { t, p } = setup({ progs: ['X', 'a0', 'P1', 'P2', 'b0', 'Q1', 'Q2'], cgroups: ['p', 'p/b'] });
    p.cgroupLink('lx', 'X', 'p', EG, { flags: ['BPF_F_PREORDER'] }).progAttach('p', 'a0', EG, MULTI);
    p.progAttach('p', 'P1', EG, M('BPF_F_PREORDER')).progAttach('p', 'P2', EG, M('BPF_F_PREORDER'));
    p.progAttach('p_b', 'b0', EG, MULTI).progAttach('p_b', 'Q1', EG, M('BPF_F_PREORDER')).progAttach('p_b', 'Q2', EG, M('BPF_F_PREORDER'));
    expect(eff(t, p, 'p_b')).toEqual(['X', 'P1', 'P2', 'Q1', 'Q2', 'b0', 'a0']);
    t.expectRan(EV('p/b'), ['X', 'P1', 'P2', 'Q1', 'Q2', 'b0', 'a0']);
    expect(q(t, p, 'p').progs).toEqual(['X', 'a0', 'P1', 'P2']); // the list itself is in attach order
  });

  it("the uapi header's chain MULTI{A,B} -> OVERRIDE{C} -> MULTI{D} -> OVERRIDE{E} -> NONE{F}", () => {
    const { t, p } = setup({ progs: ['A', 'B', 'C', 'D', 'E', 'F'], cgroups: ['u', 'u/1', 'u/1/2', 'u/1/2/3', 'u/1/2/3/4'] });
    p.progAttach('u', 'A', EG, MULTI).progAttach('u', 'B', EG, MULTI).progAttach('u_1', 'C', EG, OVERRIDE);
    p.progAttach('u_1_2', 'D', EG, MULTI).progAttach('u_1_2_3', 'E', EG, OVERRIDE).progAttach('u_1_2_3_4', 'F', EG, 0);
    expect(eff(t, p, 'u_1_2_3_4')).toEqual(['F', 'D', 'A', 'B']);
    p.progDetach('u_1_2_3_4', 'F');
    expect(eff(t, p, 'u_1_2_3_4')).toEqual(['E', 'D', 'A', 'B']);
    p.progDetach('u_1_2', 'D');
    expect(eff(t, p, 'u_1_2_3_4')).toEqual(['E', 'A', 'B']);
    p.progDetach('u_1_2_3', 'E');
    expect(eff(t, p, 'u_1_2_3_4')).toEqual(['C', 'A', 'B']);
    t.expectRan(EV('u/1/2/3/4'), ['C', 'A', 'B']);
    // a cgroup made now inherits at once (cgroup_bpf_inherit)
    p.cgroup('u5', 'u/1/2/3/4/5');
    expect(eff(t, p, 'u5')).toEqual(['C', 'A', 'B']);
  });

  it('duplicates run as often as they are attached; each attach type has its own array', () => {
    const { t, p } = setup({ cgroups: ['a', 'a/b'] });
    p.loadProg('S', { type: 'sock_create' }).loadProg('I', { type: 'cgroup_skb_ingress' });
    p.progAttach('a', 'A', EG, MULTI).cgroupLink('l', 'A', 'a_b').progAttach('a_b', 'A', EG, MULTI);
    p.progAttach('a', 'S', 'BPF_CGROUP_INET_SOCK_CREATE', MULTI).progAttach('a_b', 'I', 'BPF_CGROUP_INET_INGRESS', 0);
    t.expectRan(EV('a/b'), ['A', 'A', 'A']);
    t.expectRan(EV('a/b', 'BPF_CGROUP_INET_SOCK_CREATE'), ['S']);
    t.expectRan(EV('a/b', 'BPF_CGROUP_INET_INGRESS'), ['I']);
    t.expectRan(EV('a', 'BPF_CGROUP_INET_INGRESS'), []);
    t.expectRan(`cgroup:/sys/fs/cgroup:${EG}`, []);
    expect(t.snapshot.attachPoints.find((a) => a.key === EV('a/b'))).toMatchObject({ mode: 'multi', revision: 3 });
  });
});

describe('BPF_PROG_QUERY (1.10)', () => {
  it('attached: list order, the mode, the revision; prog_cnt is the capacity, -ENOSPC with the total', () => {
    const { t, p } = setup({ cgroups: ['a', 'a/b'] });
    expect(q(t, p)).toEqual({ progs: [], prog_cnt: 0, attach_flags: 0, revision: 1 });
    p.progAttach('a', 'A', EG, MULTI).cgroupLink('l', 'B', 'a').progAttach('a', 'C', EG, MULTI);
    expect(q(t, p)).toEqual({ progs: ['A', 'B', 'C'], prog_cnt: 3, attach_flags: 2, revision: 4 });
    t.expectErrno('ENOSPC');
    p.query('a', EG, { prog_cnt: 1 });
    expect(t.queried()).toMatchObject({ progs: ['A'], prog_cnt: 3 });
    expect(q(t, p, 'a', { prog_cnt: 0 })).toMatchObject({ progs: [], prog_cnt: 3 });
    expect(q(t, p, 'a', { prog_cnt: 3 }).progs).toEqual(['A', 'B', 'C']);
    t.expectErrno('ENOSPC');
    p.query('a_b', EG, { prog_cnt: 2, query_flags: ['BPF_F_QUERY_EFFECTIVE'] });
    expect(t.queried()).toMatchObject({ progs: ['A', 'B'], prog_cnt: 3, attach_flags: 0 });
    // a link entry reports its current program
    p.linkUpdate('l', 'C');
    expect(q(t, p).progs).toEqual(['A', 'C', 'C']);
    // prog_attach_flags: the cgroup's mode per id (not the entry's own flags)
    p.query('a', EG, { prog_attach_flags: [] });
    expect(t.last.attr!.prog_attach_flags).toEqual([2, 2, 2]);
  });

  it('errors: query_flags, attach types, fds, prog_attach_flags with BPF_F_QUERY_EFFECTIVE', () => {
    const { t, p } = setup();
    for (const [attr, type, cg, errno] of [
      [{ query_flags: 2 }, EG, 'a', 'EINVAL'],
      [{}, 200, 'a', 'EINVAL'],
      [{}, 'BPF_XDP', 'a', 'EINVAL'],
      [{}, EG, 99, 'EBADF'],
      [{}, EG, 'A', 'EBADF'],
      [{ query_flags: ['BPF_F_QUERY_EFFECTIVE'], prog_attach_flags: [] }, EG, 'a', 'EINVAL'],
      [{ query_flags: ['BPF_F_QUERY_EFFECTIVE'], prog_attach_flags: [] }, EG, 99, 'EBADF'],
    ] as const) {
      t.expectErrno(errno);
      p.query(cg, type as string, attr);
    }
    t.expectErrno('EINVAL');
    p.bpf('BPF_PROG_QUERY', { target_ifindex: 2, attach_type: 'BPF_XDP' });
  });
});

describe('rmdir (1.11)', () => {
  it('-EBUSY with a child cgroup; then links go defunct, legacy programs are put, the old fd answers -ENOENT', () => {
    const { t, p } = setup({ progs: ['A', 'B', 'L'], cgroups: ['a', 'a/b'] });
    p.progAttach('a_b', 'A', EG, MULTI).cgroupLink('l', 'B', 'a_b').cgroupLink('l2', 'L', 'a_b').close('L');
    t.expectErrno('EBUSY');
    p.rmdir(CG('a'));
    p.rmdir(CG('a/b'));
    p.info('l');
    expect(t.last.attr!.info).toMatchObject({ type: 'BPF_LINK_TYPE_CGROUP', id: 1, prog_id: 2, cgroup: { cgroup_id: 0, attach_type: EG } });
    t.expectLink('l').detached().heldOnlyBy(['loader fd 8']);
    t.expectProg('A').heldOnlyBy(['loader fd 5']); // the legacy entry's reference was put
    t.expectProg('L').heldOnlyBy(['link l2']); // a defunct link keeps its program
    t.expectErrno('ENOLINK');
    p.linkUpdate('l', 'A');
    p.linkDetach('l').returns(0);
    for (const call of [(): void => void p.query('a_b'), (): void => void p.progAttach('a_b', 'A', EG, MULTI), (): void => void p.cgroupLink('l3', 'A', 'a_b')]) {
      t.expectErrno('ENOENT');
      call();
    }
    p.rmdir(CG('a'));
    p.close('l2');
    t.expectProg('L').freed();
  });

  it('a program only the cgroup held is freed with it', () => {
    const { t, p } = setup();
    p.progAttach('a', 'A', EG, 0).close('A');
    t.expectProg('A').heldOnlyBy([`legacy ${EV('a')}`]);
    p.rmdir(CG('a'));
    t.expectProg('A').freed();
    expect(t.snapshot.legacy).toEqual([]);
  });

  it('a pinned link outlives the cgroup, defunct', () => {
    const { t, p } = setup();
    p.cgroupLink('l', 'A', 'a').pin('l', '/sys/fs/bpf/l').close('l').rmdir(CG('a'));
    t.expectLink('l').detached().heldOnlyBy(['pin /sys/fs/bpf/l']);
    expect(t.snapshot.links[0]).toMatchObject({ attached: false, target: EV('a') });
    p.objGet('l', '/sys/fs/bpf/l').linkDetach('l').expectErrno('ENOLINK').linkUpdate('l', 'A');
  });
});

describe('ordering flags: BPF_F_PREORDER (6.15), BPF_F_BEFORE/AFTER/ID/LINK and revisions (6.17) (1.7)', () => {
  it('the observed positions of 1.7', () => {
    const { t, p } = setup({ progs: ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6'] });
    p.progAttach('a', 'p0', EG, MULTI);
    p.progAttach('a', 'p1', EG, M('BPF_F_BEFORE'), { relative_fd: p.fd('p0') });
    p.progAttach('a', 'p2', EG, M('BPF_F_AFTER'), { relative_fd: p.fd('p1') });
    p.progAttach('a', 'p3', EG, M('BPF_F_BEFORE'));
    p.progAttach('a', 'p4', EG, M('BPF_F_AFTER'));
    p.progAttach('a', 'p5', EG, M('BPF_F_BEFORE', 'BPF_F_ID'), { relative_id: t.id('p2') });
    expect(q(t, p)).toEqual({ progs: ['p3', 'p1', 'p5', 'p2', 'p0', 'p4'], prog_cnt: 6, attach_flags: 2, revision: 7 });
    t.expectRan(EV('a'), ['p3', 'p1', 'p5', 'p2', 'p0', 'p4']);
  });

  it('anchor errors, and -ESTALE for a stale expected_revision', () => {
    const { t, p } = setup({ progs: ['p0', 'p1', 'p6'] });
    p.progAttach('a', 'p0', EG, MULTI).cgroupLink('l1', 'p1', 'a');
    for (const [flags, attr, errno] of [
      [M('BPF_F_BEFORE', 'BPF_F_AFTER'), {}, 'EINVAL'], // no anchor, the list not empty
      [MULTI, { relative_fd: p.fd('p0') }, 'EINVAL'], // an anchor needs BEFORE or AFTER
      [M('BPF_F_BEFORE', 'BPF_F_ID'), { relative_id: 999 }, 'ENOENT'],
      [M('BPF_F_BEFORE', 'BPF_F_LINK'), { relative_fd: p.fd('p0') }, 'EINVAL'], // a program is no link
      [M('BPF_F_BEFORE'), { relative_fd: p.fd('l1') }, 'EINVAL'], // a legacy program is anchored on a program
      [M('BPF_F_PREORDER', 'BPF_F_BEFORE'), { relative_fd: p.fd('p0') }, 'EINVAL'], // preorder differs
      [M('BPF_F_BEFORE'), { relative_fd: p.fd('p1') }, 'ENOENT'], // p1 is attached only through the link
      [MULTI, { expected_revision: 1 }, 'ESTALE'],
    ] as const) {
      t.expectErrno(errno);
      p.progAttach('a', 'p6', EG, flags as string[], attr);
    }
    p.progAttach('a', 'p6', EG, MULTI, { expected_revision: 3 });
    p.cgroup('b', 'b').cgroupLink('l0', 'p0', 'b');
    p.cgroupLink('lb', 'p1', 'b', EG, { flags: ['BPF_F_BEFORE', 'BPF_F_LINK'], cgroup: { relative_fd: p.fd('l0') } });
    t.expectErrno('EINVAL');
    p.cgroupLink('lx', 'p1', 'b', EG, { flags: ['BPF_F_BEFORE'], cgroup: { relative_fd: p.fd('p0') } }); // a link anchored on a program
    p.cgroupLink('la', 'p6', 'b', EG, { flags: ['BPF_F_AFTER', 'BPF_F_LINK', 'BPF_F_ID'], cgroup: { relative_id: t.id('l0') } });
    t.expectErrno('ESTALE');
    p.cgroupLink('lx', 'p6', 'b', EG, { cgroup: { expected_revision: 1 } });
    expect(q(t, p, 'b')).toMatchObject({ progs: ['p1', 'p0', 'p6'], revision: 4 });
  });

  it('mode none: a second attach replaces and ignores the anchor; detach checks expected_revision', () => {
    const { t, p } = setup({ progs: ['p0', 'p1'] });
    p.progAttach('a', 'p0', EG, 0).progAttach('a', 'p1', EG, ['BPF_F_BEFORE'], { relative_fd: p.fd('p0') });
    expect(q(t, p)).toMatchObject({ progs: ['p1'], revision: 3 });
    t.expectErrno('ESTALE');
    p.progDetach('a', 'p1', EG, { expected_revision: 2 });
    p.progDetach('a', 'p1', EG, { expected_revision: 3 });
  });
});

describe('version gates', () => {
  it('5.6: no BPF_LINK_CREATE (an unknown command), BPF_PROG_ATTACH works with REPLACE', () => {
    const { t, p } = setup({ version: '5.6' });
    t.expectErrno('EINVAL');
    p.cgroupLink('l', 'A', 'a');
    p.progAttach('a', 'A', EG, MULTI).progAttach('a', 'B', EG, REPLACE, { replace_bpf_fd: p.fd('A') });
    t.expectRan(EV('a'), ['B']);
  });

  it('5.7: cgroup links and BPF_LINK_UPDATE, but no link ids, no link info, no BPF_LINK_DETACH', () => {
    const { t, p } = setup({ version: '5.7' });
    p.cgroupLink('l', 'A', 'a').linkUpdate('l', 'B');
    t.expectRan(EV('a'), ['B']);
    t.expectLink('l').id(0);
    t.expectErrno('EINVAL');
    p.info('l');
    t.expectErrno('EINVAL');
    p.linkDetach('l');
  });

  it('5.9: BPF_LINK_DETACH', () => {
    const { t, p } = setup({ version: '5.9' });
    p.cgroupLink('l', 'A', 'a').linkDetach('l');
    t.expectRan(EV('a'), []);
  });

  it('BPF_F_PREORDER from 6.15, BPF_F_BEFORE/AFTER and revisions from 6.17', () => {
    for (const [version, preorder, before] of [['6.14', false, false], ['6.15', true, false], ['6.16', true, false], ['6.17', true, true]] as const) {
      const { t, p } = setup({ version });
      if (!preorder) t.expectErrno('EINVAL');
      p.progAttach('a', 'A', EG, M('BPF_F_PREORDER'));
      if (!preorder) t.expectErrno('EINVAL');
      p.cgroupLink('l', 'B', 'a', EG, { flags: ['BPF_F_PREORDER'] });
      if (!before) t.expectErrno('EINVAL');
      p.progAttach('a', 'C', EG, M('BPF_F_BEFORE'));
      // expected_revision on detach: checked from 6.17, -EINVAL (tcx-only) before
      t.expectErrno(before ? 'ESTALE' : 'EINVAL');
      p.progDetach('a', 'A', EG, { expected_revision: 99 });
      p.query('a');
      expect(t.last.attr!.revision === undefined, version).toBe(!before);
    }
  });

  it('6.6 to 6.16: relative_fd and expected_revision on a cgroup attach are -EINVAL; before 6.6 they are not in the attr', () => {
    for (const version of ['6.5', '6.6', '6.16']) {
      const { t, p } = setup({ version });
      t.expectErrno('EINVAL');
      p.progAttach('a', 'A', EG, MULTI, { expected_revision: 1 });
      t.expectErrno('EINVAL');
      p.progAttach('a', 'A', EG, MULTI, { relative_fd: p.fd('B') });
      p.progAttach('a', 'A', EG, MULTI);
    }
  });
});

describe('attachments owned by nobody (7)', () => {
  it('a loader that used BPF_PROG_ATTACH exits: the program stays, marked abandoned, and the log says so', () => {
    const t = new TestKernel();
    const init = t.spawn('init');
    init.cgroup('a', 'a');
    const loader = t.spawn('loader');
    loader.open('cg', CG('a')).loadProg('A', { type: 'cgroup_skb' }).progAttach('cg', 'A', EG, MULTI);
    expect(t.snapshot.legacy).toMatchObject([{ kind: 'cgroup', target: EV('a'), attacherPid: loader.pid, attacherComm: 'loader', abandoned: false }]);
    t.exit(loader);
    const exitLog = t.last.events.filter((e) => e.fn === 'do_exit' && /abandoned/.test(e.text));
    expect(exitLog).toHaveLength(1);
    expect(t.snapshot.legacy).toMatchObject([{ abandoned: true }]);
    t.expectProg('A').heldOnlyBy([`legacy ${EV('a')}`]);
    t.expectRan(EV('a'), ['A']);
    // found again with BPF_PROG_QUERY, opened by id, detached
    init.query('a');
    expect(t.last.attr!.prog_ids).toEqual([t.id('A')]);
    init.getFdById('A', 'prog', t.id('A')).progDetach('a', 'A').close('A');
    t.expectProg('A').freed();
    expect(t.snapshot.legacy).toEqual([]);
  });

  it('a loader that used a link exits: the link is released and the program freed; nothing is left', () => {
    const t = new TestKernel();
    const init = t.spawn('init');
    init.cgroup('a', 'a');
    const loader = t.spawn('loader');
    loader.open('cg', CG('a')).loadProg('A', { type: 'cgroup_skb' }).cgroupLink('l', 'A', 'cg');
    t.expectRan(EV('a'), ['A']);
    t.exit(loader);
    t.expectLink('l').freed();
    t.expectProg('A').freed();
    t.expectRan(EV('a'), []);
    expect(t.snapshot.legacy).toEqual([]);
    expect(t.last.events.some((e) => /abandoned/.test(e.text))).toBe(false);
  });

  it('a legacy attachment survives the exit of every process, and the fork of its attacher', () => {
    const t = new TestKernel();
    const a = t.spawn('a');
    a.cgroup('cg', 'x').loadProg('A', { type: 'cgroup_skb' }).progAttach('cg', 'A', EG, 0);
    const child = t.fork(a, 'child');
    t.exit(a);
    expect(t.snapshot.legacy).toMatchObject([{ attacherPid: a.pid, abandoned: true }]);
    t.exit(child);
    t.expectRan(EV('x'), ['A']);
    expect(t.snapshot.processes).toEqual([]);
  });
});

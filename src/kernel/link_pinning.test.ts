/**
 * The kernel selftest link_pinning (tools/testing/selftests/bpf/prog_tests/link_pinning.c),
 * replayed call by call as core.md §8 lists it. One process with fds 0-2 open; libbpf's
 * feature probes are left out, so the ids are the first of each space: map M=1, programs
 * A=1 and B=2, links L1=1 and L2=2. "in=N, sleep, out follows" is a sys_enter event: the
 * attached program runs.
 */
import { describe, expect, it } from 'vitest';
import { Errno } from './index';
import { TestKernel, type TestProcess } from './testing/driver';

const PATH = '/sys/fs/bpf/pinned_link_test';

interface State {
  /** The loader's fds from 3 up. */
  fds: Record<number, string>;
  /** Program refcnts, map refcnt/usercnt. */
  A: number;
  B: number;
  map: [number, number];
  /** The link under test: its holders, or "freed". */
  link?: { name: string; holders: string[] } | { name: string; freed: true };
  /** What a sys_enter event runs. */
  ran: string[];
}

function expectState(t: TestKernel, loader: TestProcess, s: State): void {
  loader.expectFds(s.fds);
  t.expectProg('raw_tp_prog').refcnt(s.A);
  t.expectProg('tp_btf_prog').refcnt(s.B);
  t.expectMap('map').refcnt(s.map[0]).usercnt(s.map[1]);
  if (s.link && 'freed' in s.link) t.expectLink(s.link.name).freed().detached();
  else if (s.link) t.expectLink(s.link.name).attached().refcnt(s.link.holders.length).heldOnlyBy(s.link.holders);
  t.expectRan('tracepoint:sys_enter', s.ran);
}

/** Steps 1-3: the skeleton's open-and-load. */
function load(version: string) {
  const t = new TestKernel({ version });
  const loader = t.spawn('test_progs');
  // 1. BPF_MAP_CREATE (array, 1 entry, the .bss holding in/out) → fd 3, map id M
  loader.createMap('map', { value_size: 8, attr: { map_name: 'test_lin.bss' } }).returns(3);
  t.expectMap('map').id(1).refcnt(1).usercnt(1);
  // 2. BPF_PROG_LOAD raw_tp_prog: RAW_TRACEPOINT, uses the map → fd 4, prog id A
  loader.loadProg('raw_tp_prog', { type: 'raw_tp', maps: ['map'] }).returns(4);
  t.expectProg('raw_tp_prog').id(1).refcnt(1);
  t.expectMap('map').refcnt(2).usercnt(1);
  // 3. BPF_PROG_LOAD tp_btf_prog: TRACING, BPF_TRACE_RAW_TP, attach_btf_id of btf_trace_sys_enter → fd 5, prog id B
  loader.loadProg('tp_btf_prog', { type: 'tp_btf', target: 'sys_enter', maps: ['map'] }).returns(5);
  t.expectProg('tp_btf_prog').id(2).refcnt(1);
  t.expectMap('map').refcnt(3).usercnt(1).heldOnlyBy(['test_progs fd 3', 'prog raw_tp_prog', 'prog tp_btf_prog']);
  expectState(t, loader, { fds: { 3: 'map', 4: 'raw_tp_prog', 5: 'tp_btf_prog' }, A: 1, B: 1, map: [3, 1], ran: [] });
  return { t, loader };
}

const LOADED = { 3: 'map', 4: 'raw_tp_prog', 5: 'tp_btf_prog' };

/** Steps 4-15 of one sub-test; `attach` is step 4; `id` is the link id the attach must give (0 on 5.7). */
function subtest(t: TestKernel, loader: TestProcess, prog: 'raw_tp_prog' | 'tp_btf_prog', link: string, attach: () => void, id: number) {
  const counts = (a: number, b: number) => (prog === 'raw_tp_prog' ? { A: a, B: b } : { A: b, B: a });
  const linkType = t.kernel.version === '5.7' ? 'anon_inode:bpf-link' : 'anon_inode:bpf_link';
  // 4. attach → fd 6, a raw_tracepoint link with the next link id
  attach();
  loader.returns(6);
  t.expectLink(link).id(id);
  expect(t.snapshot.links.find((l) => l.key === t.object(link).key)).toMatchObject({ type: 'BPF_LINK_TYPE_RAW_TRACEPOINT', isLink: true });
  expect(t.snapshot.files.find((f) => f.target === t.object(link).key)!.name).toBe(linkType);
  // 5. in=1, sleep: out becomes 1
  expectState(t, loader, { fds: { ...LOADED, 6: link }, ...counts(2, 1), map: [3, 1], link: { name: link, holders: ['test_progs fd 6'] }, ran: [prog] });
  // 6. pin → BPF_OBJ_PIN{bpf_fd=6, pathname}
  loader.pin(link, PATH).returns(0);
  // 7. stat() of the path
  expect(t.snapshot.bpffs).toContainEqual({ path: PATH, kind: 'pin', obj: t.object(link).key });
  // 8. in=2, sleep: out 2
  expectState(t, loader, { fds: { ...LOADED, 6: link }, ...counts(2, 1), map: [3, 1], link: { name: link, holders: ['test_progs fd 6', `pin ${PATH}`] }, ran: [prog] });
  // 9. destroy the user-space link → close(6): still attached through the pin
  loader.close(6).returns(0);
  // 10. in=3, sleep: out 3
  expectState(t, loader, { fds: LOADED, ...counts(2, 1), map: [3, 1], link: { name: link, holders: [`pin ${PATH}`] }, ran: [prog] });
  // 11. BPF_OBJ_GET{pathname} → fd 6 again (lowest free), bpf-link, the same link (same id)
  loader.objGet(link, PATH).returns(6);
  t.expectLink(link).id(id);
  expect(t.snapshot.files.find((f) => f.target === t.object(link).key)!.name).toBe('anon_inode:bpf-link');
  expectState(t, loader, { fds: { ...LOADED, 6: link }, ...counts(2, 1), map: [3, 1], link: { name: link, holders: [`pin ${PATH}`, 'test_progs fd 6'] }, ran: [prog] });
  // 12. unpin → unlink(path): the inode is destroyed, its link reference put (a deferred put in Linux)
  const mark = t.kernel.log().length;
  loader.unlink(PATH).returns(0);
  expect(t.kernel.log().slice(mark).some((e) => e.fn === 'bpf_destroy_inode' && e.kind === 'ref')).toBe(true);
  expect(t.snapshot.bpffs.map((e) => e.path)).not.toContain(PATH);
  // 13. in=4, sleep: out 4, attached through the fd
  expectState(t, loader, { fds: { ...LOADED, 6: link }, ...counts(2, 1), map: [3, 1], link: { name: link, holders: ['test_progs fd 6'] }, ran: [prog] });
  // 14. destroy → close(6): last reference, id removed, probe unregistered; the program
  // reference goes (after a grace period in Linux; at once in the model)
  loader.close(6).returns(0);
  if (id) expect(t.kernel.bpf(loader.pid, 'BPF_LINK_GET_FD_BY_ID', { link_id: id })).toBe(-Errno.ENOENT);
  // 15. in=5, 6, ...: out stays 4
  expectState(t, loader, { fds: LOADED, ...counts(1, 1), map: [3, 1], link: { name: link, freed: true }, ran: [] });
}

/** Teardown: closing fds 5, 4, 3 frees B and A, then the map with its last reference. */
function teardown(t: TestKernel, loader: TestProcess) {
  loader.close(5).returns(0);
  t.expectProg('tp_btf_prog').freed();
  t.expectMap('map').refcnt(2).usercnt(1);
  loader.close(4).returns(0);
  t.expectProg('raw_tp_prog').freed();
  t.expectMap('map').refcnt(1).usercnt(1).heldOnlyBy(['test_progs fd 3']);
  loader.close(3).returns(0);
  t.expectMap('map').freed();
  loader.expectFds({});
  expect(t.snapshot).toMatchObject({ progs: [], maps: [], links: [], attachPoints: [] });
  t.exit(loader);
  expect(t.snapshot.files).toEqual([]);
}

describe('link_pinning', () => {
  for (const version of ['6.18', '5.8']) {
    it(`${version}: both sub-tests and the teardown, call by call`, () => {
      const { t, loader } = load(version);
      // Sub-test pin_raw_tp. 4 = BPF_RAW_TRACEPOINT_OPEN{name="sys_enter", prog_fd=4}
      subtest(t, loader, 'raw_tp_prog', 'L1', () => loader.attachRawTp('L1', 4, 'sys_enter'), 1);
      // Sub-test pin_tp_btf. 4 = BPF_LINK_CREATE{prog_fd=5, target_fd=0, attach_type=BPF_TRACE_RAW_TP} in
      // current libbpf; before 5.19 that is EINVAL and libbpf retries BPF_RAW_TRACEPOINT_OPEN{name=NULL, prog_fd=5}.
      subtest(t, loader, 'tp_btf_prog', 'L2', () => {
        if (version === '5.8') loader.expectErrno('EINVAL').linkCreate('L2', 5, 'BPF_TRACE_RAW_TP').attachRawTp('L2', 5, null);
        else loader.linkCreate('L2', 5, 'BPF_TRACE_RAW_TP');
      }, 2);
      teardown(t, loader);
    });
  }

  it('6.18: the tp_btf link reports type raw_tracepoint, its id and tp_name sys_enter', () => {
    const { t, loader } = load('6.18');
    loader.attachRawTp('L1', 4, 'sys_enter').close(6);
    loader.linkCreate('L2', 5, 'BPF_TRACE_RAW_TP').returns(6);
    loader.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 6, info: {} });
    expect(t.last.attr!.info).toMatchObject({ type: 'BPF_LINK_TYPE_RAW_TRACEPOINT', id: 2, prog_id: 2, raw_tracepoint: { tp_name: 'sys_enter' } });
  });

  it('5.7: every step works, but links have no ids', () => {
    const { t, loader } = load('5.7');
    subtest(t, loader, 'raw_tp_prog', 'L1', () => loader.attachRawTp('L1', 4, 'sys_enter'), 0);
    // BPF_LINK_CREATE exists on 5.7 but only for cgroups: libbpf falls back.
    subtest(t, loader, 'tp_btf_prog', 'L2', () => loader.expectErrno('EINVAL').linkCreate('L2', 5, 'BPF_TRACE_RAW_TP').attachRawTp('L2', 5, null), 0);
    loader.attachRawTp('L3', 4, 'sys_enter');
    loader.expectErrno('EINVAL').bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 6, info: {} });
    loader.expectErrno('EINVAL').bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 1 });
    loader.close(6);
    teardown(t, loader);
  });

  it('5.6: the pin fails with EINVAL (raw tracepoint fds are not links); closing the fd detaches', () => {
    const { t, loader } = load('5.6');
    for (const [prog, name] of [['raw_tp_prog', 'L1'], ['tp_btf_prog', 'L2']] as const) {
      // 4. the attach returns a plain anon-inode fd (no BPF_LINK_CREATE on 5.6: libbpf uses
      // BPF_RAW_TRACEPOINT_OPEN, with name=NULL for tp_btf)
      if (prog === 'raw_tp_prog') loader.attachRawTp(name, 4, 'sys_enter').returns(6);
      else loader.expectErrno('EINVAL').linkCreate(name, 5, 'BPF_TRACE_RAW_TP').attachRawTp(name, 5, null).returns(6);
      expect(t.snapshot.links).toEqual([expect.objectContaining({ isLink: false, id: 0, type: 'BPF_LINK_TYPE_RAW_TRACEPOINT' })]);
      expect(t.snapshot.files.find((f) => f.target === t.object(name).key)!.name).toBe('anon_inode:bpf-raw-tracepoint');
      // 5. attached
      t.expectRan('tracepoint:sys_enter', [prog]);
      t.expectProg(prog).refcnt(2);
      // 6. BPF_OBJ_PIN → EINVAL; the selftest fails here and destroys the link: close(6)
      loader.expectErrno('EINVAL').pin(6, PATH);
      expect(t.bpffs()).toEqual([]);
      loader.close(6);
      t.expectLink(name).freed().detached();
      t.expectProg(prog).refcnt(1);
      t.expectRan('tracepoint:sys_enter', []);
    }
    teardown(t, loader);
  });
});

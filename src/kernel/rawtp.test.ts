import { describe, expect, it } from 'vitest';
import { TestKernel } from './testing/driver';

function setup(version = '6.18') {
  const t = new TestKernel({ version });
  const a = t.spawn('loader');
  a.createMap('m').loadProg('p', { type: 'raw_tp', maps: ['m'] });
  return { t, a };
}

describe('BPF_RAW_TRACEPOINT_OPEN', () => {
  it('attaches a raw_tp program: a raw_tracepoint link with an id, holding a program reference', () => {
    const { t, a } = setup();
    a.attachRawTp('l', 'p', 'sys_enter').returns(5);
    t.expectLink('l').id(1).attached().heldOnlyBy(['loader fd 5']);
    t.expectProg('p').refcnt(2).heldOnlyBy(['loader fd 4', 'link l']);
    expect(t.snapshot.links[0]).toMatchObject({ type: 'BPF_LINK_TYPE_RAW_TRACEPOINT', isLink: true, target: 'tracepoint:sys_enter' });
    t.expectRan('tracepoint:sys_enter', ['p']).expectRan('tracepoint:sys_exit', []);
  });

  it('needs no program fd afterwards: the link holds the program', () => {
    const { t, a } = setup();
    a.attachRawTp('l', 'p', 'sys_enter').close('p').close('m');
    t.expectProg('p').heldOnlyBy(['link l']);
    t.expectRan('tracepoint:sys_enter', ['p']);
  });

  it('runs the programs of one tracepoint in registration order', () => {
    const { t, a } = setup();
    a.loadProg('q', { type: 'raw_tp' }).loadProg('r', { type: 'tp_btf', target: 'sys_enter' })
      .attachRawTp('lq', 'q', 'sys_enter').attachRawTp('lp', 'p', 'sys_enter').attachRawTp('lr', 'r', null);
    t.expectRan('tracepoint:sys_enter', ['q', 'p', 'r']);
    a.close('lq').attachRawTp('lq', 'q', 'sys_enter');
    t.expectRan('tracepoint:sys_enter', ['p', 'r', 'q']);
  });

  it('counts each run in run_cnt', () => {
    const { t, a } = setup();
    a.attachRawTp('l', 'p', 'sys_enter');
    t.trigger('tracepoint:sys_enter');
    t.trigger('tracepoint:sys_enter');
    expect(t.snapshot.progs[0]!.runCnt).toBe(2);
  });

  it('attaches a tp_btf program with a NULL name to its load-time tracepoint, as a raw_tracepoint link', () => {
    const { t, a } = setup();
    a.loadProg('b', { type: 'tp_btf', target: 'sched_switch' }).attachRawTp('l', 'b', null);
    t.expectLink('l').attached();
    expect(t.snapshot.links[0]).toMatchObject({ type: 'BPF_LINK_TYPE_RAW_TRACEPOINT', target: 'tracepoint:sched_switch', attachType: 'BPF_TRACE_RAW_TP' });
    t.expectRan('tracepoint:sched_switch', ['b']);
  });

  it('allows the same program on the same tracepoint twice on 6.10+: two links', () => {
    const { t, a } = setup('6.10');
    a.attachRawTp('l1', 'p', 'sys_enter').attachRawTp('l2', 'p', 'sys_enter');
    t.expectRan('tracepoint:sys_enter', ['p', 'p']);
    t.expectProg('p').heldOnlyBy(['loader fd 4', 'link l1', 'link l2']);
    t.expectLink('l2').id(t.id('l1') + 1);
  });

  it('attaches one program to two tracepoints on any release', () => {
    for (const v of ['5.6', '5.9', '6.18']) {
      const { t, a } = setup(v);
      a.attachRawTp('l1', 'p', 'sys_enter').attachRawTp('l2', 'p', 'sys_exit');
      t.expectRan('tracepoint:sys_enter', ['p']).expectRan('tracepoint:sys_exit', ['p']);
    }
  });

  describe('the same program twice on one tracepoint before 6.10: EEXIST', () => {
    for (const v of ['5.8', '5.14', '6.9']) {
      it(`${v}: EEXIST after priming, so a link id is consumed`, () => {
        const { t, a } = setup(v);
        a.attachRawTp('l1', 'p', 'sys_enter');
        a.expectErrno('EEXIST').attachRawTp('l2', 'p', 'sys_enter');
        t.expectRan('tracepoint:sys_enter', ['p']);
        a.attachRawTp('l3', 'p', 'sys_exit').returns(6);
        t.expectLink('l3').id(t.id('l1') + 2);
      });
    }
    for (const v of ['5.6', '5.7']) {
      it(`${v}: EEXIST too (no link ids yet)`, () => {
        const { t, a } = setup(v);
        a.attachRawTp('l1', 'p', 'sys_enter');
        a.expectErrno('EEXIST').attachRawTp('l2', 'p', 'sys_enter');
        t.expectRan('tracepoint:sys_enter', ['p']);
      });
    }
    it('6.9: after the first link is gone the program can be attached there again', () => {
      const { t, a } = setup('6.9');
      a.attachRawTp('l1', 'p', 'sys_enter').close('l1').attachRawTp('l2', 'p', 'sys_enter');
      t.expectRan('tracepoint:sys_enter', ['p']);
    });
  });

  describe('errors, in the kernel\'s order', () => {
    it('1. a non-zero field the command does not read: EINVAL, before the fd is looked at', () => {
      const { a } = setup();
      a.expectErrno('EINVAL').attachRawTp('l', 'p', 'sys_enter', { flags: 1 });
      a.expectErrno('EINVAL').attachRawTp('l', 9, 'sys_enter', { target_fd: 3 });
      a.attachRawTp('l', 'p', 'sys_enter', { flags: 0, target_fd: 0 });
    });

    it('2. prog_fd not open: EBADF (before the name is looked at)', () => {
      const { a } = setup();
      for (const fd of [9, -1, 1023]) a.expectErrno('EBADF').attachRawTp('l', fd, 'sys_enter');
      a.expectErrno('EBADF').attachRawTp('l', 9, 'no_such_tp');
      a.expectErrno('EBADF').attachRawTp('l', 9, null);
    });

    it('3. prog_fd open but not a program (map, link, terminal): EINVAL', () => {
      const { a } = setup();
      a.attachRawTp('l', 'p', 'sys_enter');
      for (const fd of ['m', 'l', 0]) a.expectErrno('EINVAL').attachRawTp('x', fd, 'sys_exit');
    });

    it('4. a tracing program with a name: EINVAL', () => {
      const { a } = setup();
      a.loadProg('b', { type: 'tp_btf', target: 'sys_enter' });
      a.expectErrno('EINVAL').attachRawTp('l', 'b', 'sys_enter');
      a.expectErrno('EINVAL').attachRawTp('l', 'b', '');
    });

    it('7. a raw_tp program with a NULL name: EFAULT', () => {
      const { a } = setup();
      a.expectErrno('EFAULT').attachRawTp('l', 'p', null);
    });

    it('7b. any other program type (socket filter, kprobe, XDP): EINVAL', () => {
      const { a } = setup();
      a.loadProg('s', { type: 'socket_filter' }).loadProg('k', { type: 'kprobe' }).loadProg('x', { type: 'xdp' });
      for (const prog of ['s', 'k', 'x']) a.expectErrno('EINVAL').attachRawTp('l', prog, 'sys_enter');
    });

    it('8. an unknown or empty tracepoint name: ENOENT, before priming (no link id consumed)', () => {
      const { t, a } = setup();
      a.attachRawTp('l1', 'p', 'sys_enter');
      a.expectErrno('ENOENT').attachRawTp('l', 'p', 'no_such_tp');
      a.expectErrno('ENOENT').attachRawTp('l', 'p', '');
      a.expectErrno('ENOENT').attachRawTp('l', 'p', 'SYS_ENTER');
      a.attachRawTp('l2', 'p', 'sys_exit');
      t.expectLink('l2').id(t.id('l1') + 1);
    });
  });

  describe('cookie (6.10+)', () => {
    it('is accepted on 6.10 and reported in the link info on 6.17+', () => {
      const { t, a } = setup('6.18');
      a.attachRawTp('l', 'p', 'sys_enter', { cookie: 42 });
      a.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: a.fd('l'), info: {} });
      expect(t.last.attr!.info).toMatchObject({ raw_tracepoint: { tp_name: 'sys_enter', cookie: 42 } });
      setup('6.10').a.attachRawTp('l', 'p', 'sys_enter', { cookie: 42 });
    });

    it('before 6.10 is a byte past the last field: EINVAL (0 is fine)', () => {
      const { a } = setup('6.9');
      a.expectErrno('EINVAL').attachRawTp('l', 'p', 'sys_enter', { cookie: 1 });
      a.attachRawTp('l', 'p', 'sys_enter', { cookie: 0 });
    });
  });

  it('is not how BPF_LINK_CREATE attaches raw_tp programs: EINVAL there', () => {
    const { a } = setup();
    a.expectErrno('EINVAL').linkCreate('l', 'p', 'BPF_TRACE_RAW_TP');
  });

  it('needs no capability: another process holding an inherited program fd attaches', () => {
    const { t, a } = setup();
    const child = t.fork(a, 'child');
    child.attachRawTp('l', 'p', 'sys_enter');
    t.exit(a);
    t.expectLink('l').attached().heldOnlyBy(['child fd 5']);
  });
});

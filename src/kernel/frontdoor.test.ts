import { describe, expect, it } from 'vitest';
import { Errno, KERNEL_CALL_NAMES, uapi, type BpfAttr, type ErrnoName, type KernelCall } from './index';
import { TestKernel } from './testing/driver';

function setup(version = '6.18') {
  const t = new TestKernel({ version });
  const a = t.spawn('a');
  a.createMap('m').loadProg('p', { type: 'raw_tp', maps: ['m'] }).attachRawTp('l', 'p', 'sys_enter').pin('l', '/sys/fs/bpf/l');
  return { t, a };
}

/** Values no well-formed call contains. */
const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;
/** A label for a garbage value (String() throws for some of them). */
const label = (v: unknown): string => { try { return `${typeof v} ${String(v)}`; } catch { return typeof v; } };
const GARBAGE: unknown[] = [
  undefined, null, true, -1, -0, 1.5, NaN, Infinity, 2 ** 53, -(2 ** 40), 0xffffffff, '', 'x', '3', '/sys/fs/bpf/l',
  [], [3], [null], {}, { a: 1 }, cyclic, 5n, Symbol('s'), () => 3, Object.create(null), new Date(0),
];

describe('the bpf() front door', () => {
  it('an unknown command: EINVAL (names, numbers, anything else)', () => {
    const { a } = setup();
    for (const cmd of ['BPF_NOPE', 'bpf_prog_load', '', 999, -1, 38, 1.5]) a.expectErrno('EINVAL').bpf(cmd as string, {});
  });

  it('takes numeric commands: 0 is BPF_MAP_CREATE, 5 BPF_PROG_LOAD', () => {
    const { t, a } = setup();
    a.bpf(0 as unknown as string, { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 4, max_entries: 1 }, 'm2');
    a.bpf(5 as unknown as string, { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' }, 'p2');
    t.expectMap('m2').alive();
    t.expectProg('p2').alive();
  });

  it('an attr that cannot be read (NULL, not an object): EFAULT, checked before the command (6.18: bpf(999, NULL) is EFAULT)', () => {
    const { t, a } = setup();
    for (const attr of [null, undefined, 'x', 42, [], [1]]) {
      for (const cmd of ['BPF_PROG_LOAD', 'BPF_NOPE', 999]) {
        const before = JSON.stringify(t.snapshot);
        expect(t.kernel.apply({ call: 'bpf', pid: a.pid, cmd: cmd as string, attr: attr as unknown as BpfAttr }).ret).toBe(-Errno.EFAULT);
        expect(JSON.stringify(t.snapshot)).toBe(before);
      }
    }
    setup('5.8').a.expectErrno('EINVAL').bpf('BPF_LINK_DETACH', { link_fd: 5 });
    expect(setup('5.8').t.kernel.apply({ call: 'bpf', pid: a.pid, cmd: 'BPF_LINK_DETACH', attr: null as unknown as BpfAttr }).ret)
      .toBe(-Errno.EFAULT);
  });

  it('a dead or unknown pid: ESRCH, for every call that names a process', () => {
    const { t, a } = setup();
    const dead = t.spawn('dead');
    t.exit(dead);
    for (const pid of [dead.pid, 0, 1, 99999, -1]) {
      const calls: KernelCall[] = [
        { call: 'fork', pid }, { call: 'exit', pid }, { call: 'close', pid, fd: 3 }, { call: 'dup', pid, fd: 3 },
        { call: 'open', pid, path: '/sys/fs/bpf' }, { call: 'mkdir', pid, path: '/sys/fs/bpf/d' },
        { call: 'rmdir', pid, path: '/sys/fs/bpf/d' }, { call: 'unlink', pid, path: '/sys/fs/bpf/l' },
        { call: 'rename', pid, from: '/sys/fs/bpf/l', to: '/sys/fs/bpf/m' },
        { call: 'bpf', pid, cmd: 'BPF_PROG_GET_NEXT_ID', attr: {} },
      ];
      for (const c of calls) {
        const before = JSON.stringify(t.snapshot);
        expect([c.call, t.kernel.apply(c).ret]).toEqual([c.call, -Errno.ESRCH]);
        expect(JSON.stringify(t.snapshot)).toBe(before);
      }
    }
    t.expectLink('l').heldOnlyBy(['a fd 5', 'pin /sys/fs/bpf/l']);
    expect(a.pid).toBeGreaterThan(0);
  });

  it('a failed call appends a "return" log entry with the errno and the reason', () => {
    const { t, a } = setup();
    a.expectErrno('EBADF').close(42);
    const ret = t.last.events.at(-1)!;
    expect(ret).toMatchObject({ kind: 'return', errno: Errno.EBADF, pid: a.pid });
    expect(ret.text).toContain('EBADF');
  });
});

describe('EBADF versus EINVAL versus EBADFD for fd arguments (core.md §6.4)', () => {
  // What fd 20 (empty), 0 (a terminal), a directory, a program, a map and a link give each lookup.
  const KINDS = ['empty', 'tty', 'dir', 'prog', 'map', 'link'] as const;
  const TABLE: [string, (fd: number) => [string, BpfAttr], Record<(typeof KINDS)[number], string>][] = [
    ['program fd (BPF_RAW_TRACEPOINT_OPEN)', (fd) => ['BPF_RAW_TRACEPOINT_OPEN', { prog_fd: fd, name: 'sys_exit' }],
      { empty: 'EBADF', tty: 'EINVAL', dir: 'EINVAL', prog: 'ok', map: 'EINVAL', link: 'EINVAL' }],
    ['map fd (BPF_PROG_LOAD map_fds)', (fd) => ['BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', map_fds: [fd] }],
      { empty: 'EBADF', tty: 'EINVAL', dir: 'EINVAL', prog: 'EINVAL', map: 'ok', link: 'EINVAL' }],
    ['link fd (BPF_LINK_DETACH)', (fd) => ['BPF_LINK_DETACH', { link_fd: fd }],
      { empty: 'EBADF', tty: 'EINVAL', dir: 'EINVAL', prog: 'EINVAL', map: 'EINVAL', link: 'EOPNOTSUPP' }],
    ['link fd (BPF_LINK_UPDATE)', (fd) => ['BPF_LINK_UPDATE', { link_fd: fd, new_prog_fd: 4 }],
      { empty: 'EBADF', tty: 'EINVAL', dir: 'EINVAL', prog: 'EINVAL', map: 'EINVAL', link: 'EINVAL' }],
    ['BPF_OBJ_PIN bpf_fd', (fd) => ['BPF_OBJ_PIN', { bpf_fd: fd, pathname: '/sys/fs/bpf/new' }],
      { empty: 'EINVAL', tty: 'EINVAL', dir: 'EINVAL', prog: 'ok', map: 'ok', link: 'ok' }],
    ['BPF_OBJ_GET_INFO_BY_FD bpf_fd', (fd) => ['BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: fd, info: {} }],
      { empty: 'EBADFD', tty: 'EINVAL', dir: 'EINVAL', prog: 'ok', map: 'ok', link: 'ok' }],
  ];
  it.each(TABLE)('%s', (_what, make, expected) => {
    for (const kind of KINDS) {
      const { a } = setup();
      a.open('dir', '/sys/fs/bpf');
      const fd = { empty: 20, tty: 0, dir: a.fd('dir'), prog: 4, map: 3, link: 5 }[kind];
      const [cmd, attr] = make(fd);
      if (expected[kind] !== 'ok') a.expectErrno(expected[kind] as ErrnoName);
      a.bpf(cmd, attr);
    }
  });
});

describe('CHECK_ATTR: a field the command does not read must be zero', () => {
  const cmds: [string, BpfAttr][] = [
    ['BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 4, max_entries: 1 }],
    ['BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' }],
    ['BPF_OBJ_PIN', { bpf_fd: 4, pathname: '/sys/fs/bpf/new' }],
    ['BPF_OBJ_GET', { pathname: '/sys/fs/bpf/l' }],
    ['BPF_PROG_GET_NEXT_ID', { start_id: 0 }],
    ['BPF_LINK_GET_NEXT_ID', { start_id: 0 }],
    ['BPF_PROG_GET_FD_BY_ID', { prog_id: 1 }],
    ['BPF_MAP_GET_FD_BY_ID', { map_id: 1 }],
    ['BPF_LINK_GET_FD_BY_ID', { link_id: 1 }],
    ['BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 5, info: {} }],
    ['BPF_RAW_TRACEPOINT_OPEN', { prog_fd: 4, name: 'sys_exit' }],
  ];

  it.each(cmds)('%s: a non-zero unknown field is EINVAL, zero-valued ones are ignored', (cmd, attr) => {
    const { a } = setup();
    for (const bad of [1, 'x', [1], { x: 1 }, true]) a.expectErrno('EINVAL').bpf(cmd, { ...attr, no_such_field: bad });
    a.bpf(cmd, { ...attr, no_such_field: 0, other: '', more: null, list: [], obj: { z: 0 }, no: false });
  });

  it('fields added by later releases are "unknown" before them: cookie before 6.10, path_fd before 6.5', () => {
    setup('6.9').a.expectErrno('EINVAL').bpf('BPF_RAW_TRACEPOINT_OPEN', { prog_fd: 4, name: 'sys_exit', cookie: 5 });
    setup('6.10').a.bpf('BPF_RAW_TRACEPOINT_OPEN', { prog_fd: 4, name: 'sys_exit', cookie: 5 });
    setup('6.4').a.expectErrno('EINVAL').bpf('BPF_OBJ_GET', { pathname: '/sys/fs/bpf/l', path_fd: 3 });
  });
});

describe('no call throws, and a failed call changes nothing', () => {
  it('garbage in each field of each command, the other fields valid', () => {
    const { t, a } = setup();
    a.mkdir('/sys/fs/cgroup/cg').open('cg', '/sys/fs/cgroup/cg');
    const BASE: Record<string, BpfAttr> = {
      BPF_MAP_CREATE: { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 4, max_entries: 1, map_flags: 0, map_name: 'x' },
      BPF_PROG_LOAD: { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_FENTRY', attach_func_name: 'do_unlinkat', prog_name: 'x', license: 'GPL', prog_flags: 0, map_fds: [3], fd_array: [] },
      BPF_OBJ_PIN: { bpf_fd: 5, pathname: '/sys/fs/bpf/new', file_flags: 0, path_fd: 0 },
      BPF_OBJ_GET: { bpf_fd: 0, pathname: '/sys/fs/bpf/l', file_flags: 0, path_fd: 0 },
      BPF_PROG_GET_NEXT_ID: { start_id: 0, next_id: 0 },
      BPF_MAP_GET_NEXT_ID: { start_id: 0 },
      BPF_LINK_GET_NEXT_ID: { start_id: 0 },
      BPF_PROG_GET_FD_BY_ID: { prog_id: 1 },
      BPF_MAP_GET_FD_BY_ID: { map_id: 1, open_flags: 0 },
      BPF_LINK_GET_FD_BY_ID: { link_id: 1 },
      BPF_OBJ_GET_INFO_BY_FD: { bpf_fd: 5, info_len: 64, info: {} },
      BPF_RAW_TRACEPOINT_OPEN: { prog_fd: 4, name: 'sys_exit', cookie: 0 },
      BPF_LINK_CREATE: { prog_fd: 4, target_fd: a.fd('cg'), attach_type: 'BPF_TRACE_RAW_TP', flags: 0, target_btf_id: 0, tracing: { cookie: 0 } },
      BPF_LINK_UPDATE: { link_fd: 5, new_prog_fd: 4, flags: 0, old_prog_fd: 0 },
      BPF_LINK_DETACH: { link_fd: 5 },
      BPF_PROG_ATTACH: { target_fd: a.fd('cg'), attach_bpf_fd: 4, attach_type: 'BPF_CGROUP_INET_EGRESS', attach_flags: 0 },
      BPF_PROG_DETACH: { target_fd: a.fd('cg'), attach_bpf_fd: 4, attach_type: 'BPF_CGROUP_INET_EGRESS' },
      BPF_PROG_QUERY: { target_fd: a.fd('cg'), attach_type: 'BPF_CGROUP_INET_EGRESS', query_flags: 0, prog_cnt: 4 },
    };
    let before = JSON.stringify(t.snapshot);
    let calls = 0;
    for (const cmd of uapi.BPF_CMD) {
      const base = BASE[cmd] ?? {};
      for (const field of [...Object.keys(base), 'no_such_field']) {
        for (const v of GARBAGE) {
          const what = `${cmd} ${field}=${label(v)}`;
          let ret = 0;
          expect(() => { ret = t.kernel.apply({ call: 'bpf', pid: a.pid, cmd, attr: { ...base, [field]: v } }).ret; }, what).not.toThrow();
          const after = JSON.stringify(t.snapshot);
          if (ret < 0) expect(after, what).toBe(before);
          before = after;
          calls++;
        }
      }
    }
    expect(calls).toBeGreaterThan(2000);
  });

  it('garbage in every argument of every call', () => {
    const { t, a } = setup();
    const shapes: ((v: unknown) => Record<string, unknown>)[] = [
      (v) => ({ call: v }), (v) => ({ call: 'spawn', comm: v }), (v) => ({ call: 'fork', pid: v }), (v) => ({ call: 'exit', pid: v }),
      (v) => ({ call: 'close', pid: a.pid, fd: v }), (v) => ({ call: 'close', pid: v, fd: 3 }), (v) => ({ call: 'dup', pid: a.pid, fd: v }),
      (v) => ({ call: 'open', pid: a.pid, path: v }), (v) => ({ call: 'mkdir', pid: a.pid, path: v }),
      (v) => ({ call: 'rmdir', pid: a.pid, path: v }), (v) => ({ call: 'unlink', pid: a.pid, path: v }),
      (v) => ({ call: 'rename', pid: a.pid, from: v, to: '/sys/fs/bpf/x' }), (v) => ({ call: 'rename', pid: a.pid, from: '/sys/fs/bpf/l', to: v }),
      (v) => ({ call: 'bpf', pid: a.pid, cmd: v, attr: {} }), (v) => ({ call: 'bpf', pid: a.pid, cmd: 'BPF_OBJ_GET_INFO_BY_FD', attr: v }),
      (v) => ({ call: 'trigger', event: v }),
      ...KERNEL_CALL_NAMES.map((name) => (v: unknown) => ({ call: name, pid: v, fd: v, path: v, comm: v, event: v, cmd: v, attr: v, ifindex: v, prog_fd: v, name: v, peer: v })),
    ];
    for (const shape of shapes) {
      for (const v of GARBAGE) {
        const call = shape(v);
        const before = JSON.stringify(t.snapshot);
        let ret = 0;
        expect(() => { ret = t.kernel.apply(call as unknown as KernelCall).ret; }, `${label(call.call)} with ${label(v)}`).not.toThrow();
        if (ret < 0) expect(JSON.stringify(t.snapshot), `${label(call.call)} with ${label(v)}`).toBe(before);
      }
    }
    for (const call of [null, undefined, 42, 'spawn', [], {}])
      expect(t.kernel.apply(call as unknown as KernelCall).ret).toBe(-Errno.EINVAL);
  });

  it('strings for fds: EINVAL (the attr cannot be encoded), not a lookup of fd 3', () => {
    const { a } = setup();
    a.expectErrno('EINVAL').bpf('BPF_RAW_TRACEPOINT_OPEN', { prog_fd: '4', name: 'sys_exit' });
    a.expectErrno('EINVAL').bpf('BPF_OBJ_PIN', { bpf_fd: '5', pathname: '/sys/fs/bpf/q' });
    a.expectErrno('EINVAL').bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: '5', info: {} });
    expect(a.t.kernel.apply({ call: 'close', pid: a.pid, fd: '3' as unknown as number }).ret).toBe(-Errno.EBADF);
  });

  it('a frozen attr whose out-parameters cannot be written: EFAULT, as copy_to_user fails', () => {
    const { t, a } = setup();
    a.expectErrno('EFAULT').bpf('BPF_PROG_GET_NEXT_ID', Object.freeze({ start_id: 0 }));
    a.expectErrno('EFAULT').bpf('BPF_OBJ_GET_INFO_BY_FD', Object.freeze({ bpf_fd: 5, info: {} }));
    a.expectErrno('ENOENT').bpf('BPF_PROG_GET_NEXT_ID', Object.freeze({ start_id: 100 }));
    a.bpf('BPF_RAW_TRACEPOINT_OPEN', Object.freeze({ prog_fd: 4, name: 'sys_exit' }), 'l2');
    t.expectLink('l2').attached();
  });

  it('spawn needs a name; trigger an event the model knows', () => {
    const t = new TestKernel();
    for (const comm of ['', 42, null]) expect(t.kernel.apply({ call: 'spawn', comm: comm as string }).ret).toBe(-Errno.EINVAL);
    expect(t.kernel.apply({ call: 'trigger', event: 'tracepoint:nope' }).ret).toBe(-Errno.ENOENT);
    expect(t.kernel.apply({ call: 'function:nope' } as unknown as KernelCall).ret).toBe(-Errno.EINVAL);
    expect(t.kernel.apply({ call: 'trigger', event: 'function:nope' }).ret).toBe(-Errno.ENOENT);
    expect(t.kernel.apply({ call: 'trigger', event: 'bogus:x' }).ret).toBe(-Errno.EINVAL);
    expect(t.kernel.apply({ call: 'trigger', event: 'tracepoint:sys_enter' })).toMatchObject({ ret: 0, ran: [] });
  });
});

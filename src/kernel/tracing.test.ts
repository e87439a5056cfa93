import { describe, expect, it } from 'vitest';
import { KERNEL_FUNCS } from './index';
import { TestKernel } from './testing/driver';

function setup(version = '6.18') {
  const t = new TestKernel({ version });
  return { t, a: t.spawn('loader') };
}

const info = (t: TestKernel) => t.last.attr!.info as Record<string, unknown>;

describe('tracing links (fentry, fexit, fmod_ret, lsm)', () => {
  it('attaches through BPF_RAW_TRACEPOINT_OPEN with a NULL name: a tracing link on the trampoline', () => {
    const { t, a } = setup();
    a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' }).attachRawTp('l', 'fe', null).returns(4);
    t.expectLink('l').id(1).attached().heldOnlyBy(['loader fd 4']);
    t.expectProg('fe').heldOnlyBy(['loader fd 3', 'link l']);
    expect(t.snapshot.links[0]).toMatchObject({ type: 'BPF_LINK_TYPE_TRACING', attachType: 'BPF_TRACE_FENTRY', target: 'function:do_unlinkat' });
    t.expectRan('function:do_unlinkat', ['fe']).expectRan('function:vfs_read', []);
  });

  it('attaches through BPF_LINK_CREATE on 5.19+, with attach_type equal to expected_attach_type', () => {
    const { t, a } = setup('5.19');
    a.loadProg('fx', { type: 'fexit', target: 'do_unlinkat' });
    a.expectErrno('EINVAL').linkCreate('l', 'fx', 'BPF_TRACE_FENTRY');
    a.linkCreate('l', 'fx', 'BPF_TRACE_FEXIT');
    t.expectLink('l').attached();
  });

  it('is refused by BPF_LINK_CREATE before 5.19 (libbpf falls back to BPF_RAW_TRACEPOINT_OPEN)', () => {
    for (const v of ['5.8', '5.18']) {
      const { a } = setup(v);
      a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' }).loadProg('tp', { type: 'tp_btf', target: 'sys_enter' });
      a.expectErrno('EINVAL').linkCreate('l', 'fe', 'BPF_TRACE_FENTRY');
      a.expectErrno('EINVAL').linkCreate('l', 'tp', 'BPF_TRACE_RAW_TP');
      a.attachRawTp('l', 'fe', null).attachRawTp('l2', 'tp', null);
    }
  });

  it('runs fentry, then fmod_ret, then fexit, each newest first (hlist_add_head on the trampoline lists)', () => {
    const { t, a } = setup();
    for (const [p, type] of [['x1', 'fexit'], ['r1', 'fmod_ret'], ['e1', 'fentry'], ['e2', 'fentry'], ['x2', 'fexit'], ['r2', 'fmod_ret']])
      a.loadProg(p!, { type: type!, target: '__x64_sys_openat' });
    for (const p of ['x1', 'r1', 'e2', 'e1', 'x2', 'r2']) a.attachRawTp(`l_${p}`, p, null);
    t.expectRan('function:__x64_sys_openat', ['e1', 'e2', 'r2', 'r1', 'x2', 'x1']);
    a.close('l_e1').attachRawTp('l_e1', 'e1', null);
    t.expectRan('function:__x64_sys_openat', ['e1', 'e2', 'r2', 'r1', 'x2', 'x1']);
    a.close('l_e2').attachRawTp('l_e2', 'e2', null);
    t.expectRan('function:__x64_sys_openat', ['e2', 'e1', 'r2', 'r1', 'x2', 'x1']);
    expect(t.snapshot.attachPoints.find((p) => p.key === 'function:__x64_sys_openat')!.links.map((k) => t.nameOf(k)))
      .toEqual(['l_e2', 'l_e1', 'l_r2', 'l_r1', 'l_x2', 'l_x1']);
  });

  it('attaches an LSM program to its bpf_lsm_ hook', () => {
    const { t, a } = setup();
    a.loadProg('lsm', { type: 'lsm', target: 'file_open' }).attachRawTp('l', 'lsm', null);
    t.expectRan('function:bpf_lsm_file_open', ['lsm']);
  });

  describe('the same program twice while its first link exists: EBUSY', () => {
    for (const v of ['5.8', '5.13', '6.18']) {
      it(`${v}: after priming, so a link id is consumed`, () => {
        const { t, a } = setup(v);
        a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' }).attachRawTp('l1', 'fe', null);
        a.expectErrno('EBUSY').attachRawTp('l2', 'fe', null);
        t.expectRan('function:do_unlinkat', ['fe']);
        a.loadProg('fe2', { type: 'fentry', target: 'do_unlinkat' }).attachRawTp('l3', 'fe2', null);
        t.expectLink('l3').id(t.id('l1') + 2);
      });
    }
    it('5.19+: through BPF_LINK_CREATE too', () => {
      const { a } = setup();
      a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' }).linkCreate('l1', 'fe', 'BPF_TRACE_FENTRY');
      a.expectErrno('EBUSY').linkCreate('l2', 'fe', 'BPF_TRACE_FENTRY');
      a.expectErrno('EBUSY').attachRawTp('l2', 'fe', null);
    });
  });

  describe('re-attach after the first link is freed', () => {
    it('5.13+: works, to the load-time target', () => {
      const { t, a } = setup('5.13');
      a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' }).attachRawTp('l1', 'fe', null).close('l1');
      t.expectRan('function:do_unlinkat', []);
      a.attachRawTp('l2', 'fe', null);
      t.expectRan('function:do_unlinkat', ['fe']);
    });

    it('5.10 to 5.12: ENOENT, the load-time target was cleared by the first attach (no id consumed)', () => {
      const { t, a } = setup('5.12');
      a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' }).attachRawTp('l1', 'fe', null).close('l1');
      a.expectErrno('ENOENT').attachRawTp('l2', 'fe', null);
      a.loadProg('fe2', { type: 'fentry', target: 'do_unlinkat' }).attachRawTp('l3', 'fe2', null);
      t.expectLink('l3').id(t.id('l1') + 1);
    });
  });

  it('at most 38 programs on one trampoline: E2BIG, checked before EBUSY', () => {
    const { t, a } = setup();
    for (let i = 0; i < 38; i++) a.loadProg(`p${i}`, { type: 'fentry', target: 'do_unlinkat' }).attachRawTp(`l${i}`, `p${i}`, null);
    a.loadProg('x', { type: 'fexit', target: 'do_unlinkat' });
    a.expectErrno('E2BIG').attachRawTp('lx', 'x', null);
    // __bpf_trampoline_link_prog counts the trampoline's links before looking for the program.
    a.expectErrno('E2BIG').attachRawTp('l0b', 'p0', null);
    a.close('l37').attachRawTp('lx', 'x', null);
    expect(t.trigger('function:do_unlinkat')).toHaveLength(38);
  });

  describe('errors', () => {
    it('target_fd without target_btf_id, or the reverse: EINVAL; both for a non-EXT program: EINVAL', () => {
      const { a } = setup();
      a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' });
      a.expectErrno('EINVAL').linkCreate('l', 'fe', 'BPF_TRACE_FENTRY', { target_fd: 3 });
      a.expectErrno('EINVAL').linkCreate('l', 'fe', 'BPF_TRACE_FENTRY', { target_btf_id: KERNEL_FUNCS.do_unlinkat!.btfId });
      a.expectErrno('EINVAL').linkCreate('l', 'fe', 'BPF_TRACE_FENTRY', { target_fd: 3, target_btf_id: 5 });
    });

    it('BPF_LINK_CREATE prog_fd not open: EBADF; not a program: EINVAL', () => {
      const { a } = setup();
      a.createMap('m');
      a.expectErrno('EBADF').linkCreate('l', 7, 'BPF_TRACE_FENTRY');
      a.expectErrno('EINVAL').linkCreate('l', 'm', 'BPF_TRACE_FENTRY');
    });

    it('an attach type of another program type: EINVAL', () => {
      const { a } = setup();
      a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' });
      a.expectErrno('EINVAL').linkCreate('l', 'fe', 'BPF_LSM_MAC');
      a.expectErrno('EINVAL').linkCreate('l', 'fe', 'BPF_CGROUP_INET_EGRESS');
    });
  });

  describe('tp_btf through BPF_LINK_CREATE', () => {
    it('makes a raw_tracepoint link; target_fd and flags are not checked', () => {
      const { t, a } = setup();
      a.loadProg('b', { type: 'tp_btf', target: 'sys_enter' }).linkCreate('l', 'b', 'BPF_TRACE_RAW_TP', { target_fd: 99, flags: 4 });
      expect(t.snapshot.links[0]).toMatchObject({ type: 'BPF_LINK_TYPE_RAW_TRACEPOINT', target: 'tracepoint:sys_enter' });
      t.expectRan('tracepoint:sys_enter', ['b']);
    });

    it('allows many links per tp_btf program on 6.10+', () => {
      const { t, a } = setup();
      a.loadProg('b', { type: 'tp_btf', target: 'sys_enter' }).linkCreate('l1', 'b', 'BPF_TRACE_RAW_TP').attachRawTp('l2', 'b', null);
      t.expectRan('tracepoint:sys_enter', ['b', 'b']);
    });
  });

  describe('link info', () => {
    it('reports attach_type, the vmlinux BTF object id and the target BTF id', () => {
      const { t, a } = setup();
      a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' }).attachRawTp('l', 'fe', null);
      a.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: a.fd('l'), info: {} });
      expect(info(t)).toEqual({
        type: 'BPF_LINK_TYPE_TRACING', id: t.id('l'), prog_id: t.id('fe'),
        tracing: { attach_type: 'BPF_TRACE_FENTRY', target_obj_id: 1, target_btf_id: KERNEL_FUNCS.do_unlinkat!.btfId, cookie: 0 },
      });
    });

    it('reports the BPF_LINK_CREATE tracing.cookie (6.17+)', () => {
      const { t, a } = setup();
      a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' }).linkCreate('l', 'fe', 'BPF_TRACE_FENTRY', { tracing: { cookie: 7 } });
      a.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: a.fd('l'), info: {} });
      expect(info(t).tracing).toMatchObject({ cookie: 7 });
    });

    it('BPF_RAW_TRACEPOINT_OPEN passes no cookie to a tracing attach: bpf_tracing_prog_attach(prog, 0, 0, 0)', () => {
      const { t, a } = setup();
      a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' }).attachRawTp('l', 'fe', null, { cookie: 7 });
      a.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: a.fd('l'), info: {} });
      expect(info(t).tracing).toMatchObject({ cookie: 0 });
    });
  });

  it('5.6: the attachment is a plain fd (bpf-tracing-prog): close detaches, no id', () => {
    const { t, a } = setup('5.6');
    a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' }).attachRawTp('l', 'fe', null);
    expect(t.snapshot.links[0]).toMatchObject({ isLink: false, id: 0 });
    expect(t.snapshot.files.find((f) => f.target === t.object('l').key)!.name).toBe('anon_inode:bpf-tracing-prog');
    t.expectRan('function:do_unlinkat', ['fe']);
    a.close('l');
    t.expectLink('l').freed();
    t.expectRan('function:do_unlinkat', []);
    t.expectProg('fe').heldOnlyBy(['loader fd 3']);
  });
});

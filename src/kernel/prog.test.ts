import { describe, expect, it } from 'vitest';
import { TestKernel } from './testing/driver';

function setup(version = '6.18') {
  const t = new TestKernel({ version });
  return { t, a: t.spawn('loader') };
}

describe('BPF_PROG_LOAD', () => {
  it('creates a program with refcnt 1, owned by its new fd, and id 1', () => {
    const { t, a } = setup();
    a.loadProg('p', { type: 'raw_tp' }).returns(3);
    t.expectProg('p').id(1).refcnt(1).heldOnlyBy(['loader fd 3']);
    expect(t.snapshot.progs[0]).toMatchObject({ type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', name: 'p', maps: [] });
  });

  it('holds each map it uses once, with refcnt only', () => {
    const { t, a } = setup();
    a.createMap('m1').createMap('m2').loadProg('p', { type: 'raw_tp', maps: ['m1', 'm2', 'm1'] });
    t.expectMap('m1').refcnt(2).usercnt(1).heldOnlyBy(['loader fd 3', 'prog p']);
    t.expectMap('m2').refcnt(2).usercnt(1).heldOnlyBy(['loader fd 4', 'prog p']);
    a.loadProg('q', { type: 'raw_tp', maps: ['m1'] });
    t.expectMap('m1').refcnt(3).heldOnlyBy(['loader fd 3', 'prog p', 'prog q']);
  });

  it('drops its map references when the program is freed', () => {
    const { t, a } = setup();
    a.createMap('m').loadProg('p', { type: 'raw_tp', maps: ['m'] }).close('p');
    t.expectProg('p').freed();
    t.expectMap('m').refcnt(1).heldOnlyBy(['loader fd 3']);
  });

  it('ignores the expected_attach_type of a raw tracepoint program', () => {
    const { t, a } = setup();
    a.loadProg('p', { type: 'raw_tp', attr: { expected_attach_type: 'BPF_TRACE_FENTRY' } });
    t.expectProg('p').alive();
  });

  it('loads tp_btf, fentry, fexit, fmod_ret and lsm programs against their BTF target', () => {
    const { t, a } = setup();
    a.loadProg('tp', { type: 'tp_btf', target: 'sys_enter' })
      .loadProg('fe', { type: 'fentry', target: 'do_unlinkat' })
      .loadProg('fx', { type: 'fexit', target: 'do_unlinkat' })
      .loadProg('fr', { type: 'fmod_ret', target: 'security_file_open' })
      .loadProg('lsm', { type: 'lsm', target: 'file_open' });
    expect(t.snapshot.progs.map((p) => [p.name, p.type, p.expectedAttachType, p.attachTarget])).toEqual([
      ['tp', 'BPF_PROG_TYPE_TRACING', 'BPF_TRACE_RAW_TP', 'sys_enter'],
      ['fe', 'BPF_PROG_TYPE_TRACING', 'BPF_TRACE_FENTRY', 'do_unlinkat'],
      ['fx', 'BPF_PROG_TYPE_TRACING', 'BPF_TRACE_FEXIT', 'do_unlinkat'],
      ['fr', 'BPF_PROG_TYPE_TRACING', 'BPF_MODIFY_RETURN', 'security_file_open'],
      ['lsm', 'BPF_PROG_TYPE_LSM', 'BPF_LSM_MAC', 'bpf_lsm_file_open'],
    ]);
  });

  it('accepts numbers for enums: prog_type 17 is RAW_TRACEPOINT', () => {
    const { t, a } = setup();
    a.bpf('BPF_PROG_LOAD', { prog_type: 17 }, 'p');
    expect(t.snapshot.progs[0]!.type).toBe('BPF_PROG_TYPE_RAW_TRACEPOINT');
  });

  describe('errors', () => {
    it('unknown prog type, including 0 and missing: EINVAL', () => {
      const { a } = setup();
      for (const prog_type of [0, 999, 'BPF_PROG_TYPE_NOPE', undefined])
        a.expectErrno('EINVAL').bpf('BPF_PROG_LOAD', { prog_type });
    });

    it('a program type newer than the release: EINVAL (LSM on 5.6)', () => {
      const { a } = setup('5.6');
      a.expectErrno('EINVAL').loadProg('p', { type: 'lsm', target: 'file_open' });
      const b = setup('5.7').a;
      b.loadProg('p', { type: 'lsm', target: 'file_open' });
    });

    it('unknown prog_flags bit: EINVAL', () => {
      const { a } = setup();
      a.expectErrno('EINVAL').loadProg('p', { type: 'raw_tp', attr: { prog_flags: 1 << 20 } });
    });

    it('prog_name longer than 15 characters or with other characters than [A-Za-z0-9_.]: EINVAL', () => {
      const { a } = setup();
      a.loadProg('p', { type: 'raw_tp', attr: { prog_name: 'a23456789012345' } });
      a.expectErrno('EINVAL').loadProg('q', { type: 'raw_tp', attr: { prog_name: 'a234567890123456' } });
      for (const prog_name of ['a-b', 'a b', 'é', 'x/y'])
        a.expectErrno('EINVAL').loadProg('q', { type: 'raw_tp', attr: { prog_name } });
      a.loadProg('r', { type: 'raw_tp', attr: { prog_name: 'a.b_C9' } });
    });

    it('a BTF target for a raw tracepoint program: EINVAL', () => {
      const { a } = setup();
      a.expectErrno('EINVAL').loadProg('p', { type: 'raw_tp', target: 'sys_enter' });
    });

    it('a tracing program without a target, or with an expected_attach_type that is not a tracing kind: EINVAL', () => {
      const { a } = setup();
      a.expectErrno('EINVAL').loadProg('p', { type: 'tp_btf' });
      a.expectErrno('EINVAL').loadProg('p', { type: 'BPF_PROG_TYPE_TRACING', target: 'sys_enter' });
      a.expectErrno('EINVAL').loadProg('p', { type: 'BPF_PROG_TYPE_TRACING', target: 'sys_enter', attr: { expected_attach_type: 'BPF_CGROUP_INET_EGRESS' } });
    });

    it('a target that is not in vmlinux BTF: EINVAL', () => {
      const { a } = setup();
      a.expectErrno('EINVAL').loadProg('p', { type: 'tp_btf', target: 'no_such_tp' });
      a.expectErrno('EINVAL').loadProg('p', { type: 'fentry', target: 'no_such_func' });
      a.expectErrno('EINVAL').loadProg('p', { type: 'tp_btf', target: 'do_unlinkat' });
    });

    it('fmod_ret on a function that is not on the error-injection list: EINVAL', () => {
      const { a } = setup();
      a.expectErrno('EINVAL').loadProg('p', { type: 'fmod_ret', target: 'do_unlinkat' });
      a.loadProg('p', { type: 'fmod_ret', target: '__x64_sys_openat' });
    });

    it('an LSM program without a GPL-compatible license: EINVAL', () => {
      const { a } = setup();
      a.expectErrno('EINVAL').loadProg('p', { type: 'lsm', target: 'file_open', attr: { license: 'Proprietary' } });
      a.loadProg('p', { type: 'lsm', target: 'file_open', attr: { license: 'Dual BSD/GPL' } });
    });

    it('a map fd that is not open: EBADF; open but not a map: EINVAL', () => {
      const { a } = setup();
      a.loadProg('p', { type: 'raw_tp' });
      a.expectErrno('EBADF').loadProg('q', { type: 'raw_tp', maps: [7] });
      a.expectErrno('EINVAL').loadProg('q', { type: 'raw_tp', maps: ['p'] });
      a.expectErrno('EINVAL').loadProg('q', { type: 'raw_tp', maps: [0] });
    });

    it('more than 64 distinct maps: E2BIG; 64 is fine', () => {
      const { a } = setup();
      const names = Array.from({ length: 65 }, (_, i) => `m${i}`);
      for (const n of names) a.createMap(n);
      a.loadProg('p', { type: 'raw_tp', maps: names.slice(0, 64) });
      a.expectErrno('E2BIG').loadProg('q', { type: 'raw_tp', maps: names });
    });

    it('a failed load consumes no program id', () => {
      const { t, a } = setup();
      a.loadProg('p', { type: 'raw_tp' });
      a.expectErrno('EINVAL').loadProg('q', { type: 'raw_tp', target: 'sys_enter' });
      a.loadProg('q', { type: 'raw_tp' });
      t.expectProg('q').id(t.id('p') + 1);
    });

    it('a load that fails for want of an fd (EMFILE) consumes a program id, as the id is allocated first', () => {
      // bpf_prog_load: bpf_prog_alloc_id, then bpf_prog_new_fd; on failure bpf_prog_put.
      // Tested on 6.18: ids N, (EMFILE), N+2.
      const { t, a } = setup();
      a.loadProg('p', { type: 'raw_tp' });
      for (let fd = 4; fd < 1023; fd++) t.kernel.dup(a.pid, 0);
      a.dup('d1023', 0);
      a.expectErrno('EMFILE').loadProg('q', { type: 'raw_tp' });
      a.close('d1023').loadProg('q', { type: 'raw_tp' });
      t.expectProg('q').id(t.id('p') + 2);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { TRACEPOINTS } from './index';
import { TestKernel, type FdRef, type TestProcess } from './testing/driver';

function setup(version = '6.18') {
  const t = new TestKernel({ version });
  const a = t.spawn('a');
  a.createMap('m', { attr: { map_name: 'bss' } }).loadProg('raw_tp_prog', { type: 'raw_tp', maps: ['m'] })
    .attachRawTp('l', 'raw_tp_prog', 'sys_enter');
  return { t, a };
}

/** BPF_OBJ_GET_INFO_BY_FD; returns the attr after the call. */
function info(a: TestProcess, fd: FdRef, extra: Record<string, unknown> = {}): Record<string, unknown> {
  a.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: a.fd(fd), info: {}, ...extra });
  return a.t.last.attr!;
}

describe('BPF_OBJ_GET_INFO_BY_FD', () => {
  it('link: type, id, prog_id and the raw_tracepoint member; info_len 64', () => {
    const { t, a } = setup();
    const r = info(a, 'l');
    expect(r.info_len).toBe(64);
    expect(r.info).toEqual({
      type: 'BPF_LINK_TYPE_RAW_TRACEPOINT', id: t.id('l'), prog_id: t.id('raw_tp_prog'),
      raw_tracepoint: { tp_name: 'sys_enter', tp_name_len: 10, cookie: 0 },
    });
  });

  it('tp_btf link: a raw_tracepoint link named after the program\'s tracepoint', () => {
    const { t, a } = setup();
    a.loadProg('b', { type: 'tp_btf', target: 'sys_enter' }).linkCreate('lb', 'b', 'BPF_TRACE_RAW_TP');
    expect(info(a, 'lb').info).toMatchObject({ type: 'BPF_LINK_TYPE_RAW_TRACEPOINT', id: t.id('lb'), prog_id: t.id('b'), raw_tracepoint: { tp_name: 'sys_enter' } });
  });

  it('link on 6.16: no cookie in the raw_tracepoint member yet', () => {
    const { a } = setup('6.16');
    expect((info(a, 'l').info as { raw_tracepoint: object }).raw_tracepoint).toEqual({ tp_name: 'sys_enter', tp_name_len: 10 });
  });

  it('program: type, id, name, the maps it uses, run_cnt; info_len 232', () => {
    const { t, a } = setup();
    t.trigger('tracepoint:sys_enter');
    t.trigger('tracepoint:sys_enter');
    const r = info(a, 'raw_tp_prog');
    expect(r.info_len).toBe(232);
    expect(r.info).toMatchObject({
      type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', id: t.id('raw_tp_prog'), name: 'raw_tp_prog', nr_map_ids: 1,
      map_ids: [t.id('m')], run_cnt: 2, gpl_compatible: 1, attach_btf_id: 0, attach_btf_obj_id: 0,
    });
    expect((r.info as { run_time_ns: number }).run_time_ns).toBeGreaterThan(0);
    expect((r.info as { tag: string }).tag).toMatch(/^[0-9a-f]{16}$/);
  });

  it('tp_btf program: its BTF target in vmlinux BTF (object 1)', () => {
    const { a } = setup();
    a.loadProg('b', { type: 'tp_btf', target: 'sys_enter' });
    expect(info(a, 'b').info).toMatchObject({ type: 'BPF_PROG_TYPE_TRACING', attach_btf_obj_id: 1, attach_btf_id: TRACEPOINTS.sys_enter!.btfId });
  });

  it('map: type, id, sizes, name; info_len 104', () => {
    const { t, a } = setup();
    const r = info(a, 'm');
    expect(r.info_len).toBe(104);
    expect(r.info).toMatchObject({ type: 'BPF_MAP_TYPE_ARRAY', id: t.id('m'), key_size: 4, value_size: 8, max_entries: 1, map_flags: 0, name: 'bss' });
  });

  it('takes no reference: the kernel state is the same after it', () => {
    const { t, a } = setup();
    const before = JSON.stringify(t.snapshot);
    info(a, 'l');
    info(a, 'raw_tp_prog');
    info(a, 'm');
    expect(JSON.stringify(t.snapshot)).toBe(before);
  });

  describe('info_len', () => {
    it('copies min(info_len, sizeof struct) and writes that length back', () => {
      const { t, a } = setup();
      expect(info(a, 'l', { info_len: 4 })).toMatchObject({ info_len: 4, info: { type: 'BPF_LINK_TYPE_RAW_TRACEPOINT' } });
      expect(Object.keys(info(a, 'l', { info_len: 4 }).info as object)).toEqual(['type']);
      expect(info(a, 'l', { info_len: 8 }).info).toEqual({ type: 'BPF_LINK_TYPE_RAW_TRACEPOINT', id: t.id('l') });
      expect(info(a, 'l', { info_len: 12 }).info).toEqual({ type: 'BPF_LINK_TYPE_RAW_TRACEPOINT', id: t.id('l'), prog_id: t.id('raw_tp_prog') });
      expect(info(a, 'l', { info_len: 4096 }).info_len).toBe(64);
      expect(info(a, 'm', { info_len: 8 }).info).toEqual({ type: 'BPF_MAP_TYPE_ARRAY', id: t.id('m') });
      expect(Object.keys(info(a, 'raw_tp_prog', { info_len: 56 }).info as object))
        .toEqual(['type', 'id', 'tag', 'jited_prog_len', 'xlated_prog_len', 'load_time', 'created_by_uid', 'nr_map_ids']);
    });

    it('0: success with nothing copied', () => {
      const { a } = setup();
      expect(info(a, 'l', { info_len: 0 })).toMatchObject({ info_len: 0, info: {} });
    });

    it('more than a page: E2BIG', () => {
      const { a } = setup();
      a.expectErrno('E2BIG').bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: a.fd('l'), info_len: 4097, info: {} });
    });
  });

  describe('errors', () => {
    it('an empty fd slot: EBADFD (77), not EBADF', () => {
      const { a } = setup();
      for (const bpf_fd of [9, 1023, -1]) a.expectErrno('EBADFD').bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd, info: {} });
    });

    it('an open file that is not a BPF object (terminal, directory): EINVAL', () => {
      const { a } = setup();
      a.open('dir', '/sys/fs/bpf');
      for (const fd of [0, a.fd('dir')]) a.expectErrno('EINVAL').bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: fd, info: {} });
    });

    it('a field after info: EINVAL', () => {
      const { a } = setup();
      a.expectErrno('EINVAL').bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: a.fd('l'), info: {}, flags: 1 });
    });

    it('link info does not exist before 5.8: EINVAL on 5.7 (program and map info work)', () => {
      const { a } = setup('5.7');
      a.expectErrno('EINVAL').bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: a.fd('l'), info: {} });
      info(a, 'raw_tp_prog');
      info(a, 'm');
    });

    it('5.6: a raw tracepoint attachment fd is not a BPF object: EINVAL', () => {
      const { a } = setup('5.6');
      a.expectErrno('EINVAL').bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: a.fd('l'), info: {} });
    });
  });
});

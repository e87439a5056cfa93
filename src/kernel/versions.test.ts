import { describe, expect, it } from 'vitest';
import { createKernel, parseVersion, type ErrnoName } from './index';
import { TestKernel } from './testing/driver';

const ALL = [...Array.from({ length: 14 }, (_, i) => `5.${i + 6}`), ...Array.from({ length: 19 }, (_, i) => `6.${i}`)];
const num = (v: string) => parseVersion(v)!;

function setup(version: string) {
  const t = new TestKernel({ version });
  const a = t.spawn('a');
  a.createMap('m').loadProg('p', { type: 'raw_tp', maps: ['m'] }).loadProg('b', { type: 'tp_btf', target: 'sys_enter' })
    .attachRawTp('l', 'p', 'sys_enter');
  return { t, a };
}

describe('releases', () => {
  it('accepts every release from 5.6 to 6.18 and nothing else; 6.18 is the default', () => {
    expect(ALL).toHaveLength(33);
    for (const v of ALL) expect(createKernel({ version: v }).version).toBe(v);
    expect(createKernel().version).toBe('6.18');
    for (const v of ['5.5', '6.19', '4.19', '7.0', '5', '5.6.1', '', 'latest'])
      expect(() => createKernel({ version: v })).toThrow(RangeError);
  });
});

describe('the per-version table of core.md §7, on every release', () => {
  it.each(ALL)('%s', (v) => {
    const n = num(v);
    const { t, a } = setup(v);
    const link = t.snapshot.links.find((l) => l.key === t.object('l').key)!;
    const file = t.snapshot.files.find((f) => f.target === link.key)!;
    // raw tp / tracing attach result: a plain fd on 5.6, a link after; ids from 5.8
    expect(link.isLink).toBe(n >= 507);
    expect(link.id > 0).toBe(n >= 508);
    expect(file.name).toBe(n < 507 ? 'anon_inode:bpf-raw-tracepoint' : n < 508 ? 'anon_inode:bpf-link' : 'anon_inode:bpf_link');
    // pin that fd
    if (n < 507) a.expectErrno('EINVAL');
    a.pin('l', '/sys/fs/bpf/l');
    // BPF_OBJ_PIN of a closed fd
    a.expectErrno(n < 507 ? 'EBADF' : 'EINVAL').pin(99, '/sys/fs/bpf/x');
    // link ids, BPF_LINK_GET_*, link info
    const idErr: ErrnoName | null = n < 508 ? 'EINVAL' : null;
    if (idErr) a.expectErrno(idErr);
    a.bpf('BPF_LINK_GET_NEXT_ID', { start_id: 0 });
    if (idErr) a.expectErrno(idErr);
    a.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 1 }, 'l');
    if (idErr) a.expectErrno(idErr);
    a.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: a.fd('l'), info: {} });
    // BPF_LINK_CREATE of a tp_btf program: unknown command on 5.6, refused until 5.19
    if (n < 519) a.expectErrno('EINVAL');
    a.linkCreate('lb', 'b', 'BPF_TRACE_RAW_TP');
    // BPF_LINK_DETACH: unknown before 5.9, then EOPNOTSUPP for raw tracepoint links
    a.expectErrno(n < 509 ? 'EINVAL' : 'EOPNOTSUPP').bpf('BPF_LINK_DETACH', { link_fd: a.fd('l') });
    // BPF_LINK_UPDATE: EINVAL everywhere (unknown on 5.6, no update_prog after)
    a.expectErrno('EINVAL').bpf('BPF_LINK_UPDATE', { link_fd: a.fd('l'), new_prog_fd: a.fd('p') });
    // the same raw_tp program twice on one tracepoint
    if (n < 610) a.expectErrno('EEXIST');
    a.attachRawTp('l2', 'p', 'sys_enter');
    // cookie
    if (n < 610) a.expectErrno('EINVAL');
    a.attachRawTp('l3', 'p', 'sys_exit', { cookie: 1 });
    // second attach of an attached fentry program: EBUSY; re-attach after its link is freed
    a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' }).attachRawTp('lf', 'fe', null);
    a.expectErrno(n >= 510 && n < 513 ? 'ENOENT' : 'EBUSY').attachRawTp('lf2', 'fe', null);
    a.close('lf');
    if (n >= 510 && n < 513) a.expectErrno('ENOENT');
    a.attachRawTp('lf', 'fe', null);
  });
});

describe('BPF_LINK_UPDATE (5.7+) and BPF_LINK_DETACH (5.9+): fd rules and checks', () => {
  it('LINK_UPDATE: flags other than BPF_F_REPLACE, old_prog_fd without it: EINVAL; empty link or new prog slot: EBADF; wrong kind: EINVAL', () => {
    const { a } = setup('6.18');
    const upd = (attr: Record<string, unknown>) => a.bpf('BPF_LINK_UPDATE', attr);
    a.expectErrno('EINVAL'); upd({ link_fd: a.fd('l'), new_prog_fd: a.fd('p'), flags: 1 });
    a.expectErrno('EINVAL'); upd({ link_fd: a.fd('l'), new_prog_fd: a.fd('p'), old_prog_fd: a.fd('p') });
    a.expectErrno('EBADF'); upd({ link_fd: 99, new_prog_fd: a.fd('p') });
    a.expectErrno('EINVAL'); upd({ link_fd: a.fd('p'), new_prog_fd: a.fd('p') });
    a.expectErrno('EBADF'); upd({ link_fd: a.fd('l'), new_prog_fd: 99 });
    a.expectErrno('EINVAL'); upd({ link_fd: a.fd('l'), new_prog_fd: a.fd('m') });
    a.expectErrno('EINVAL'); upd({ link_fd: a.fd('l'), new_prog_fd: a.fd('p'), flags: ['BPF_F_REPLACE'], old_prog_fd: a.fd('p') });
    a.expectErrno('EINVAL'); upd({ link_fd: a.fd('l'), new_prog_fd: a.fd('p'), extra: 1 });
  });

  it('LINK_DETACH: an empty slot: EBADF; a program, map or terminal fd: EINVAL; a tracing link: EOPNOTSUPP', () => {
    const { t, a } = setup('6.18');
    for (const fd of [99, -1]) a.expectErrno('EBADF').bpf('BPF_LINK_DETACH', { link_fd: fd });
    for (const fd of [a.fd('p'), a.fd('m'), 0]) a.expectErrno('EINVAL').bpf('BPF_LINK_DETACH', { link_fd: fd });
    a.loadProg('fe', { type: 'fentry', target: 'do_unlinkat' }).attachRawTp('lf', 'fe', null);
    a.expectErrno('EOPNOTSUPP').bpf('BPF_LINK_DETACH', { link_fd: a.fd('lf') });
    t.expectLink('lf').attached();
    a.expectErrno('EINVAL').bpf('BPF_LINK_DETACH', { link_fd: a.fd('lf'), flags: 1 });
  });

  it('on releases without the command, even a closed fd gives EINVAL (unknown command first)', () => {
    setup('5.8').a.expectErrno('EINVAL').bpf('BPF_LINK_DETACH', { link_fd: 99 });
    setup('5.6').a.expectErrno('EINVAL').bpf('BPF_LINK_UPDATE', { link_fd: 99 });
  });
});

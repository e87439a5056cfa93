/**
 * The oracle itself: runs are isolated and leave nothing behind, the uapi tables match
 * the running kernel's BTF, normalization, and odd input that must not break a run.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { KernelCall } from '../src/kernel/call';
import { vmlinuxBtf } from './btf';
import { Helper } from './native';
import { hideBpffsPreload, normalizeTrace } from './normalize';
import { fact } from './scenarios/facts';
import { runOnRealKernel } from './realKernel';
import { as, describeReal, SYS_ENTER, spawn, TIMEOUT, trigger } from './testing';
import { BPF_ATTACH_TYPE, BPF_CMD, BPF_LINK_TYPE, BPF_MAP_TYPE, BPF_PROG_TYPE } from './uapi';

const p = as(100);

function hostCgroup2(): string {
  const line = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => / - cgroup2 /.test(l) && l.split(' ')[3] === '/');
  const self = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'))!.slice(3);
  return `${line!.split(' ')[4]}${self === '/' ? '' : self}`;
}

describeReal('the oracle on the real kernel', () => {
  it('isolation: a fresh bpffs and cgroup root, lo/eth0/veth1; nothing of the run left afterwards', async () => {
    const mountsBefore = readFileSync('/proc/self/mountinfo', 'utf8');
    const run = await runOnRealKernel(fact('oracle', 'isolation: a fresh bpffs and cgroup root, lo/eth0/veth1; nothing of the run left afterwards'));
    expect(run.results.map((r) => r.ret).slice(1, 9)).toEqual([-2, 0, 0, 3, 4, 5, 0, -22]);
    expect(hideBpffsPreload(run.bpffs)).toEqual([{ path: '/sys/fs/bpf/dir', kind: 'dir' }, { path: '/sys/fs/bpf/dir/link', kind: 'link' }]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).toBe(mountsBefore);
    // (other runs, of other processes, may be going on: only this run's directory counts)
    expect(readdirSync(hostCgroup2()).filter((d) => d.startsWith(`bpf-oracle-${run.guardPid}-`))).toEqual([]);
    expect(run.guardPid).toBeGreaterThan(0);
    // Every object of the run is gone (a fresh helper walks the kernel's id spaces).
    const { helper } = await Helper.start();
    try {
      for (const [cmd, obj] of [[11, run.results[4]!.object!], [12, run.results[5]!.object!], [31, run.results[6]!.object!]] as const) {
        let reply = '';
        for (let i = 0; i < 100 && (reply = await helper.request(`ids ${cmd} ${obj.id} ${obj.id}`)) !== 'ids'; i++) await new Promise((r) => setTimeout(r, 20));
        expect(reply, `${obj.kind} ${obj.id}`).toBe('ids');
      }
    } finally {
      await helper.close();
    }
  }, TIMEOUT);

  it('odd input comes back as errnos or not-comparable marks, never as a broken run', async () => {
    const calls: KernelCall[] = [
      spawn('odd'),
      { call: 'close', pid: 555, fd: 3 }, // no such process
      { call: 'exit', pid: 555 },
      { call: 'fork', pid: 555 },
      p.close(-1),
      p.close(100000),
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_NOPE' }),
      p.bpf('BPF_PROG_LOAD', { prog_type: 0 }),
      p.bpf('BPF_OBJ_PIN', { bpf_fd: 3, pathname: '/sys/fs/bpf/x', no_such_field: 1 }),
      { call: 'bpf', pid: 100, cmd: 999 as unknown as string, attr: {} },
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', prog_name: 'a_name_that_is_too_long' }),
      p.open('/tmp/nonexistent'),
      { call: 'trigger', event: 'cgroup:/sys/fs/cgroup/none:BPF_CGROUP_INET_EGRESS' },
      { call: 'trigger', event: 'xdp:eth9' },
      { call: 'trigger', event: 'nonsense' },
      SYS_ENTER,
    ];
    const run = await runOnRealKernel(calls);
    // triggers: no cgroup there (-ENOENT), no such device (-ENODEV), no event (not comparable)
    expect(run.results.map((r) => r.ret).slice(1)).toEqual([-3, -3, -3, -9, -9, -22, -22, -22, -22, -22, -2, -2, -19, 0, 0]);
    expect(run.results.map((r) => !!r.notComparable).slice(1)).toEqual([false, false, false, false, false, true, false, true,
      false, false, false, false, false, true, false]);
    expect(run.notComparable).toBe(3);
  }, TIMEOUT);

  it('any call, however odd, gets an answer or a not-comparable mark: the oracle never throws', async () => {
    const cyclic: Record<string, unknown> = { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' };
    cyclic.self = cyclic;
    const odd = [
      spawn('odd'),
      { call: 'spawn' }, { call: 'spawn', comm: 3 }, { call: 'spawn', comm: '' }, {}, { call: null }, null, 42,
      { call: 'trigger' }, { call: 'trigger', event: 7 }, { call: 'trigger', event: null }, { call: 'trigger', event: 'cgroup:a:BPF_CGROUP_INET_EGRESS' },
      { call: 'trigger', event: 'cgroup:/sys/fs/cgroup/\0x:BPF_CGROUP_INET_EGRESS' }, { call: 'trigger', event: 'xdp:' }, { call: 'trigger', event: 'tracepoint:' },
      { call: 'mkdir', pid: 100, path: null }, { call: 'mkdir', pid: 100, path: 42 }, { call: 'mkdir', pid: 100 }, { call: 'rmdir', pid: 100, path: ['a'] },
      { call: 'open', pid: 100, path: '/sys/fs/bpf/a\0b' }, { call: 'unlink', pid: 100, path: `/sys/fs/bpf/${'x'.repeat(5000)}` },
      { call: 'rename', pid: 100, from: null, to: '/tmp/x' }, { call: 'rename', pid: 100, from: '/tmp/x' },
      { call: 'close', pid: 100, fd: '3' }, { call: 'close', pid: 100, fd: 2 ** 40 }, { call: 'dup', pid: 100, fd: NaN }, { call: 'close', pid: 100 },
      { call: 'close', pid: '100', fd: 3 }, { call: 'fork', pid: null }, { call: 'exit', pid: {} },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: null }, { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: [] },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: 'attr' }, { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: cyclic },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 10n } }, { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { bpf_fd: 2 ** 40, pathname: '/sys/fs/bpf/a' } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { bpf_fd: 3, pathname: 5 } }, { call: 'bpf', pid: 100, cmd: null, attr: {} }, { call: 'bpf', pid: 100, cmd: -1, attr: {} },
      { call: 'bpf', pid: 100, cmd: 'BPF_PROG_QUERY', attr: { target_fd: 0, attach_type: 'BPF_CGROUP_INET_EGRESS', prog_attach_flags: 3 } },
      { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_GET_INFO_BY_FD', attr: { bpf_fd: 0, info: null } }, { call: 'bpf', pid: 100 },
      { call: 'netlinkXdpAttach', pid: 100, ifindex: '1', prog_fd: 3 }, { call: 'netlinkXdpAttach', pid: 100 }, { call: 'netlinkVethAdd', pid: 100, name: 1 },
      { call: 'netlinkVethAdd', pid: 100, name: 'v'.repeat(3000), peer: 'p' }, { call: 'netlinkLinkDel', pid: 100, name: null },
      { call: 'mkdir', pid: 100, path: '/tmp/still-fine' },
    ] as unknown as KernelCall[];
    const run = await runOnRealKernel(odd);
    expect(run.results).toHaveLength(odd.length);
    expect(run.results.filter((r) => r.oracleError).map((r) => r.oracleError)).toEqual([]);
    for (const r of run.results) expect(typeof r.ret).toBe('number');
    // what the kernel can see is answered: NULL paths and attrs EFAULT, too long a path ENAMETOOLONG
    const ret = (i: number): number => run.results[i]!.ret;
    expect([ret(15), ret(16), ret(17), ret(31), ret(32)]).toEqual([-14, -14, -14, -14, -14]);
    expect(ret(20)).toBe(-36);
    expect(run.results[odd.length - 1]!.ret).toBe(0); // and the run goes on
  }, TIMEOUT);

  it('nothing outside the private mounts (bpffs, cgroup2, /tmp) is touched: such calls are not run, and counted', async () => {
    const tag = `bpf-oracle-probe-${process.pid}`;
    // on the host: a directory and a file the calls try to remove or rename
    const sentinelDir = `/var/tmp/${tag}-dir`, sentinelFile = `/var/tmp/${tag}-file`;
    mkdirSync(sentinelDir, { recursive: true });
    writeFileSync(sentinelFile, 'keep');
    try {
      const calls: KernelCall[] = [
        spawn('host'),
        p.mkdir(`/tmp/${tag}`), // 1: the run's own /tmp: works
        { call: 'rename', pid: 100, from: `/tmp/${tag}`, to: `/tmp/${tag}-2` }, // 2: works
        p.rmdir(`/tmp/${tag}-2`), // 3: works
        p.mkdir(`/tmp/${tag}-kept`), // 4: stays in the run's /tmp only
        p.mkdir(tag), // 5: relative: /tag on the host
        p.mkdir(`/${tag}`), // 6
        p.mkdir(`/sys/fs/bpf/../../../${tag}`), // 7
        p.rmdir(sentinelDir), // 8
        p.unlink(sentinelFile), // 9
        { call: 'rename', pid: 100, from: sentinelFile, to: '/sys/fs/bpf/stolen' }, // 10
        { call: 'rename', pid: 100, from: '/sys/fs/bpf', to: `/var/tmp/${tag}-moved` }, // 11
        p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' }), // 12: fd 3
        p.bpf('BPF_OBJ_PIN', { bpf_fd: 3, pathname: `/var/tmp/${tag}-pin` }), // 13
        p.open('/sys/fs/bpf'), // 14: fd 4
        p.bpf('BPF_OBJ_PIN', { bpf_fd: 3, pathname: `../../../var/tmp/${tag}-pin`, file_flags: ['BPF_F_PATH_FD'], path_fd: 4 }), // 15
        p.bpf('BPF_OBJ_PIN', { bpf_fd: 3, pathname: 'ok', file_flags: ['BPF_F_PATH_FD'], path_fd: 4 }), // 16: works
        p.bpf('BPF_OBJ_PIN', { bpf_fd: 3, pathname: `var/tmp/${tag}-pin` }), // 17: relative to /
        p.open('/dev/null'), // 18: not the model's
        p.unlink('/sys/fs/bpf/ok'), // 19: works
        trigger(`cgroup:${sentinelDir}:BPF_CGROUP_INET_EGRESS`), // 20: no cgroup (never tried)
        trigger('cgroup:/sys/fs/cgroup/../../../proc/self:BPF_CGROUP_INET_EGRESS'), // 21
      ];
      const run = await runOnRealKernel(calls);
      const nc = run.results.map((r, i) => (r.notComparable ? i : -1)).filter((i) => i >= 0);
      expect(nc).toEqual([5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 18]);
      for (const i of nc) expect(run.results[i]!.notComparable).toMatch(/outside the run's private mounts/);
      expect([1, 2, 3, 4, 12, 14, 16, 19].map((i) => run.results[i]!.ret)).toEqual([0, 0, 0, 0, 3, 4, 0, 0]);
      expect([20, 21].map((i) => run.results[i]!.ret)).toEqual([-2, -2]);
      expect(run.notComparable).toBe(nc.length);
      // the host is as it was
      expect(existsSync(sentinelDir) && readFileSync(sentinelFile, 'utf8')).toBe('keep');
      for (const gone of [`/tmp/${tag}`, `/tmp/${tag}-2`, `/tmp/${tag}-kept`, `/${tag}`, `/var/tmp/${tag}-pin`, `/var/tmp/${tag}-moved`, '/sys/fs/bpf/stolen'])
        expect(existsSync(gone), gone).toBe(false);
    } finally {
      rmSync(sentinelDir, { recursive: true, force: true });
      rmSync(sentinelFile, { force: true });
    }
  }, TIMEOUT);
});

it.skipIf(!existsSync('/sys/kernel/btf/vmlinux'))('the uapi tables are the running kernel\'s (vmlinux BTF enums)', () => {
  const btf = vmlinuxBtf();
  const check = (enumName: string, table: readonly string[]): void => {
    const t = btf.types[btf.find('ENUM', enumName)]!;
    for (const { name, value } of t.enumValues!) {
      if (name.startsWith('__MAX') || name.endsWith('_DEPRECATED') || name === 'BPF_PROG_RUN') continue;
      expect(table[value], `${enumName} ${name}`).toBe(name);
    }
  };
  check('bpf_cmd', BPF_CMD);
  check('bpf_prog_type', BPF_PROG_TYPE);
  check('bpf_map_type', BPF_MAP_TYPE);
  check('bpf_attach_type', BPF_ATTACH_TYPE);
  check('bpf_link_type', BPF_LINK_TYPE);
  expect(btf.types[btf.find('UNION', 'bpf_attr')]!.size).toBe(168);
  expect(btf.find('TYPEDEF', 'btf_trace_sys_enter')).toBeGreaterThan(0);
});

it('normalize: pids and the ids the kernel wrote by first appearance, ran sorted, volatile info masked', () => {
  const calls: KernelCall[] = [spawn('a'), p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 3, info: {} }), SYS_ENTER,
    { call: 'fork', pid: 100 }, p.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: 7 })];
  const real = normalizeTrace(calls, [
    { ret: 4242 },
    { ret: 0, attr: { bpf_fd: 3, info: { type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', id: 90, tag: 'x', map_ids: [40], load_time: 5, run_cnt: 77, run_time_ns: 3, jited_prog_len: 30, nr_jited_ksyms: 1 } } },
    { ret: 0, ran: [95, 90, 95] },
    { ret: 4250 },
    { ret: 5, attr: { link_id: 33 } },
  ]);
  expect(real[0]!.ret).toBe(1);
  expect(real[1]!.attr!.info).toEqual({ type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', id: 1, tag: 'x', map_ids: [1], load_time: 'positive',
    run_cnt: 'machine-wide', run_time_ns: 'positive', jited_prog_len: 30, nr_jited_ksyms: 'jit' }); // the JIT image size is compared
  expect(real[2]!.ran).toEqual([1, 2, 2]);
  expect(real[3]!.ret).toBe(2);
  expect(real[4]!.attr).toEqual({ link_id: 33 }); // the call's own ids are inputs: as given
  expect(hideBpffsPreload(['/sys/fs/bpf/maps.debug', '/sys/fs/bpf/progs.debug', '/sys/fs/bpf/a/maps.debug'])).toEqual(['/sys/fs/bpf/a/maps.debug']);
});

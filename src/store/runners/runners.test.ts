import { beforeAll, describe, expect, it } from 'vitest';
import { STARTERS } from '../../editor/starters';
import { runAction } from '../actions';
import { createPlaygroundStore, currentSnapshot } from '../store';
import { ensureRunners } from './index';

const selftest = STARTERS[0]!;

beforeAll(async () => {
  await ensureRunners([{ kind: 'libbpf', pid: 0, op: 'load', source: '', file: '' }, { kind: 'shell', line: '' }]);
});

function loader() {
  const store = createPlaygroundStore();
  runAction(store, 'process.spawn', { comm: 'loader' });
  return store;
}

describe('libbpf commands', () => {
  it('load the selftest object: its maps and both programs appear in the loader', () => {
    const store = loader();
    const step = runAction(store, 'prog.libbpf_load', { pid: 100, source: selftest.source, file: selftest.file })!;
    expect(step.result.ret).toBe(0);
    expect(step.result.output).toMatch(/loaded raw_tp_prog \(fd \d+\), tp_btf_prog \(fd \d+\)/);
    const snap = currentSnapshot(store.getState());
    expect(snap.progs.map((p) => p.name)).toEqual(['raw_tp_prog', 'tp_btf_prog']);
    expect(snap.maps.map((m) => m.name)).toContain('test_lin.bss');
    expect(step.result.events.some((e) => e.fn === 'bpf_prog_load')).toBe(true);
    expect(step.caption).toBe('loader (pid 100): bpf_object__open_mem + bpf_object__load("test_link_pinning.bpf.o") = 0');
  });

  it('load and attach: every program that auto-attaches gets a link', () => {
    const store = loader();
    runAction(store, 'prog.libbpf_load_attach', { pid: 100, source: selftest.source, file: selftest.file });
    const snap = currentSnapshot(store.getState());
    expect(snap.links.filter((l) => l.attached)).toHaveLength(2);
    expect(runAction(store, 'event.fire', { event: 'tracepoint:sys_enter' })!.result.ran).toHaveLength(2);
  });

  it('an XDP object loads; its program does not auto-attach, and says so', () => {
    const store = loader();
    const step = runAction(store, 'prog.libbpf_load_attach', { pid: 100, source: STARTERS[1]!.source, file: STARTERS[1]!.file })!;
    expect(step.result.ret).toBe(0);
    expect(step.result.output).toMatch(/does not auto-attach/);
  });

  it('a source error fails the load with a diagnostic at its line', () => {
    const store = loader();
    const source = 'SEC("raw_tp/sys_enter")\nint broken(void *ctx)\n{\n\treturn 0;\n';
    const step = runAction(store, 'prog.libbpf_load', { pid: 100, source, file: 'broken.bpf.o' })!;
    expect(step.result.ret).toBeLessThan(0);
    expect(step.result.diagnostics?.[0]?.line).toBeGreaterThan(0);
    expect(currentSnapshot(store.getState()).progs).toEqual([]);
  });

  it('replays on another kernel version', () => {
    const store = loader();
    runAction(store, 'prog.libbpf_load_attach', { pid: 100, source: selftest.source, file: selftest.file });
    store.getState().setVersion('5.6');
    expect(store.getState().steps[2]!.result.ret).toBeDefined();
  });
});

describe('shell commands', () => {
  it('bpftool link show prints the links; ls lists the BPF FS', () => {
    const store = loader();
    runAction(store, 'prog.libbpf_load_attach', { pid: 100, source: selftest.source, file: selftest.file });
    const show = runAction(store, 'shell.run', { line: 'bpftool link show' })!;
    expect(show.result.exitCode).toBe(0);
    expect(show.result.output).toMatch(/raw_tracepoint/);
    expect(show.caption).toBe('$ bpftool link show exit 0');
    const ls = runAction(store, 'shell.run', { line: 'ls /sys/fs/bpf/nope' })!;
    expect(ls.result.exitCode).not.toBe(0);
    expect(ls.result.output).toMatch(/No such file/);
  });
});

import { describe, expect, it } from 'vitest';
import type { SyscallCommand } from './command';
import { ACTIONS, action, actionForShortcut, actionName, disabledReason, runAction } from './actions';
import { createPlaygroundStore, currentSnapshot } from './store';

describe('the action registry', () => {
  it('has unique ids and unique shortcuts', () => {
    const ids = ACTIONS.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = ACTIONS.flatMap((a) => (a.shortcut ? [a.shortcut] : []));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('says for every kernel action which call it makes and where in the kernel it ends', () => {
    for (const a of ACTIONS) {
      expect(Boolean(a.command) !== Boolean(a.perform), a.id).toBe(true);
      if (a.command) {
        expect(a.kernelFn, a.id).toMatch(/^[a-z_][a-z0-9_]+$/);
        expect(a.makes, a.id).toBeTruthy();
      }
      expect(a.help.length, a.id).toBeGreaterThan(5);
    }
  });

  it('names per-object buttons after their object', () => {
    expect(actionName('fd.close', { pid: 100, fd: 5 })).toBe('Close fd 5 of pid 100');
    expect(actionName('fs.unlink', { path: '/sys/fs/bpf/l' })).toBe('Unpin /sys/fs/bpf/l');
    expect(actionName('process.spawn')).toBe('Spawn');
  });

  it('maps shortcuts to actions', () => {
    expect(actionForShortcut('[')?.id).toBe('step.back');
    expect(actionForShortcut(']')?.id).toBe('step.forward');
    expect(actionForShortcut('Escape')?.id).toBe('selection.clear');
  });
});

describe('running actions', () => {
  it('tells why an action is disabled', () => {
    const store = createPlaygroundStore();
    const s = store.getState();
    expect(disabledReason(s, 'process.spawn', { comm: '' })).toBe('Name the process');
    expect(disabledReason(s, 'process.exit', {})).toBe('Choose a process');
    expect(disabledReason(s, 'process.exit', { pid: 100 })).toBe('No process 100 at this step');
    expect(disabledReason(s, 'step.back')).toBe('At the first step');
    expect(runAction(store, 'process.exit', { pid: 100 })).toBeUndefined();
    expect(store.getState().steps).toHaveLength(1);
  });

  it('plays the seed story: the pin keeps the link attached after the loader exits', () => {
    const store = createPlaygroundStore();
    const run = (id: string, args: Record<string, string | number | number[]> = {}) => runAction(store, id, args)!;
    const loader = run('process.spawn', { comm: 'loader' }).result.ret;
    const map = run('map.create', { pid: loader, name: 'test_lin.bss', type: 'array' }).result.ret;
    const prog = run('prog.load', { pid: loader, section: 'raw_tp', name: 'raw_tp_prog', maps: [map] }).result.ret;
    const link = run('attach.raw_tracepoint_open', { pid: loader, prog, tracepoint: 'sys_enter' }).result.ret;
    expect([map, prog, link]).toEqual([3, 4, 5]);
    expect(run('event.fire', { event: 'tracepoint:sys_enter' }).result.ran).toHaveLength(1);
    expect(run('fs.pin', { pid: loader, fd: link, path: '/sys/fs/bpf/link' }).result.ret).toBe(0);
    const rm = run('process.spawn', { comm: 'rm' }).result.ret;
    run('process.exit', { pid: loader });
    expect(currentSnapshot(store.getState()).links[0]).toMatchObject({ attached: true, refcnt: 1 });
    expect(run('event.fire', { event: 'tracepoint:sys_enter' }).result.ran).toHaveLength(1);
    run('fs.unlink', { pid: rm, path: '/sys/fs/bpf/link' });
    const snap = currentSnapshot(store.getState());
    expect([snap.links, snap.progs, snap.maps]).toEqual([[], [], []]);
    expect(run('event.fire', { event: 'tracepoint:sys_enter' }).result.ran).toEqual([]);
  });

  it('kill -9 is exit to the kernel, with its own caption', () => {
    const store = createPlaygroundStore();
    runAction(store, 'process.spawn', { comm: 'victim' });
    const step = runAction(store, 'process.kill', { pid: 100 })!;
    expect((step.command as SyscallCommand).call).toEqual({ call: 'exit', pid: 100 });
    expect(step.caption).toMatch(/^kill -9 100/);
  });

  it('runs view actions on the store', () => {
    const store = createPlaygroundStore();
    runAction(store, 'theme.toggle');
    expect(store.getState().theme).toBe('dark');
    runAction(store, 'panel.bpffs');
    expect(store.getState().panel).toBe('bpffs');
    runAction(store, 'story.link_pinning');
    expect(store.getState().steps).toHaveLength(15);
    runAction(store, 'step.forward');
    expect(store.getState().cursor).toBe(1);
    runAction(store, 'kernel.version', { version: '5.6' });
    expect(store.getState().version).toBe('5.6');
    expect(action('kernel.new').perform).toBeDefined();
  });
});

describe('the console and the editor', () => {
  it('a console line that names the editor\'s object file opens the editor\'s source (bpftool prog load, iter pin)', async () => {
    const { ensureRunner } = await import('./runners/index');
    await ensureRunner('shell');
    const store = createPlaygroundStore();
    const source = 'SEC("iter/task") int dump_task(void *ctx) { return 0; }';
    store.getState().setSource(source, 'prog.bpf.o');
    const step = runAction(store, 'shell.run', { line: 'bpftool iter pin prog.bpf.o /sys/fs/bpf/tasks', source, file: 'prog.bpf.o' })!;
    expect(step.command).toEqual({ kind: 'shell', line: 'bpftool iter pin prog.bpf.o /sys/fs/bpf/tasks', files: { 'prog.bpf.o': source } });
    expect(step.result.exitCode).toBe(0);
    const snap = currentSnapshot(store.getState());
    expect(snap.links.map((l) => l.target)).toEqual(['iter:task']);
    expect(snap.bpffs.some((e) => e.path === '/sys/fs/bpf/tasks')).toBe(true);
    // a line that does not name it carries no files
    const ls = runAction(store, 'shell.run', { line: 'ls /sys/fs/bpf', source, file: 'prog.bpf.o' })!;
    expect(ls.command).toEqual({ kind: 'shell', line: 'ls /sys/fs/bpf' });
  });
});

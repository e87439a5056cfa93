import { describe, expect, it } from 'vitest';
import type { SyscallCommand } from './command';
import { createKernel } from '../kernel/index';
import { syscall } from './command';
import { commandsOf } from './history';
import { createPlaygroundStore, currentSnapshot, currentStep } from './store';
import { LINK_PINNING } from './story';

const storyStore = (version?: string) => createPlaygroundStore({ story: LINK_PINNING, ...(version ? { version } : {}) });

describe('the store opens on a story', () => {
  it('is paused at step 0 of link_pinning on an empty kernel', () => {
    const s = storyStore().getState();
    expect(s.steps).toHaveLength(LINK_PINNING.commands.length + 1);
    expect(s.cursor).toBe(0);
    expect(s.story?.id).toBe('link_pinning');
    expect(currentStep(s).caption).toBe(LINK_PINNING.intro);
    expect(currentSnapshot(s).processes).toEqual([]);
  });

  it('gives every step a caption and the result the kernel returned', () => {
    const s = storyStore().getState();
    expect(s.steps.map((x) => x.result.ret).slice(1, 8)).toEqual([100, 3, 4, 5, 1, 0, 0]);
    for (const step of s.steps) expect(step.caption.length).toBeGreaterThan(10);
  });
});

describe('the view at every step is exactly the model after that step', () => {
  it('equals a fresh kernel that ran the first i commands', () => {
    const s = storyStore().getState();
    for (let i = 0; i < s.steps.length; i++) {
      const k = createKernel();
      for (const c of LINK_PINNING.commands.slice(0, i)) k.apply(structuredClone((c as SyscallCommand).call));
      expect(JSON.stringify(s.steps[i]!.snapshot), `step ${i}`).toBe(JSON.stringify(k.snapshot()));
    }
  });

  it('after close(5) the pin alone holds the link, and it still runs', () => {
    const store = storyStore();
    store.getState().seek(7);
    const snap = currentSnapshot(store.getState());
    expect(snap.links).toHaveLength(1);
    expect(snap.links[0]).toMatchObject({ refcnt: 1, attached: true });
    expect(snap.bpffs.find((e) => e.kind === 'pin')?.obj).toBe(snap.links[0]!.key);
    store.getState().forward();
    expect(currentStep(store.getState()).result.ran).toHaveLength(1);
  });
});

describe('stepping', () => {
  it('moves the cursor and clamps at both ends', () => {
    const store = storyStore();
    const st = () => store.getState();
    st().back();
    expect(st().cursor).toBe(0);
    st().forward();
    st().forward();
    expect(st().cursor).toBe(2);
    st().last();
    expect(st().cursor).toBe(st().steps.length - 1);
    st().forward();
    expect(st().cursor).toBe(st().steps.length - 1);
    st().seek(99.7);
    expect(st().cursor).toBe(st().steps.length - 1);
    st().first();
    expect(st().cursor).toBe(0);
  });

  it('does not touch the steps', () => {
    const store = storyStore();
    const steps = store.getState().steps;
    store.getState().seek(5);
    store.getState().back();
    expect(store.getState().steps).toBe(steps);
  });
});

describe('dispatch: every user action is one command', () => {
  it('appends a step at the end', () => {
    const store = createPlaygroundStore();
    const step = store.getState().dispatch(syscall({ call: 'spawn', comm: 'loader' }));
    expect(step).toMatchObject({ index: 1, result: { ret: 100 } });
    expect(store.getState().cursor).toBe(1);
    expect(currentSnapshot(store.getState()).processes.map((p) => p.comm)).toEqual(['loader']);
  });

  it('from an earlier step, drops the later ones and acts on that step’s state', () => {
    const store = storyStore();
    store.getState().seek(4); // the link is attached, held by fd 5 only
    const step = store.getState().dispatch(syscall({ call: 'close', pid: 100, fd: 5 }));
    const s = store.getState();
    expect(s.steps).toHaveLength(6);
    expect(step.index).toBe(5);
    expect(step.result.ret).toBe(0);
    expect(currentSnapshot(s).links).toEqual([]);
    // and the live kernel is in that state: the next call sees fd 5 free
    expect(s.dispatch(syscall({ call: 'close', pid: 100, fd: 5 })).result.errno).toBe('EBADF');
  });

  it('records a failure with its errno and why, and leaves the snapshot as it was', () => {
    const store = createPlaygroundStore();
    store.getState().dispatch(syscall({ call: 'spawn', comm: 'sh' }));
    const before = currentSnapshot(store.getState());
    const step = store.getState().dispatch(syscall({ call: 'close', pid: 100, fd: 42 }));
    expect(step.result).toMatchObject({ ret: -9, errno: 'EBADF' });
    expect(step.result.why).toMatch(/fd 42/);
    expect(step.snapshot).toBe(before);
    expect(step.caption).toBe('sh (pid 100): close(42) = -EBADF');
  });

  it('never lets the kernel write into a stored command', () => {
    const store = storyStore();
    store.getState().last();
    const cmd = syscall({ call: 'bpf', pid: 100, cmd: 'BPF_PROG_GET_NEXT_ID', attr: { start_id: 0 } });
    store.getState().reset();
    store.getState().dispatch(syscall({ call: 'spawn', comm: 'a' }));
    const step = store.getState().dispatch(cmd);
    expect(cmd.call).toEqual({ call: 'bpf', pid: 100, cmd: 'BPF_PROG_GET_NEXT_ID', attr: { start_id: 0 } });
    expect(step.result.attr).toBeDefined();
  });

  it('keeps unchanged objects identical from step to step', () => {
    const s = storyStore().getState();
    const [a, b] = [s.steps[4]!.snapshot, s.steps[5]!.snapshot]; // a trigger: only run_cnt changes
    expect(b.maps[0]).toBe(a.maps[0]);
    expect(b.links[0]).toBe(a.links[0]);
    expect(b.processes).toBe(a.processes);
    expect(b.progs[0]).not.toBe(a.progs[0]);
    expect(b.progs[0]!.runCnt).toBe(1);
  });
});

describe('switching the kernel version replays the history', () => {
  it('on 5.6 the pin fails, and that step is marked', () => {
    const store = storyStore();
    store.getState().seek(9);
    store.getState().setVersion('5.6');
    const s = store.getState();
    expect(s.version).toBe('5.6');
    expect(s.cursor).toBe(9);
    expect(s.change).toMatchObject({ from: '6.18', to: '5.6' });
    expect(s.change!.steps[0]).toBe(6);
    expect(s.change!.was[0]).toBe('= 0');
    expect(s.steps[6]!.result).toMatchObject({ ret: -22, errno: 'EINVAL' });
    expect(commandsOf(s.steps)).toEqual(LINK_PINNING.commands);
    // without the pin, closing the fd detached it: nothing runs at step 8
    expect(s.steps[8]!.result.ran).toEqual([]);
  });

  it('back on 6.18 the same step is marked the other way', () => {
    const store = storyStore('5.6');
    store.getState().setVersion('6.18');
    expect(store.getState().change!.steps[0]).toBe(6);
    expect(store.getState().steps[6]!.result.ret).toBe(0);
  });

  it('marks nothing when no result changed', () => {
    const store = storyStore();
    store.getState().setVersion('5.8');
    expect(store.getState().change).toMatchObject({ from: '6.18', to: '5.8', steps: [], was: [] });
  });

  it('rejects a version the model does not know', () => {
    expect(() => storyStore().getState().setVersion('4.19')).toThrow(RangeError);
  });
});

describe('new empty kernel and stories', () => {
  it('reset gives one step on the same version', () => {
    const store = storyStore('5.7');
    store.getState().last();
    store.getState().select('prog#3');
    store.getState().reset();
    const s = store.getState();
    expect(s).toMatchObject({ version: '5.7', cursor: 0, selected: null, story: null, change: null });
    expect(s.steps).toHaveLength(1);
  });

  it('loadStory starts over at the given step', () => {
    const store = createPlaygroundStore();
    store.getState().loadStory(LINK_PINNING, { cursor: 3 });
    expect(store.getState().cursor).toBe(3);
    expect(store.getState().steps).toHaveLength(15);
  });
});

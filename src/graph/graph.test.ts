import { describe, expect, it } from 'vitest';
import type { KernelSnapshot } from '../kernel/index';
import { createPlaygroundStore, LINK_PINNING, syscall } from '../store/index';
import { buildGraph, freedNodes, ranNodes } from './build';
import { explain } from './explain';
import { retainersOf } from './retainers';

const PIN = 'pin:/sys/fs/bpf/pinned_link_test';
const story = createPlaygroundStore({ story: LINK_PINNING }).getState().steps;
const at = (i: number) => buildGraph(story[i]!.snapshot);
const ids = (g: ReturnType<typeof buildGraph>, kind: string) => g.nodes.filter((n) => n.kind === kind).map((n) => n.id);
const edge = (g: ReturnType<typeof buildGraph>, kind: string) => g.edges.filter((e) => e.kind === kind).map((e) => `${e.source} -${e.label}-> ${e.target}`);

describe('buildGraph: a snapshot as nodes and labelled references', () => {
  it('draws the attached link of step 4: process, files, link, program, map, tracepoint', () => {
    const g = at(4);
    expect(ids(g, 'process')).toEqual(['pid:100']);
    expect(ids(g, 'file')).toHaveLength(3); // ttys are rows of the fd table, not nodes
    expect(ids(g, 'attach')).toEqual(['tracepoint:sys_enter']);
    const proc = g.byId.get('pid:100')!;
    expect(proc.rows!.map((r) => `${r.fd} ${r.text}`)).toEqual(['0 tty', '1 tty', '2 tty', '3 map test_lin.bss', '4 prog raw_tp_prog', '5 link 1']);
    expect(edge(g, 'fd')).toHaveLength(3);
    expect(g.edges.filter((e) => e.kind === 'fd').map((e) => e.label)).toEqual(['fd 3', 'fd 4', 'fd 5']);
    const link = ids(g, 'link')[0]!;
    const prog = ids(g, 'prog')[0]!;
    const map = ids(g, 'map')[0]!;
    expect(edge(g, 'prog')).toEqual([`${link} -runs-> ${prog}`]);
    expect(edge(g, 'map')).toEqual([`${prog} -uses-> ${map}`]);
    expect(edge(g, 'attach')).toEqual([`${link} -attached to-> tracepoint:sys_enter`]);
    expect(g.byId.get(link)).toMatchObject({ state: 'attached', title: 'link 1', counters: 'refcnt 1' });
  });

  it('keeps ids stable from step to step and caches by snapshot', () => {
    expect(ids(at(5), 'link')).toEqual(ids(at(4), 'link'));
    expect(at(4)).toBe(at(4));
  });

  it('draws pins and directories; a pin holds, a directory only contains', () => {
    const g = at(6);
    expect(g.byId.get(PIN)).toMatchObject({ kind: 'pin', root: true, title: 'pinned_link_test' });
    expect(edge(g, 'pin')).toEqual([`${PIN} -pins-> ${ids(g, 'link')[0]}`]);
    const contains = g.edges.find((e) => e.kind === 'contains')!;
    expect(contains).toMatchObject({ source: 'dir:/sys/fs/bpf', target: PIN, holds: false });
  });

  it('names what a step freed and which programs ran', () => {
    const freed = freedNodes(at(11), at(12)).map((n) => n.kind);
    expect(freed.sort()).toEqual(['file', 'link']);
    expect([...ranNodes(story[5]!.snapshot, story[5]!.result.ran)]).toEqual(ids(at(5), 'prog'));
  });

  it('marks a pre-5.7 attachment as a plain fd', () => {
    const steps = createPlaygroundStore({ story: LINK_PINNING, version: '5.6' }).getState().steps;
    const g = buildGraph(steps[4]!.snapshot);
    expect(g.nodes.find((n) => n.kind === 'link')).toMatchObject({ state: 'plain-fd', title: 'attachment fd' });
  });

  it('marks a detached but alive link', () => {
    const s = story[4]!.snapshot;
    const detached = { ...s, links: s.links.map((l) => ({ ...l, attached: false })), attachPoints: s.attachPoints.map((a) => ({ ...a, links: [] })) } as KernelSnapshot;
    const g = buildGraph(detached);
    expect(g.nodes.find((n) => n.kind === 'link')).toMatchObject({ state: 'detached', subtitle: 'raw_tracepoint · detached' });
    expect(edge(g, 'attach')).toEqual([]);
    expect(explain(detached, g.nodes.find((n) => n.kind === 'link')!.id).summary).toMatch(/^Detached but alive/);
  });
});

describe('retainersOf: every path from a root', () => {
  it('after close(5), the pin alone keeps the link', () => {
    const g = at(7);
    const link = ids(g, 'link')[0]!;
    const r = retainersOf(g, link);
    expect(r.roots).toEqual([PIN]);
    expect(r.paths.map((p) => p.map((e) => e.kind))).toEqual([['pin']]);
    expect([...r.nodes].sort()).toEqual([link, PIN].sort());
  });

  it('the program is held by its fd and, through the link, by the pin', () => {
    const g = at(7);
    const r = retainersOf(g, ids(g, 'prog')[0]!);
    expect([...r.roots].sort()).toEqual(['pid:100', PIN].sort());
    expect(r.paths.map((p) => p.map((e) => e.kind).join('>')).sort()).toEqual(['fd>file', 'pin>prog']);
    expect(r.distance.get(PIN)).toBe(2);
  });

  it('the map is held through the program by every root', () => {
    const g = at(6);
    const r = retainersOf(g, ids(g, 'map')[0]!);
    expect(r.paths).toHaveLength(4); // fd 3; fd 4 → prog; fd 5 → link → prog; pin → link → prog
    expect(r.edges.size).toBe(9);
  });

  it('after fork, a shared open file is two paths', () => {
    const store = createPlaygroundStore({ story: LINK_PINNING });
    store.getState().seek(4);
    store.getState().dispatch(syscall({ call: 'fork', pid: 100 }));
    const g = buildGraph(store.getState().steps[5]!.snapshot);
    const r = retainersOf(g, ids(g, 'link')[0]!);
    expect(r.roots).toEqual(['pid:100', 'pid:101']);
    const ex = explain(store.getState().steps[5]!.snapshot, ids(g, 'link')[0]!, g);
    expect(ex.toFree).toEqual([
      'close fd 5 in test_progs (pid 100), or let test_progs exit',
      'close fd 5 in test_progs (pid 101), or let test_progs exit',
    ]);
    expect(ex.heldBy[0]).toMatch(/f_count 2/);
  });

  it('caps the number of paths it lists', () => {
    const g = at(6);
    const r = retainersOf(g, ids(g, 'map')[0]!, 2);
    expect(r.paths).toHaveLength(2);
    expect(r.truncated).toBe(true);
    expect(r.nodes.size).toBeGreaterThan(4); // the highlight still has every path
  });

  it('is empty for an object that is not there', () => {
    expect(retainersOf(at(0), 'link#99').roots).toEqual([]);
  });
});

describe('explain: what holds it and what would free it, in words', () => {
  it('a pinned link with an open fd needs both to go', () => {
    const g = at(6);
    const ex = explain(story[6]!.snapshot, ids(g, 'link')[0]!);
    expect(ex.summary).toMatch(/^Attached to tracepoint:sys_enter: prog raw_tp_prog runs/);
    expect(ex.heldBy).toEqual([
      'an open file (f_count 1) that fd 5 of test_progs (pid 100) refers to',
      'the pin /sys/fs/bpf/pinned_link_test',
    ]);
    expect(ex.toFreeLead).toBe('It is freed, and so detached, only when all of these go:');
    expect(ex.toFree).toEqual(['close fd 5 in test_progs (pid 100), or let test_progs exit', 'unlink /sys/fs/bpf/pinned_link_test']);
    expect(ex.paths).toContain('pin /sys/fs/bpf/pinned_link_test pins → link 1');
  });

  it('a pin and a process are roots', () => {
    expect(explain(story[7]!.snapshot, PIN).summary).toMatch(/^A pin is a root: it holds link 1/);
    expect(explain(story[7]!.snapshot, 'pid:100')).toMatchObject({ toFree: [], toFreeLead: '' });
  });

  it('a tracepoint lists what runs on it, in order', () => {
    expect(explain(story[7]!.snapshot, 'tracepoint:sys_enter').summary).toMatch(/these run in order: link 1 → prog raw_tp_prog/);
  });

  it('a freed object says so', () => {
    expect(explain(story[12]!.snapshot, ids(at(11), 'link')[0]!).summary).toMatch(/^Not alive at this step/);
  });
});

describe('node identity', () => {
  it('an object that did not change is the same node object at the next step', () => {
    const [a, b] = [at(4), at(5)]; // a trigger: only the program's run count changes
    const linkA = a.nodes.find((n) => n.kind === 'link')!;
    expect(b.byId.get(linkA.id)).toBe(linkA);
    const progA = a.nodes.find((n) => n.kind === 'prog')!;
    expect(b.byId.get(progA.id)).not.toBe(progA);
  });
});

describe('legacy attachments', () => {
  it('an abandoned cgroup attachment is a root that keeps its program alive', () => {
    const store = createPlaygroundStore();
    const d = (call: Parameters<typeof syscall>[0]) => store.getState().dispatch(syscall(call)).result.ret;
    const pid = d({ call: 'spawn', comm: 'loader' });
    d({ call: 'mkdir', pid, path: '/sys/fs/cgroup/test' });
    const cg = d({ call: 'open', pid, path: '/sys/fs/cgroup/test' });
    const prog = d({ call: 'bpf', pid, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_CGROUP_SKB', expected_attach_type: 'BPF_CGROUP_INET_EGRESS', prog_name: 'egress' } });
    expect(d({ call: 'bpf', pid, cmd: 'BPF_PROG_ATTACH', attr: { target_fd: cg, attach_bpf_fd: prog, attach_type: 'BPF_CGROUP_INET_EGRESS' } })).toBe(0);
    d({ call: 'exit', pid });
    const snap = store.getState().steps.at(-1)!.snapshot;
    const g = buildGraph(snap);
    const legacy = g.nodes.find((n) => n.kind === 'legacy')!;
    expect(legacy).toMatchObject({ state: 'abandoned', root: true, title: 'cgroup attachment', subtitle: 'BPF_PROG_ATTACH by loader (pid 100)' });
    const progKey = ids(g, 'prog')[0]!;
    expect(retainersOf(g, progKey).roots).toEqual([legacy.id]);
    expect(edge(g, 'attach')).toEqual([`${legacy.id} -attached to-> cgroup:/sys/fs/cgroup/test:BPF_CGROUP_INET_EGRESS`]);
    expect(g.byId.get('cgroup:/sys/fs/cgroup/test:BPF_CGROUP_INET_EGRESS')).toMatchObject({ title: 'inet_egress', subtitle: 'cgroup /sys/fs/cgroup/test' });
    const ex = explain(snap, progKey, g);
    expect(ex.heldBy).toEqual(['a cgroup attachment (BPF_PROG_ATTACH by loader (pid 100)), abandoned']);
    expect(ex.toFree).toEqual(['detach the cgroup attachment (BPF_PROG_DETACH, or bpftool cgroup detach)']);
    expect(explain(snap, legacy.id).summary).toMatch(/^An abandoned legacy attachment/);
  });
});

describe('an iterator file opened through a pin that was then unlinked', () => {
  it('keeps the pin\'s inode and so the link: the graph draws that hold, and the link has a root', () => {
    const store = createPlaygroundStore();
    const s = store.getState();
    s.reset();
    const d = (c: Parameters<typeof syscall>[0]) => store.getState().dispatch(syscall(c));
    d({ call: 'spawn', comm: 'reader' });
    d({ call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_ITER', attach_func_name: 'task', prog_name: 'dump' } });
    d({ call: 'bpf', pid: 100, cmd: 'BPF_LINK_CREATE', attr: { prog_fd: 3, attach_type: 'BPF_TRACE_ITER' } });
    d({ call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { bpf_fd: 4, pathname: '/sys/fs/bpf/tasks' } });
    d({ call: 'open', pid: 100, path: '/sys/fs/bpf/tasks' });
    d({ call: 'close', pid: 100, fd: 4 });
    d({ call: 'unlink', pid: 100, path: '/sys/fs/bpf/tasks' });
    const snap = store.getState().steps.at(-1)!.snapshot;
    const link = snap.links[0]!;
    const file = snap.files.find((f) => f.kind === 'iter')!;
    expect(file.keeps).toBe(link.key);
    const g = buildGraph(snap);
    expect(g.edges.some((e) => e.source === file.key && e.target === link.key)).toBe(true);
    const r = retainersOf(g, link.key);
    expect(r.paths.length).toBeGreaterThan(0);
    expect(r.paths.every((p) => p[0]!.source === 'pid:100')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { createPlaygroundStore, LINK_PINNING, syscall } from '../store/index';
import { buildGraph } from './build';
import { HistoryLayout, nodeSize } from './layout';

const graphsOf = (steps: readonly { snapshot: Parameters<typeof buildGraph>[0] }[]) => steps.map((s) => buildGraph(s.snapshot));

function overlaps(pos: ReadonlyMap<string, { x: number; y: number }>, sizes: Map<string, { w: number; h: number }>): string[] {
  const items = [...pos].map(([id, p]) => ({ id, ...p, ...sizes.get(id)! }));
  const out: string[] = [];
  for (let i = 0; i < items.length; i++)
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i]!, b = items[j]!;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) out.push(`${a.id} / ${b.id}`);
    }
  return out;
}

describe('HistoryLayout: one stable layout for the whole history', () => {
  it('places every node any step has, without overlaps, in one dagre run', () => {
    const steps = createPlaygroundStore({ story: LINK_PINNING }).getState().steps;
    const graphs = graphsOf(steps);
    const h = new HistoryLayout();
    const pos = h.update(graphs);
    const sizes = new Map(graphs.flatMap((g) => g.nodes.map((n) => [n.id, nodeSize(n)] as const)));
    expect(pos.size).toBe(sizes.size);
    expect(overlaps(pos, sizes)).toEqual([]);
    expect(h.runs).toBe(1);
  });

  it('lays out left to right: processes, files, links, programs, maps', () => {
    const steps = createPlaygroundStore({ story: LINK_PINNING }).getState().steps;
    const g = buildGraph(steps[4]!.snapshot);
    const pos = new HistoryLayout().update(graphsOf(steps));
    const x = (kind: string) => pos.get(g.nodes.find((n) => n.kind === kind)!.id)!.x;
    const files = g.nodes.filter((n) => n.kind === 'file').map((n) => pos.get(n.id)!.x);
    expect(new Set(files).size).toBe(1); // one column
    expect(x('process')).toBeLessThan(x('file'));
    expect(x('file')).toBeLessThan(x('link'));
    expect(x('attach')).toBe(x('prog'));
    expect(x('dir')).toBe(x('process'));
    expect(x('link')).toBeLessThan(x('prog'));
    expect(x('prog')).toBeLessThan(x('map'));
  });

  it('costs nothing when the history did not change, and reuses the layout of a topology it has seen', () => {
    const store = createPlaygroundStore({ story: LINK_PINNING });
    const h = new HistoryLayout();
    const first = h.update(graphsOf(store.getState().steps));
    expect(h.update(graphsOf(store.getState().steps))).toBe(first);
    // a trigger adds a step but no node or edge
    store.getState().last();
    store.getState().dispatch(syscall({ call: 'trigger', event: 'tracepoint:sys_enter' }));
    expect(h.update(graphsOf(store.getState().steps))).toBe(first);
    expect(h.runs).toBe(1);
  });

  it('keeps existing nodes in place when a new object appears', () => {
    const store = createPlaygroundStore();
    const st = store.getState;
    st().dispatch(syscall({ call: 'spawn', comm: 'loader' }));
    st().dispatch(syscall({ call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1, map_name: 'm' } }));
    st().dispatch(syscall({ call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', prog_name: 'p', fd_array: [3] } }));
    const h = new HistoryLayout();
    const before = new Map([...h.update(graphsOf(st().steps))].map(([k, v]) => [k, { ...v }]));
    st().dispatch(syscall({ call: 'bpf', pid: 100, cmd: 'BPF_RAW_TRACEPOINT_OPEN', attr: { name: 'sys_enter', prog_fd: 4 } }));
    const after = h.update(graphsOf(st().steps));
    expect(after.size).toBe(before.size + 3); // link, its file, the tracepoint
    for (const [id, p] of before) {
      expect(after.get(id)!.x, id).toBe(p.x); // columns are fixed
      expect(Math.abs(after.get(id)!.y - p.y), id).toBeLessThan(24); // a nudge, not a jump
    }
  });

  it('starts over when the history is replaced', () => {
    const store = createPlaygroundStore({ story: LINK_PINNING });
    const h = new HistoryLayout();
    h.update(graphsOf(store.getState().steps));
    store.getState().reset();
    expect(h.update(graphsOf(store.getState().steps)).size).toBe(2); // the two mount roots
  });
});

describe('HistoryLayout at scale', () => {
  it('places a few new objects into free room without a dagre run, moving nothing', () => {
    const store = createPlaygroundStore();
    const d = (call: Parameters<typeof syscall>[0]) => store.getState().dispatch(syscall(call)).result.ret;
    for (let g = 0; g < 62; g++) {
      const pid = d({ call: 'spawn', comm: `l${g}` });
      d({ call: 'bpf', pid, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1, map_name: `m${g}` } });
      d({ call: 'bpf', pid, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', prog_name: `p${g}`, fd_array: [3] } });
    }
    const h = new HistoryLayout();
    const before = new Map([...h.update(graphsOf(store.getState().steps))].map(([k, v]) => [k, { ...v }]));
    expect(before.size).toBeGreaterThan(300);
    d({ call: 'bpf', pid: 100, cmd: 'BPF_RAW_TRACEPOINT_OPEN', attr: { name: 'sys_enter', prog_fd: 4 } }); // a link, its file, a hook
    d({ call: 'dup', pid: 101, fd: 3 }); // a process grows a row
    const graphs = graphsOf(store.getState().steps);
    const after = h.update(graphs);
    expect(h.runs).toBe(1);
    expect(h.incrementalRuns).toBe(1);
    expect(after.size).toBe(before.size + 3);
    const moved = [...before].filter(([id, p]) => after.get(id)!.x !== p.x || after.get(id)!.y !== p.y).map(([id]) => id);
    for (const id of moved) expect(['process', 'dir'], id).toContain(graphs.at(-1)!.byId.get(id)?.kind ?? 'dir'); // only column 0, below the grown process
    const sizes = new Map(graphs.flatMap((g) => g.nodes.map((n) => [n.id, h.size(n.id)!] as const)));
    expect(overlaps(after, sizes)).toEqual([]);
  });
});

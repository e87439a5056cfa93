/**
 * Layout with dagre, left to right in fixed columns (processes and directories, open files
 * and pins, links, programs and attach points, maps), stable from step to step:
 *
 * - columns are fixed by kind (dagre's ranker is given the ranks), so a longer chain of
 *   references never pushes existing nodes sideways;
 * - the layout is of the history's union graph (every node and reference any step has),
 *   so stepping back and forward moves nothing: each step shows a subset at fixed places;
 * - it is cached by topology, so a step that adds no node or edge costs no layout;
 * - when the union grows, dagre relays out the same graph object (its dynamic mode keeps
 *   the previous order), and the result is shifted so existing nodes move the least.
 */
import dagre from '@dagrejs/dagre';
import type { Graph, GraphNode } from './types';

export interface XY { x: number; y: number }
export interface Size { w: number; h: number }

export const ROW_H = 17;

/** Rows a process node shows: its BPF/dir fds, and one line for its tty fds. */
export function processRows(n: GraphNode): number {
  const rows = n.rows ?? [];
  const tty = rows.some((r) => !r.to);
  return rows.filter((r) => r.to).length + (tty ? 1 : 0);
}

export function nodeSize(n: GraphNode): Size {
  switch (n.kind) {
    case 'process': return { w: 176, h: 44 + ROW_H * processRows(n) };
    case 'file': return { w: 140, h: 50 };
    case 'pin': return { w: 176, h: 50 };
    case 'dir': return { w: 140, h: 36 };
    case 'link': return { w: 150, h: 50 };
    case 'map': return { w: 160, h: 50 };
    default: return { w: 168, h: 50 };
  }
}

/** The column of a node kind; kinds the model adds later default to the links' column. */
export function column(kind: string): number {
  switch (kind) {
    case 'process': case 'dir': return 0;
    case 'file': case 'pin': return 1;
    case 'prog': case 'attach': return 3;
    case 'map': return 4;
    default: return 2;
  }
}

interface LayoutNode { id: string; w: number; h: number; col: number }
interface LayoutEdge { source: string; target: string; holds?: boolean }

const COLUMN_W = [176, 176, 168, 168, 160];
const COLUMN_GAP = 48;
/** Left edge of each column: fixed, whatever the columns hold. */
export const COLUMN_X = COLUMN_W.reduce<number[]>((xs, _w, i) => [...xs, i === 0 ? 16 : xs[i - 1]! + COLUMN_W[i - 1]! + COLUMN_GAP], []);

/** dagre doubles every edge's minlen (room for labels), so columns are every other rank;
 * rank 0 is left to dagre's own nesting root. */
const presetRanks = (g: { nodes(): string[]; node(v: string): { rank?: number } }): void => {
  for (const v of g.nodes()) {
    const n = g.node(v);
    if (typeof n.rank !== 'number') n.rank = 0;
  }
};

const OPTIONS = { rankdir: 'LR', ranksep: 64, nodesep: 14, edgesep: 8, marginx: 16, marginy: 16, ranker: presetRanks };

/** One dagre graph kept across relayouts, plus a cache of positions by topology. */
export class StableLayout {
  private g = new dagre.graphlib.Graph({ multigraph: false });
  private last = new Map<string, XY>();
  private readonly byTopology = new Map<string, Map<string, XY>>();
  /** How many times dagre actually ran (tests and benches read it). */
  runs = 0;

  /** Take positions placed elsewhere (incrementally) as the ones to stay close to. */
  remember(pos: ReadonlyMap<string, XY>): void {
    this.last = new Map([...pos].map(([k, v]) => [k, { ...v }]));
  }

  constructor() {
    this.g.setGraph({ ...OPTIONS });
    this.g.setDefaultEdgeLabel(() => ({}));
  }

  /** Top-left positions of every node. */
  layout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): ReadonlyMap<string, XY> {
    const key = topologyKey(nodes, edges);
    const hit = this.byTopology.get(key);
    if (hit) return hit;
    const g = this.g;
    const want = new Set(nodes.map((n) => n.id));
    for (const id of g.nodes()) if (!want.has(id)) g.removeNode(id);
    const col = new Map<string, number>();
    for (const n of nodes) {
      col.set(n.id, n.col);
      g.setNode(n.id, { width: n.w, height: n.h, rank: (n.col + 1) * 2 });
    }
    // Only edges that go right are laid out (a file opening a directory, a directory in a
    // directory are drawn, not ranked).
    const forward = edges.filter((e) => (col.get(e.target) ?? 0) > (col.get(e.source) ?? 0));
    const wantEdges = new Set(forward.map((e) => `${e.source}\u0000${e.target}`));
    for (const e of g.edges()) if (!wantEdges.has(`${e.v}\u0000${e.w}`)) g.removeEdge(e.v, e.w);
    for (const e of forward) g.setEdge(e.source, e.target);
    this.runs++;
    dagre.layout(g);
    const pos = new Map<string, XY>();
    for (const n of nodes) {
      const d = g.node(n.id) as { x: number; y: number };
      pos.set(n.id, { x: COLUMN_X[n.col] ?? d.x - n.w / 2, y: d.y - n.h / 2 });
    }
    anchor(pos, this.last);
    this.last = pos;
    if (this.byTopology.size > 32) this.byTopology.delete(this.byTopology.keys().next().value!);
    this.byTopology.set(key, pos);
    return pos;
  }
}

function topologyKey(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): string {
  const parts: string[] = [];
  for (const n of nodes) parts.push(`${n.id}:${n.w}x${n.h}@${n.col}`);
  parts.push('|');
  for (const e of edges) parts.push(`${e.source}>${e.target}`);
  return parts.join(',');
}

/** Shift `pos` vertically by the median move of the nodes that were already placed
 * (columns fix x). */
function anchor(pos: Map<string, XY>, before: ReadonlyMap<string, XY>): void {
  const dy: number[] = [];
  for (const [id, p] of pos) {
    const q = before.get(id);
    if (q) dy.push(q.y - p.y);
  }
  if (dy.length === 0) return;
  const my = dy.sort((a, b) => a - b)[dy.length >> 1]!;
  if (my !== 0) for (const p of pos.values()) p.y += my;
}

/**
 * The edges that place nodes: every reference, and for a node no reference touches (an
 * attach point) only its first other edge, so a hook with many links or a directory with
 * many pins does not pull them all together.
 */
function placingEdges(edges: readonly LayoutEdge[]): LayoutEdge[] {
  const held = new Set<string>();
  for (const e of edges) if (e.holds) { held.add(e.source); held.add(e.target); }
  const placed = new Set<string>();
  return edges.filter((e) => {
    if (e.holds) return true;
    if (held.has(e.target) || placed.has(e.target)) return false;
    placed.add(e.target);
    return true;
  });
}

/**
 * The union of a history's graphs, kept incrementally: feed it the graphs of steps
 * 0..n in order; a new prefix (history truncated or replayed) starts it over.
 */
/** From this many nodes, a few new nodes are placed into free room of their column instead
 * of a dagre run (which takes seconds at 2,000 nodes); nothing else moves. */
export const INCREMENTAL_FROM = 300;
const INCREMENTAL_MAX_NEW = 32;
const GAP = 14;

export class HistoryLayout {
  private graphs: Graph[] = [];
  /** Existing nodes that got bigger since the last layout (a process with more fds). */
  private grown = new Set<string>();
  /** How many times new nodes were placed without dagre. */
  incrementalRuns = 0;
  /** The last change of positions placed new nodes only (the view need not refit). */
  lastIncremental = false;
  private nodes = new Map<string, LayoutNode>();
  private edges = new Map<string, LayoutEdge>();
  private readonly stable = new StableLayout();
  private positions: ReadonlyMap<string, XY> = new Map();
  private dirty = true;

  get runs(): number { return this.stable.runs; }

  /** A node's size in the layout: the largest it has at any step. */
  size(id: string): Size | undefined {
    const n = this.nodes.get(id);
    return n ? { w: n.w, h: n.h } : undefined;
  }

  /** Positions for every node any of `graphs` has. */
  update(graphs: readonly Graph[]): ReadonlyMap<string, XY> {
    let same = 0;
    while (same < graphs.length && same < this.graphs.length && graphs[same] === this.graphs[same]) same++;
    let reset = false;
    if (same < this.graphs.length) {
      this.nodes.clear();
      this.edges.clear();
      this.graphs = [];
      same = 0;
      this.dirty = true;
      reset = true;
    }
    for (let i = same; i < graphs.length; i++) if (i === 0 || graphs[i] !== graphs[i - 1]) this.add(graphs[i]!);
    this.graphs = [...graphs];
    if (this.dirty) {
      const placed = reset ? null : this.placeNew(this.positions);
      this.lastIncremental = placed !== null;
      if (placed) {
        this.positions = placed;
        this.stable.remember(placed);
        this.incrementalRuns++;
      } else {
        this.positions = this.stable.layout([...this.nodes.values()], placingEdges([...this.edges.values()]));
      }
      this.dirty = false;
      this.grown.clear();
    }
    return this.positions;
  }

  /** Place the nodes `prev` lacks next to a neighbour, in free room of their column; null
   * when a full layout is due (a small graph, or many new nodes). */
  private placeNew(prev: ReadonlyMap<string, XY>): Map<string, XY> | null {
    const fresh = [...this.nodes.values()].filter((n) => !prev.has(n.id));
    if (prev.size < INCREMENTAL_FROM || fresh.length + this.grown.size === 0 || fresh.length > INCREMENTAL_MAX_NEW) return null;
    const pos = new Map<string, XY>();
    const cols = new Map<number, { id: string; y0: number; y1: number }[]>();
    for (const n of this.nodes.values()) {
      const p = prev.get(n.id);
      if (!p) continue;
      pos.set(n.id, { ...p });
      (cols.get(n.col) ?? cols.set(n.col, []).get(n.col)!).push({ id: n.id, y0: p.y, y1: p.y + n.h });
    }
    // A node that grew pushes what it now overlaps further down its column.
    for (const col of cols.values()) {
      col.sort((a, b) => a.y0 - b.y0);
      for (let i = 1; i < col.length; i++) {
        const above = col[i - 1]!;
        const r = col[i]!;
        if (this.grown.size > 0 && above.y1 + GAP - r.y0 > 0.5) {
          const dy = above.y1 + GAP - r.y0;
          r.y0 += dy;
          r.y1 += dy;
          pos.get(r.id)!.y += dy;
        }
      }
    }
    const edges = [...this.edges.values()];
    for (const n of fresh) {
      const col = (cols.get(n.col) ?? cols.set(n.col, []).get(n.col)!).sort((a, b) => a.y0 - b.y0);
      const near = edges.find((e) => (e.source === n.id && pos.has(e.target)) || (e.target === n.id && pos.has(e.source)));
      let y = near ? pos.get(near.source === n.id ? near.target : near.source)!.y : (col[col.length - 1]?.y1 ?? 0) + GAP;
      for (const r of col) if (y < r.y1 + GAP && y + n.h + GAP > r.y0) y = r.y1 + GAP; // slide down past what it hits
      pos.set(n.id, { x: COLUMN_X[n.col] ?? 0, y });
      col.push({ id: n.id, y0: y, y1: y + n.h });
    }
    return pos;
  }

  private add(g: Graph): void {
    for (const n of g.nodes) {
      const s = nodeSize(n);
      const old = this.nodes.get(n.id);
      if (!old) {
        this.nodes.set(n.id, { id: n.id, ...s, col: column(n.kind) });
        this.dirty = true;
      } else if (s.h > old.h || s.w > old.w) {
        this.nodes.set(n.id, { ...old, w: Math.max(s.w, old.w), h: Math.max(s.h, old.h) });
        this.dirty = true;
        this.grown.add(n.id);
      }
    }
    for (const e of g.edges) {
      const k = `${e.source}\u0000${e.target}`;
      if (!this.edges.has(k)) {
        this.edges.set(k, { source: e.source, target: e.target, holds: e.holds });
        this.dirty = true;
      }
    }
  }
}

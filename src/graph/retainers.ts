/**
 * Retainers as a query (Chrome DevTools' retainer paths): every path from a root — a live
 * process, a pin, a legacy attachment — along references (holder → held) to an object.
 * An object is alive exactly as long as one such path exists.
 */
import type { Graph, GraphEdge } from './types';

export interface Retainers {
  target: string;
  /** Every node on some path from a root to the target (the target included). */
  nodes: ReadonlySet<string>;
  /** Every reference edge on such a path. */
  edges: ReadonlySet<string>;
  /** The roots that keep the target alive, nearest first. */
  roots: readonly string[];
  /** Paths as edge lists, root first; at most `limit` of them. */
  paths: readonly (readonly GraphEdge[])[];
  /** More paths exist than were listed. */
  truncated: boolean;
  /** Shortest number of references from each root. */
  distance: ReadonlyMap<string, number>;
}

const heldByCache = new WeakMap<Graph, Map<string, GraphEdge[]>>();

/** Reference edges into each node. */
export function heldBy(graph: Graph): Map<string, GraphEdge[]> {
  let m = heldByCache.get(graph);
  if (!m) {
    m = new Map();
    for (const e of graph.edges) {
      if (!e.holds) continue;
      const list = m.get(e.target);
      if (list) list.push(e);
      else m.set(e.target, [e]);
    }
    heldByCache.set(graph, m);
  }
  return m;
}

const EMPTY: Retainers = {
  target: '', nodes: new Set(), edges: new Set(), roots: [], paths: [], truncated: false, distance: new Map(),
};

export function retainersOf(graph: Graph, key: string, limit = 64): Retainers {
  if (!graph.byId.has(key)) return { ...EMPTY, target: key };
  const into = heldBy(graph);
  // Backwards breadth-first: every node and edge that reaches the target, and distances.
  const nodes = new Set<string>([key]);
  const edges = new Set<string>();
  const dist = new Map<string, number>([[key, 0]]);
  const queue = [key];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const e of into.get(id) ?? []) {
      edges.add(e.id);
      if (!nodes.has(e.source)) {
        nodes.add(e.source);
        dist.set(e.source, dist.get(id)! + 1);
        queue.push(e.source);
      }
    }
  }
  const rootIds = [...nodes].filter((id) => graph.byId.get(id)!.root);
  rootIds.sort((a, b) => dist.get(a)! - dist.get(b)!);
  // Paths: depth-first from the target backwards, each simple path ending at a root.
  const paths: GraphEdge[][] = [];
  let truncated = false;
  const stack: GraphEdge[] = [];
  const onPath = new Set<string>([key]);
  const walk = (id: string): void => {
    if (truncated) return;
    if (graph.byId.get(id)!.root && id !== key) {
      if (paths.length >= limit) { truncated = true; return; }
      paths.push([...stack].reverse());
      return;
    }
    for (const e of into.get(id) ?? []) {
      if (onPath.has(e.source)) continue;
      onPath.add(e.source);
      stack.push(e);
      walk(e.source);
      stack.pop();
      onPath.delete(e.source);
    }
  };
  walk(key);
  // Processes first, then pins, then other roots; shorter paths first.
  const rank = (p: GraphEdge[]): number => {
    const k = graph.byId.get(p[0]!.source)!.kind;
    return (k === 'process' ? 0 : k === 'pin' ? 1000 : 2000) + p.length;
  };
  paths.sort((a, b) => rank(a) - rank(b));
  const distance = new Map(rootIds.map((r) => [r, dist.get(r)!]));
  return { target: key, nodes, edges, roots: rootIds, paths, truncated, distance };
}

/** What `key` holds, directly and through what it holds (forward along references). */
export function heldFrom(graph: Graph, key: string): Set<string> {
  const out = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) if (e.holds) (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e);
  const seen = new Set<string>();
  const queue = [key];
  for (let i = 0; i < queue.length; i++) {
    for (const e of out.get(queue[i]!) ?? []) {
      if (!seen.has(e.target)) {
        seen.add(e.target);
        queue.push(e.target);
      }
    }
  }
  return seen;
}

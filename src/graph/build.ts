/**
 * `buildGraph(snapshot)`: the reference graph of one step, drawn from that step's snapshot
 * alone. Node order follows `SOURCES` and, within a source, the snapshot's order, so ids
 * and order are stable from step to step. Results are cached by snapshot identity.
 */
import type { FileSnapshot, KernelSnapshot, LinkSnapshot, ProgSnapshot } from '../kernel/index';
import { SOURCES, type GraphBuilder } from './sources';
import type { EdgeKind, Graph, GraphEdge, GraphNode } from './types';

const cache = new WeakMap<KernelSnapshot, Graph>();

function index<T extends { key: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((x) => [x.key, x]));
}

export function buildGraph(snap: KernelSnapshot): Graph {
  const hit = cache.get(snap);
  if (hit) return hit;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const byId = new Map<string, GraphNode>();
  let fileIdx: Map<string, FileSnapshot> | undefined;
  let progIdx: Map<string, ProgSnapshot> | undefined;
  let linkIdx: Map<string, LinkSnapshot> | undefined;
  const b: GraphBuilder = {
    snap,
    node(n) {
      if (byId.has(n.id)) return;
      byId.set(n.id, n);
      nodes.push(n);
    },
    edge(source: string, target: string, kind: EdgeKind, label: string, holds: boolean, sourceHandle?: string) {
      const e: GraphEdge = { id: `${kind}:${source}${sourceHandle ? `/${sourceHandle}` : ''}->${target}`, source, target, kind, label, holds };
      if (sourceHandle) e.sourceHandle = sourceHandle;
      edges.push(e);
    },
    has: (id) => byId.has(id),
    file: (key) => (fileIdx ??= index(snap.files)).get(key),
    prog: (key) => (progIdx ??= index(snap.progs)).get(key),
    link: (key) => (linkIdx ??= index(snap.links)).get(key),
  };
  for (const s of SOURCES) s.build(b);
  const graph: Graph = { nodes, edges: edges.filter((e) => byId.has(e.source) && byId.has(e.target)), byId };
  cache.set(snap, graph);
  return graph;
}

/** Nodes of `prev` that are gone in `next`: what this step freed or removed (drawn
 * fading). Attach points are kernel hooks, never freed: the snapshot only lists them while
 * something is attached. */
export function freedNodes(prev: Graph | undefined, next: Graph): GraphNode[] {
  if (!prev) return [];
  return prev.nodes.filter((n) => !next.byId.has(n.id) && n.kind !== 'attach');
}

/** Program ids → node ids, for the programs that ran in a step. */
export function ranNodes(snap: KernelSnapshot, ran: readonly number[]): Set<string> {
  const ids = new Set(ran);
  return new Set(snap.progs.filter((p) => ids.has(p.id)).map((p) => p.key));
}

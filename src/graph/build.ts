/**
 * `buildGraph(snapshot)`: the reference graph of one step, drawn from that step's snapshot
 * alone. Node order follows `SOURCES` and, within a source, the snapshot's order, so ids
 * and order are stable from step to step. Results are cached by snapshot identity.
 */
import type { FileSnapshot, KernelSnapshot, LinkSnapshot, ProgSnapshot } from '../kernel/index';
import { SOURCES, type GraphBuilder } from './sources';
import type { EdgeKind, Graph, GraphEdge, GraphNode } from './types';

const cache = new WeakMap<KernelSnapshot, Graph>();
/** The node last made from each snapshot item: an unchanged item gives the same node
 * object at every step (snapshots share unchanged items), so views can skip it. */
const nodeOf = new WeakMap<object, GraphNode>();

function sameRows(a: GraphNode['rows'], b: GraphNode['rows']): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((r, i) => r.fd === b[i]!.fd && r.file === b[i]!.file && r.text === b[i]!.text && r.to === b[i]!.to);
}

function sameNode(a: GraphNode, b: GraphNode): boolean {
  return a.id === b.id && a.kind === b.kind && a.subkind === b.subkind && a.title === b.title && a.subtitle === b.subtitle
    && a.counters === b.counters && a.label === b.label && a.state === b.state && a.root === b.root && a.runCnt === b.runCnt
    && sameRows(a.rows, b.rows);
}

function reuse(n: GraphNode): GraphNode {
  if (typeof n.source !== 'object' || n.source === null) return n;
  const old = nodeOf.get(n.source);
  if (old && sameNode(old, n)) return old;
  nodeOf.set(n.source, n);
  return n;
}

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
    node(made) {
      if (byId.has(made.id)) return;
      const n = reuse(made);
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

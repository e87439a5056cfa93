/**
 * The graph as React Flow draws it at one step: positions from the history's layout,
 * classes for selection, retainer paths, programs that ran, freed objects fading, and
 * detached links. Plain TypeScript (no React), with caches so that a node whose drawing
 * did not change keeps its object from one call to the next.
 */
import type { Edge, MarkerType, Node } from '@xyflow/react';
import {
  buildGraph, freedNodes, HistoryLayout, nodeSize, ranNodes, retainersOf,
  type Graph, type GraphEdge, type GraphNode, type Retainers,
} from '../../graph/index';
import { firedEvent, type Step } from '../../store/index';

export interface FlowNodeData extends Record<string, unknown> {
  g: GraphNode;
  w: number;
  h: number;
}
export type FlowNode = Node<FlowNodeData, 'process' | 'object'>;

export interface ViewInput {
  steps: readonly Step[];
  cursor: number;
  selected: string | null;
}

export interface GraphView {
  nodes: FlowNode[];
  edges: Edge[];
  /** The selection's retainers, or null. */
  retainers: Retainers | null;
  /** Changes whenever the layout changes (the pane refits the view then). */
  layoutVersion: number;
  /** The box around every node of the history: the view that moves nothing. */
  bounds: { x: number; y: number; width: number; height: number };
}

/** Above this many nodes, edges are drawn without labels (except the selection's paths),
 * and weak edges only for the selection. */
export const LABELLED_NODES = 300;

const ARROW = { type: 'arrowclosed' as MarkerType, width: 14, height: 14 };

interface NodeEntry { g: GraphNode; x: number; y: number; w: number; h: number; flags: string; node: FlowNode }
interface EdgeEntry { e: GraphEdge; flags: string; edge: Edge }

function nodeFlags(g: GraphNode, selected: string | null, r: Retainers | null, ran: Set<string>, fired: string | null, freed: boolean): string {
  const f = [`k-${g.kind}`, `s-${g.state}`];
  if (freed) f.push('freed');
  if (g.id === selected) f.push('sel');
  else if (r?.nodes.has(g.id)) f.push('rt');
  if (ran.has(g.id) || g.id === fired) f.push('ran');
  return f.join(' ');
}

export class GraphViewModel {
  private readonly layout = new HistoryLayout();
  private stepsSeen: readonly Step[] | null = null;
  private graphs: Graph[] = [];
  private positions: ReadonlyMap<string, { x: number; y: number }> = new Map();
  private layoutVersion = 0;
  private bounds = { x: 0, y: 0, width: 1, height: 1 };
  private readonly nodeCache = new Map<string, NodeEntry>();
  private readonly edgeCache = new Map<string, EdgeEntry>();

  private sync(steps: readonly Step[]): void {
    if (steps === this.stepsSeen) return;
    this.stepsSeen = steps;
    this.graphs = steps.map((s) => buildGraph(s.snapshot));
    const before = this.positions;
    this.positions = this.layout.update(this.graphs);
    if (this.positions !== before) {
      // New nodes placed into free room of a large layout: keep the user's view.
      if (!this.layout.lastIncremental) this.layoutVersion++;
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const [id, p] of this.positions) {
        const s = this.layout.size(id) ?? { w: 0, h: 0 };
        x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y);
        x1 = Math.max(x1, p.x + s.w); y1 = Math.max(y1, p.y + s.h);
      }
      this.bounds = Number.isFinite(x0) ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : { x: 0, y: 0, width: 1, height: 1 };
    }
  }

  view({ steps, cursor, selected }: ViewInput): GraphView {
    this.sync(steps);
    const step = steps[cursor]!;
    const graph = this.graphs[cursor]!;
    const prev = cursor > 0 ? this.graphs[cursor - 1] : undefined;
    const ran = ranNodes(step.snapshot, step.result.ran);
    const fired = firedEvent(step.command);
    const r = selected && graph.byId.has(selected) ? retainersOf(graph, selected) : null;
    const nodes: FlowNode[] = [];
    for (const g of graph.nodes) nodes.push(this.node(g, nodeFlags(g, selected, r, ran, fired, false), false));
    for (const g of freedNodes(prev, graph)) nodes.push(this.node(g, nodeFlags(g, null, null, ran, null, true), true));
    const edges: Edge[] = [];
    // Edge labels are SVG text React Flow measures one by one: in a large graph only the
    // selection's paths keep theirs.
    // Weak edges (a link on its hook, a pin in its directory) fan in to a few hubs: in a
    // large graph they are long lines across everything, costly to lay out and raster, so
    // only those of the selection are drawn (the link's state and the hook's count say it).
    const small = graph.nodes.length <= LABELLED_NODES;
    for (const e of graph.edges) {
      if (!small && !e.holds && e.source !== selected && e.target !== selected) continue;
      edges.push(this.edge(e, r, small));
    }
    return { nodes, edges, retainers: r, layoutVersion: this.layoutVersion, bounds: this.bounds };
  }

  private node(g: GraphNode, flags: string, freed: boolean): FlowNode {
    const p = this.positions.get(g.id) ?? { x: 0, y: 0 };
    const size = this.layout.size(g.id) ?? nodeSize(g);
    const old = this.nodeCache.get(g.id);
    if (old && old.g === g && old.x === p.x && old.y === p.y && old.w === size.w && old.h === size.h && old.flags === flags) return old.node;
    const highlight = flags.includes(' sel') ? 'selected' : flags.includes(' rt') ? 'retainer' : '';
    const node: FlowNode = {
      id: g.id,
      type: g.kind === 'process' ? 'process' : 'object',
      position: { x: p.x, y: p.y },
      data: { g, w: size.w, h: size.h },
      width: size.w,
      height: size.h,
      className: flags,
      ariaLabel: freed ? `${g.label} (freed)` : g.label,
      selected: highlight === 'selected',
      selectable: !freed,
      draggable: false,
      connectable: false,
      focusable: !freed,
      domAttributes: {
        'data-kind': g.kind, 'data-state': freed ? 'freed' : g.state, 'data-highlight': highlight,
        'data-ran': flags.includes(' ran') ? 'true' : 'false',
      } as FlowNode['domAttributes'],
    };
    this.nodeCache.set(g.id, { g, x: p.x, y: p.y, w: size.w, h: size.h, flags, node });
    return node;
  }

  private edge(e: GraphEdge, r: Retainers | null, labels: boolean): Edge {
    const onPath = r?.edges.has(e.id) ?? false;
    const labelled = labels || onPath;
    const flags = `e-${e.kind}${e.holds ? '' : ' e-weak'}${onPath ? ' rt' : ''}${labelled ? '' : ' nolabel'}`;
    const old = this.edgeCache.get(e.id);
    if (old && old.e.label === e.label && old.e.source === e.source && old.e.target === e.target && old.flags === flags) return old.edge;
    const edge: Edge = {
      id: e.id,
      source: e.source,
      target: e.target,
      label: labelled ? e.label || undefined : undefined,
      className: flags,
      ariaLabel: `${e.label || e.kind}: ${e.source} to ${e.target}`,
      selectable: false,
      focusable: false,
      zIndex: onPath ? 1 : 0,
      markerEnd: ARROW,
      domAttributes: { 'data-kind': e.kind, 'data-source': e.source, 'data-target': e.target, 'data-highlight': onPath ? 'path' : '' } as Edge['domAttributes'],
    };
    if (e.sourceHandle) edge.sourceHandle = e.sourceHandle;
    this.edgeCache.set(e.id, { e, flags, edge });
    return edge;
  }
}

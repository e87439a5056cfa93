/**
 * What holds an object, and what would have to go for it to be freed (or detached), in
 * plain words. Reads the graph and `retainersOf`; the side panel prints the result.
 */
import type { KernelSnapshot } from '../kernel/index';
import { buildGraph } from './build';
import { retainersOf } from './retainers';
import { objectName } from './sources';
import type { Graph, GraphEdge, GraphNode } from './types';

export interface Explanation {
  key: string;
  title: string;
  /** What it is and its state, one or two sentences. */
  summary: string;
  /** Each direct reference to it, in words. */
  heldBy: readonly string[];
  /** Every path from a root, in words ("loader (pid 100) fd 5 → open file bpf-link → link 1"). */
  paths: readonly string[];
  /** What has to go for it to be freed; empty when nothing holds it or it is a root. */
  toFree: readonly string[];
  /** The sentence that introduces `toFree`. */
  toFreeLead: string;
}

function nodeWords(g: Graph, snap: KernelSnapshot, id: string): string {
  const n = g.byId.get(id);
  if (!n) return id;
  switch (n.kind) {
    case 'process': return `${n.title} (pid ${id.slice(4)})`;
    case 'file': return `open file ${n.title}`;
    case 'pin': return `pin ${n.subtitle}`;
    case 'dir': return `directory ${n.subtitle}`;
    case 'attach': return `${n.subkind ?? 'hook'} ${n.title}`;
    case 'legacy': return `${n.title} ${id.replace('legacy#', '#')}`;
    default: return objectName({ snap }, id);
  }
}

function holderWords(g: Graph, snap: KernelSnapshot, e: GraphEdge): string {
  const src = g.byId.get(e.source)!;
  if (e.kind === 'fd') return `fd ${e.sourceHandle?.slice(2)} of ${nodeWords(g, snap, e.source)}`;
  if (e.kind === 'file') {
    const fds = g.edges.filter((x) => x.target === e.source && x.kind === 'fd').map((x) => holderWords(g, snap, x));
    return `an open file (${src.counters}) that ${fds.length === 1 ? fds[0] : fds.join(' and ')} ${fds.length === 1 ? 'refers' : 'refer'} to`;
  }
  if (e.kind === 'pin') return `the pin ${src.subtitle}`;
  if (e.kind === 'prog') return `${nodeWords(g, snap, e.source)}, which runs it`;
  if (e.kind === 'map') return `${nodeWords(g, snap, e.source)}, which uses it`;
  if (e.kind === 'legacy') return `a ${src.title} (${src.subtitle})${src.state === 'abandoned' ? ', abandoned' : ''}`;
  return nodeWords(g, snap, e.source);
}

/** The action that cuts a path at its root. */
function rootAction(g: Graph, snap: KernelSnapshot, first: GraphEdge): string {
  const root = g.byId.get(first.source)!;
  if (root.kind === 'process') return `close fd ${first.sourceHandle?.slice(2)} in ${nodeWords(g, snap, root.id)}, or let ${root.title} exit`;
  if (root.kind === 'pin') return `unlink ${root.subtitle}`;
  if (root.kind === 'legacy') {
    if (root.subkind === 'xdp') return `detach the XDP attachment (netlink, prog_fd -1: ip link set dev … xdp off)`;
    if (root.subkind === 'tcx') return `detach the tcx attachment (BPF_PROG_DETACH with target_ifindex, or bpftool net detach tcx_ingress dev …), or remove the device`;
    return `detach the cgroup attachment (BPF_PROG_DETACH, or bpftool cgroup detach)`;
  }
  return `remove ${nodeWords(g, snap, root.id)}`;
}

function summaryOf(g: Graph, snap: KernelSnapshot, n: GraphNode): string {
  switch (n.kind) {
    case 'process': return `A live process is a root: its fds hold what they refer to until it closes them or exits (exit closes every fd, highest first).`;
    case 'pin': return `A pin is a root: it holds ${n.counters.replace('holds ', '')} until it is unlinked and its inode destroyed.`;
    case 'legacy': return n.state === 'abandoned'
      ? `An abandoned legacy attachment (${n.subtitle}): its attacher has exited, no fd or pin owns it, yet it keeps its program attached until someone detaches it.`
      : `A legacy attachment (${n.subtitle}) is a root: no fd owns it, so it outlives its attacher; it holds its program until it is detached.`;
    case 'dir': return `A directory in ${n.subtitle.startsWith('/sys/fs/cgroup') ? 'cgroupfs' : 'BPF FS'}. It holds no BPF object; its pins do.`;
    case 'file': return `An open file (${n.subtitle}) with ${n.counters}: one reference to what it refers to, shared by every fd on it.`;
    case 'attach': {
      const a = snap.attachPoints.find((x) => x.key === n.id);
      const entryWords = (key: string): string => {
        const link = snap.links.find((x) => x.key === key);
        if (link) return `${objectName({ snap }, key)} → ${objectName({ snap }, link.prog)}`;
        const l = (snap.legacy ?? []).find((x) => x.key === key);
        return l ? `${l.kind} attachment ${key.replace('legacy#', '#')} → ${objectName({ snap }, l.prog)}` : key;
      };
      const order = (a?.entries ?? a?.links ?? []).map(entryWords);
      const runs = a?.runs?.map((p) => objectName({ snap }, p)) ?? [];
      if (runs.length > order.length) order.push(`and, inherited from parent cgroups: ${runs.slice(order.length).join(', ')}`);
      return order.length
        ? `A kernel hook. When it fires, these run in order: ${order.join(', ')}. It holds no reference: the links keep the programs on it.`
        : 'A kernel hook with nothing attached.';
    }
    case 'link': {
      const l = snap.links.find((x) => x.key === n.id)!;
      const prog = objectName({ snap }, l.prog);
      if (n.state === 'plain-fd') return `An attachment of ${prog} to ${l.target} made before bpf_link existed (5.6): a plain fd that cannot be pinned; closing its last fd detaches it.`;
      if (n.state === 'detached') return `Detached but alive: ${prog} no longer runs on ${l.target}, yet the link exists (with its id) until its last reference goes.`;
      return `Attached to ${l.target}: ${prog} runs each time it fires. The link holds the program.`;
    }
    case 'prog': {
      const p = snap.progs.find((x) => x.key === n.id)!;
      return `${n.subtitle}, run ${p.runCnt} time${p.runCnt === 1 ? '' : 's'}. ${p.maps.length ? `It holds the map${p.maps.length > 1 ? 's' : ''} it uses.` : ''}`.trim();
    }
    case 'map': {
      const m = snap.maps.find((x) => x.key === n.id)!;
      return `${n.subtitle}: refcnt ${m.refcnt} counts fds, pins and programs using it; usercnt ${m.usercnt} counts only fds and pins.`;
    }
    default: return n.subtitle;
  }
}

export function explain(snap: KernelSnapshot, key: string, graph: Graph = buildGraph(snap)): Explanation {
  const n = graph.byId.get(key);
  if (!n) {
    return { key, title: key, summary: 'Not alive at this step: it was freed (or does not exist yet).', heldBy: [], paths: [], toFree: [], toFreeLead: '' };
  }
  const r = retainersOf(graph, key);
  const order = ['file', 'pin', 'prog', 'map', 'legacy'];
  const direct = graph.edges.filter((e) => e.target === key && e.holds).sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const paths = r.paths.map((p) => [nodeWords(graph, snap, p[0]!.source), ...p.map((e) => `${e.label} → ${nodeWords(graph, snap, e.target)}`)].join(' '));
  if (r.truncated) paths.push('… and more');
  const toFree = [...new Set(r.paths.map((p) => rootAction(graph, snap, p[0]!)))];
  const verb = n.kind === 'link' && n.state === 'attached' ? 'freed, and so detached,' : n.kind === 'file' ? 'closed' : 'freed';
  const toFreeLead = n.root
    ? ''
    : toFree.length === 1 ? `It is ${verb} when this goes:` : toFree.length > 1 ? `It is ${verb} only when all of these go:` : '';
  return {
    key,
    title: `${n.title}${n.kind === 'prog' || n.kind === 'map' ? ` (${n.kind})` : ''}`,
    summary: summaryOf(graph, snap, n),
    heldBy: direct.map((e) => holderWords(graph, snap, e)),
    paths,
    toFree,
    toFreeLead,
  };
}

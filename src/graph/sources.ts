/**
 * One source per snapshot array: each turns its part of the snapshot into nodes and edges.
 * When the model grows (cgroups, netdevs, legacy attachments), add a source here and put
 * it in `SOURCES`; nothing else in the graph needs to change.
 */
import type { FileSnapshot, KernelSnapshot, LinkSnapshot, ProgSnapshot } from '../kernel/index';
import type { EdgeKind, FdRow, GraphNode } from './types';

export interface GraphBuilder {
  readonly snap: KernelSnapshot;
  node(n: GraphNode): void;
  edge(source: string, target: string, kind: EdgeKind, label: string, holds: boolean, sourceHandle?: string): void;
  has(id: string): boolean;
  file(key: string): FileSnapshot | undefined;
  prog(key: string): ProgSnapshot | undefined;
  link(key: string): LinkSnapshot | undefined;
}

export interface GraphSource {
  /** The snapshot array it reads. */
  name: string;
  build(b: GraphBuilder): void;
}

const short = (t: string | number): string => String(t).replace(/^BPF_(PROG|MAP|LINK)_TYPE_/, '').toLowerCase();
const base = (path: string): string => path.slice(path.lastIndexOf('/') + 1) || '/';

export const pinId = (path: string): string => `pin:${path}`;
export const dirId = (path: string): string => `dir:${path}`;
export const pidId = (pid: number): string => `pid:${pid}`;

const names = new WeakMap<KernelSnapshot, Map<string, string>>();

/** A BPF object in words, as the panels name it: "link 1", "prog raw_tp_prog", "map test_lin.bss".
 * Names are computed once per snapshot. */
export function objectName(b: Pick<GraphBuilder, 'snap'>, key: string): string {
  const s = b.snap;
  let m = names.get(s);
  if (!m) {
    m = new Map();
    for (const p of s.progs) m.set(p.key, `prog ${p.name || p.id}`);
    for (const x of s.maps) m.set(x.key, `map ${x.name || x.id}`);
    const progName = (k: string): string => s.progs.find((x) => x.key === k)?.name ?? '';
    for (const l of s.links) m.set(l.key, l.isLink ? `link ${l.id || '(no id)'}` : `attachment of prog ${progName(l.prog)}`.trim());
    names.set(s, m);
  }
  return m.get(key) ?? key;
}

const processes: GraphSource = {
  name: 'processes',
  build(b) {
    for (const p of b.snap.processes) {
      const id = pidId(p.pid);
      const rows: FdRow[] = p.fds.map(({ fd, file }) => {
        const f = b.file(file);
        if (!f || f.kind === 'tty') return { fd, file, text: 'tty' };
        if (f.kind === 'dir') return { fd, file, text: `dir ${f.target}`, to: file };
        if (f.kind === 'iter') return { fd, file, text: `iterator of ${objectName(b, f.target)}`, to: file };
        return { fd, file, text: objectName(b, f.target), to: file };
      });
      b.node({
        id, kind: 'process', title: p.comm, subtitle: `pid ${p.pid}${p.ppid !== 1 ? ` · child of ${p.ppid}` : ''}`,
        counters: `${p.fds.length} fds`, label: `process ${p.comm} (pid ${p.pid})`, state: 'alive', root: true, rows, source: p,
      });
      for (const r of rows) if (r.to) b.edge(id, r.to, 'fd', `fd ${r.fd}`, true, `fd${r.fd}`);
    }
  },
};

const files: GraphSource = {
  name: 'files',
  build(b) {
    for (const f of b.snap.files) {
      if (f.kind === 'tty') continue;
      const what = f.name.replace(/^anon_inode:/, '');
      b.node({
        id: f.key, kind: 'file', title: what, subtitle: `open file ${f.key.replace('file#', '#')}`, counters: `f_count ${f.fCount}`,
        label: `open file ${what} ${f.key.replace('file#', '#')}`, state: 'alive', root: false, source: f,
      });
      const target = f.kind === 'dir' ? dirId(f.target) : f.target;
      b.edge(f.key, target, 'file', f.kind === 'dir' ? 'opens' : f.kind === 'iter' ? 'runs on read' : 'refers to', true);
      // opened through a pin since unlinked: the file keeps that pin's inode, which holds its object
      if (f.keeps) b.edge(f.key, f.keeps, 'file', 'keeps its unlinked pin, which holds', true);
    }
  },
};

const links: GraphSource = {
  name: 'links',
  build(b) {
    for (const l of b.snap.links) {
      const title = l.isLink ? `link ${l.id || '(no id)'}` : 'attachment fd';
      const state = !l.isLink ? 'plain-fd' : l.attached ? 'attached' : 'detached';
      b.node({
        id: l.key, kind: 'link', title, subtitle: `${short(l.type)}${state === 'detached' ? ' · detached' : ''}`,
        counters: `refcnt ${l.refcnt}`, label: l.isLink ? `link ${l.id || l.key}` : `attachment fd ${l.key}`, state, root: false, source: l,
      });
      b.edge(l.key, l.prog, 'prog', 'runs', true);
      if (l.map) b.edge(l.key, l.map, 'map', 'walks', true);
      if (l.attached) b.edge(l.key, l.target, 'attach', 'attached to', false);
    }
  },
};

const progs: GraphSource = {
  name: 'progs',
  build(b) {
    for (const p of b.snap.progs) {
      const name = p.name || `prog ${p.id}`;
      b.node({
        id: p.key, kind: 'prog', title: name, subtitle: `prog ${p.id} · ${short(p.type)}${p.attachTarget ? ` → ${p.attachTarget}` : ''}`,
        counters: `refcnt ${p.refcnt} · run_cnt ${p.runCnt}`, label: `program ${name}`, state: 'alive', root: false, runCnt: p.runCnt, source: p,
      });
      for (const m of p.maps) b.edge(p.key, m, 'map', 'uses', true);
    }
  },
};

const maps: GraphSource = {
  name: 'maps',
  build(b) {
    for (const m of b.snap.maps) {
      const name = m.name || `map ${m.id}`;
      b.node({
        id: m.key, kind: 'map', title: name, subtitle: `map ${m.id} · ${short(m.type)}`,
        counters: `refcnt ${m.refcnt} · usercnt ${m.usercnt}`, label: `map ${name}`, state: 'alive', root: false, source: m,
      });
    }
  },
};

function fsSource(name: 'bpffs' | 'cgroupfs'): GraphSource {
  return {
    name,
    build(b) {
      for (const e of b.snap[name]) {
        const parent = e.path.slice(0, e.path.lastIndexOf('/'));
        if (e.kind === 'dir') {
          b.node({
            id: dirId(e.path), kind: 'dir', title: base(e.path), subtitle: e.path, counters: '',
            label: `directory ${e.path}`, state: 'alive', root: false, source: e,
          });
        } else {
          b.node({
            id: pinId(e.path), kind: 'pin', title: base(e.path), subtitle: e.path, counters: e.obj ? `holds ${objectName(b, e.obj)}` : '',
            label: `pin ${e.path}`, state: 'alive', root: true, source: e,
          });
          if (e.obj) b.edge(pinId(e.path), e.obj, 'pin', 'pins', true);
        }
        // A pin hangs off its directory; directories in directories are the BPF FS panel's
        // tree, not drawn (they would loop back within one column).
        if (e.kind === 'pin' && b.has(dirId(parent))) b.edge(dirId(parent), pinId(e.path), 'contains', '', false);
      }
    },
  };
}

/** A cgroup hook is named "PATH:ATTACH_TYPE": show the attach type as the title. */
function attachTitle(kind: string, name: string): { title: string; subtitle: string } {
  if (kind === 'cgroup') {
    const i = name.lastIndexOf(':');
    return { title: name.slice(i + 1).replace(/^BPF_CGROUP_/, '').toLowerCase(), subtitle: `cgroup ${name.slice(0, i)}` };
  }
  if (kind === 'tcx') {
    const i = name.lastIndexOf(':');
    return { title: `${name.slice(0, i)} ${name.slice(i + 1)}`, subtitle: 'tcx' };
  }
  return { title: name, subtitle: kind };
}

const attachPoints: GraphSource = {
  name: 'attachPoints',
  build(b) {
    for (const a of b.snap.attachPoints) {
      const n = (a.entries ?? a.links).length;
      const { title, subtitle } = attachTitle(a.kind, a.name);
      b.node({
        id: a.key, kind: 'attach', subkind: a.kind, title, subtitle: `${subtitle}${a.mode && a.mode !== 'none' ? ` · ${a.mode}` : ''}`,
        counters: n === 0 ? 'nothing attached' : `${n} attached${a.runs && a.runs.length !== n ? ` · ${a.runs.length} run` : ''}`,
        label: `${a.kind} ${a.name}`, state: 'alive', root: false, source: a,
      });
    }
  },
};

/** Legacy attachments (BPF_PROG_ATTACH to a cgroup or a tcx list, netlink XDP): owned by no fd, they hold
 * their program until detached, whether or not their attacher still lives. */
const legacy: GraphSource = {
  name: 'legacy',
  build(b) {
    for (const l of b.snap.legacy ?? []) {
      const how = l.kind === 'xdp' ? 'netlink XDP' : 'BPF_PROG_ATTACH';
      b.node({
        id: l.key, kind: 'legacy', subkind: l.kind, title: `${l.kind === 'cgroup' ? 'cgroup' : l.kind === 'tcx' ? 'tcx' : 'XDP'} attachment`,
        subtitle: `${how} by ${l.attacherComm} (pid ${l.attacherPid})`,
        counters: l.abandoned ? 'abandoned' : 'owned by no fd',
        label: `legacy ${l.kind} attachment ${l.key.replace('legacy#', '#')}`, state: l.abandoned ? 'abandoned' : 'alive', root: true, source: l,
      });
      b.edge(l.key, l.prog, 'legacy', 'runs', true);
      b.edge(l.key, l.target, 'attach', 'attached to', false);
    }
  },
};

/** In drawing order: holders before what they hold, so keys appear in a stable order. */
export const SOURCES: readonly GraphSource[] = [processes, fsSource('bpffs'), fsSource('cgroupfs'), files, links, legacy, progs, maps, attachPoints];

/**
 * The reference graph of one snapshot, before any drawing: nodes named by model keys,
 * edges for every reference (holder → held) and for what is not a reference (a link on
 * its attach point, a directory containing a pin).
 */

/** Node kinds. New snapshot arrays add kinds (cgroup, netdev, legacy attachment). */
export type NodeKind = 'process' | 'file' | 'link' | 'prog' | 'map' | 'pin' | 'dir' | 'attach' | 'legacy' | (string & {});

export type NodeState =
  | 'alive'
  | 'attached'      // a link on its hook
  | 'detached'      // a link alive but off its hook (BPF_LINK_DETACH, or its target went away)
  | 'plain-fd'      // a pre-5.7 attachment: an fd, not a bpf_link
  | 'abandoned';    // a legacy attachment whose attacher has exited: nobody owns it

export interface FdRow {
  fd: number;
  /** The open file's key. */
  file: string;
  /** What the fd refers to, in words ("link 1", "prog raw_tp_prog", "tty"). */
  text: string;
  /** Key of the node the row's edge goes to, if it has one (ttys have none). */
  to?: string;
}

export interface GraphNode {
  /** The model key: "pid:100", "file#7", "prog#3", "pin:/sys/fs/bpf/x", "tracepoint:sys_enter". */
  id: string;
  kind: NodeKind;
  /** For attach points: "tracepoint", "function", later "cgroup", "netdev". */
  subkind?: string;
  title: string;
  subtitle: string;
  /** Reference counts and run counts, one line. */
  counters: string;
  /** Accessible name, e.g. "program raw_tp_prog". */
  label: string;
  state: NodeState;
  /** A root of the retainer graph: a live process, a pin, a legacy attachment. */
  root: boolean;
  /** Process nodes: the fd table. */
  rows?: readonly FdRow[];
  /** Programs: how many times it has run. */
  runCnt?: number;
  /** The snapshot item the node was made from (for identity checks). */
  source: unknown;
}

export type EdgeKind =
  | 'fd'        // a process's fd slot → the open file
  | 'file'      // an open file → the object it refers to
  | 'pin'       // a pin → the object it holds
  | 'prog'      // a link → its program
  | 'map'       // a program → a map it uses
  | 'attach'    // a link → its attach point (not a reference)
  | 'contains'  // a directory → an entry (not a reference)
  | 'legacy'    // a legacy attachment → its program
  | (string & {});

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** The fd row of a process node ("fd5"). */
  sourceHandle?: string;
  kind: EdgeKind;
  label: string;
  /** Does the source hold a reference on the target? */
  holds: boolean;
}

export interface Graph {
  nodes: readonly GraphNode[];
  edges: readonly GraphEdge[];
  byId: ReadonlyMap<string, GraphNode>;
}

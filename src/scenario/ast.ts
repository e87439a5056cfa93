/**
 * The scenario AST: what `parse` returns and `serialize` prints. Plain data; positions
 * (`at`, 1-based line and column) are carried for messages and ignored by `stripPositions`
 * (parse → serialise → parse is the identity on the stripped AST).
 */

export interface Pos { line: number; col: number }

export type Value =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'ref'; name: string; at?: Pos }
  | { t: 'list'; items: Value[] }
  | { t: 'obj'; fields: Field[] };

export interface Field { key: string; value: Value }

/** Calls a process makes (`P: [name =] VERB ...`), and how many positional arguments each takes. */
export const PROC_VERBS = {
  fork: 0, exit: 0, close: 1, dup: 1, open: 1, mkdir: 1, rmdir: 1, unlink: 1, rename: 2,
  /** `bpf CMD field=value...` */
  bpf: 1,
  /** `libbpf load|load_attach SOURCE` */
  libbpf: 2,
  netlinkXdpAttach: 0, netlinkVethAdd: 0, netlinkLinkDel: 0,
} as const;
export type ProcVerb = keyof typeof PROC_VERBS;

export type Action =
  /** `spawn NAME`: a new process, its comm NAME; NAME names it in later lines. */
  | { kind: 'spawn'; name: string }
  /** `trigger EVENT`: a kernel event (`tracepoint:sys_enter`, `cgroup:inet_egress:/sys/fs/cgroup/x`, `xdp:eth0`). */
  | { kind: 'trigger'; event: string }
  /** `$ LINE`: one console line (`bpftool ...`, `ls`, `rm`, ...). A line starting `bpftool ` is the same. */
  | { kind: 'shell'; line: string }
  | { kind: 'call'; proc: string; bind?: string; verb: ProcVerb; args: Value[]; fields: Field[] };

export type ObjKind = 'link' | 'prog' | 'map';
export type ObjState = 'attached' | 'detached' | 'freed' | 'alive';
export const OBJ_STATES: readonly ObjState[] = ['attached', 'detached', 'freed', 'alive'];
export type CountKind = 'processes' | 'progs' | 'maps' | 'links' | 'pins' | 'legacy' | 'abandoned';
export const COUNT_KINDS: readonly CountKind[] = ['processes', 'progs', 'maps', 'links', 'pins', 'legacy', 'abandoned'];

export type Check =
  /** The last action succeeded (a call returned >= 0, a shell line exited 0). */
  | { c: 'ok' }
  /** The last call failed with this errno name. */
  | { c: 'errno'; name: string }
  /** The last call returned this value (a number or a `$name`). */
  | { c: 'ret'; value: Value }
  /** The last shell line exited with this status. */
  | { c: 'exit'; code: number }
  /** A line of the last action's output contains this text. */
  | { c: 'output'; text: string }
  /** The last trigger ran this many programs. */
  | { c: 'ran'; count: number }
  /** The last trigger ran exactly these programs (in order). */
  | { c: 'ranProgs'; progs: Value[] }
  | { c: 'state'; what: ObjKind; ref: Value; state: ObjState }
  /** A program's run count. */
  | { c: 'runs'; ref: Value; n: number }
  /** An object's reference count. */
  | { c: 'refcnt'; what: ObjKind; ref: Value; n: number }
  /** BPF FS (or cgroupfs) has an entry at this path. */
  | { c: 'pin'; path: string }
  | { c: 'count'; what: CountKind; n: number }
  | { c: 'process'; name: string; state: 'alive' | 'exited' };

export type Item =
  | { kind: 'blank' }
  | { kind: 'comment'; text: string }
  | { kind: 'version'; version: string; at?: Pos }
  | { kind: 'title'; text: string }
  /** `> text`: the caption of the next action (a tutorial step). */
  | { kind: 'caption'; text: string }
  /** A fenced block: three backquotes, a language and a name, the lines, three backquotes. */
  | { kind: 'source'; lang: string; name: string; body: string; at?: Pos }
  | { kind: 'action'; action: Action; at?: Pos }
  | { kind: 'expect'; negate: boolean; check: Check; at?: Pos };

export interface Scenario { items: Item[] }

/** The AST without positions (for comparing two parses). */
export function stripPositions<T>(x: T): T {
  if (Array.isArray(x)) return x.map(stripPositions) as T;
  if (typeof x !== 'object' || x === null) return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) if (k !== 'at' && v !== undefined) out[k] = stripPositions(v);
  return out as T;
}

/** A message at a line and column of the scenario. */
export interface ScenarioError { line: number; col: number; message: string }

export function formatError(e: ScenarioError, file = 'scenario'): string {
  return `${file}:${e.line}:${e.col}: ${e.message}`;
}

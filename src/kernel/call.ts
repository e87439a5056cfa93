/**
 * KernelCall: every change of kernel state as one piece of serialisable data.
 *
 * History, scenarios, share links, the real-kernel oracle and demos all speak this
 * one type; `Kernel.apply(call)` is the only way state changes. Keep it stable:
 * add variants and optional fields, never rename or repurpose existing ones.
 */

/** A `union bpf_attr` member as the model takes it: uapi field names, enum values as
 * uapi names (strings) or numbers, flags as a number or an array of flag names.
 * Out-parameters (`next_id`, `info`, `prog_ids`, ...) are written back into it. */
export type BpfAttr = { [field: string]: unknown };

export type KernelCall =
  | { call: 'spawn'; comm: string }
  | { call: 'fork'; pid: number }
  | { call: 'exit'; pid: number }
  | { call: 'close'; pid: number; fd: number }
  | { call: 'dup'; pid: number; fd: number }
  | { call: 'open'; pid: number; path: string }
  | { call: 'mkdir'; pid: number; path: string }
  | { call: 'rmdir'; pid: number; path: string }
  | { call: 'unlink'; pid: number; path: string }
  | { call: 'rename'; pid: number; from: string; to: string }
  | { call: 'bpf'; pid: number; cmd: string; attr: BpfAttr }
  | { call: 'trigger'; event: string }
  /** The legacy XDP attach `ip link set dev DEV xdp ...` performs (RTM_SETLINK, IFLA_XDP):
   * `prog_fd` -1 detaches; `expected_fd` is read with XDP_FLAGS_REPLACE. */
  | { call: 'netlinkXdpAttach'; pid: number; ifindex: number; prog_fd: number; flags?: number | string[]; expected_fd?: number }
  /** `ip link add NAME type veth peer name PEER` (RTM_NEWLINK): a veth pair, both up. */
  | { call: 'netlinkVethAdd'; pid: number; name: string; peer: string }
  /** `ip link del NAME` (RTM_DELLINK): a veth end takes its peer with it. */
  | { call: 'netlinkLinkDel'; pid: number; name: string };

export type KernelCallName = KernelCall['call'];

export const KERNEL_CALL_NAMES: readonly KernelCallName[] = [
  'spawn', 'fork', 'exit', 'close', 'dup', 'open', 'mkdir', 'rmdir', 'unlink', 'rename', 'bpf', 'trigger',
  'netlinkXdpAttach', 'netlinkVethAdd', 'netlinkLinkDel',
];

/** What one `apply` did. `ret` is what the raw syscall returns: >= 0, or -errno.
 * `attr` is the bpf attr after the call (out-parameters filled), `ran` the program
 * ids a trigger ran (one entry per run), `events` the log entries the call appended. */
export interface ApplyResult {
  ret: number;
  attr?: BpfAttr;
  ran?: number[];
  events: import('./log').KernelEvent[];
}

/**
 * Command: one user action as data. Today every command is one `KernelCall` (a syscall or
 * an event); libbpf calls and bpftool lines will join as further `kind`s, each run by
 * `runCommand`, so the history, the share links and the tests keep speaking one type.
 */
import { errnoName, strerror, type BpfAttr, type Kernel, type KernelCall, type KernelEvent } from '../kernel/index';

export interface SyscallCommand {
  kind: 'syscall';
  call: KernelCall;
  /** One line saying what the step does, in the story's words. */
  caption?: string;
}

export type Command = SyscallCommand;

/** What one command did. `ret` is what the call returned (>= 0, or -errno). */
export interface CommandResult {
  ret: number;
  /** Program ids that ran (a trigger), one entry per run. */
  ran: readonly number[];
  /** The kernel log entries the command caused. */
  events: readonly KernelEvent[];
  /** The bpf attr after the call (out-parameters filled). */
  attr?: BpfAttr;
  /** For a failure: the errno's name ("EINVAL") and the kernel's reason. */
  errno?: string;
  why?: string;
}

export function syscall(call: KernelCall, caption?: string): SyscallCommand {
  return caption === undefined ? { kind: 'syscall', call } : { kind: 'syscall', call, caption };
}

/** Apply a command to the kernel. The command itself is never mutated (the kernel writes
 * out-parameters into a copy of the attr), so it can be replayed on another kernel. */
export function runCommand(kernel: Kernel, command: Command): CommandResult {
  const call = structuredClone(command.call);
  const r = kernel.apply(call);
  const result: CommandResult = { ret: r.ret, ran: r.ran ?? [], events: r.events };
  if (r.attr) result.attr = r.attr;
  if (r.ret < 0) {
    result.errno = errnoName(r.ret);
    const last = [...r.events].reverse().find((e) => e.kind === 'return' && e.errno !== undefined);
    result.why = last ? whyOf(last.text) : strerror(-r.ret);
  }
  return result;
}

/** The reason part of a failed return's text: "bpf(X) = -EINVAL (Invalid argument): why". */
function whyOf(text: string): string {
  const i = text.indexOf('): ');
  return i >= 0 ? text.slice(i + 3) : text;
}

function attrText(attr: BpfAttr): string {
  const parts = Object.entries(attr).map(([k, v]) => `${k}: ${typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v)}`);
  return `{ ${parts.join(', ')} }`;
}

/** The call as a C-like line: `bpf(BPF_OBJ_PIN, { bpf_fd: 5, pathname: "/sys/fs/bpf/l" })`. */
export function callText(call: KernelCall): string {
  switch (call.call) {
    case 'spawn': return `spawn("${call.comm}")`;
    case 'fork': case 'exit': return `${call.call}(pid ${call.pid})`;
    case 'close': case 'dup': return `${call.call}(${call.fd})`;
    case 'open': case 'mkdir': case 'rmdir': case 'unlink': return `${call.call}("${call.path}")`;
    case 'rename': return `rename("${call.from}", "${call.to}")`;
    case 'bpf': return `bpf(${call.cmd}, ${attrText(call.attr)})`;
    case 'trigger': return `trigger("${call.event}")`;
    default: {
      // Calls the model adds later (netlink, cgroup...) read as name(fields).
      const { call: name, ...rest } = call as { call: string } & Record<string, unknown>;
      return `${name}(${Object.values(rest).map((v) => JSON.stringify(v)).join(', ')})`;
    }
  }
}

/** Which process made the call, if any. */
export function callPid(call: KernelCall): number | undefined {
  return 'pid' in call ? call.pid : undefined;
}

/** The result in words: "= 5", "= -EINVAL", "ran 1 program". */
export function resultText(command: Command, r: CommandResult): string {
  if (r.ret < 0) return `= -${r.errno ?? errnoName(r.ret)}`;
  if (command.call.call === 'trigger') return r.ran.length === 0 ? 'nothing ran' : `ran ${r.ran.length} program${r.ran.length > 1 ? 's' : ''}`;
  return `= ${r.ret}`;
}

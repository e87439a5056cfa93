/**
 * Command: one user action as data: a `KernelCall` (a syscall or an event), a libbpf load
 * of a BPF C source, or a shell line (`bpftool link show`). Each is run by `runCommand`, so
 * the history, the share links and the tests speak one type. The libbpf and shell runners
 * live in their own modules (loaded on demand, to keep the page's first load small) and
 * register themselves here.
 */
import { errnoName, strerror, type BpfAttr, type Kernel, type KernelCall, type KernelEvent } from '../kernel/index';

export interface SyscallCommand {
  kind: 'syscall';
  call: KernelCall;
  /** One line saying what the step does, in the story's words. */
  caption?: string;
}

/** libbpf as a skeleton does it: `bpf_object__open_mem` + `bpf_object__load` (and, for
 * `load_attach`, `bpf_program__attach` on every program that can auto-attach). */
export interface LibbpfCommand {
  kind: 'libbpf';
  pid: number;
  op: 'load' | 'load_attach';
  /** BPF C source. */
  source: string;
  /** The object file's name ("test_link_pinning.bpf.o"): libbpf names maps after it. */
  file: string;
  caption?: string;
}

/** One line of the console: `bpftool ...`, `ls`, `rm`, `mkdir`, `mv`. */
export interface ShellCommand {
  kind: 'shell';
  line: string;
  /** Object files the line may open (`bpftool prog load prog.bpf.o ...`, `bpftool iter pin`):
   * path → BPF C source, which the libbpf layer reads as the object. */
  files?: Readonly<Record<string, string>>;
  caption?: string;
}

export type Command = SyscallCommand | LibbpfCommand | ShellCommand;

/** A console line, with those of `files` (path → BPF C source) it names as a word: the
 * object files it may open (`bpftool prog load prog.bpf.o ...`). */
export function shellCommand(line: string, files: Readonly<Record<string, string>> = {}): ShellCommand {
  const words = line.split(/\s+/);
  const named = Object.entries(files).filter(([path, source]) => source && words.includes(path));
  return named.length ? { kind: 'shell', line, files: Object.fromEntries(named) } : { kind: 'shell', line };
}

/** A source position a load error points at (1-based). */
export interface Diagnostic { line: number; col: number; message: string }

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
  /** What a libbpf load or a shell line printed (stdout and stderr, in order). */
  output?: string;
  /** Shell lines: the exit code. */
  exitCode?: number;
  /** libbpf loads: errors at a line and column of the source. */
  diagnostics?: readonly Diagnostic[];
  /** Every `KernelCall` the command made, in order, as it made them (a syscall command: its
   * call; a libbpf load or a shell line: its strace). Replaying them on a fresh kernel of
   * the same release gives the same state (oracle/ replays them on the real kernel). */
  calls?: readonly KernelCall[];
}

export type CommandRunner<C extends Command = Command> = (kernel: Kernel, command: C) => CommandResult;
const runners = new Map<Command['kind'], CommandRunner>();

/** Install the runner of a command kind (the libbpf and shell modules call this). */
export function registerRunner<K extends Command['kind']>(kind: K, run: CommandRunner<Extract<Command, { kind: K }>>): void {
  runners.set(kind, run as CommandRunner);
}

export function hasRunner(kind: Command['kind']): boolean {
  return kind === 'syscall' || runners.has(kind);
}

export function syscall(call: KernelCall, caption?: string): SyscallCommand {
  return caption === undefined ? { kind: 'syscall', call } : { kind: 'syscall', call, caption };
}

/** Apply a command to the kernel. The command itself is never mutated (the kernel writes
 * out-parameters into a copy of the attr), so it can be replayed on another kernel. */
export function runCommand(kernel: Kernel, command: Command): CommandResult {
  if (command.kind !== 'syscall') {
    const run = runners.get(command.kind);
    if (!run) throw new Error(`no runner for ${command.kind} commands: await ensureRunners() first`);
    const { value, calls } = kernel.traceCalls(() => run(kernel, command));
    return { ...value, calls };
  }
  const call = structuredClone(command.call);
  const r = kernel.apply(call);
  const result: CommandResult = { ret: r.ret, ran: r.ran ?? [], events: r.events, calls: [command.call] };
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

/** The process a command acts as, if any. */
export function commandPid(command: Command): number | undefined {
  return command.kind === 'syscall' ? callPid(command.call) : command.kind === 'libbpf' ? command.pid : undefined;
}

/** The command as one line. */
export function commandText(command: Command): string {
  switch (command.kind) {
    case 'syscall': return callText(command.call);
    case 'libbpf': return `${command.op === 'load' ? 'bpf_object__open_mem + bpf_object__load' : 'open, load and attach'}("${command.file}")`;
    case 'shell': return `$ ${command.line}`;
  }
}

/** The result in words: "= 5", "= -EINVAL", "ran 1 program", "exit 0". */
export function resultText(command: Command, r: CommandResult): string {
  if (command.kind === 'shell') return `exit ${r.exitCode ?? 0}`;
  if (r.ret < 0) return `= -${r.errno ?? errnoName(r.ret)}`;
  if (command.kind === 'syscall' && command.call.call === 'trigger') return r.ran.length === 0 ? 'nothing ran' : `ran ${r.ran.length} program${r.ran.length > 1 ? 's' : ''}`;
  return `= ${r.ret}`;
}

/** The event a trigger command fires, or null. */
export function firedEvent(command: Command | null): string | null {
  return command?.kind === 'syscall' && command.call.call === 'trigger' ? command.call.event : null;
}

/** Did the command fail? (a negative return, or a shell line's non-zero exit) */
export function failed(command: Command, r: CommandResult): boolean {
  return command.kind === 'shell' ? (r.exitCode ?? 0) !== 0 : r.ret < 0;
}

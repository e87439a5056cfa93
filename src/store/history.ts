/**
 * The history: the commands applied so far, each with its result and the snapshot after
 * it. Step 0 is the booted kernel; step i (i >= 1) is command i. The view at any step is
 * exactly that step's snapshot. Pure functions: the zustand store (store.ts) wraps them.
 */
import { createKernel, type Kernel, type KernelSnapshot } from '../kernel/index';
import { commandPid, commandText, resultText, runCommand, type Command, type CommandResult } from './command';
import { shareSnapshot } from './share';

export interface Step {
  /** 0 for the booted kernel, then 1, 2, ... */
  readonly index: number;
  /** null for step 0. */
  readonly command: Command | null;
  /** One line: the command's caption, or the call and its result. */
  readonly caption: string;
  readonly result: CommandResult;
  /** The kernel's state after this step. */
  readonly snapshot: KernelSnapshot;
}

export const BOOT_CAPTION = 'A freshly booted kernel: no processes, an empty BPF FS at /sys/fs/bpf.';

const BOOT_RESULT: CommandResult = Object.freeze({ ret: 0, ran: [], events: [] });

export function bootStep(kernel: Kernel, caption = BOOT_CAPTION): Step {
  return { index: 0, command: null, caption, result: BOOT_RESULT, snapshot: kernel.snapshot() };
}

/** The step's line: its caption, or "loader (pid 100): close(5) = 0". `before` names
 * the process that made the call. */
export function captionOf(command: Command, result: CommandResult, before?: KernelSnapshot): string {
  if (command.caption) return command.caption;
  const pid = commandPid(command);
  const comm = pid === undefined ? undefined : before?.processes.find((p) => p.pid === pid)?.comm;
  const who = pid === undefined ? '' : comm ? `${comm} (pid ${pid}): ` : `pid ${pid}: `;
  return `${who}${commandText(command)} ${resultText(command, result)}`;
}

/** Apply `command` to `kernel`, whose state is `prev`'s; the new step. */
export function applyStep(kernel: Kernel, prev: Step, command: Command): Step {
  const result = runCommand(kernel, command);
  return {
    index: prev.index + 1,
    command,
    caption: captionOf(command, result, prev.snapshot),
    result,
    snapshot: shareSnapshot(prev.snapshot, kernel.snapshot()),
  };
}

export interface Replay {
  kernel: Kernel;
  steps: Step[];
}

/** A fresh kernel of `version` with `commands` applied in order, every step recorded. */
export function replay(version: string, commands: readonly Command[], bootCaption?: string): Replay {
  const kernel = createKernel({ version });
  const steps: Step[] = [bootStep(kernel, bootCaption)];
  for (const c of commands) steps.push(applyStep(kernel, steps[steps.length - 1]!, c));
  return { kernel, steps };
}

/** A fresh kernel of `version` with `commands` applied, without recording steps. */
export function replayKernel(version: string, commands: readonly Command[]): Kernel {
  const kernel = createKernel({ version });
  for (const c of commands) runCommand(kernel, c);
  return kernel;
}

export function commandsOf(steps: readonly Step[]): Command[] {
  return steps.flatMap((s) => (s.command ? [s.command] : []));
}

/** Did the command return something else (value, errno, exit code, or the programs that ran)? */
export function resultChanged(a: CommandResult, b: CommandResult): boolean {
  if (a.ret !== b.ret || a.exitCode !== b.exitCode || a.ran.length !== b.ran.length) return true;
  return a.ran.some((id, i) => id !== b.ran[i]);
}

/** Indices of the steps whose result differs between two runs of the same commands. */
export function changedSteps(before: readonly Step[], after: readonly Step[]): number[] {
  const out: number[] = [];
  const n = Math.min(before.length, after.length);
  for (let i = 1; i < n; i++) if (resultChanged(before[i]!.result, after[i]!.result)) out.push(i);
  return out;
}

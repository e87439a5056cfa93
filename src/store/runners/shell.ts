/** The shell runner: one console line (`bpftool ...`, `ls`, `rm`, ...) through src/bpftool.
 * Loaded on demand. */
import type { Kernel } from '../../kernel/index';
import { runShell } from '../../bpftool/index';
import { registerRunner, type CommandResult, type ShellCommand } from '../command';

export function runShellCommand(kernel: Kernel, c: ShellCommand): CommandResult {
  const first = kernel.log().length;
  const r = runShell(kernel, c.line, c.files ? { files: { ...c.files } } : {});
  const output = `${r.stdout}${r.stderr}`.replace(/\n$/, '');
  return { ret: r.exitCode === 0 ? 0 : -1, ran: [], events: kernel.log().slice(first), output, exitCode: r.exitCode, ...(r.exitCode !== 0 ? { why: r.stderr.trim().split('\n').slice(-1)[0] ?? `exit ${r.exitCode}` } : {}) };
}

registerRunner('shell', runShellCommand);

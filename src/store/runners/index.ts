/** Load the runners of command kinds on demand (they pull in src/libbpf and src/bpftool,
 * which the page does not need until a program is loaded or a console line typed). */
import { hasRunner, type Command } from '../command';

export async function ensureRunner(kind: Command['kind']): Promise<void> {
  if (hasRunner(kind)) return;
  if (kind === 'libbpf') await import('./libbpf');
  else if (kind === 'shell') await import('./shell');
}

/** Every runner the commands need, before a replay of them. */
export async function ensureRunners(commands: readonly Command[]): Promise<void> {
  await Promise.all([...new Set(commands.map((c) => c.kind))].map(ensureRunner));
}

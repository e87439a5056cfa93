// A short, fixed story run through the kernel model's public API, so the page has
// something to show until the real playground UI exists. Every call's return value
// (or thrown error) is recorded; with an incomplete model, errors are expected.
import type { Kernel } from '../kernel/index';

export interface StoryStep {
  call: string;
  result: string;
  ok: boolean;
}

const ERRNO: Record<number, string> = {
  1: 'EPERM',
  2: 'ENOENT',
  7: 'E2BIG',
  9: 'EBADF',
  13: 'EACCES',
  14: 'EFAULT',
  16: 'EBUSY',
  17: 'EEXIST',
  22: 'EINVAL',
  28: 'ENOSPC',
  95: 'EOPNOTSUPP',
  524: 'ENOTSUPP',
};

export function describeResult(value: unknown): { text: string; ok: boolean } {
  if (typeof value === 'number' && value < 0) {
    const name = ERRNO[-value];
    return { text: name ? `${value} (${name})` : String(value), ok: false };
  }
  return { text: JSON.stringify(value, jsonReplacer) ?? String(value), ok: true };
}

/** JSON.stringify replacer that keeps bigint values printable. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value.toString()}n` : value;
}

function step<T>(steps: StoryStep[], call: string, run: () => T): T | undefined {
  try {
    const value = run();
    const { text, ok } = describeResult(value);
    steps.push({ call, result: text, ok });
    return value;
  } catch (err) {
    steps.push({ call, result: `threw ${err instanceof Error ? err.message : String(err)}`, ok: false });
    return undefined;
  }
}

export function runStory(kernel: Kernel): StoryStep[] {
  const steps: StoryStep[] = [];
  const pid = step(steps, "spawn('loader')", () => kernel.spawn('loader')) ?? -1;

  const progAttr = {
    prog_type: 'BPF_PROG_TYPE_TRACING',
    expected_attach_type: 'BPF_TRACE_FENTRY',
    prog_name: 'on_openat',
    license: 'GPL',
    insns: [
      { code: 'BPF_ALU64 | BPF_MOV | BPF_K', dst: 0, imm: 0 },
      { code: 'BPF_JMP | BPF_EXIT' },
    ],
  };
  const progFd =
    step(steps, `bpf(${pid}, 'BPF_PROG_LOAD', ${JSON.stringify(progAttr)})`, () =>
      kernel.bpf(pid, 'BPF_PROG_LOAD', progAttr),
    ) ?? -1;

  const linkAttr = { prog_fd: progFd, attach_type: 'BPF_TRACE_FENTRY', target_btf_id: 'do_sys_openat2' };
  step(steps, `bpf(${pid}, 'BPF_LINK_CREATE', ${JSON.stringify(linkAttr)})`, () =>
    kernel.bpf(pid, 'BPF_LINK_CREATE', linkAttr),
  );

  step(steps, "trigger('do_sys_openat2')", () => kernel.trigger('do_sys_openat2'));
  return steps;
}

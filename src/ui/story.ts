// The kernel selftest link_pinning, run through the model's public API so the page has a
// live kernel to show until the playground UI exists. Each step records the call and what
// the kernel returned.
import { errnoName, type Kernel } from '../kernel/index';

export interface StoryStep {
  call: string;
  result: string;
  ok: boolean;
}

/** JSON.stringify replacer that keeps bigint values printable. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value.toString()}n` : value;
}

function describeResult(value: number | number[]): { text: string; ok: boolean } {
  if (Array.isArray(value)) return { text: `ran [${value.join(', ')}]`, ok: true };
  if (value < 0) return { text: `${value} (${errnoName(value)})`, ok: false };
  return { text: String(value), ok: true };
}

export function runStory(kernel: Kernel): StoryStep[] {
  const steps: StoryStep[] = [];
  const step = <T extends number | number[]>(call: string, run: () => T): T => {
    const value = run();
    const { text, ok } = describeResult(value);
    steps.push({ call, result: text, ok });
    return value;
  };
  const bpf = (pid: number, cmd: string, attr: Record<string, unknown>): number =>
    step(`bpf(${cmd}, ${JSON.stringify(attr)})`, () => kernel.bpf(pid, cmd, attr));

  const pid = step("spawn('test_progs')", () => kernel.spawn('test_progs'));
  const map = bpf(pid, 'BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1, map_name: 'test_lin.bss' });
  const prog = bpf(pid, 'BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', prog_name: 'raw_tp_prog', fd_array: [map] });
  const link = bpf(pid, 'BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: prog });
  step("trigger('tracepoint:sys_enter')", () => kernel.trigger('tracepoint:sys_enter'));
  bpf(pid, 'BPF_OBJ_PIN', { bpf_fd: link, pathname: '/sys/fs/bpf/pinned_link_test' });
  step(`close(${link})`, () => kernel.close(pid, link));
  step("trigger('tracepoint:sys_enter')", () => kernel.trigger('tracepoint:sys_enter'));
  return steps;
}

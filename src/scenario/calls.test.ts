import { describe, expect, it } from 'vitest';
import { createKernel } from '../kernel/index';
import { GALLERY } from './gallery/index';
import { kernelCalls, parse, runScenario } from './index';

async function runText(text: string) {
  const p = parse(text);
  if (!p.ok) throw new Error(p.error.message);
  return runScenario(p.scenario);
}

describe('a scenario as KernelCalls (what the real-kernel harness replays)', () => {
  it.each(GALLERY.map((g) => [g.id, g.text] as const))('%s: its calls, applied to a fresh kernel, give the same results and state', async (_id, text) => {
    const run = await runText(text);
    const calls = kernelCalls(run);
    expect(calls.length).toBeGreaterThanOrEqual(run.steps.length - 1);
    const k = createKernel({ version: run.version });
    const rets = calls.map((c) => k.apply(structuredClone(c)).ret);
    // every step's own result is among its calls' results (a syscall step: its only call)
    let i = 0;
    for (const step of run.steps.slice(1)) {
      const n = step.result.calls?.length ?? 0;
      expect(n).toBeGreaterThan(0);
      if (step.command?.kind === 'syscall') expect(rets[i]).toBe(step.result.ret);
      i += n;
    }
    expect(k.snapshot()).toEqual(run.kernel.snapshot());
  });

  it('a libbpf load and a bpftool line record the syscalls they made', async () => {
    const run = await runText([
      'spawn loader',
      'loader: libbpf load_attach p.bpf.c',
      '```c p.bpf.c',
      'SEC("raw_tp/sys_enter") int counter(void *ctx) { return 0; }',
      '```',
      'bpftool link show',
    ].join('\n'));
    const [, , load, show] = run.steps;
    const cmds = (s: typeof load) => (s!.result.calls ?? []).map((c) => (c.call === 'bpf' ? c.cmd : c.call));
    expect(cmds(load)).toContain('BPF_PROG_LOAD');
    expect(cmds(load)).toContain('BPF_RAW_TRACEPOINT_OPEN');
    // bpftool is a process of its own that walks the links by id
    expect(cmds(show)[0]).toBe('spawn');
    expect(cmds(show)).toContain('BPF_LINK_GET_NEXT_ID');
    expect(cmds(show).at(-1)).toBe('exit');
  });

  it('nested traces: the outer one sees the inner calls too', () => {
    const k = createKernel();
    const outer = k.traceCalls(() => {
      const pid = k.spawn('a');
      const inner = k.traceCalls(() => k.fork(pid));
      expect(inner.calls.map((c) => c.call)).toEqual(['fork']);
      return pid;
    });
    expect(outer.value).toBe(100);
    expect(outer.calls.map((c) => c.call)).toEqual(['spawn', 'fork']);
    // outside a trace nothing is collected
    k.spawn('b');
    expect(outer.calls).toHaveLength(2);
  });
});

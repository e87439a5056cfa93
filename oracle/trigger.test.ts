/**
 * What `trigger` measures on the real kernel: each tracepoint runs only the programs
 * linked to it, once per link (6.10+: one program may be linked twice to one tracepoint).
 */
import { expect, it } from 'vitest';
import { runOnRealKernel } from './realKernel';
import { as, describeReal, spawn, TIMEOUT, trigger } from './testing';

const p = as(100);
const TPS = ['sys_enter', 'sys_exit', 'sched_process_fork', 'sched_process_exit', 'sched_process_exec', 'task_rename'];

describeReal('triggers on the real kernel', () => {
  it('each tracepoint runs the programs linked to it, once per link', async () => {
    const run = await runOnRealKernel([
      spawn('tp'),
      ...TPS.flatMap((name, i) => [
        p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', prog_name: `p${i}` }), // fd 3 + 2i
        p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name, prog_fd: 3 + 2 * i }), // fd 4 + 2i
      ]),
      p.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 3 }), // a second link
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_RAW_TP', attach_func_name: 'sys_enter' }),
      p.bpf('BPF_LINK_CREATE', { prog_fd: 16, target_fd: 0, attach_type: 'BPF_TRACE_RAW_TP' }),
      ...TPS.map((name) => trigger(`tracepoint:${name}`)),
    ]);
    const r = run.results;
    const prog = (i: number): number => r[1 + 2 * i]!.object!.id;
    const tpBtf = r[14]!.object!.id;
    expect(r.slice(1, 16).map((x) => x.ret)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    const ran = r.slice(16).map((x) => x.ran);
    expect(ran).toEqual([[prog(0), prog(0), tpBtf].sort((a, b) => a - b), [prog(1)], [prog(2)], [prog(3)], [prog(4)], [prog(5)]]);
    expect(r.slice(16).every((x) => !x.note && !x.notComparable)).toBe(true);
  }, TIMEOUT);
});

/**
 * `trigger(event)`: a kernel event fires and the programs attached to it run, in the
 * kernel's order, each run counted in `run_cnt` / `run_time_ns` (as with BPF_ENABLE_STATS).
 *
 * - `tracepoint:NAME`: raw tracepoint and tp_btf links, in probe registration order
 *   (`__DO_TRACE` walks `tp->funcs`).
 * - `function:NAME`: the BPF trampoline of NAME runs fentry programs, then fmod_ret, then
 *   the function, then fexit (`arch_prepare_bpf_trampoline`).
 */
import { TRACEPOINTS, KERNEL_FUNCS, hasOwn } from './btf';
import { Errno } from './errno';
import type { BpfLink } from './objects';
import { fail, progKey, type KernelState } from './state';

/** Nominal cost of one program run, added to `run_time_ns`. */
const RUN_NS = 250;

function run(k: KernelState, links: readonly BpfLink[], where: string, ran: number[]): void {
  for (const l of links) {
    const prog = l.prog;
    prog.runCnt++;
    prog.runTimeNs += RUN_NS;
    ran.push(prog.id);
    k.emit('run', where.startsWith('tracepoint') ? '__bpf_trace_run' : '__bpf_prog_enter', `prog ${prog.id}${prog.name ? ` "${prog.name}"` : ''} ran on ${where} (run_cnt ${prog.runCnt})`, { obj: progKey(prog) });
  }
}

export function trigger(k: KernelState, event: unknown): number[] {
  if (typeof event !== 'string') fail(Errno.EINVAL, 'trigger', 'an event is a string such as "tracepoint:sys_enter"');
  const colon = event.indexOf(':');
  const kind = colon < 0 ? event : event.slice(0, colon);
  const name = colon < 0 ? '' : event.slice(colon + 1);
  const ran: number[] = [];
  k.emit('call', 'trigger', `event ${event} fires`);
  if (kind === 'tracepoint') {
    if (!hasOwn(TRACEPOINTS, name)) fail(Errno.ENOENT, 'trigger', `no tracepoint "${name}" in the model`);
    run(k, k.tracepoints.get(name)?.links ?? [], event, ran);
  } else if (kind === 'function') {
    if (!hasOwn(KERNEL_FUNCS, name)) fail(Errno.ENOENT, 'trigger', `no kernel function "${name}" in the model`);
    const t = k.trampolines.get(name);
    if (t) {
      run(k, t.fentry, event, ran);
      run(k, t.fmodRet, event, ran);
      run(k, t.fexit, event, ran);
    }
  } else {
    fail(Errno.EINVAL, 'trigger', `unknown event kind "${kind}": use tracepoint:NAME or function:NAME`);
  }
  if (ran.length === 0) k.emit('note', 'trigger', `nothing is attached to ${event}: no program ran`);
  return ran;
}

/**
 * Shared by the oracle's tests: skip with one line when the machine cannot run them, and
 * small builders for the calls of a scenario.
 */
import { describe, it } from 'vitest';
import type { BpfAttr, KernelCall } from '../src/kernel/call';
import { canRunRealKernel } from './realKernel';

const can = canRunRealKernel();
let told = false;

/** Whether the real-kernel tests run here (to skip costly preparation when they do not). */
export const realKernelUsable = can.ok;

/** `describe` when the real kernel can be used here, else skipped with one clear line. */
export function describeReal(name: string, fn: () => void): void {
  // CI (REQUIRE_REAL_KERNEL=1, set by .ci/run) must run them: not being able to is a failure there.
  if (!can.ok && process.env.REQUIRE_REAL_KERNEL === '1') {
    describe(name, () => {
      it('runs on the real kernel (required by REQUIRE_REAL_KERNEL=1)', () => {
        throw new Error(`real-kernel tests cannot run here: ${can.why}`);
      });
    });
    return;
  }
  if (!can.ok && !told) {
    told = true;
    console.log(`real-kernel tests skipped: ${can.why}`);
  }
  (can.ok ? describe : describe.skip)(name, fn);
}

export const TIMEOUT = 60_000;

/** Calls as process `pid` (the model's pid numbering: the first spawned process is 100). */
export function as(pid: number): {
  bpf: (cmd: string, attr: BpfAttr) => KernelCall;
  close: (fd: number) => KernelCall;
  dup: (fd: number) => KernelCall;
  open: (path: string) => KernelCall;
  mkdir: (path: string) => KernelCall;
  rmdir: (path: string) => KernelCall;
  unlink: (path: string) => KernelCall;
  fork: () => KernelCall;
  exit: () => KernelCall;
  netlinkVethAdd: (name: string, peer: string) => KernelCall;
  netlinkLinkDel: (name: string) => KernelCall;
} {
  return {
    bpf: (cmd, attr) => ({ call: 'bpf', pid, cmd, attr }),
    close: (fd) => ({ call: 'close', pid, fd }),
    dup: (fd) => ({ call: 'dup', pid, fd }),
    open: (path) => ({ call: 'open', pid, path }),
    mkdir: (path) => ({ call: 'mkdir', pid, path }),
    rmdir: (path) => ({ call: 'rmdir', pid, path }),
    unlink: (path) => ({ call: 'unlink', pid, path }),
    fork: () => ({ call: 'fork', pid }),
    exit: () => ({ call: 'exit', pid }),
    netlinkVethAdd: (name, peer) => ({ call: 'netlinkVethAdd', pid, name, peer }),
    netlinkLinkDel: (name) => ({ call: 'netlinkLinkDel', pid, name }),
  };
}

export const spawn = (comm: string): KernelCall => ({ call: 'spawn', comm });
export const trigger = (event: string): KernelCall => ({ call: 'trigger', event });
export const SYS_ENTER = trigger('tracepoint:sys_enter');

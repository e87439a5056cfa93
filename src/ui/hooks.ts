/** Small read hooks over the store shared by the panels. */
import { useState } from 'react';
import type { KernelSnapshot } from '../kernel/index';
import { usePlayground } from './store';

export function useSnapshot(): KernelSnapshot {
  return usePlayground((s) => s.steps[s.cursor]!.snapshot);
}

/** A pid chosen in a panel: the one picked if it is still alive at this step, else the
 * newest process. */
export function useChosenPid(snap: KernelSnapshot): [number | null, (pid: number) => void] {
  const [picked, setPicked] = useState<number | null>(null);
  const alive = snap.processes.some((p) => p.pid === picked);
  const pid = alive ? picked : snap.processes[snap.processes.length - 1]?.pid ?? null;
  return [pid, setPicked];
}

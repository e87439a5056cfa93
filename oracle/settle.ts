/**
 * Waiting until the kernel's asynchronous releases have happened, so each call starts
 * from the state the previous one left (bounded: at most `SETTLE_LIMIT_MS` per call).
 *
 * The kernel frees some things later than the syscall that dropped the last reference:
 * - a raw tracepoint link's id goes at once, but its program is put after an RCU grace
 *   period (sys_enter: a tasks-trace grace period, then an RCU one: ~280 ms here);
 * - a freed program's maps are put after an RCU grace period and a work item;
 * - a pin's link reference is dropped from a work item (unlink, rename over it);
 * - a removed cgroup's BPF state (legacy programs, links' cgroup) goes from a work item.
 *
 * Method: after a call that can release something, poll the set of this run's program,
 * map and link ids that still exist (a GET_NEXT_ID walk, which takes no references).
 * When a link vanished while its program still exists, or a program vanished while one of
 * its maps still exists, something may still be on its way out: the helper then runs a
 * grace-period barrier of the same kind (a throw-away sys_enter link freed after it for
 * tracepoint links, synchronize_rcu via membarrier otherwise), after which what still
 * exists is held by someone. Done when nothing is pending, no removed cgroup is still
 * dying, and the id set has not changed for a quiet period.
 */
import type { KernelCall } from '../src/kernel/call';
import type { Helper } from './native';
import type { IdKind, Tracker } from './track';

export const SETTLE_LIMIT_MS = 2000;
const POLL_MS = 2;

type Mode = { quietMs: number; cgroup: boolean } | null;

/** How long the id set must stay unchanged after this call (null: nothing can be pending). */
export function settleMode(call: KernelCall, ret: number): Mode {
  if (ret < 0 && call.call !== 'exit') return null;
  switch (call.call) {
    case 'close': case 'exit': return { quietMs: 5, cgroup: false };
    case 'unlink': case 'rename': return { quietMs: 25, cgroup: false };
    case 'rmdir': return { quietMs: 5, cgroup: true };
    case 'bpf':
      return ['BPF_LINK_DETACH', 'BPF_LINK_UPDATE', 'BPF_PROG_DETACH', 'BPF_PROG_ATTACH'].includes(call.cmd)
        ? { quietMs: 5, cgroup: false } : null;
    default: return null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const same = (a: Record<IdKind, Set<number>>, b: Record<IdKind, Set<number>>): boolean =>
  (['prog', 'map', 'link'] as const).every((k) => a[k].size === b[k].size && [...a[k]].every((x) => b[k].has(x)));

/** Settles after `call`; returns the milliseconds spent. `expectGone`: ids that should go
 * (a differential run's model no longer has them): settling also waits for them, bounded. */
export async function settle(helper: Helper, t: Tracker, call: KernelCall, ret: number, expectGone?: Record<IdKind, Set<number>>): Promise<number> {
  const mode = settleMode(call, ret);
  if (!mode) return 0;
  const start = Date.now();
  const handled = { link: new Set<number>(), prog: new Set<number>() };
  let last = await t.liveIds(helper);
  let stableSince = Date.now();
  while (Date.now() - start < SETTLE_LIMIT_MS) {
    let barrier: 'tasks' | 'rcu' | null = null;
    for (const id of t.alive.link) {
      if (last.link.has(id) || handled.link.has(id)) continue;
      const l = t.links.get(id);
      if (l && last.prog.has(l.progId)) barrier = l.tpName.startsWith('sys_') ? 'tasks' : barrier ?? 'rcu';
      else handled.link.add(id);
    }
    for (const id of t.alive.prog) {
      if (last.prog.has(id) || handled.prog.has(id)) continue;
      if ((t.progs.get(id)?.maps ?? []).some((m) => last.map.has(m))) barrier ??= 'rcu';
      else handled.prog.add(id);
    }
    if (barrier) {
      await helper.request(`barrier ${barrier}`);
      // What vanished before the barrier is done; what is still there is held by someone.
      for (const id of t.alive.link) if (!last.link.has(id)) handled.link.add(id);
      for (const id of t.alive.prog) if (!last.prog.has(id)) handled.prog.add(id);
    }
    const dying = mode.cgroup ? Number((await helper.request('cgdying')).split(' ')[1]) > 0 : false;
    await sleep(POLL_MS);
    const now = await t.liveIds(helper);
    const awaited = expectGone ? (['prog', 'map', 'link'] as const).some((k) => [...expectGone[k]].some((id) => now[k].has(id))) : false;
    if (!same(now, last) || barrier || dying) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= mode.quietMs && !awaited) break;
  }
  t.alive = last;
  return Date.now() - start;
}

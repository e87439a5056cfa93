/**
 * What the oracle knows about the run's objects: real pids and ids in creation order (to
 * translate the model's numbers in calls), which ids it has seen, and per object the facts
 * settling and triggers need (a link's program and tracepoint, a program's type and maps).
 */
import type { Helper } from './native';

export type IdKind = 'prog' | 'map' | 'link';
export const NEXT_ID_CMD: Record<IdKind, number> = { prog: 11, map: 12, link: 31 };

export interface ProgFacts { type: string; eat: string | number; maps: number[] }
export interface LinkFacts { type: string; progId: number; tpName: string }

export class Tracker {
  /** Real pids of spawned/forked processes, in creation order. */
  readonly pids: number[] = [];
  /** Real ids of the objects the run created, per kind, in creation order. */
  readonly created: Record<IdKind, number[]> = { prog: [], map: [], link: [] };
  /** Every id the run has seen (created, or reached by path, id or fork). */
  readonly known: Record<IdKind, Set<number>> = { prog: new Set(), map: new Set(), link: new Set() };
  /** The ids of `known` that existed at the last look. */
  alive: Record<IdKind, Set<number>> = { prog: new Set(), map: new Set(), link: new Set() };
  readonly progs = new Map<number, ProgFacts>();
  readonly links = new Map<number, LinkFacts>();

  constructor(private readonly firstModelPid: number) {}

  /** The model numbers pids from `firstModelPid` up in creation order (spawn and fork). */
  realPid(modelPid: unknown): number {
    if (typeof modelPid !== 'number') return -1;
    return this.pids[modelPid - this.firstModelPid] ?? -1;
  }

  /** The model numbers ids from 1 up in creation order, per kind. Id 0 stays 0; an id past
   * the run's objects becomes one past the newest (which, unless something else on the
   * machine took it meanwhile, does not exist). */
  realId(kind: IdKind, modelId: unknown): unknown {
    if (typeof modelId !== 'number' || !Number.isInteger(modelId) || modelId <= 0) return modelId;
    const list = this.created[kind];
    return list[modelId - 1] ?? (list.length ? list[list.length - 1]! + (modelId - list.length) : 0x7ffffff0 + modelId);
  }

  see(kind: IdKind, id: number, created: boolean): void {
    if (!id) return;
    if (created && !this.created[kind].includes(id)) this.created[kind].push(id);
    this.known[kind].add(id);
    this.alive[kind].add(id);
  }

  /** The ids of `known` that exist now, per kind (a walk of the kernel's idrs). */
  async liveIds(helper: Helper): Promise<Record<IdKind, Set<number>>> {
    const out = { prog: new Set<number>(), map: new Set<number>(), link: new Set<number>() };
    for (const kind of ['prog', 'map', 'link'] as const) {
      const ids = [...this.known[kind]];
      if (!ids.length) continue;
      const reply = await helper.request(`ids ${NEXT_ID_CMD[kind]} ${Math.min(...ids)} ${Math.max(...ids)}`);
      for (const t of reply.split(' ').slice(1)) if (this.known[kind].has(Number(t))) out[kind].add(Number(t));
    }
    return out;
  }
}

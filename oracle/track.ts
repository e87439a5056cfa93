/**
 * What the oracle knows about the run's objects: real pids and ids in creation order (to
 * translate the model's numbers in calls), which ids it has seen, and per object the facts
 * settling and triggers need (a link's program and tracepoint, a program's type and maps).
 */
import type { Helper } from './native';

export type IdKind = 'prog' | 'map' | 'link';
/** Where ids that name no object of a run are put (far above any id a machine reaches). */
const NO_SUCH_ID = 0x7fff0000;
/** No task has a pid past this (`PID_MAX_LIMIT` on 64-bit machines). */
const PID_MAX_LIMIT = 4 * 1024 * 1024;
/** A cgroup id no cgroup has: high 32 bits that a 64-bit machine never gives (its kernfs ids are its inode numbers, allocated upwards from 1). */
const NO_SUCH_CGROUP = 2 ** 52;
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

  /** When the model's ids are known call by call (a differential run): model id → real id
   * of the object the same call created on both. Then an id the model gave an object that
   * the real run does not have (a failed create that consumed an id: both do that) names
   * nothing; without it, ids are matched by creation order. */
  modelIds: Record<IdKind, Map<number, number>> | null = null;
  /** The other way round: real id → model id. */
  readonly realToModel: Record<IdKind, Map<number, number>> = { prog: new Map(), map: new Map(), link: new Map() };

  /** Real cgroup ids (kernfs ids) in the order the model numbers cgroups: the root (the
   * run's cgroup namespace root) first, then one per cgroup2 mkdir that succeeded. */
  readonly cgroups: number[] = [];

  constructor(private readonly firstModelPid: number) {}

  /** A pid a call passes as data (an iterator link's task filter, which the kernel keeps
   * without looking it up): the real pid of the run's process the model numbered so; any
   * other positive number one that no process can have (past PID_MAX_LIMIT), so that both
   * sides hold the pid of no process. */
  pidValue(modelPid: unknown): unknown {
    if (typeof modelPid !== 'number' || !Number.isInteger(modelPid) || modelPid <= 0) return modelPid;
    const real = modelPid >= this.firstModelPid ? this.pids[modelPid - this.firstModelPid] : undefined;
    if (real !== undefined) return real;
    return modelPid < PID_MAX_LIMIT ? PID_MAX_LIMIT + modelPid : modelPid;
  }

  /** A cgroup id a call passes (an iterator link's start, `iter_info.cgroup.cgroup_id`): the
   * real id of the cgroup the model numbered so (1 is the root); any other one that no
   * cgroup has (its low 32 bits, the kernfs ino the kernel looks up, are the model's number
   * under 2^32, the high ones never used on a 64-bit machine). */
  cgroupIdValue(modelId: unknown): unknown {
    if (typeof modelId !== 'number' || !Number.isSafeInteger(modelId) || modelId <= 0) return modelId;
    return this.cgroups[modelId - 1] ?? (modelId < 2 ** 32 ? NO_SUCH_CGROUP + modelId : modelId);
  }

  /** The model numbers pids from `firstModelPid` up in creation order (spawn and fork). */
  realPid(modelPid: unknown): number {
    if (typeof modelPid !== 'number') return -1;
    return this.pids[modelPid - this.firstModelPid] ?? -1;
  }

  /** The model numbers ids from 1 up in creation order, per kind. Id 0 stays 0; an id past
   * the run's objects names none: it becomes an id no object on the machine has (ids are
   * allocated upwards from 1, shared by everything that runs on it, other runs included),
   * in the same order, kept below INT_MAX; ids from 0x7fff0000 up stay as they are. */
  realId(kind: IdKind, modelId: unknown): unknown {
    if (typeof modelId !== 'number' || !Number.isInteger(modelId) || modelId <= 0) return modelId;
    const list = this.created[kind];
    if (this.modelIds) {
      const real = this.modelIds[kind].get(modelId);
      if (real !== undefined) return real;
    } else if (modelId <= list.length) return list[modelId - 1];
    return modelId >= NO_SUCH_ID ? modelId : NO_SUCH_ID + Math.min(modelId - list.length, 0xfffe);
  }

  /** A `*_GET_NEXT_ID` `start_id`: a position in id order, not an object. The model's id M
   * becomes the real id of the object the model numbered M, else one below the real id of
   * the first object the model numbered above M (ids a failed create used up have no
   * object on either side), else an id above everything. */
  realStartId(kind: IdKind, modelId: unknown): unknown {
    if (!this.modelIds || typeof modelId !== 'number' || !Number.isInteger(modelId) || modelId <= 0 || modelId >= NO_SUCH_ID)
      return this.realId(kind, modelId);
    const exact = this.modelIds[kind].get(modelId);
    if (exact !== undefined) return exact;
    let next: [number, number] | undefined;
    for (const [m, real] of this.modelIds[kind]) if (m > modelId && (!next || m < next[0])) next = [m, real];
    return next ? next[1] - 1 : this.realId(kind, modelId);
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

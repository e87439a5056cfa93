/**
 * Structural sharing between consecutive snapshots: an item (a process, a program, a pin)
 * that did not change keeps the very object of the previous step. The history then holds
 * each unchanged object once, and the graph can skip work by identity.
 */
import type { KernelSnapshot } from '../kernel/index';

type Json = unknown;

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as Json[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!deepEqual((a as Record<string, Json>)[k], (b as Record<string, Json>)[k])) return false;
  return true;
}

/** How an item of a snapshot array is named from step to step. */
function identity(item: Json): string | number | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const o = item as Record<string, unknown>;
  const id = o.key ?? o.pid ?? o.path;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

function shareArray(prev: readonly Json[], next: readonly Json[]): readonly Json[] {
  const byId = new Map<string | number, Json>();
  for (const item of prev) {
    const id = identity(item);
    if (id !== undefined) byId.set(id, item);
  }
  let same = prev.length === next.length;
  const out = next.map((item, i) => {
    const id = identity(item);
    const old = id !== undefined ? byId.get(id) : prev[i];
    const shared = old !== undefined && deepEqual(old, item) ? old : item;
    if (shared !== prev[i]) same = false;
    return shared;
  });
  return same ? prev : Object.freeze(out);
}

/** `next`, with every unchanged array item (and array, and the whole snapshot when
 * nothing changed) replaced by the previous step's object. */
export function shareSnapshot(prev: KernelSnapshot | undefined, next: KernelSnapshot): KernelSnapshot {
  if (!prev || prev.version !== next.version) return next;
  const out: Record<string, unknown> = {};
  let same = true;
  for (const [field, value] of Object.entries(next)) {
    const old = (prev as unknown as Record<string, unknown>)[field];
    let v: unknown = value;
    if (Array.isArray(value) && Array.isArray(old)) v = shareArray(old, value);
    else if (deepEqual(old, value)) v = old;
    if (v !== old) same = false;
    out[field] = v;
  }
  if (same && Object.keys(prev).length === Object.keys(next).length) return prev;
  return Object.freeze(out) as unknown as KernelSnapshot;
}

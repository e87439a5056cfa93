/**
 * `idr_alloc_cyclic(idr, obj, 1, INT_MAX)`: ids in 1..INT_MAX-1; each new id is the lowest
 * free id after the last one handed out, wrapping to 1, so a freed id is not reused until
 * the space wraps (kernel/bpf/syscall.c `bpf_prog_alloc_id`, `bpf_map_alloc_id`,
 * `bpf_link_prime`).
 */
export const INT_MAX = 0x7fffffff;

export class Idr<T> {
  private readonly entries = new Map<number, T>();
  private next = 1;

  constructor(private readonly end: number = INT_MAX) {}

  /** Allocate an id for `obj`; -1 when the space is full (the kernel's -ENOSPC). */
  alloc(obj: T): number {
    const span = this.end - 1;
    if (this.entries.size >= span) return -1;
    let id = this.next;
    while (this.entries.has(id)) id = id + 1 >= this.end ? 1 : id + 1;
    this.entries.set(id, obj);
    this.next = id + 1 >= this.end ? 1 : id + 1;
    return id;
  }

  remove(id: number): void {
    this.entries.delete(id);
  }

  find(id: number): T | undefined {
    return this.entries.get(id);
  }

  /** Smallest id strictly greater than `start` (`idr_get_next`), or undefined. */
  nextAfter(start: number): number | undefined {
    let best: number | undefined;
    for (const id of this.entries.keys()) if (id > start && (best === undefined || id < best)) best = id;
    return best;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cursor, for tests and snapshots of the allocator. */
  get cursor(): number {
    return this.next;
  }
}

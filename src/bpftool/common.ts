/**
 * bpftool's shared helpers (src/common.c, src/pids.c): opening objects by id or pin,
 * pinning, the `-f` table of pinned paths, the `pids` table, and the model's stand-ins for
 * what bpftool reads outside `bpf()`: /proc/self/fd, /proc/self/fdinfo, statfs, the clocks.
 */
import { Errno } from '../kernel/index';
import { dirname, normalizePath } from '../libbpf/core';
import type { BpfObject } from '../libbpf/index';
import type { Args, Tool } from './tool';

export type ObjType = 'prog' | 'map' | 'link';

/** Wall-clock time of the model's boot: `loaded_at` = this + `load_time` (ns since boot).
 * The model has no real-time clock; it boots at 2026-11-25T08:00:00+0000. */
export const MODEL_BOOT_EPOCH = Date.UTC(2026, 10, 25, 8, 0, 0) / 1000;

/** `if_indextoname` / `if_nametoindex`: the devices of the model's network namespace. */
export function ifName(t: Tool, ifindex: number): string | null {
  return t.kernel.snapshot().netdevs.find((d) => d.ifindex === ifindex)?.name ?? null;
}
export function ifIndex(t: Tool, name: string): number {
  return t.kernel.snapshot().netdevs.find((d) => d.name === name)?.ifindex ?? 0;
}

/** `print_boot_time`: `%FT%T%z` in UTC, or seconds since the epoch in JSON mode. */
export function bootTime(t: Tool, loadTimeNs: number): string {
  const secs = MODEL_BOOT_EPOCH + Math.floor(loadTimeNs / 1e9);
  if (t.json) return String(secs);
  return `${new Date(secs * 1000).toISOString().slice(0, 19)}+0000`;
}

/** What /proc/self/fd/FD says the fd is (`get_fd_type`): read from the model's snapshot. */
export function fdType(t: Tool, fd: number): ObjType | 'unknown' {
  const snap = t.kernel.snapshot();
  const slot = snap.processes.find((p) => p.pid === t.pid)?.fds.find((f) => f.fd === fd);
  const name = snap.files.find((f) => f.key === slot?.file)?.name ?? '';
  if (name.includes('bpf-map')) return 'map';
  if (name.includes('bpf-prog')) return 'prog';
  if (name.includes('bpf-link')) return 'link';
  return 'unknown';
}

/** Does a path exist (`access(path, F_OK)`)? BPF FS and cgroupfs from the snapshot; other
 * directories by trying to open them. */
export function exists(t: Tool, path: string): boolean {
  const p = normalizePath(path);
  const snap = t.kernel.snapshot();
  for (const tree of [snap.bpffs, snap.cgroupfs]) {
    const root = tree[0]?.path;
    if (root && (p === root || p.startsWith(`${root}/`))) return tree.some((e) => e.path === p);
  }
  const fd = t.kernel.open(t.pid, p);
  if (fd >= 0) t.kernel.close(t.pid, fd);
  return fd >= 0 || fd === -Errno.EIO;
}

export function isBpffs(t: Tool, path: string): boolean {
  return t.lib.isBpffs(path);
}

/** `open_obj_pinned`. */
export function openObjPinned(t: Tool, path: string, quiet: boolean, fileFlags = 0): number {
  const fd = t.bpf('BPF_OBJ_GET', fileFlags ? { pathname: path, file_flags: fileFlags } : { pathname: path });
  if (fd < 0 && !quiet) {
    const why = t.errno === Errno.EACCES && !isBpffs(t, dirname(path)) ? 'directory not in bpf file system (bpffs)' : t.strerror();
    t.perr(`bpf obj get (${path}): ${why}`);
  }
  return fd < 0 ? -1 : fd;
}

/** `open_obj_pinned_any`: a pinned object of the expected type. */
export function openObjPinnedAny(t: Tool, path: string, exp: ObjType, fileFlags = 0): number {
  const fd = openObjPinned(t, path, false, fileFlags);
  if (fd < 0) return -1;
  const type = fdType(t, fd);
  if (type !== exp) {
    t.perr(`incorrect object type: ${type}`);
    t.close(fd);
    return -1;
  }
  return fd;
}

/** `mount_bpffs_for_file` (7.5+ checks). The model has no mount(2): a directory outside
 * BPF FS cannot get one mounted on it, so bpftool fails there. */
export function mountBpffsForFile(t: Tool, file: string): number {
  if (exists(t, file)) {
    t.perr(`can't pin BPF object: path '${file}' already exists`);
    return -1;
  }
  const dir = dirname(file);
  if (isBpffs(t, dir)) return 0;
  if (!exists(t, dir)) {
    t.perr(`can't pin BPF object: dir '${dir}' doesn't exist`);
    return -1;
  }
  if (t.blockMount) {
    t.perr('no BPF file system found, not mounting it due to --nomount option');
    return -1;
  }
  t.perr(`can't mount BPF file system to pin the object '${file}': mount -t bpf bpf ${dir} failed: Function not implemented`);
  return -1;
}

/** `create_and_mount_bpffs_dir`. */
export function createAndMountBpffsDir(t: Tool, dir: string): number {
  if (isBpffs(t, dir)) return 0;
  const dirExists = exists(t, dir);
  if (!dirExists) {
    const parent = dirname(dir);
    if (isBpffs(t, parent)) return 0;
    if (!exists(t, parent)) {
      t.perr(`can't create dir '${dir}' to pin BPF object: parent dir '${parent}' doesn't exist`);
      return -1;
    }
  }
  if (t.blockMount) {
    t.perr('no BPF file system found, not mounting it due to --nomount option');
    return -1;
  }
  if (!dirExists) {
    const r = t.kernel.mkdir(t.pid, dir);
    if (r < 0) {
      t.perr(`failed to create dir '${dir}': ${t.strerror(r)}`);
      return r;
    }
  }
  t.perr(`can't mount BPF file system on given dir '${dir}': mount -t bpf bpf ${dir} failed: Function not implemented`);
  if (!dirExists) t.kernel.rmdir(t.pid, dir);
  return -1;
}

/** `do_pin_fd`. */
export function doPinFd(t: Tool, fd: number, name: string): number {
  const err = mountBpffsForFile(t, name);
  if (err) return err;
  const r = t.bpf('BPF_OBJ_PIN', { bpf_fd: fd, pathname: name });
  if (r < 0) t.perr(`can't pin the object (${name}): ${t.strerror()}`);
  return r < 0 ? r : 0;
}

/** `do_pin_any`. */
export function doPinAny(a: Args, getFd: (a: Args) => number): number {
  if (!a.req(3)) return -Errno.EINVAL;
  const fd = getFd(a);
  if (fd < 0) return fd;
  const err = doPinFd(a.tool, fd, a.cur);
  a.tool.close(fd);
  return err;
}

/**
 * The order `nftw` meets the pins in: BPF FS's readdir (`dcache_readdir`) lists a directory
 * newest entry first. The model's snapshot lists entries in name order and says nothing
 * about their age unless it carries inode numbers (`ino`, allocated in creation order);
 * with them the walk is newest first, as on Linux, else it stays in name order.
 */
function walkOrder(entries: readonly { path: string; kind: string; ino?: number }[]): typeof entries {
  if (!entries.every((e) => typeof e.ino === 'number')) return entries;
  const byParent = new Map<string, typeof entries[number][]>();
  for (const e of entries.slice(1)) {
    const parent = e.path.slice(0, e.path.lastIndexOf('/')) || '/';
    byParent.set(parent, [...(byParent.get(parent) ?? []), e]);
  }
  const out: typeof entries[number][] = [];
  const visit = (e: typeof entries[number]): void => {
    out.push(e);
    for (const c of [...(byParent.get(e.path) ?? [])].sort((x, y) => y.ino! - x.ino!)) visit(c);
  };
  if (entries[0]) visit(entries[0]);
  return out;
}

/**
 * libbpf's `hashmap__append` as bpftool's tables use it: entries go to the head of their
 * bucket, and every growth (capacity 4, 8, 16, ... when (size + 1) * 4 / 3 exceeds it)
 * re-inserts each bucket's chain and so reverses the order of one id's entries. Iterating
 * one id (`hashmap__for_each_key_entry`) yields this order.
 */
class IdHashmap<V> {
  private cap = 0;
  private size = 0;
  readonly chains = new Map<number, V[]>();
  append(id: number, v: V): void {
    if (this.cap === 0 || Math.floor(((this.size + 1) * 4) / 3) > this.cap) {
      this.cap = this.cap ? this.cap * 2 : 4;
      for (const chain of this.chains.values()) chain.reverse();
    }
    this.chains.set(id, [v, ...(this.chains.get(id) ?? [])]);
    this.size++;
  }
}

/** `build_pinned_obj_table`: id -> pinned paths, for `-f`. Walks every BPF FS (here: the
 * snapshot's), opens each pin quietly and keeps those of the kind listed. */
export function buildPinnedTable(t: Tool, kind: ObjType): Map<number, string[]> {
  const table = new IdHashmap<string>();
  for (const e of walkOrder(t.kernel.snapshot().bpffs)) {
    if (e.kind !== 'pin') continue;
    const fd = openObjPinned(t, e.path, true);
    if (fd < 0) continue;
    if (fdType(t, fd) === kind) {
      const attr: Record<string, unknown> = { bpf_fd: fd, info: {} };
      if (t.bpf('BPF_OBJ_GET_INFO_BY_FD', attr) === 0) table.append((attr.info as { id: number }).id, e.path);
    }
    t.close(fd);
  }
  return table.chains;
}

export interface ObjRef { pid: number; comm: string }

/**
 * `build_obj_refs_table`: which processes hold an fd of each object. bpftool loads a
 * `task_file` BPF iterator (skeleton pid_iter) for this; the model stands in for it with
 * `snapshot()`: every process (by pid) and its fds (in order), de-duplicated per pid.
 */
export function buildRefsTable(t: Tool, kind: ObjType): Map<number, ObjRef[]> {
  const snap = t.kernel.snapshot();
  const files = new Map(snap.files.map((f) => [f.key, f]));
  const ids = new Map<string, number>();
  for (const o of kind === 'prog' ? snap.progs : kind === 'map' ? snap.maps : snap.links) ids.set(o.key, o.id);
  const table = new Map<number, ObjRef[]>();
  for (const p of [...snap.processes].sort((x, y) => x.pid - y.pid)) {
    for (const slot of p.fds) {
      const f = files.get(slot.file);
      if (!f || f.kind !== kind) continue;
      const id = ids.get(f.target);
      if (!id) continue;
      const refs = table.get(id) ?? [];
      if (!refs.some((r) => r.pid === p.pid)) refs.push({ pid: p.pid, comm: p.comm });
      table.set(id, refs);
    }
  }
  return table;
}

export function emitRefsPlain(t: Tool, refs: Map<number, ObjRef[]>, id: number): void {
  const r = refs.get(id);
  if (!r?.length) return;
  t.printf(`\n\tpids ${r.map((x) => `${x.comm}(${x.pid})`).join(', ')}`);
}

export function emitRefsJson(t: Tool, refs: Map<number, ObjRef[]>, id: number): void {
  const r = refs.get(id);
  const j = t.json!;
  if (!r?.length) return;
  j.name('pids');
  j.startArray();
  for (const x of r) {
    j.startObject();
    j.intField('pid', x.pid);
    j.stringField('comm', x.comm);
    j.endObject();
  }
  j.endArray();
}

export function emitPinnedPlain(t: Tool, table: Map<number, string[]> | null, id: number): void {
  if (!table?.size) return;
  for (const p of table.get(id) ?? []) t.printf(`\n\tpinned ${p}`);
}

export function emitPinnedJson(t: Tool, table: Map<number, string[]> | null, id: number): void {
  if (!table?.size) return;
  const j = t.json!;
  j.name('pinned');
  j.startArray();
  for (const p of table.get(id) ?? []) j.string(p);
  j.endArray();
}

/** Parse `N` as `strtoul(s, &end, 0)` would, or null if anything is left over. */
export function parseId(s: string): number | null {
  if (!/^\s*[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(s)) return null;
  const v = s.trim();
  const neg = v.startsWith('-');
  const body = v.replace(/^[+-]/, '');
  const n = /^0[xX]/.test(body) ? parseInt(body, 16) : body.length > 1 && body.startsWith('0') ? parseInt(body, 8) : parseInt(body, 10);
  return (neg ? -n : n) >>> 0;
}

/** `bpf_object__open(file)` on the model's files (`options.files`: BPF C source by path); a
 * file that is not there is libbpf's ENOENT line and null. */
export function openObjectFile(t: Tool, file: string, opts: { relaxed_maps?: boolean } = {}): BpfObject | null {
  const source = Object.prototype.hasOwnProperty.call(t.files, file) ? t.files[file]! : null;
  if (source === null) {
    t.eprintf(`libbpf: elf: failed to open ${file}: -ENOENT\n`);
    return null;
  }
  return t.lib.bpf_object__open_mem(source, file, opts);
}

/**
 * Taking and dropping references, and what the last put does: `bpf_prog_inc/put`,
 * `bpf_map_inc/put`, `bpf_map_put_uref`, `bpf_link_inc/put`, `bpf_link_free`, and `fput`
 * of an open file (kernel/bpf/syscall.c, fs/file_table.c).
 *
 * Deferred work (RCU grace periods, work items) is done at once: the observable end state
 * is the kernel's once it has settled, and the log says where the kernel defers.
 */
import { detachLinkFromHook } from './hooks';
import type { BpfLink, BpfMap, BpfProg, OpenFile } from './objects';
import type { Inode } from './vfs';
import { describe, fileKey, linkKey, mapKey, progKey, type KernelState } from './state';

export function progInc(k: KernelState, p: BpfProg, fn = 'bpf_prog_inc', why = ''): void {
  p.refcnt++;
  if (k.keepLog) k.ref(progKey(p), 'refcnt', p.refcnt - 1, p.refcnt, fn, `${describe(p)}: refcnt +1${why ? ` (${why})` : ''}`);
}

export function progPut(k: KernelState, p: BpfProg, fn = 'bpf_prog_put', why = ''): void {
  p.refcnt--;
  if (k.keepLog) k.ref(progKey(p), 'refcnt', p.refcnt + 1, p.refcnt, fn, `${describe(p)}: refcnt -1${why ? ` (${why})` : ''}`);
  if (p.refcnt === 0) progFree(k, p);
}

function progFree(k: KernelState, p: BpfProg): void {
  const id = p.id;
  k.progIdr.remove(id);
  if (k.keepLog) k.emit('free', 'bpf_prog_free_id', `last reference to prog ${id} gone: its id is removed`, { obj: progKey(p) });
  p.id = 0;
  p.freed = true;
  k.progs.delete(p.oid);
  // bpf_prog_free_deferred runs after an RCU grace period: used maps go then.
  for (const m of p.usedMaps) mapPut(k, m, 'bpf_free_used_maps', k.keepLog ? `prog ${id} freed, releasing the maps it used` : '');
  if (k.keepLog) k.emit('free', 'bpf_prog_free_deferred', `prog ${id} freed (after an RCU grace period in Linux)`, { obj: progKey(p) });
}

export function mapInc(k: KernelState, m: BpfMap, uref: boolean, fn: string, why = ''): void {
  m.refcnt++;
  if (k.keepLog) k.ref(mapKey(m), 'refcnt', m.refcnt - 1, m.refcnt, fn, `${describe(m)}: refcnt +1${why ? ` (${why})` : ''}`);
  if (uref) {
    m.usercnt++;
    if (k.keepLog) k.ref(mapKey(m), 'usercnt', m.usercnt - 1, m.usercnt, fn, `${describe(m)}: usercnt +1`);
  }
}

export function mapPut(k: KernelState, m: BpfMap, fn = 'bpf_map_put', why = ''): void {
  m.refcnt--;
  if (k.keepLog) k.ref(mapKey(m), 'refcnt', m.refcnt + 1, m.refcnt, fn, `${describe(m)}: refcnt -1${why ? ` (${why})` : ''}`);
  if (m.refcnt === 0) {
    const id = m.id;
    k.mapIdr.remove(id);
    if (k.keepLog) k.emit('free', 'bpf_map_free_id', `last reference to map ${id} gone: its id is removed, the map is freed`, { obj: mapKey(m) });
    m.id = 0;
    m.freed = true;
    k.maps.delete(m.oid);
  }
}

/** `bpf_map_put_with_uref`: a user-facing holder (file or pin) lets go. */
export function mapPutWithUref(k: KernelState, m: BpfMap, fn: string, why = ''): void {
  m.usercnt--;
  if (k.keepLog) k.ref(mapKey(m), 'usercnt', m.usercnt + 1, m.usercnt, 'bpf_map_put_uref', `${describe(m)}: usercnt -1${why ? ` (${why})` : ''}`);
  if (m.usercnt === 0)
    if (k.keepLog) k.emit('note', 'bpf_map_put_uref', `no file or pin refers to ${describe(m)} any more (map_release_uref)`, { obj: mapKey(m) });
  mapPut(k, m, fn, why);
}

export function linkInc(k: KernelState, l: BpfLink, fn = 'bpf_link_inc', why = ''): void {
  l.refcnt++;
  if (k.keepLog) k.ref(linkKey(l), 'refcnt', l.refcnt - 1, l.refcnt, fn, `${describe(l)}: refcnt +1${why ? ` (${why})` : ''}`);
}

export function linkPut(k: KernelState, l: BpfLink, fn = 'bpf_link_put', why = ''): void {
  l.refcnt--;
  if (k.keepLog) k.ref(linkKey(l), 'refcnt', l.refcnt + 1, l.refcnt, fn, `${describe(l)}: refcnt -1${why ? ` (${why})` : ''}`);
  if (l.refcnt === 0) linkFree(k, l);
}

/** `bpf_link_free`: id removed, detached through `ops->release`, program put. */
function linkFree(k: KernelState, l: BpfLink): void {
  const name = k.keepLog ? describe(l) : '';
  if (l.id) {
    k.linkIdr.remove(l.id);
    if (k.keepLog) k.emit('free', 'bpf_link_free_id', `last reference to ${name} gone: its id is removed`, { obj: linkKey(l) });
  }
  if (l.attached) detachLinkFromHook(k, l, l.isLink ? 'bpf_link_free' : 'bpf_raw_tp_release');
  l.freed = true;
  l.id = 0;
  k.links.delete(l.oid);
  const deferred = l.target.kind === 'tracepoint' && k.since(612);
  progPut(k, l.prog, deferred ? 'bpf_link_defer_dealloc_rcu_gp' : 'bpf_link_dealloc',
    !k.keepLog ? '' : deferred ? `${name} freed; Linux puts its program after an RCU grace period` : `${name} freed`);
}

/** `fput`: drop one file reference; the last one runs the file's release, at once or,
 * with `queue`, later (task work queued by the exiting task). */
export function fput(k: KernelState, f: OpenFile, why = 'fput', queue?: OpenFile[]): void {
  f.fCount--;
  if (k.keepLog) k.ref(fileKey(f), 'f_count', f.fCount + 1, f.fCount, 'fput', `open file "${f.name}": f_count -1 (${why})`);
  if (f.fCount > 0) return;
  if (queue) queue.push(f);
  else releaseFile(k, f);
}

/** `__fput` → `f_op->release` of the last reference. */
export function releaseFile(k: KernelState, f: OpenFile): void {
  k.files.delete(f.oid);
  const t = f.target;
  if (t.kind === 'prog') progPut(k, t, 'bpf_prog_release', 'its last open file was released');
  else if (t.kind === 'map') mapPutWithUref(k, t, 'bpf_map_release', 'its last open file was released');
  else if (t.kind === 'link') linkPut(k, t, t.isLink ? 'bpf_link_release' : 'bpf_raw_tp_release', 'its open file was released');
  else if (t.kind === 'iter') {
    progPut(k, t.prog, 'iter_release', 'its iterator file was released');
    // then the file's path goes (dput): an unlinked pin's inode is freed with its last open file
    if (t.pin) pinInodePut(k, t.pin, 'bpf_free_inode', 'the last file opened through the unlinked pin was released');
  }
}

/** Files opened through a pin (open() of a pinned iterator link): each holds the pin's inode. */
export function pinOpenFiles(k: KernelState, inode: Inode): number {
  let n = 0;
  for (const f of k.files.values()) if (f.target.kind === 'iter' && f.target.pin === inode) n++;
  return n;
}

/** The pin's inode may go: it was unlinked (or renamed over) and no file opened through it is
 * left. `bpf_free_inode` puts the object it held (a link: from a work item in Linux). */
export function pinInodePut(k: KernelState, inode: Inode, fn: string, why: string): void {
  const o = inode.obj;
  if (!inode.dead || !o || pinOpenFiles(k, inode)) return;
  inode.obj = null;
  if (o.kind === 'prog') progPut(k, o, fn, why);
  else if (o.kind === 'map') mapPutWithUref(k, o, fn, why);
  else linkPut(k, o, fn, why);
}

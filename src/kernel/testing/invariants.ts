/**
 * Invariants of the kernel model, checked from its internal structures
 * (`kernel.internals`) without trusting its counters.
 *
 * Every holder of every object is found by walking what holds references in Linux: the fd
 * tables of live processes (each slot holds one `f_count` of an open file; each open BPF
 * file holds one reference of its object), the pins reachable from `/` (each holds one
 * reference, and one `usercnt` of a map) and the unlinked pins that iterator files opened
 * through them still hold (likewise), links (each holds its program) and programs
 * (each holds one `refcnt` of every map it uses; an iterator link one `refcnt` and one
 * `usercnt` of the map it walks; an iterator file one reference of its program), the attachments no file owns (cgroup and
 * tcx `BPF_PROG_ATTACH` entries and netlink XDP programs, each holding one program reference).
 * The counters are then compared with
 * what was found, and the model's tables (`files`, `progs`, `maps`, `links`, the idrs, the
 * attach points) with the set of reachable objects: anything alive that nothing holds is a
 * leak; anything held that was freed is a use-after-free.
 *
 * `checkInvariants` returns a list of violations (empty = ok); `assertEmptyAfterTeardown`
 * throws unless the kernel holds nothing at all.
 */
import type { Cgroup } from '../cgroup';
import type { Kernel } from '../kernel';
import type { BpfLink, BpfMap, BpfProg, BpfObject, LegacyAttachment, OpenFile } from '../objects';
import type { KernelState } from '../state';
import type { Idr } from '../idr';
import { BPF_MPROG_MAX } from '../mprog';
import { XDP_MODES } from '../netdev';
import { tcxLists } from '../tcx';
import { BPF_ATTACH_TYPE } from '../uapi';
import type { Inode } from '../vfs';

/** Who holds what, found by walking the holders. */
interface Holders {
  /** Open files reachable from fd slots, with the number of slots pointing at each. */
  fileSlots: Map<OpenFile, number>;
  /** Pins reachable from the root, by the object they hold. */
  pins: Map<BpfObject, number>;
  links: Set<BpfLink>;
  progs: Set<BpfProg>;
  maps: Set<BpfMap>;
  /** Open files per object. */
  objFiles: Map<BpfObject, number>;
  /** Live links per program. */
  progLinks: Map<BpfProg, number>;
  /** Attachments owned by no file, reachable from live cgroups and devices. */
  legacy: Set<LegacyAttachment>;
  /** Those per program. */
  progLegacy: Map<BpfProg, number>;
  /** Cgroup directories reachable in the tree. */
  cgroupDirs: Set<Inode>;
  /** Live programs using each map. */
  mapProgs: Map<BpfMap, number>;
  /** Live iterator links walking each map (each holds a refcnt and a usercnt). */
  mapLinks: Map<BpfMap, number>;
}

function bump<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function name(o: BpfObject): string {
  return `${o.kind}#${o.oid}${o.id ? ` (id ${o.id})` : ''}`;
}

/** Every live entry of the file-system tree, from `/`, following mounts. */
function walkTree(k: KernelState, errs: string[], onPin: (pin: Inode, path: string) => void, onDir?: (dir: Inode, path: string) => void): void {
  const seen = new Set<Inode>();
  const visit = (dir: Inode, path: string): void => {
    if (seen.has(dir)) {
      errs.push(`vfs: ${path || '/'} is reachable twice (a cycle or a shared directory)`);
      return;
    }
    seen.add(dir);
    onDir?.(dir, path);
    if (dir.dead) errs.push(`vfs: ${path || '/'} is reachable but dead`);
    if (dir.kind !== 'dir' || !dir.children) {
      errs.push(`vfs: ${path || '/'} is walked as a directory but is not one`);
      return;
    }
    for (const [n, child] of dir.children) {
      const p = `${path}/${n}`;
      if (child.name !== n) errs.push(`vfs: ${p} is named "${child.name}" in its inode`);
      if (child.parent !== dir) errs.push(`vfs: ${p}: its parent pointer is not the directory holding it`);
      if (child.fs !== dir.fs) errs.push(`vfs: ${p} is on another file system than its directory`);
      if (child.dead) errs.push(`vfs: ${p} is in its directory but dead`);
      if (child.kind === 'pin') {
        if (child.children) errs.push(`vfs: pin ${p} has directory entries`);
        if (child.mounted) errs.push(`vfs: pin ${p} is a mount point`);
        onPin(child, p);
        continue;
      }
      if (child.obj) errs.push(`vfs: directory ${p} holds an object`);
      visit(child.mounted ? child.mounted.root : child, p);
    }
  };
  visit(k.vfs.root.mounted ? k.vfs.root.mounted.root : k.vfs.root, '');
}

function findHolders(k: KernelState, errs: string[]): Holders {
  const h: Holders = {
    fileSlots: new Map(), pins: new Map(), links: new Set(), progs: new Set(), maps: new Set(),
    objFiles: new Map(), progLinks: new Map(), mapProgs: new Map(), mapLinks: new Map(), legacy: new Set(), progLegacy: new Map(), cgroupDirs: new Set(),
  };
  // fd tables
  for (const [pid, p] of k.processes) {
    if (p.pid !== pid) errs.push(`process table: key ${pid} holds pid ${p.pid}`);
    for (let fd = 0; fd < p.fds.length; fd++) {
      const s = p.fds[fd];
      if (s) bump(h.fileSlots, s.file);
    }
  }
  const holdObj = (o: BpfObject, by: string): void => {
    if (o.freed) errs.push(`${by} refers to freed ${name(o)}`);
    if (o.kind === 'link') h.links.add(o);
    else if (o.kind === 'prog') h.progs.add(o);
    else h.maps.add(o);
  };
  for (const f of h.fileSlots.keys()) {
    const t = f.target;
    if (t.kind === 'prog' || t.kind === 'map' || t.kind === 'link') {
      bump(h.objFiles, t);
      holdObj(t, `open file#${f.oid}`);
    } else if (t.kind === 'iter') {
      // an iterator file holds its program (prepare_seq_file), like a program's own file
      bump(h.objFiles, t.prog);
      holdObj(t.prog, `iterator file#${f.oid}`);
    }
  }
  // pins
  walkTree(k, errs, (pin, path) => {
    const o = pin.obj;
    if (!o) {
      errs.push(`vfs: pin ${path} holds nothing`);
      return;
    }
    if (pin.fs.type !== 'bpf') errs.push(`vfs: pin ${path} is not on a BPF FS`);
    if (o.kind === 'link' && !o.isLink) errs.push(`vfs: pin ${path} holds a pre-5.7 attachment, which cannot be pinned`);
    bump(h.pins, o);
    holdObj(o, `pin ${path}`);
  }, (dir) => {
    if (dir.cgroup) h.cgroupDirs.add(dir);
  });
  // an unlinked pin's inode lives while iterator files opened through it are open: it still
  // holds its object (bpf_free_inode puts it with the last of them)
  const heldOpen = new Set<Inode>();
  for (const f of h.fileSlots.keys()) {
    const t = f.target;
    if (t.kind !== 'iter' || !t.pin) continue;
    if (t.pin.kind !== 'pin') errs.push(`iterator file#${f.oid} was opened through ${t.pin.name}, which is no pin`);
    if (t.pin.obj !== t.link) errs.push(`iterator file#${f.oid} was opened through a pin that does not hold its link`);
    if (t.pin.dead) heldOpen.add(t.pin);
  }
  for (const pin of heldOpen) {
    if (!pin.obj) continue;
    bump(h.pins, pin.obj);
    holdObj(pin.obj, `unlinked pin "${pin.name}" held open by iterator files`);
  }
  // attachments owned by no file: in the lists of live cgroups and the slots of live devices
  const holdLegacy = (a: LegacyAttachment, where: string): void => {
    if (h.legacy.has(a)) errs.push(`legacy#${a.oid} is attached in two places (again at ${where})`);
    h.legacy.add(a);
    bump(h.progLegacy, a.prog);
    holdObj(a.prog, `legacy#${a.oid} at ${where}`);
  };
  for (const cg of k.cgroups.values())
    for (const [atype, list] of cg.progs) for (const e of list) if (e.legacy) holdLegacy(e.legacy, `cgroup#${cg.oid}:${atype}`);
  for (const dev of k.netdevs.values()) {
    for (const mode of XDP_MODES) {
      const slot = dev.xdp[mode];
      if (slot?.legacy) holdLegacy(slot.legacy, `${dev.name}/${mode}`);
    }
    for (const { ingress, bundle } of tcxLists(dev))
      for (const e of bundle.entries) if (e.legacy) holdLegacy(e.legacy, `tcx:${dev.name}:${ingress ? 'ingress' : 'egress'}`);
  }
  // links hold their programs
  for (const l of h.links) {
    bump(h.progLinks, l.prog);
    holdObj(l.prog, `link#${l.oid}`);
    if (l.target.kind === 'iter' && l.target.map) {
      bump(h.mapLinks, l.target.map);
      holdObj(l.target.map, `iterator link#${l.oid}`);
    }
  }
  // programs hold their maps
  for (const p of h.progs) {
    const seen = new Set<BpfMap>();
    for (const m of p.usedMaps) {
      if (seen.has(m)) errs.push(`${name(p)} lists ${name(m)} twice in used_maps`);
      seen.add(m);
      bump(h.mapProgs, m);
      holdObj(m, name(p));
    }
  }
  return h;
}

/** The entries of an idr, walked with `nextAfter` as BPF_*_GET_NEXT_ID does. */
function idrEntries<T>(idr: Idr<T>, errs: string[], what: string): Map<number, T> {
  const out = new Map<number, T>();
  let id = 0;
  for (;;) {
    const next = idr.nextAfter(id);
    if (next === undefined) break;
    if (next <= id) {
      errs.push(`${what} idr: nextAfter(${id}) = ${next} does not advance`);
      break;
    }
    const o = idr.find(next);
    if (o === undefined) errs.push(`${what} idr: nextAfter gives ${next} but find(${next}) is empty`);
    else out.set(next, o);
    id = next;
    if (out.size > idr.size) {
      errs.push(`${what} idr: walk yields more than size (${idr.size}) entries`);
      break;
    }
  }
  if (out.size !== idr.size) errs.push(`${what} idr: size ${idr.size} but ${out.size} entries reachable by nextAfter`);
  return out;
}

function checkTable<T extends BpfObject>(errs: string[], what: string, table: Map<number, T>, reachable: Set<T>, idr: Idr<T>,
  wantsId: (o: T) => boolean): void {
  for (const [oid, o] of table) {
    if (o.oid !== oid) errs.push(`${what} table: key ${oid} holds ${name(o)}`);
    if (o.freed) errs.push(`${what} table holds freed ${name(o)}`);
    if (!reachable.has(o)) errs.push(`${name(o)} is alive (refcnt ${o.refcnt}) but nothing holds it: leaked`);
  }
  for (const o of reachable) {
    if (table.get(o.oid) !== o) errs.push(`${name(o)} is held but missing from the ${what} table${o.freed ? ' (freed)' : ''}`);
  }
  // ids: every live object that should have an id has one, mapped to it; nothing else is in the idr
  const ids = new Map<number, T>();
  for (const o of reachable) {
    if (o.freed) continue;
    if (!wantsId(o)) {
      if (o.id !== 0) errs.push(`${name(o)} has id ${o.id} but objects of its kind have none on this release`);
      continue;
    }
    if (!Number.isInteger(o.id) || o.id <= 0) {
      errs.push(`${name(o)} has no valid id (${o.id})`);
      continue;
    }
    const dup = ids.get(o.id);
    if (dup) errs.push(`${name(o)} and ${name(dup)} share id ${o.id}`);
    ids.set(o.id, o);
  }
  const inIdr = idrEntries(idr, errs, what);
  for (const [id, o] of inIdr) {
    if (ids.get(id) !== o) errs.push(`${what} idr: id ${id} maps to ${name(o)}${o.freed ? ', which is freed' : ', which is not the live object with that id'}`);
  }
  for (const [id, o] of ids) if (!inIdr.has(id)) errs.push(`${name(o)}: id ${id} is not in the ${what} idr`);
}

function checkAttachPoints(k: KernelState, errs: string[], h: Holders): void {
  /** Attach point entries per link. */
  const where = new Map<BpfLink, string[]>();
  const note = (l: BpfLink, at: string, ok: boolean): void => {
    const list = where.get(l) ?? [];
    list.push(at);
    where.set(l, list);
    if (!ok) errs.push(`${name(l)} is listed at ${at} but its target is elsewhere`);
    if (!l.attached) errs.push(`${name(l)} is listed at ${at} but not marked attached`);
    if (l.freed) errs.push(`freed ${name(l)} is still listed at ${at}`);
    if (!h.links.has(l)) errs.push(`${name(l)} is listed at ${at} but held by no open file or pin`);
  };
  for (const [tp, s] of k.tracepoints) {
    if (s.links.length === 0) errs.push(`tracepoint:${tp} has an empty probe list left behind`);
    for (const l of s.links) note(l, `tracepoint:${tp}`, l.target.kind === 'tracepoint' && l.target.name === tp);
  }
  for (const [func, t] of k.trampolines) {
    if (t.func !== func) errs.push(`trampoline table: key ${func} holds the trampoline of ${t.func}`);
    const n = t.fentry.length + t.fmodRet.length + t.fexit.length;
    if (n === 0) errs.push(`function:${func} has an empty trampoline left behind`);
    const lists: [string, BpfLink[], number[]][] = [['fentry', t.fentry, [24, 27]], ['fmod_ret', t.fmodRet, [26]], ['fexit', t.fexit, [25]]];
    for (const [kind, list, types] of lists)
      for (const l of list)
        note(l, `function:${func}/${kind}`, l.target.kind === 'trampoline' && l.target.func === func && types.includes(l.attachType));
  }
  for (const cg of k.cgroups.values()) {
    const path = k.vfs.pathOf(cg.inode);
    for (const [atype, list] of cg.progs) {
      const at = `cgroup:${path}:${atype}`;
      if (list.length === 0) errs.push(`${at} has an empty list left behind`);
      for (const e of list) {
        if (!!e.link === !!e.legacy) errs.push(`${at}: an entry with ${e.link ? 'both a link and a program' : 'neither link nor program'}`);
        if (e.link) {
          const t = e.link.target;
          note(e.link, at, t.kind === 'cgroup' && t.cgroup === cg && t.attachType === atype && t.path === path);
        } else if (e.legacy) {
          const t = e.legacy.target;
          if (t.kind !== 'cgroup' || t.cgroup !== cg || t.attachType !== atype) errs.push(`legacy#${e.legacy.oid} is listed at ${at} but its target is elsewhere`);
        }
      }
    }
  }
  for (const [ifindex, dev] of k.netdevs) {
    if (dev.ifindex !== ifindex) errs.push(`device table: key ${ifindex} holds ${dev.name} (ifindex ${dev.ifindex})`);
    if (dev.dead) errs.push(`device ${dev.name} is in the device table but dead`);
    if (dev.peer && dev.peer.peer !== dev) errs.push(`device ${dev.name}: its peer ${dev.peer.name} is not paired back`);
    if (dev.peer && dev.peer.dead) errs.push(`device ${dev.name}: its peer ${dev.peer.name} is gone`);
    for (const mode of XDP_MODES) {
      const slot = dev.xdp[mode];
      const at = `xdp:${dev.name}/${mode}`;
      if (slot?.link) {
        const t = slot.link.target;
        note(slot.link, at, t.kind === 'xdp' && t.dev === dev && t.mode === mode);
      } else if (slot?.legacy) {
        const t = slot.legacy.target;
        if (t.kind !== 'xdp' || t.dev !== dev || t.mode !== mode) errs.push(`legacy#${slot.legacy.oid} is in ${at} but its target is elsewhere`);
      }
    }
    if (dev.xdp.skb && dev.xdp.drv) errs.push(`device ${dev.name}: generic and native XDP programs at the same time`);
    for (const { ingress, bundle } of tcxLists(dev)) {
      const at = `tcx:${dev.name}:${ingress ? 'ingress' : 'egress'}`;
      const atype = BPF_ATTACH_TYPE.indexOf(ingress ? 'BPF_TCX_INGRESS' : 'BPF_TCX_EGRESS');
      if (bundle.entries.length === 0) errs.push(`${at} has an empty list left behind (tcx_entry_free)`);
      if (bundle.entries.length > BPF_MPROG_MAX) errs.push(`${at} holds ${bundle.entries.length} programs, more than bpf_mprog_max() ${BPF_MPROG_MAX}`);
      if (!Number.isInteger(bundle.revision) || bundle.revision < 1) errs.push(`${at}: revision ${bundle.revision}`);
      const progs = new Set<BpfProg>();
      for (const e of bundle.entries) {
        if (progs.has(e.prog)) errs.push(`${at}: ${name(e.prog)} is on the list twice`);
        progs.add(e.prog);
        if (!!e.link === !!e.legacy) errs.push(`${at}: an entry with ${e.link ? 'both a link and a program' : 'neither link nor program'}`);
        if (e.link) {
          const t = e.link.target;
          note(e.link, at, t.kind === 'tcx' && t.dev === dev && t.ingress === ingress && e.link.attachType === atype && t.ifname === dev.name);
          if (e.prog !== e.link.prog) errs.push(`${at}: the entry of ${name(e.link)} runs ${name(e.prog)}, the link holds ${name(e.link.prog)}`);
        } else if (e.legacy) {
          const t = e.legacy.target;
          if (t.kind !== 'tcx' || t.dev !== dev || t.ingress !== ingress) errs.push(`legacy#${e.legacy.oid} is in ${at} but its target is elsewhere`);
          if (e.prog !== e.legacy.prog) errs.push(`${at}: legacy#${e.legacy.oid} holds ${name(e.legacy.prog)} but its entry runs ${name(e.prog)}`);
        }
      }
    }
  }
  for (const [l, at] of where) if (at.length > 1) errs.push(`${name(l)} is listed ${at.length} times: ${at.join(', ')}`);
  for (const l of h.links) {
    // an iterator link is on no list: it is attached to its target until it is freed
    if (l.target.kind === 'iter') {
      if (!l.attached) errs.push(`${name(l)} is a live iterator link that is not attached (they have no detach)`);
      if (l.target.map?.freed) errs.push(`${name(l)} walks freed ${name(l.target.map)}`);
      continue;
    }
    if (l.attached && !where.has(l)) errs.push(`${name(l)} is marked attached but is on no attach point`);
    const t = l.target;
    if (t.kind === 'cgroup' && !!t.cgroup !== l.attached) errs.push(`${name(l)}: attached ${l.attached}, but its cgroup is ${t.cgroup ? 'set' : 'NULL'}`);
    if (t.kind === 'cgroup' && t.cgroup?.dead) errs.push(`${name(l)} points at a removed cgroup`);
    if (t.kind === 'xdp' && !!t.dev !== l.attached) errs.push(`${name(l)}: attached ${l.attached}, but its device is ${t.dev ? 'set' : 'NULL'}`);
    if (t.kind === 'xdp' && t.dev?.dead) errs.push(`${name(l)} points at a removed device`);
    if (t.kind === 'tcx' && !!t.dev !== l.attached) errs.push(`${name(l)}: attached ${l.attached}, but its device is ${t.dev ? 'set' : 'NULL'}`);
    if (t.kind === 'tcx' && t.dev?.dead) errs.push(`${name(l)} points at a removed device`);
    if ((t.kind === 'tracepoint' || t.kind === 'trampoline') && !l.attached && l.isLink)
      errs.push(`${name(l)} is a live ${t.kind} link that is detached (these links detach only when freed)`);
  }
}

/** Check every invariant; returns the violations (empty: all hold). */
export function checkInvariants(kernel: Kernel): string[] {
  const k = kernel.internals;
  const errs: string[] = [];
  const h = findHolders(k, errs);

  // open files: f_count = fd slots; the file table is exactly the files some slot points at
  for (const [f, slots] of h.fileSlots) {
    if (f.fCount !== slots) errs.push(`file#${f.oid} "${f.name}": f_count ${f.fCount}, but ${slots} fd slot(s) point at it`);
    if (k.files.get(f.oid) !== f) errs.push(`file#${f.oid} "${f.name}" is in an fd table but not in the file table (released?)`);
  }
  for (const [oid, f] of k.files) {
    if (f.oid !== oid) errs.push(`file table: key ${oid} holds file#${f.oid}`);
    if (!h.fileSlots.has(f)) errs.push(`file#${f.oid} "${f.name}" (f_count ${f.fCount}) is in the file table but no fd points at it: leaked`);
  }

  // reference counts
  for (const p of h.progs) {
    const files = h.objFiles.get(p) ?? 0;
    const pins = h.pins.get(p) ?? 0;
    const links = h.progLinks.get(p) ?? 0;
    const legacy = h.progLegacy.get(p) ?? 0;
    if (p.refcnt !== files + pins + links + legacy)
      errs.push(`${name(p)}: refcnt ${p.refcnt}, but held by ${files} file(s) + ${pins} pin(s) + ${links} link(s) + ${legacy} attachment(s) owned by no file`);
  }
  for (const m of h.maps) {
    const files = h.objFiles.get(m) ?? 0;
    const pins = h.pins.get(m) ?? 0;
    const progs = h.mapProgs.get(m) ?? 0;
    const iters = h.mapLinks.get(m) ?? 0;
    if (m.refcnt !== files + pins + progs + iters)
      errs.push(`${name(m)}: refcnt ${m.refcnt}, but held by ${files} file(s) + ${pins} pin(s) + ${progs} prog(s) + ${iters} iterator link(s)`);
    if (m.usercnt !== files + pins + iters)
      errs.push(`${name(m)}: usercnt ${m.usercnt}, but held by ${files} file(s) + ${pins} pin(s) + ${iters} iterator link(s)`);
  }
  for (const l of h.links) {
    const files = h.objFiles.get(l) ?? 0;
    const pins = h.pins.get(l) ?? 0;
    if (l.refcnt !== files + pins) errs.push(`${name(l)}: refcnt ${l.refcnt}, but held by ${files} file(s) + ${pins} pin(s)`);
  }

  // tables and ids: exactly the reachable objects
  checkTable(errs, 'prog', k.progs, h.progs, k.progIdr, () => true);
  checkTable(errs, 'map', k.maps, h.maps, k.mapIdr, () => true);
  checkTable(errs, 'link', k.links, h.links, k.linkIdr, (l) => l.isLink && k.since(508));

  for (const [oid, a] of k.legacy) {
    if (a.oid !== oid) errs.push(`legacy table: key ${oid} holds legacy#${a.oid}`);
    if (!h.legacy.has(a)) errs.push(`legacy#${a.oid} (prog ${a.prog.id}) is in the legacy table but attached nowhere`);
  }
  for (const a of h.legacy) if (k.legacy.get(a.oid) !== a) errs.push(`legacy#${a.oid} (prog ${a.prog.id}) is attached but not in the legacy table`);

  checkCgroups(k, errs, h);
  checkAttachPoints(k, errs, h);
  return errs;
}

/** The cgroup tree: live cgroups are exactly the cgroup directories in the tree, each
 * with its directory's parent's cgroup as parent. */
function checkCgroups(k: KernelState, errs: string[], h: Holders): void {
  const live = new Set<Cgroup>();
  for (const [oid, cg] of k.cgroups) {
    live.add(cg);
    const where = `cgroup#${cg.oid} (${cg.inode.dead ? 'removed' : k.vfs.pathOf(cg.inode)})`;
    if (cg.oid !== oid) errs.push(`cgroup table: key ${oid} holds cgroup#${cg.oid}`);
    if (cg.dead) errs.push(`${where} is in the cgroup table but dead`);
    if (cg.inode.cgroup !== cg) errs.push(`${where}: its directory names another cgroup`);
    if (!h.cgroupDirs.has(cg.inode)) errs.push(`${where}: its directory is not in the tree`);
    const dirParent = cg.inode === cg.inode.fs.root ? null : cg.inode.parent?.cgroup ?? null;
    if (cg.parent !== dirParent) errs.push(`${where}: parent is cgroup#${cg.parent?.oid ?? '-'}, but its directory is in cgroup#${dirParent?.oid ?? '-'}`);
    if (cg.parent && (cg.parent.dead || !k.cgroups.has(cg.parent.oid))) errs.push(`${where}: its parent cgroup is gone`);
    for (const atype of cg.flags.keys()) if (!cg.progs.has(atype)) errs.push(`${where}: a mode for attach type ${atype} with nothing attached`);
  }
  for (const dir of h.cgroupDirs) if (dir.cgroup && !live.has(dir.cgroup)) errs.push(`cgroup directory ${k.vfs.pathOf(dir)} is a cgroup missing from the cgroup table`);
}

/** What is left in a kernel that should hold nothing (every process exited, every pin
 * unlinked): empty list = nothing. */
export function leftAfterTeardown(kernel: Kernel): string[] {
  const k = kernel.internals;
  const left: string[] = [...checkInvariants(kernel)];
  const n = (what: string, size: number): void => {
    if (size) left.push(`${size} ${what} left`);
  };
  n('process(es)', k.processes.size);
  n('open file(s)', k.files.size);
  n('prog(s)', k.progs.size);
  n('map(s)', k.maps.size);
  n('link(s)', k.links.size);
  n('prog id(s)', k.progIdr.size);
  n('map id(s)', k.mapIdr.size);
  n('link id(s)', k.linkIdr.size);
  n('tracepoint(s) with probes', k.tracepoints.size);
  n('trampoline(s)', k.trampolines.size);
  n('attachment(s) owned by no file', k.legacy.size);
  const pins: string[] = [];
  walkTree(k, left, (_pin, path) => pins.push(path));
  if (pins.length) left.push(`pins left: ${pins.join(', ')}`);
  return left;
}

/** Throw unless nothing is left (see `leftAfterTeardown`). */
export function assertEmptyAfterTeardown(kernel: Kernel): void {
  const left = leftAfterTeardown(kernel);
  if (left.length) throw new Error(`kernel not empty after teardown:\n  ${left.join('\n  ')}`);
}

/**
 * Release everything: exit every process, then, as a fresh process, remove every cgroup
 * below the root (which releases what is attached there), detach what is still attached
 * to the root cgroup and to tcx lists with BPF_PROG_ATTACH and to devices through netlink, unlink every pin
 * and remove every directory of the BPF FS, deepest first, and exit. Returns the calls
 * that did not return 0 (empty: all went as expected). `after` runs after each call.
 */
export function teardown(kernel: Kernel, after?: (what: string) => void): string[] {
  const bad: string[] = [];
  const run = (what: string, ret: number, ok: (r: number) => boolean = (r) => r === 0): number => {
    if (!ok(ret)) bad.push(`${what} = ${ret}`);
    after?.(what);
    return ret;
  };
  const deepestFirst = (paths: string[]): string[] =>
    paths.sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? 1 : -1));
  for (const p of kernel.snapshot().processes) run(`exit(${p.pid})`, kernel.exit(p.pid));
  const pid = run('spawn("teardown")', kernel.spawn('teardown'), (r) => r > 0);
  if (pid <= 0) return bad;
  // cgroups below the root: rmdir releases their BPF_PROG_ATTACH programs
  for (const path of deepestFirst(kernel.snapshot().cgroupfs.map((e) => e.path).filter((p) => p !== '/sys/fs/cgroup')))
    run(`rmdir(${path})`, kernel.rmdir(pid, path));
  // what is left on the root cgroup and on devices is owned by no file: detach it
  const snap = kernel.snapshot();
  for (const a of snap.legacy) {
    const progId = snap.progs.find((p) => p.key === a.prog)?.id ?? 0;
    if (a.kind === 'cgroup') {
      const atype = a.target.slice(a.target.lastIndexOf(':') + 1);
      const cg = run('open(/sys/fs/cgroup)', kernel.open(pid, '/sys/fs/cgroup'), (r) => r >= 0);
      const pfd = run(`BPF_PROG_GET_FD_BY_ID(${progId})`, kernel.bpf(pid, 'BPF_PROG_GET_FD_BY_ID', { prog_id: progId }), (r) => r >= 0);
      run(`BPF_PROG_DETACH(${a.key})`, kernel.bpf(pid, 'BPF_PROG_DETACH', { target_fd: cg, attach_bpf_fd: pfd, attach_type: atype }));
      run(`close(${pfd})`, kernel.close(pid, pfd));
      run(`close(${cg})`, kernel.close(pid, cg));
    } else if (a.kind === 'tcx') {
      // "tcx:DEV:ingress": BPF_PROG_DETACH of the program from the device's list
      const [, devName, dir] = a.target.split(':');
      const ifindex = snap.netdevs.find((d) => d.name === devName)?.ifindex ?? 0;
      const pfd = run(`BPF_PROG_GET_FD_BY_ID(${progId})`, kernel.bpf(pid, 'BPF_PROG_GET_FD_BY_ID', { prog_id: progId }), (r) => r >= 0);
      run(`BPF_PROG_DETACH(${a.key})`, kernel.bpf(pid, 'BPF_PROG_DETACH', { target_ifindex: ifindex, attach_bpf_fd: pfd, attach_type: dir === 'ingress' ? 'BPF_TCX_INGRESS' : 'BPF_TCX_EGRESS' }));
      run(`close(${pfd})`, kernel.close(pid, pfd));
    } else {
      const dev = snap.netdevs.find((d) => d.xdp.some((x) => x.legacy === a.key));
      const mode = dev?.xdp.find((x) => x.legacy === a.key)?.mode;
      const flag = mode === 'skb' ? 'XDP_FLAGS_SKB_MODE' : mode === 'drv' ? 'XDP_FLAGS_DRV_MODE' : 'XDP_FLAGS_HW_MODE';
      run(`netlinkXdpAttach(${dev?.name}, -1, ${flag})`, kernel.netlinkXdpAttach(pid, { ifindex: dev?.ifindex ?? 0, prog_fd: -1, flags: [flag] }));
    }
  }
  for (const e of deepestFirst(kernel.snapshot().bpffs.filter((e) => e.path !== '/sys/fs/bpf').map((e) => e.path))) {
    const entry = kernel.snapshot().bpffs.find((x) => x.path === e);
    if (entry?.kind === 'pin') run(`unlink(${e})`, kernel.unlink(pid, e));
    else run(`rmdir(${e})`, kernel.rmdir(pid, e));
  }
  run(`exit(${pid})`, kernel.exit(pid));
  return bad;
}

/**
 * cgroup BPF (kernel/bpf/cgroup.c): per cgroup and attach type an ordered list of entries
 * (legacy `BPF_PROG_ATTACH` programs and `bpf_cgroup_link`s), the attach mode (none,
 * `BPF_F_ALLOW_OVERRIDE`, `BPF_F_ALLOW_MULTI`), a revision, and the effective array that
 * `compute_effective_progs` builds from the cgroup and its ancestors.
 */
import { Errno } from './errno';
import type { BpfLink, BpfProg, LegacyAttachment } from './objects';
import { progPut } from './refs';
import { describe, fail, linkKey, type KernelState } from './state';
import { BPF_ATTACH_TYPE, FLAG_VALUES } from './uapi';
import type { Inode } from './vfs';

export const BPF_CGROUP_MAX_PROGS = 64;
const F = FLAG_VALUES;

export interface CgroupEntry {
  link: BpfLink | null;
  legacy: LegacyAttachment | null;
  /** The entry's own flags (BPF_F_PREORDER). */
  flags: number;
}

export interface Cgroup {
  oid: number;
  /** cgroup id (the kernfs node id); the root is 1. */
  id: number;
  inode: Inode;
  parent: Cgroup | null;
  dead: boolean;
  /** `bpf.progs[atype]`, keyed by attach type. */
  progs: Map<number, CgroupEntry[]>;
  /** `bpf.flags[atype]`: the mode, 0 / BPF_F_ALLOW_OVERRIDE / BPF_F_ALLOW_MULTI. */
  flags: Map<number, number>;
  /** `bpf.revisions[atype]` (6.17+), 1 for a fresh cgroup. */
  revisions: Map<number, number>;
}

/** `attach_type_to_prog_type` for the cgroup attach types, with the release that added each. */
export const CGROUP_ATTACH: Readonly<Record<string, { progType: string; since: number; eatMustMatch: boolean }>> = {
  BPF_CGROUP_INET_INGRESS: { progType: 'BPF_PROG_TYPE_CGROUP_SKB', since: 0, eatMustMatch: false },
  BPF_CGROUP_INET_EGRESS: { progType: 'BPF_PROG_TYPE_CGROUP_SKB', since: 0, eatMustMatch: false },
  BPF_CGROUP_INET_SOCK_CREATE: { progType: 'BPF_PROG_TYPE_CGROUP_SOCK', since: 0, eatMustMatch: true },
  BPF_CGROUP_INET_SOCK_RELEASE: { progType: 'BPF_PROG_TYPE_CGROUP_SOCK', since: 509, eatMustMatch: true },
  BPF_CGROUP_INET4_POST_BIND: { progType: 'BPF_PROG_TYPE_CGROUP_SOCK', since: 0, eatMustMatch: true },
  BPF_CGROUP_INET6_POST_BIND: { progType: 'BPF_PROG_TYPE_CGROUP_SOCK', since: 0, eatMustMatch: true },
  BPF_CGROUP_SOCK_OPS: { progType: 'BPF_PROG_TYPE_SOCK_OPS', since: 0, eatMustMatch: false },
  BPF_CGROUP_DEVICE: { progType: 'BPF_PROG_TYPE_CGROUP_DEVICE', since: 0, eatMustMatch: false },
  BPF_CGROUP_SYSCTL: { progType: 'BPF_PROG_TYPE_CGROUP_SYSCTL', since: 0, eatMustMatch: false },
  BPF_CGROUP_GETSOCKOPT: { progType: 'BPF_PROG_TYPE_CGROUP_SOCKOPT', since: 0, eatMustMatch: true },
  BPF_CGROUP_SETSOCKOPT: { progType: 'BPF_PROG_TYPE_CGROUP_SOCKOPT', since: 0, eatMustMatch: true },
  ...Object.fromEntries(['INET4_BIND', 'INET6_BIND', 'INET4_CONNECT', 'INET6_CONNECT', 'UDP4_SENDMSG', 'UDP6_SENDMSG',
    'UDP4_RECVMSG', 'UDP6_RECVMSG'].map((n) => [`BPF_CGROUP_${n}`, { progType: 'BPF_PROG_TYPE_CGROUP_SOCK_ADDR', since: 0, eatMustMatch: true }])),
  ...Object.fromEntries(['INET4_GETPEERNAME', 'INET6_GETPEERNAME', 'INET4_GETSOCKNAME', 'INET6_GETSOCKNAME']
    .map((n) => [`BPF_CGROUP_${n}`, { progType: 'BPF_PROG_TYPE_CGROUP_SOCK_ADDR', since: 508, eatMustMatch: true }])),
  ...Object.fromEntries(['CONNECT', 'SENDMSG', 'RECVMSG', 'GETPEERNAME', 'GETSOCKNAME']
    .map((n) => [`BPF_CGROUP_UNIX_${n}`, { progType: 'BPF_PROG_TYPE_CGROUP_SOCK_ADDR', since: 607, eatMustMatch: true }])),
};

export function cgroupAttachInfo(k: KernelState, attachType: number): { progType: string; eatMustMatch: boolean } | null {
  const name = BPF_ATTACH_TYPE[attachType];
  const info = name ? CGROUP_ATTACH[name] : undefined;
  return info && k.since(info.since) ? info : null;
}

export function entryProg(e: CgroupEntry): BpfProg {
  return e.link ? e.link.prog : e.legacy!.prog;
}

export function cgroupPath(k: KernelState, cg: Cgroup): string {
  return k.vfs.pathOf(cg.inode);
}

export function cgroupMode(cg: Cgroup, atype: number): number {
  return cg.flags.get(atype) ?? 0;
}

export function cgroupRevision(cg: Cgroup, atype: number): number {
  return cg.revisions.get(atype) ?? 1;
}

function bumpRevision(cg: Cgroup, atype: number): void {
  cg.revisions.set(atype, cgroupRevision(cg, atype) + 1);
}

export function modeName(mode: number): string {
  return mode & F.BPF_F_ALLOW_MULTI ? 'multi' : mode & F.BPF_F_ALLOW_OVERRIDE ? 'override' : 'none';
}

export function newCgroup(k: KernelState, inode: Inode, parent: Cgroup | null): Cgroup {
  const cg: Cgroup = { oid: k.oid(), id: k.nextCgroupId++, inode, parent, dead: false, progs: new Map(), flags: new Map(), revisions: new Map() };
  k.cgroups.set(cg.oid, cg);
  inode.cgroup = cg;
  return cg;
}

/** `hierarchy_allows_attach`: only the nearest ancestor with an attachment decides. */
function hierarchyAllowsAttach(cg: Cgroup, atype: number): boolean {
  for (let p = cg.parent; p; p = p.parent) {
    const mode = cgroupMode(p, atype);
    if (mode & F.BPF_F_ALLOW_MULTI) return true;
    if ((p.progs.get(atype)?.length ?? 0) === 1) return (mode & F.BPF_F_ALLOW_OVERRIDE) !== 0;
  }
  return true;
}

/** An anchor for BPF_F_BEFORE / BPF_F_AFTER (6.17): the entry to insert next to. */
export type CgroupAnchor = { prog: BpfProg } | { link: BpfLink } | null;

export interface CgroupAttachRequest {
  prog: BpfProg | null;
  link: BpfLink | null;
  replaceProg: BpfProg | null;
  atype: number;
  flags: number;
  /** Resolves the BPF_F_BEFORE/AFTER anchor (relative_fd / relative_id), if any. */
  anchor: (() => CgroupAnchor) | null;
  revision: number;
  /** For a legacy entry: who attached it. */
  pid: number;
  comm: string;
}

/** Where a new entry goes (`get_prog_list` / `insert_pl_to_hlist`, 6.17). */
function insertIndex(list: CgroupEntry[], req: CgroupAttachRequest): number {
  const before = (req.flags & F.BPF_F_BEFORE) !== 0;
  const after = (req.flags & F.BPF_F_AFTER) !== 0;
  const a = req.anchor ? req.anchor() : null;
  if (!a) {
    if (before && after && list.length) fail(Errno.EINVAL, 'get_prog_list', 'BPF_F_BEFORE and BPF_F_AFTER without an anchor');
    return before ? 0 : list.length;
  }
  if (before === after) fail(Errno.EINVAL, 'get_prog_list', 'an anchor needs exactly one of BPF_F_BEFORE and BPF_F_AFTER');
  const i = list.findIndex((e) => ('link' in a ? e.link === a.link : e.legacy?.prog === a.prog));
  if (i < 0) fail(Errno.ENOENT, 'get_prog_list', 'the anchor is not attached to this cgroup for this attach type');
  if ((list[i]!.flags & F.BPF_F_PREORDER) !== (req.flags & F.BPF_F_PREORDER))
    fail(Errno.EINVAL, 'get_prog_list', 'the anchor and the new entry differ in BPF_F_PREORDER');
  return before ? i : i + 1;
}

/** `__cgroup_bpf_attach`. On success a legacy entry takes a program reference; a link
 * entry uses the link's. */
export function cgroupBpfAttach(k: KernelState, cg: Cgroup, req: CgroupAttachRequest): void {
  const fn = '__cgroup_bpf_attach';
  const { flags, atype } = req;
  const savedFlags = flags & (F.BPF_F_ALLOW_OVERRIDE | F.BPF_F_ALLOW_MULTI);
  if ((flags & F.BPF_F_ALLOW_OVERRIDE && flags & F.BPF_F_ALLOW_MULTI) || (flags & F.BPF_F_REPLACE && !(flags & F.BPF_F_ALLOW_MULTI)))
    fail(Errno.EINVAL, fn, 'invalid flag combination (OVERRIDE with MULTI, or REPLACE without MULTI)');
  if (flags & F.BPF_F_REPLACE && flags & (F.BPF_F_BEFORE | F.BPF_F_AFTER)) fail(Errno.EINVAL, fn, 'BPF_F_REPLACE with BPF_F_BEFORE/AFTER');
  if (!!req.replaceProg !== !!(flags & F.BPF_F_REPLACE)) fail(Errno.EINVAL, fn, 'BPF_F_REPLACE needs replace_bpf_fd');
  if (req.revision && k.since(617) && req.revision !== cgroupRevision(cg, atype))
    fail(Errno.ESTALE, fn, `expected_revision ${req.revision} but the revision is ${cgroupRevision(cg, atype)}`);
  const list = cg.progs.get(atype) ?? [];
  if (!hierarchyAllowsAttach(cg, atype))
    fail(Errno.EPERM, 'hierarchy_allows_attach', 'an ancestor cgroup has a non-overridable program for this attach type');
  if (list.length && cgroupMode(cg, atype) !== savedFlags)
    fail(Errno.EPERM, fn, `the cgroup's mode for ${BPF_ATTACH_TYPE[atype]} is ${modeName(cgroupMode(cg, atype))}, the request is ${modeName(savedFlags)}`);
  if (list.length >= BPF_CGROUP_MAX_PROGS) fail(Errno.E2BIG, fn, `already ${BPF_CGROUP_MAX_PROGS} programs for this attach type`);
  // find_attach_entry
  let existing: CgroupEntry | null = null;
  if (!(flags & F.BPF_F_ALLOW_MULTI)) existing = list[0] ?? null;
  else {
    for (const e of list) {
      if (req.prog && e.legacy?.prog === req.prog && req.prog !== req.replaceProg)
        fail(Errno.EINVAL, 'find_attach_entry', `prog ${req.prog.id} is already attached to this cgroup`);
      if (req.link && e.link === req.link) fail(Errno.EINVAL, 'find_attach_entry', 'the link is already attached');
    }
    if (req.replaceProg) {
      existing = list.find((e) => e.legacy?.prog === req.replaceProg) ?? null;
      if (!existing) fail(Errno.ENOENT, 'find_attach_entry', `prog ${req.replaceProg.id} to replace is not attached here`);
    }
  }
  const where = `${cgroupPath(k, cg)} (${BPF_ATTACH_TYPE[atype]})`;
  const index = existing ? -1 : insertIndex(list, req);
  // Success from here on.
  let old: BpfProg | null = null;
  if (req.link) {
    const e: CgroupEntry = { link: req.link, legacy: null, flags: flags & F.BPF_F_PREORDER };
    list.splice(index, 0, e);
    req.link.attached = true;
    if (k.keepLog) k.emit('attach', 'cgroup_bpf_attach', `${describe(req.link)}: prog ${req.link.prog.id} attached to cgroup ${where}`, { obj: linkKey(req.link) });
  } else {
    const prog = req.prog!;
    prog.refcnt++;
    const legacy: LegacyAttachment = { kind: 'legacy', oid: k.oid(), prog, attacherPid: req.pid, attacherComm: req.comm, target: { kind: 'cgroup', cgroup: cg, attachType: atype } };
    k.legacy.set(legacy.oid, legacy);
    if (k.keepLog) k.ref(`prog#${prog.oid}`, 'refcnt', prog.refcnt - 1, prog.refcnt, 'cgroup_bpf_attach', `${describe(prog)}: refcnt +1, held by the cgroup's list (owned by no file)`);
    if (existing) {
      old = existing.legacy!.prog;
      k.legacy.delete(existing.legacy!.oid);
      existing.legacy = legacy;
      existing.flags = flags & F.BPF_F_PREORDER;
    } else list.splice(index, 0, { link: null, legacy, flags: flags & F.BPF_F_PREORDER });
    if (k.keepLog) k.emit('attach', 'cgroup_bpf_attach', `prog ${prog.id} attached to cgroup ${where} with BPF_PROG_ATTACH (mode ${modeName(savedFlags)}): no file owns this attachment`, { obj: `legacy#${legacy.oid}` });
  }
  cg.progs.set(atype, list);
  cg.flags.set(atype, savedFlags);
  bumpRevision(cg, atype);
  if (old) progPut(k, old, 'cgroup_bpf_attach', `replaced on cgroup ${where}`);
}

/** Remove an entry (detach, link release, auto-detach bookkeeping). */
function removeEntry(k: KernelState, cg: Cgroup, atype: number, e: CgroupEntry): void {
  const list = cg.progs.get(atype) ?? [];
  list.splice(list.indexOf(e), 1);
  if (list.length === 0) {
    cg.progs.delete(atype);
    cg.flags.delete(atype);
  }
  bumpRevision(cg, atype);
  if (e.legacy) k.legacy.delete(e.legacy.oid);
}

/** `__cgroup_bpf_detach` for a legacy entry (`BPF_PROG_DETACH`). */
export function cgroupBpfDetachProg(k: KernelState, cg: Cgroup, prog: BpfProg | null, atype: number, revision: number): void {
  const fn = '__cgroup_bpf_detach';
  if (revision && k.since(617) && revision !== cgroupRevision(cg, atype))
    fail(Errno.ESTALE, fn, `expected_revision ${revision} but the revision is ${cgroupRevision(cg, atype)}`);
  const list = cg.progs.get(atype) ?? [];
  let e: CgroupEntry | undefined;
  if (!(cgroupMode(cg, atype) & F.BPF_F_ALLOW_MULTI)) {
    e = list[0];
    if (!e) fail(Errno.ENOENT, 'find_detach_entry', `nothing is attached to ${cgroupPath(k, cg)} for ${BPF_ATTACH_TYPE[atype]}`);
  } else {
    if (!prog) fail(Errno.EINVAL, 'find_detach_entry', 'detaching from a multi cgroup needs the program fd');
    e = list.find((x) => x.legacy?.prog === prog);
    if (!e) fail(Errno.ENOENT, 'find_detach_entry', `prog ${prog.id} is not attached here with BPF_PROG_ATTACH`);
  }
  const old = e.legacy!.prog;
  removeEntry(k, cg, atype, e);
  if (k.keepLog) k.emit('detach', 'cgroup_bpf_detach', `prog ${old.id} detached from cgroup ${cgroupPath(k, cg)} (${BPF_ATTACH_TYPE[atype]})`);
  progPut(k, old, 'cgroup_bpf_detach', 'its cgroup attachment was removed');
}

/** `bpf_cgroup_link_release` / detach: take the link's entry out; the link goes defunct. */
export function cgroupLinkRelease(k: KernelState, link: BpfLink, fn: string): void {
  const t = link.target;
  if (t.kind !== 'cgroup' || !t.cgroup) return;
  const cg = t.cgroup;
  const e = cg.progs.get(t.attachType)?.find((x) => x.link === link);
  if (e) removeEntry(k, cg, t.attachType, e);
  t.cgroup = null;
  link.attached = false;
  if (k.keepLog) k.emit('detach', fn, `${describe(link)}: prog ${link.prog.id} detached from cgroup ${t.path} (${BPF_ATTACH_TYPE[t.attachType]})`, { obj: linkKey(link) });
}

/** `compute_effective_progs`: the programs that run for this cgroup and attach type. */
export function effectiveEntries(cg: Cgroup, atype: number): CgroupEntry[] {
  const preorder: CgroupEntry[][] = [];
  const normal: CgroupEntry[] = [];
  let cnt = 0;
  for (let p: Cgroup | null = cg; p; p = p.parent) {
    if (cnt > 0 && !(cgroupMode(p, atype) & F.BPF_F_ALLOW_MULTI)) continue;
    const list = p.progs.get(atype) ?? [];
    preorder.push(list.filter((e) => e.flags & F.BPF_F_PREORDER));
    for (const e of list) if (!(e.flags & F.BPF_F_PREORDER)) normal.push(e);
    cnt += list.length;
  }
  return [...preorder.reverse().flat(), ...normal];
}

/** rmdir: `cgroup_bpf_release`: legacy programs put, links auto-detached (defunct). */
export function cgroupBpfRelease(k: KernelState, cg: Cgroup): void {
  const path = cgroupPath(k, cg);
  cg.dead = true;
  k.cgroups.delete(cg.oid);
  for (const [atype, list] of [...cg.progs]) {
    for (const e of [...list]) {
      if (e.link) {
        const link = e.link;
        removeEntry(k, cg, atype, e);
        if (link.target.kind === 'cgroup') link.target.cgroup = null;
        link.attached = false;
        if (k.keepLog) k.emit('detach', 'bpf_cgroup_link_auto_detach', `cgroup ${path} removed: ${describe(link)} is auto-detached; it lives on (defunct) while fds or pins hold it`, { obj: linkKey(link) });
      } else {
        const prog = e.legacy!.prog;
        removeEntry(k, cg, atype, e);
        if (k.keepLog) k.emit('detach', 'cgroup_bpf_release', `cgroup ${path} removed: its BPF_PROG_ATTACH entry of prog ${prog.id} is released`);
        progPut(k, prog, 'cgroup_bpf_release', `cgroup ${path} was removed`);
      }
    }
  }
}

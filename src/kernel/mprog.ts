/**
 * The multi-program attach of kernel/bpf/mprog.c (6.6), which tcx uses: an ordered list
 * of up to 63 entries, each a program with the link that owns it (or none: a
 * `BPF_PROG_ATTACH` entry), and a revision that every change bumps. `bpf_mprog_attach`
 * and `bpf_mprog_detach` place or find an entry by "rules" (`BPF_F_REPLACE`,
 * `BPF_F_BEFORE`, `BPF_F_AFTER`, each with its anchor) that must all agree on one position,
 * with the kernel's errnos in its order.
 */
import { Errno } from './errno';
import { linkFromFd, progFromFd } from './cmd_link';
import type { BpfLink, BpfProg, LegacyAttachment, Process } from './objects';
import { fail, type KernelState } from './state';
import { FLAG_VALUES } from './uapi';

const F = FLAG_VALUES;
/** `bpf_mprog_max()`: `BPF_MPROG_MAX` (64) slots, the last one the NULL that ends the
 * fast-path array, so a list holds at most 63 programs (include/linux/bpf_mprog.h). */
export const BPF_MPROG_MAX = 63;

export interface MprogEntry {
  prog: BpfProg;
  /** The link that owns the entry, or null for a `BPF_PROG_ATTACH` one. */
  link: BpfLink | null;
  /** The attachment no file owns (a `BPF_PROG_ATTACH` entry). */
  legacy: LegacyAttachment | null;
}

/** `struct bpf_mprog_bundle`: the entries and the revision (1 when created). */
export interface MprogBundle {
  entries: MprogEntry[];
  revision: number;
}

interface Tuple { prog: BpfProg | null; link: BpfLink | null }

/** `bpf_mprog_tuple_relative`: the anchor named by `idOrFd` and the flags. `type` 0: any. */
function relative(k: KernelState, p: Process, idOrFd: number, flags: number, type: number): Tuple {
  const byId = (flags & F.BPF_F_ID) !== 0;
  const fn = 'bpf_mprog_tuple_relative';
  if (flags & F.BPF_F_LINK) {
    let link: BpfLink;
    if (byId) {
      const l = idOrFd ? k.linkIdr.find(idOrFd) : undefined;
      if (!l) fail(Errno.ENOENT, 'bpf_link_by_id', `no link with id ${idOrFd}`);
      // an id allocated to a link not yet settled (the one this call creates): "pretend it doesn't exist yet"
      if (!l.id) fail(Errno.EAGAIN, 'bpf_link_by_id', `link id ${idOrFd} is not settled yet`);
      link = l;
    } else if (idOrFd) link = linkFromFd(p, idOrFd);
    else fail(Errno.EINVAL, fn, 'BPF_F_LINK without a link fd or id');
    if (type && link.prog.type !== type) fail(Errno.EINVAL, fn, `the anchor link ${link.id} runs a program of another type`);
    return { prog: link.prog, link };
  }
  if (!byId && !idOrFd) return { prog: null, link: null };
  let prog: BpfProg;
  if (byId) {
    const pr = idOrFd ? k.progIdr.find(idOrFd) : undefined;
    if (!pr) fail(Errno.ENOENT, 'bpf_prog_by_id', `no program with id ${idOrFd}`);
    prog = pr;
  } else prog = progFromFd(p, idOrFd, 'bpf_prog_get');
  if (type && prog.type !== type) fail(Errno.EINVAL, fn, `the anchor prog ${prog.id} is of another type`);
  return { prog, link: null };
}

/** `bpf_mprog_pos_exact`: the index of the entry of `t.prog`; -EBUSY when another owner holds it. */
function posExact(b: MprogBundle, t: Tuple): number {
  const i = b.entries.findIndex((e) => e.prog === t.prog);
  if (i < 0) return -Errno.ENOENT;
  return b.entries[i]!.link === t.link ? i : -Errno.EBUSY;
}

function posBefore(b: MprogBundle, t: Tuple): number {
  const i = b.entries.findIndex((e) => e.prog === t.prog && (!t.link || t.link === e.link));
  if (i >= 0) return i - 1;
  return t.prog ? -Errno.ENOENT : -1;
}

function posAfter(b: MprogBundle, t: Tuple): number {
  const i = b.entries.findIndex((e) => e.prog === t.prog && (!t.link || t.link === e.link));
  if (i >= 0) return i + 1;
  return t.prog ? -Errno.ENOENT : b.entries.length;
}

const UNSET = -Errno.ERANGE;

function why(errno: number): string {
  switch (errno) {
    case Errno.ENOENT: return 'the anchor (or the program to replace) is not on this list';
    case Errno.EBUSY: return 'that entry is owned by a link: only the link can change it';
    case Errno.ERANGE: return 'the rules (BPF_F_REPLACE, BPF_F_BEFORE, BPF_F_AFTER) name different positions';
    default: return 'refused';
  }
}

/** The position all rules agree on; [idx, flags] (as `bpf_mprog_attach`/`detach` compute it).
 * `insert`: an attach that adds an entry (no BPF_F_REPLACE), refused on a full list before
 * BPF_F_BEFORE/AFTER are looked at (6.6's fix f9b0e1088bbf: "bpf, mprog: Fix maximum program
 * check on mprog attachment"; before it, BPF_F_BEFORE on a full list went past the end). */
function position(b: MprogBundle, flags: number, exact: Tuple | null, rel: Tuple, fn: string, insert = false): [number, number] {
  let idx = UNSET;
  if (exact) {
    const t = posExact(b, exact);
    if (t < 0) fail(-t, fn, why(-t));
    idx = t;
  } else if (insert && b.entries.length === BPF_MPROG_MAX) {
    fail(Errno.ERANGE, fn, `the list is full: it holds at most ${BPF_MPROG_MAX} programs`);
  }
  if (flags & F.BPF_F_BEFORE) {
    const t = posBefore(b, rel);
    if (t < -1 || (idx >= -1 && t !== idx)) { const e = t < -1 ? -t : Errno.ERANGE; fail(e, fn, why(e)); }
    idx = t;
  }
  if (flags & F.BPF_F_AFTER) {
    const t = posAfter(b, rel);
    if (t < -1 || (idx >= -1 && t !== idx)) { const e = t < 0 ? -t : Errno.ERANGE; fail(e, fn, why(e)); }
    idx = t;
  }
  if (idx < -1) {
    if (rel.prog || flags) fail(Errno.EINVAL, fn, 'an anchor or flags without BPF_F_BEFORE/AFTER/REPLACE saying where');
    idx = b.entries.length;
    flags = F.BPF_F_AFTER;
  }
  if (idx >= BPF_MPROG_MAX) fail(Errno.ERANGE, fn, `position ${idx} is past the ${BPF_MPROG_MAX} a list holds`);
  return [idx, flags];
}

/** What `bpf_mprog_attach` decided: put `entry` at `index` (insert), or in place of the entry there (replace). */
export type MprogPlace = { replace: boolean; index: number };

/**
 * `bpf_mprog_attach`: checks and the position for `progNew` (owned by `link`, or by no file).
 * `progOld` is the program to replace (BPF_F_REPLACE). Changes nothing: the caller applies
 * the result with `mprogApply` once nothing else can fail.
 */
export function mprogAttach(k: KernelState, p: Process, b: MprogBundle, progNew: BpfProg, link: BpfLink | null,
  progOld: BpfProg | null, flags: number, idOrFd: number, revision: number): MprogPlace {
  const fn = 'bpf_mprog_attach';
  if (revision && revision !== b.revision) fail(Errno.ESTALE, fn, `expected_revision ${revision}, but the list is at revision ${b.revision}`);
  if (b.entries.some((e) => e.prog === progNew)) fail(Errno.EEXIST, fn, `prog ${progNew.id} is already on this list`);
  const rel = relative(k, p, idOrFd, flags & ~F.BPF_F_REPLACE, progNew.type);
  const replace = (flags & F.BPF_F_REPLACE) !== 0;
  const [idx, f] = position(b, flags, replace ? { prog: progOld, link } : null, rel, fn, !replace);
  if (replace) return { replace: true, index: idx };
  // bpf_mprog_insert: idx is the old array's position; BEFORE inserts after the entry before the anchor
  return { replace: false, index: idx === b.entries.length ? idx : f & F.BPF_F_BEFORE ? idx + 1 : idx };
}

/** `bpf_mprog_detach` (after `bpf_mprog_fetch`): the index of the entry to delete. */
export function mprogDetach(k: KernelState, p: Process, b: MprogBundle, prog: BpfProg | null, link: BpfLink | null,
  flags: number, idOrFd: number, revision: number): number {
  const fn = 'bpf_mprog_detach';
  if (flags & F.BPF_F_REPLACE) fail(Errno.EINVAL, fn, 'BPF_F_REPLACE means nothing for a detach');
  if (revision && revision !== b.revision) fail(Errno.ESTALE, fn, `expected_revision ${revision}, but the list is at revision ${b.revision}`);
  const rel = relative(k, p, idOrFd, flags, prog ? prog.type : 0);
  let [idx] = position(b, flags, prog ? { prog, link } : null, rel, fn);
  // bpf_mprog_fetch: -1 is the first entry, the end the last
  const total = b.entries.length;
  if (idx === -1) idx = 0;
  else if (idx === total) idx = total - 1;
  const e = b.entries[idx];
  if (!e) fail(Errno.ENOENT, 'bpf_mprog_fetch', 'the list is empty');
  if (e.link && !link) fail(Errno.EBUSY, 'bpf_mprog_fetch', `that entry (prog ${e.prog.id}) is owned by link ${e.link.id}: detach the link instead`);
  return idx;
}

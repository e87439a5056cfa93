/**
 * Where clang puts the globals of a BPF C source, and so what libbpf finds in the object:
 * the order of variables in each data section (which decides the section sizes and the
 * order of the `.maps` maps), which variables vanish, and which section each one lands in.
 *
 * Measured with clang 14 `-O2 -g -target bpf` (libbpf-bpftool.md §3.1): a global with an
 * initializer is placed at its definition, after the globals its initializer points to;
 * otherwise at its first use in a non-static function; otherwise at the end of the file.
 * Bodies of `BPF_PROG()`-style macros and other static functions are emitted after all
 * that. Unused static globals vanish, and so do folded `static const` scalars.
 */
import type { ParsedFunc, ParsedSource, ParsedVar } from './parse';

/** A global as placed: its section and, for fmt strings, a synthetic name. */
export interface Placed {
  /** The variable, or null for a `bpf_printk` format string (a static const array). */
  v: ParsedVar | null;
  sec: string;
  size: number;
  align: number;
  isStatic: boolean;
}

export interface Layout {
  /** Every kept global in the compiler's order (`.maps` definitions included). */
  placed: Placed[];
  /** Functions whose bodies are emitted, with their globals reached through calls. */
  funcs: Map<string, ParsedFunc>;
}

/** The section a variable goes to: an explicit SEC(), else by constness and initializer. */
export function dataSection(v: ParsedVar): string {
  if (v.sec) return v.sec;
  if (v.isConst) return '.rodata';
  return v.init === 'nonzero' ? '.data' : '.bss';
}

function folded(v: ParsedVar): boolean {
  return v.isStatic && v.isConst && !v.isVolatile && !v.type.elem && v.init !== 'none';
}

export function placeGlobals(src: ParsedSource): Layout {
  const vars = new Map<string, ParsedVar>();
  const funcs = new Map<string, ParsedFunc>();
  for (const it of src.items) {
    if (it.kind === 'var' && !it.v.isExtern) vars.set(it.v.name, it.v);
    if (it.kind === 'func') funcs.set(it.f.name, it.f);
  }
  const placed: Placed[] = [];
  const done = new Set<string>();
  const place = (v: ParsedVar, stack: Set<string> = new Set()): void => {
    if (done.has(v.name) || folded(v) || stack.has(v.name)) return;
    stack.add(v.name);
    for (const r of v.initRefs) { const w = vars.get(r); if (w && w !== v) place(w, stack); }
    done.add(v.name);
    placed.push({ v, sec: dataSection(v), size: v.type.size, align: v.type.align, isStatic: v.isStatic });
  };
  // Static and inline functions are deferred (clang's DeferredDeclsToEmit): emitted at the
  // end, each followed at once by the functions it deferred in turn.
  let pending: ParsedFunc[] = [];
  const queued = new Set<string>();
  const queue = (f: ParsedFunc): void => { if (!queued.has(f.name)) { queued.add(f.name); pending.push(f); } };
  const runDeferred = (): void => {
    const cur = pending;
    pending = [];
    for (const f of cur) {
      emitBody(f);
      if (pending.length) runDeferred();
    }
  };
  const emitBody = (f: ParsedFunc): void => {
    for (const u of f.uses) {
      if ('fmt' in u) {
        placed.push({ v: null, sec: '.rodata', size: u.fmt.length + 1, align: 1, isStatic: true });
        continue;
      }
      const v = vars.get(u.ref);
      if (v) { place(v); continue; }
      const g = funcs.get(u.ref);
      if (g && g !== f && (g.isStatic || g.isInline)) queue(g);
    }
  };
  for (const it of src.items) {
    if (it.kind === 'var') {
      if (!it.v.isExtern && !it.v.isStatic && it.v.init !== 'none') place(it.v);
    } else if (!it.f.isStatic && !it.f.isInline) {
      if (it.f.macro) queue(it.f);
      else emitBody(it.f);
    }
  }
  // Tentative definitions nobody used: at the end of the file (non-static ones only).
  for (const it of src.items) if (it.kind === 'var' && !it.v.isExtern && !it.v.isStatic) place(it.v);
  // Deferred bodies: BPF_PROG()-style program bodies and called static functions.
  runDeferred();
  return { placed, funcs };
}

/** Every function a program's code reaches (itself first, then callees in call order). */
export function reachable(f: ParsedFunc, funcs: Map<string, ParsedFunc>): ParsedFunc[] {
  const out: ParsedFunc[] = [f];
  const seen = new Set([f.name]);
  for (let k = 0; k < out.length; k++) {
    for (const r of out[k]!.refs) {
      const g = funcs.get(r);
      if (g && !seen.has(g.name) && !g.sec) { seen.add(g.name); out.push(g); }
    }
  }
  return out;
}

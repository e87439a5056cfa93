/**
 * C types as clang lays them out for `-target bpf` (LP64: long and pointers are 8 bytes),
 * and integer constant expressions. Enough for map keys and values and global variables:
 * the base and fixed-width types of `vmlinux.h`/`linux/types.h`, pointers, arrays, enums,
 * and structs and unions defined in the source (padding, `packed`, `aligned(N)`, bitfields).
 */
import { uapi } from '../kernel/index';
import { SourceError, type Token } from './lexer';

export interface CType {
  /** How the type is spelled in messages ("struct event", "__u32", "int *"). */
  name: string;
  size: number;
  align: number;
  /** A struct/union named but never defined here (usable only behind a pointer). */
  incomplete?: boolean;
  /** Array element type (for arrays). */
  elem?: CType;
  isPointer?: boolean;
}

const int = (name: string, size: number): CType => ({ name, size, align: size });

const BASE: Record<string, number> = {
  char: 1, short: 2, int: 4, long: 8, float: 4, double: 8, _Bool: 1, bool: 1,
  __u8: 1, __s8: 1, u8: 1, s8: 1, uint8_t: 1, int8_t: 1,
  __u16: 2, __s16: 2, u16: 2, s16: 2, uint16_t: 2, int16_t: 2, __be16: 2, __le16: 2, __sum16: 2,
  __u32: 4, __s32: 4, u32: 4, s32: 4, uint32_t: 4, int32_t: 4, __be32: 4, __le32: 4, __wsum: 4,
  pid_t: 4, uid_t: 4, gid_t: 4, __kernel_pid_t: 4, __poll_t: 4, dev_t: 4, umode_t: 2,
  __u64: 8, __s64: 8, u64: 8, s64: 8, uint64_t: 8, int64_t: 8, __be64: 8, __le64: 8,
  size_t: 8, ssize_t: 8, uintptr_t: 8, intptr_t: 8, __kernel_size_t: 8, loff_t: 8, ktime_t: 8,
  __aligned_u64: 8, phys_addr_t: 8, sector_t: 8,
};

export function baseType(name: string): CType | null {
  const size = BASE[name];
  return size === undefined ? null : int(name, size);
}

export function isBaseTypeWord(w: string): boolean {
  return w in BASE || w === 'signed' || w === 'unsigned' || w === 'void';
}

export const POINTER_SIZE = 8;

export function pointerTo(t: CType | null): CType {
  return { name: `${t ? t.name : 'void'} *`, size: POINTER_SIZE, align: POINTER_SIZE, isPointer: true };
}

export function arrayOf(t: CType, len: number): CType {
  return { name: `${t.name}[${len}]`, size: t.size * len, align: t.align, elem: t };
}

export function alignUp(n: number, a: number): number {
  return a <= 1 ? n : Math.ceil(n / a) * a;
}

export interface Field { name: string; type: CType; bits?: number; loc: Token }

/** Lay out a struct or union (SysV / clang rules, including bitfields). */
export function layout(kind: 'struct' | 'union', name: string, fields: Field[], packed: boolean, alignAttr: number): CType {
  let size = 0;
  let align = 1;
  let bitPos = 0; // current offset in bits (structs)
  for (const f of fields) {
    if (f.type.incomplete) throw new SourceError(f.loc.line, f.loc.col, `field has incomplete type '${f.type.name}'`);
    const fa = packed ? 1 : f.type.align;
    if (kind === 'union') {
      size = Math.max(size, f.bits !== undefined ? Math.ceil(f.bits / 8) : f.type.size);
      if (f.bits === undefined || f.name) align = Math.max(align, fa);
      continue;
    }
    if (f.bits !== undefined) {
      const unit = f.type.size * 8;
      if (f.bits === 0) {
        bitPos = alignUp(bitPos, f.type.align * 8);
        continue;
      }
      if (!packed && Math.floor(bitPos / unit) !== Math.floor((bitPos + f.bits - 1) / unit)) bitPos = alignUp(bitPos, unit);
      bitPos += f.bits;
      if (f.name) align = Math.max(align, fa);
      continue;
    }
    bitPos = alignUp(bitPos, fa * 8);
    bitPos += f.type.size * 8;
    align = Math.max(align, fa);
  }
  if (kind === 'struct') size = Math.ceil(bitPos / 8);
  if (alignAttr) align = Math.max(align, alignAttr);
  size = alignUp(size, align);
  return { name: `${kind} ${name}`.trimEnd(), size, align };
}

/** Names an integer constant expression may use, besides macros and enum constants. */
function uapiConstant(name: string): number | undefined {
  for (const [table, prefix] of [[uapi.BPF_MAP_TYPE, 'BPF_MAP_TYPE_'], [uapi.BPF_PROG_TYPE, 'BPF_PROG_TYPE_'], [uapi.BPF_ATTACH_TYPE, 'BPF_']] as const) {
    if (name.startsWith(prefix)) {
      const i = (table as readonly string[]).indexOf(name);
      if (i >= 0) return i;
    }
  }
  if (name in uapi.FLAG_VALUES) return uapi.FLAG_VALUES[name as keyof typeof uapi.FLAG_VALUES];
  const extra: Record<string, number> = {
    LIBBPF_PIN_NONE: 0, LIBBPF_PIN_BY_NAME: 1, BPF_MAP_TYPE_INSN_ARRAY: 34, NULL: 0, true: 1, false: 0,
    BPF_ANY: 0, BPF_NOEXIST: 1, BPF_EXIST: 2, PAGE_SIZE: 4096, __PAGE_SIZE: 4096,
  };
  return extra[name];
}

export interface ConstEnv {
  defines: Map<string, Token[]>;
  enums: Map<string, number>;
  /** `sizeof(type)`: parse a type from tokens at i, returning it and the next index. */
  sizeofType?: (toks: Token[], i: number) => { type: CType; next: number } | null;
}

/** Evaluate an integer constant expression in `toks`. */
export function evalConst(toks: Token[], env: ConstEnv, what: string): number {
  let i = 0;
  const depth = { n: 0 };
  const peek = (): Token | undefined => toks[i];
  const fail = (t: Token | undefined, why: string): never => {
    const at = t ?? toks[toks.length - 1];
    throw new SourceError(at?.line ?? 0, at?.col ?? 0, why);
  };
  const primary = (): number => {
    const t = toks[i++];
    if (!t) return fail(toks[toks.length - 1], `expected an expression for ${what}`);
    if (t.kind === 'number') {
      const m = /^(0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)[uUlL]*$/.exec(t.text);
      if (!m) return fail(t, `invalid integer constant '${t.text}' in ${what}`);
      const s = m[1]!;
      return s.startsWith('0x') ? parseInt(s, 16) : s.length > 1 && s.startsWith('0') ? parseInt(s, 8) : parseInt(s, 10);
    }
    if (t.kind === 'char') return t.text.charCodeAt(0) || 0;
    if (t.kind === 'punct' && t.text === '(') {
      const v = binary(0);
      if (peek()?.text !== ')') fail(peek(), "expected ')'");
      i++;
      return v;
    }
    if (t.kind === 'punct' && (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!')) {
      const v = primary();
      return t.text === '-' ? -v : t.text === '~' ? ~v : t.text === '!' ? Number(!v) : v;
    }
    if (t.kind === 'ident') {
      if (t.text === 'sizeof' && env.sizeofType) {
        if (peek()?.text !== '(') fail(peek(), "expected '(' after sizeof");
        const r = env.sizeofType(toks, i + 1);
        if (!r || toks[r.next]?.text !== ')') return fail(t, `cannot evaluate sizeof in ${what}`);
        i = r.next + 1;
        return r.type.size;
      }
      const def = env.defines.get(t.text);
      if (def && depth.n < 32) {
        depth.n++;
        const v = evalConst(def, env, what);
        depth.n--;
        return v;
      }
      const e = env.enums.get(t.text);
      if (e !== undefined) return e;
      const u = uapiConstant(t.text);
      if (u !== undefined) return u;
      return fail(t, `use of undeclared identifier '${t.text}'`);
    }
    return fail(t, `expected an integer constant for ${what}, found '${t.text}'`);
  };
  const PREC: Record<string, number> = { '|': 1, '^': 2, '&': 3, '<<': 4, '>>': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 };
  const binary = (min: number): number => {
    let left = primary();
    for (;;) {
      const op = peek();
      const p = op && op.kind === 'punct' ? PREC[op.text] : undefined;
      if (p === undefined || p < min) return left;
      i++;
      const right = binary(p + 1);
      switch (op!.text) {
        case '|': left = left | right; break;
        case '^': left = left ^ right; break;
        case '&': left = left & right; break;
        case '<<': left = left * 2 ** right; break;
        case '>>': left = Math.floor(left / 2 ** right); break;
        case '+': left = left + right; break;
        case '-': left = left - right; break;
        case '*': left = left * right; break;
        case '/': left = right ? Math.trunc(left / right) : fail(op, 'division by zero'); break;
        case '%': left = right ? left % right : fail(op, 'division by zero'); break;
      }
    }
  };
  const v = binary(1);
  if (i < toks.length) fail(toks[i], `unexpected '${toks[i]!.text}' in ${what}`);
  return v;
}

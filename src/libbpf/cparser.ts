/**
 * Declarations of BPF C: declaration specifiers (storage classes, qualifiers, `SEC(...)`,
 * attributes, base types, typedef names, struct/union/enum definitions) and declarators
 * (pointers, arrays, function parameters, `(*name)[N]` as `__uint()` expands). Not a
 * compiler: it reads what BPF programs declare and says clearly what it does not understand.
 */
import { SourceError, type Token } from './lexer';
import { arrayOf, baseType, evalConst, isBaseTypeWord, layout, pointerTo, type CType, type ConstEnv, type Field } from './ctypes';

/** A member of a BTF map definition: `__uint(name, N)`, `__type(name, T)`, `__array(name, T)`. */
export interface MapField { name: string; kind: 'uint' | 'type' | 'array'; value: number; type: CType | null; loc: Token }

export interface MapCType extends CType { mapFields?: MapField[] }

export interface Specifiers {
  type: MapCType | null;
  isStatic: boolean;
  isExtern: boolean;
  isInline: boolean;
  isConst: boolean;
  isVolatile: boolean;
  isTypedef: boolean;
  sec: string | null;
  /** `__kconfig`, `__ksym`, `__weak` seen. */
  marks: Set<string>;
  start: Token;
}

export interface Declarator {
  name: string;
  nameTok: Token;
  type: CType;
  /** Set when the declarator declares a function: its parameter tokens. */
  params: Token[] | null;
  /** `BPF_PROG(name, ...)`-style: the body is a static inline function (`____name`). */
  macro: string | null;
}

/** Macros whose first argument names the program and whose body becomes `static inline`. */
export const PROG_MACROS = new Set(['BPF_PROG', 'BPF_PROG2', 'BPF_KPROBE', 'BPF_KRETPROBE', 'BPF_KSYSCALL',
  'BPF_KPROBE_SYSCALL', 'BPF_KRETPROBE_SYSCALL', 'BPF_UPROBE', 'BPF_URETPROBE', 'BPF_USDT', 'BPF_UPROBE_SYSCALL']);

const STORAGE = new Set(['static', 'extern', 'inline', '__inline', '__inline__', '__always_inline', '__noinline',
  'register', 'auto', '__hidden', '__weak', '__kconfig', '__ksym', '__percpu_kptr', '__kptr', '__kptr_untrusted',
  '__arg_ctx', '__arg_nonnull', '__noinline_cold', '__naked', '__used', '__maybe_unused']);
const QUALIFIERS = new Set(['const', 'volatile', '__volatile__', 'restrict', '__restrict', '__restrict__', '__user', '__rcu', '__iomem']);

/** What a translation unit has declared so far: shared by the parsers of its parts. */
export interface Scope {
  typedefs: Map<string, CType>;
  structs: Map<string, CType>;
  env: ConstEnv;
}

export function newScope(defines: Map<string, Token[]>): Scope {
  const scope: Scope = { typedefs: new Map(), structs: new Map(), env: { defines, enums: new Map() } };
  scope.env.sizeofType = (t, i) => new CParser([], scope).sizeofType(t, i);
  return scope;
}

export class CParser {
  i = 0;
  readonly typedefs: Map<string, CType>;
  readonly structs: Map<string, CType>;
  readonly env: ConstEnv;

  constructor(readonly toks: Token[], readonly scope: Scope) {
    this.typedefs = scope.typedefs;
    this.structs = scope.structs;
    this.env = scope.env;
  }

  peek(o = 0): Token | undefined { return this.toks[this.i + o]; }
  at(text: string, o = 0): boolean { return this.toks[this.i + o]?.text === text; }
  last(): Token { return this.toks[Math.min(this.i, this.toks.length - 1)] ?? { kind: 'punct', text: '', line: 1, col: 1, pos: 0, len: 0 }; }

  error(why: string, t: Token | undefined = this.peek()): never {
    const at = t ?? this.toks[this.toks.length - 1];
    throw new SourceError(at?.line ?? 1, at?.col ?? 1, why);
  }

  /** clang's "expected ';' after ..." points just past the previous token. */
  expectAfterPrev(text: string, why: string): void {
    if (this.at(text)) { this.i++; return; }
    const prev = this.toks[this.i - 1];
    if (!prev) this.error(why);
    throw new SourceError(prev.line, prev.col + prev.len, why);
  }

  expect(text: string, why?: string): Token {
    const t = this.peek();
    if (t?.text !== text) this.error(why ?? `expected '${text}'`, t);
    this.i++;
    return t;
  }

  /** Tokens of a balanced group starting at the opening bracket; leaves `i` after the closer. */
  balanced(open = '(', close = ')'): Token[] {
    const start = this.expect(open);
    const out: Token[] = [];
    let depth = 1;
    while (this.i < this.toks.length) {
      const t = this.toks[this.i++]!;
      if (t.kind === 'punct' && t.text === open) depth++;
      else if (t.kind === 'punct' && t.text === close && --depth === 0) return out;
      out.push(t);
    }
    return this.error(`expected '${close}' to match this '${open}'`, start);
  }

  /** `__attribute__((...))`: returns the attribute tokens. */
  attribute(): Token[] {
    this.i++;
    return this.balanced();
  }

  private secArg(): string {
    this.i++;
    const args = this.balanced();
    const parts = args.filter((t) => t.kind === 'string');
    if (parts.length === 0 || parts.length !== args.length) this.error('SEC() takes a string literal', args[0] ?? this.last());
    return parts.map((t) => t.text).join('');
  }

  /** Apply `packed`/`aligned`/`section` attributes. */
  private attrs(toks: Token[], acc: { packed?: boolean; aligned?: number; sec?: string | null }): void {
    for (let k = 0; k < toks.length; k++) {
      const w = toks[k]!.text.replace(/^__(.*)__$/, '$1');
      if (w === 'packed') acc.packed = true;
      if (w === 'aligned' && toks[k + 1]?.text === '(') {
        let j = k + 2;
        const inner: Token[] = [];
        while (j < toks.length && toks[j]!.text !== ')') inner.push(toks[j++]!);
        acc.aligned = inner.length ? evalConst(inner, this.env, 'aligned()') : 8;
      }
      if (w === 'section' && toks[k + 2]?.kind === 'string') acc.sec = toks[k + 2]!.text;
    }
  }

  isTypeStart(t: Token | undefined): boolean {
    if (!t || t.kind !== 'ident') return false;
    return isBaseTypeWord(t.text) || this.typedefs.has(t.text) || ['struct', 'union', 'enum'].includes(t.text)
      || STORAGE.has(t.text) || QUALIFIERS.has(t.text) || t.text === 'SEC' || t.text === '__attribute__' || t.text === 'typedef';
  }

  specifiers(): Specifiers {
    const start = this.peek() ?? this.last();
    const s: Specifiers = { type: null, isStatic: false, isExtern: false, isInline: false, isConst: false, isVolatile: false,
      isTypedef: false, sec: null, marks: new Set(), start };
    const words: string[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || t.kind !== 'ident') break;
      const w = t.text;
      if (w === 'typedef') { s.isTypedef = true; this.i++; continue; }
      if (w === 'static') { s.isStatic = true; this.i++; continue; }
      if (w === 'extern') { s.isExtern = true; this.i++; continue; }
      if (w.includes('inline')) { s.isInline = true; this.i++; continue; }
      if (STORAGE.has(w)) { s.marks.add(w); this.i++; continue; }
      if (w === 'const') { s.isConst = true; this.i++; continue; }
      if (w === 'volatile' || w === '__volatile__') { s.isVolatile = true; this.i++; continue; }
      if (QUALIFIERS.has(w)) { this.i++; continue; }
      if (w === 'SEC') { s.sec = this.secArg(); continue; }
      if (w === '__attribute__') { const a = { sec: s.sec }; this.attrs(this.attribute(), a); s.sec = a.sec ?? null; continue; }
      if (w === 'struct' || w === 'union') { if (s.type || words.length) break; s.type = this.structSpec(w); continue; }
      if (w === 'enum') { if (s.type || words.length) break; this.enumSpec(); s.type = baseType('int')!; s.type = { ...s.type, name: 'enum' }; continue; }
      if (w === 'signed' || w === 'unsigned' || (isBaseTypeWord(w) && !s.type)) { words.push(w); this.i++; continue; }
      if (!s.type && words.length === 0 && this.typedefs.has(w)) { s.type = this.typedefs.get(w)!; this.i++; continue; }
      break;
    }
    if (words.length) s.type = this.baseFromWords(words, start);
    return s;
  }

  private baseFromWords(words: string[], at: Token): CType {
    const rest = words.filter((w) => w !== 'signed' && w !== 'unsigned');
    const unsigned = words.includes('unsigned');
    const longs = rest.filter((w) => w === 'long').length;
    const other = rest.filter((w) => w !== 'long' && w !== 'int');
    if (other.length > 1) this.error(`cannot combine '${other[0]}' with '${other[1]}'`, at);
    const name = words.join(' ');
    if (other[0] === 'void') return { name: 'void', size: 1, align: 1 };
    if (other[0]) {
      const b = baseType(other[0]);
      if (!b) this.error(`unknown type name '${other[0]}'`, at);
      return { ...b, name };
    }
    if (longs > 0) return { name, size: 8, align: 8 };
    return { name: rest.length || unsigned ? name : 'int', size: 4, align: 4 };
  }

  private enumSpec(): void {
    this.i++;
    if (this.peek()?.kind === 'ident' && !this.at('{', 0)) this.i++;
    if (!this.at('{')) return;
    const body = this.balanced('{', '}');
    let next = 0;
    let k = 0;
    while (k < body.length) {
      const name = body[k]!;
      if (name.kind !== 'ident') this.error('expected identifier in enum', name);
      k++;
      let value = next;
      if (body[k]?.text === '=') {
        const expr: Token[] = [];
        k++;
        while (k < body.length && body[k]!.text !== ',') expr.push(body[k++]!);
        value = evalConst(expr, this.env, `enumerator '${name.text}'`);
      }
      this.env.enums.set(name.text, value);
      next = value + 1;
      if (body[k]?.text === ',') k++;
    }
  }

  private structSpec(kind: 'struct' | 'union'): MapCType {
    this.i++;
    const acc: { packed?: boolean; aligned?: number } = {};
    while (this.at('__attribute__')) this.attrs(this.attribute(), acc);
    let tag = '';
    if (this.peek()?.kind === 'ident') { tag = this.peek()!.text; this.i++; }
    if (!this.at('{')) {
      if (!tag) this.error(`expected identifier or '{' after '${kind}'`, this.peek());
      return this.structs.get(`${kind} ${tag}`) ?? { name: `${kind} ${tag}`, size: 0, align: 1, incomplete: true };
    }
    const open = this.peek()!;
    const body = this.balanced('{', '}');
    while (this.at('__attribute__')) this.attrs(this.attribute(), acc);
    const { fields, mapFields } = new CParser(body, this.scope).members();
    if (mapFields.length && fields.length === 0) {
      return { name: `${kind} ${tag || '(anonymous)'}`, size: 0, align: 1, mapFields };
    }
    if (mapFields.length) this.error('a map definition mixes __uint/__type members with plain members', open);
    const t = layout(kind, tag || '(anonymous)', fields, !!acc.packed, acc.aligned ?? 0);
    if (tag) this.structs.set(`${kind} ${tag}`, t);
    return t;
  }

  private members(): { fields: Field[]; mapFields: MapField[] } {
    const fields: Field[] = [];
    const mapFields: MapField[] = [];
    while (this.i < this.toks.length) {
      if (this.at(';')) { this.i++; continue; }
      const t = this.peek()!;
      if (t.kind === 'ident' && (t.text === '__uint' || t.text === '__type' || t.text === '__array' || t.text === '__ulong')) {
        this.i++;
        const args = this.balanced();
        const comma = args.findIndex((a) => a.text === ',');
        if (comma !== 1 || args[0]!.kind !== 'ident') this.error(`${t.text}() takes a member name and a value`, t);
        const rest = args.slice(2);
        if (t.text === '__uint' || t.text === '__ulong') {
          mapFields.push({ name: args[0]!.text, kind: 'uint', value: evalConst(rest, this.env, `${t.text}(${args[0]!.text})`), type: null, loc: t });
        } else {
          const ty = new CParser(rest, this.scope).typeName(t);
          mapFields.push({ name: args[0]!.text, kind: t.text === '__type' ? 'type' : 'array', value: 0, type: ty, loc: t });
        }
        if (this.at(';')) this.i++;
        continue;
      }
      const spec = this.specifiers();
      if (!spec.type) this.error(this.peek()?.kind === 'ident' ? `unknown type name '${this.peek()!.text}'` : 'expected member declaration', this.peek());
      if (this.at(';')) { // anonymous struct/union member
        fields.push({ name: '', type: spec.type, loc: t });
        this.i++;
        continue;
      }
      for (;;) {
        const d = this.declarator(spec.type);
        let bits: number | undefined;
        if (this.at(':')) {
          this.i++;
          const expr: Token[] = [];
          while (this.i < this.toks.length && !this.at(',') && !this.at(';')) expr.push(this.toks[this.i++]!);
          bits = evalConst(expr, this.env, 'bit-field width');
        }
        while (this.at('__attribute__')) this.attribute();
        // `int (*type)[N]` is how __uint() expands; `T *key` how __type() does.
        if (d.raw && d.type.isPointer && d.raw.arrayLen !== null) mapFields.push({ name: d.name, kind: 'uint', value: d.raw.arrayLen, type: null, loc: d.nameTok });
        else fields.push({ name: d.name, type: d.type, bits, loc: d.nameTok });
        if (this.at(',')) { this.i++; continue; }
        break;
      }
      this.expect(';', `expected ';' at end of declaration list`);
    }
    if (mapFields.length && fields.length) {
      // `T *key` members of a map definition are __type() in disguise.
      for (const f of fields) if (f.type.isPointer) mapFields.push({ name: f.name, kind: 'type', value: 0, type: f.type.elem ?? null, loc: f.loc });
      return { fields: [], mapFields };
    }
    return { fields, mapFields };
  }

  /** A type name (as in `sizeof(T)`, `__type(key, T)`): specifiers plus an abstract declarator. */
  typeName(at: Token): CType {
    const spec = this.specifiers();
    if (!spec.type) this.error(this.peek()?.kind === 'ident' ? `unknown type name '${this.peek()!.text}'` : 'expected a type', this.peek() ?? at);
    let t: CType = spec.type;
    while (this.at('*')) { this.i++; t = { ...pointerTo(t), elem: t }; while (this.peek() && QUALIFIERS.has(this.peek()!.text)) this.i++; }
    while (this.at('[')) {
      const dims = this.balanced('[', ']');
      t = arrayOf(t, dims.length ? evalConst(dims, this.env, 'array size') : 0);
    }
    return t;
  }

  sizeofType(toks: Token[], i: number): { type: CType; next: number } | null {
    let depth = 0;
    let j = i;
    for (; j < toks.length; j++) {
      if (toks[j]!.text === '(') depth++;
      else if (toks[j]!.text === ')') { if (depth === 0) break; depth--; }
    }
    const sub = new CParser(toks.slice(i, j), this.scope);
    if (!sub.isTypeStart(sub.peek())) return null;
    return { type: sub.typeName(toks[i]!), next: j };
  }

  /** A declarator after the specifiers. `raw` describes the `(*name)[N]` shape. */
  declarator(base: CType): Declarator & { raw?: { arrayLen: number | null } } {
    let t = base;
    while (this.at('*')) {
      this.i++;
      t = { ...pointerTo(t), elem: t };
      while (this.peek() && (QUALIFIERS.has(this.peek()!.text) || this.at('__attribute__'))) {
        if (this.at('__attribute__')) this.attribute(); else this.i++;
      }
    }
    const nt = this.peek();
    if (nt?.kind === 'ident' && PROG_MACROS.has(nt.text) && this.at('(', 1)) {
      this.i++;
      const args = this.balanced();
      if (args[0]?.kind !== 'ident') this.error(`${nt.text}() needs the program name as its first argument`, nt);
      return { name: args[0]!.text, nameTok: args[0]!, type: t, params: args.slice(1), macro: nt.text };
    }
    if (this.at('(') && this.at('*', 1)) {
      // (*name)[N] or (*name)(params): a pointer to an array or a function.
      this.i += 2;
      const name = this.peek();
      if (name?.kind !== 'ident') this.error('expected identifier', name);
      this.i++;
      this.expect(')');
      let arrayLen: number | null = null;
      if (this.at('[')) {
        const dims = this.balanced('[', ']');
        arrayLen = dims.length ? evalConst(dims, this.env, `'${name.text}'`) : 0;
      } else if (this.at('(')) this.balanced();
      return { name: name.text, nameTok: name, type: { ...pointerTo(t), elem: t }, params: null, macro: null, raw: { arrayLen } };
    }
    if (nt?.kind !== 'ident') this.error('expected identifier or \'(\'', nt);
    this.i++;
    if (this.at('(')) {
      const params = this.balanced();
      return { name: nt.text, nameTok: nt, type: t, params, macro: null };
    }
    const dims: number[] = [];
    while (this.at('[')) {
      const d = this.balanced('[', ']');
      dims.push(d.length ? evalConst(d, this.env, `the size of '${nt.text}'`) : -1);
    }
    for (let k = dims.length - 1; k >= 0; k--) t = arrayOf(t, dims[k]!);
    return { name: nt.text, nameTok: nt, type: t, params: null, macro: null };
  }
}


/**
 * Reading a BPF C source into its top-level declarations: functions (with the section
 * `SEC()` puts them in and the globals their bodies refer to), global variables (type,
 * section, initializer), BTF map definitions and the license. Errors come out as clang
 * prints them: `file:line:col: error: message`.
 */
import { CParser, newScope, type MapCType, type Specifiers } from './cparser';
import { arrayOf, type CType } from './ctypes';
import { lex, SourceError, type Token } from './lexer';

export interface ParsedFunc {
  name: string;
  loc: Token;
  sec: string | null;
  isStatic: boolean;
  isInline: boolean;
  /** `BPF_PROG(...)`-style definition: the body is a static inline function. */
  macro: string | null;
  /** Identifiers the body uses, first occurrences in order (member names excluded). */
  refs: string[];
  /** Identifiers and `bpf_printk()`-style format strings (each a static const array in
   * .rodata) in the order the body uses them. */
  uses: ({ ref: string } | { fmt: string })[];
  /** Other string literals: merged into .rodata.str1.1. */
  strings: string[];
}

export interface ParsedVar {
  name: string;
  loc: Token;
  sec: string | null;
  isStatic: boolean;
  isConst: boolean;
  isVolatile: boolean;
  isExtern: boolean;
  marks: Set<string>;
  type: MapCType;
  init: 'none' | 'zero' | 'nonzero';
  /** Identifiers in the initializer (globals it points to are placed before it). */
  initRefs: string[];
  /** A string literal initializer (license, char arrays). */
  initString: string | null;
}

export type Item = { kind: 'func'; f: ParsedFunc } | { kind: 'var'; v: ParsedVar };

export interface ParsedSource {
  items: Item[];
}

const FMT_MACROS: Record<string, number> = { bpf_printk: 0, BPF_SEQ_PRINTF: 1, BPF_SNPRINTF: 2, bpf_stream_printk: 1 };

function analyzeBody(body: Token[]): Pick<ParsedFunc, 'refs' | 'uses' | 'strings'> {
  const refs: string[] = [];
  const seen = new Set<string>();
  const uses: ParsedFunc['uses'] = [];
  const strings: string[] = [];
  const fmtStart = new Map<number, string>();
  for (let k = 0; k < body.length; k++) {
    const t = body[k]!;
    if (t.kind === 'ident' && t.text in FMT_MACROS && body[k + 1]?.text === '(') {
      // Find the format argument: the n-th top-level argument.
      let depth = 0;
      let arg = 0;
      for (let j = k + 2; j < body.length; j++) {
        const u = body[j]!;
        if (u.text === '(' || u.text === '[' || u.text === '{') depth++;
        else if (u.text === ')' || u.text === ']' || u.text === '}') { if (depth-- === 0) break; }
        else if (u.text === ',' && depth === 0) arg++;
        else if (u.kind === 'string' && arg === FMT_MACROS[t.text] && depth === 0) {
          let s = '';
          let e = j;
          while (body[e]?.kind === 'string') { s += body[e]!.text; e++; }
          for (let x = j; x < e; x++) fmtStart.set(x, x === j ? s : '');
          break;
        }
      }
    }
  }
  for (let k = 0; k < body.length; k++) {
    const t = body[k]!;
    if (t.kind === 'string') {
      const fmt = fmtStart.get(k);
      if (fmt) uses.push({ fmt });
      if (fmt !== undefined) continue;
      let s = t.text;
      while (body[k + 1]?.kind === 'string') { s += body[++k]!.text; }
      strings.push(s);
      continue;
    }
    if (t.kind !== 'ident') continue;
    const prev = body[k - 1]?.text;
    if (prev === '.' || prev === '->') continue;
    if (!seen.has(t.text)) { seen.add(t.text); refs.push(t.text); uses.push({ ref: t.text }); }
  }
  return { refs, uses, strings };
}

/** Initializer tokens up to a top-level `,` or `;` (or, when the `;` is missing, up to a
 * new line that starts a declaration). */
function initializer(p: CParser): Token[] {
  const out: Token[] = [];
  let depth = 0;
  while (p.i < p.toks.length) {
    const t = p.peek()!;
    if (depth === 0 && (t.text === ',' || t.text === ';')) break;
    const prev = out[out.length - 1];
    if (depth === 0 && prev && t.line > prev.line && p.isTypeStart(t) && !p.typedefs.has(prev.text)) break;
    if (t.text === '(' || t.text === '{' || t.text === '[') depth++;
    if (t.text === ')' || t.text === '}' || t.text === ']') depth--;
    out.push(t);
    p.i++;
  }
  if (out.length === 0) p.error('expected expression');
  return out;
}

function isZeroInit(init: Token[]): boolean {
  return init.every((t, k) => {
    if (t.kind === 'punct') return ['{', '}', ',', '(', ')', '.', '=', '[', ']'].includes(t.text);
    if (t.kind === 'number') return /^(0+(\.0*)?|0x0+)[uUlLfF]*$/.test(t.text);
    if (t.kind === 'char') return t.text === '\0';
    if (t.kind === 'ident') return t.text === 'NULL' || t.text === 'false' || init[k - 1]?.text === '.';
    return false;
  });
}

/** Post-declarator attributes: `SEC("...")`, `__attribute__((section(...)))`, `__kconfig`... */
function trailing(p: CParser, spec: Specifiers): void {
  for (;;) {
    const t = p.peek();
    if (t?.text === 'SEC') {
      p.i++;
      const args = p.balanced();
      if (!args.length || args.some((a) => a.kind !== 'string')) p.error('SEC() takes a string literal', args[0] ?? t);
      spec.sec = args.map((a) => a.text).join('');
    } else if (t?.text === '__attribute__') {
      const a = p.attribute();
      const k = a.findIndex((x) => x.text === 'section' || x.text === '__section__');
      if (k >= 0 && a[k + 2]?.kind === 'string') spec.sec = a[k + 2]!.text;
    } else if (t?.kind === 'ident' && /^__(kconfig|ksym|weak|hidden|percpu|aligned_largest|always_inline|noinline|used|contains|tag)/.test(t.text)) {
      spec.marks.add(t.text);
      p.i++;
      if (p.at('(')) p.balanced();
    } else return;
  }
}

function parseDeclaration(p: CParser, items: Item[]): void {
  const spec = p.specifiers();
  if (!spec.type) {
    const t = p.peek();
    if (t?.kind === 'ident' && p.at('(', 1)) p.error(`type specifier missing, defaults to 'int'; ISO C99 and later do not support implicit int`, t);
    if (t?.kind === 'ident') p.error(`unknown type name '${t.text}'`, t);
    p.error(`expected identifier or '('`, t);
  }
  if (p.at(';')) { p.i++; return; }
  for (;;) {
    const d = p.declarator(spec.type);
    const mine: Specifiers = { ...spec, marks: new Set(spec.marks) };
    trailing(p, mine);
    if (spec.isTypedef) {
      p.typedefs.set(d.name, d.type);
    } else if (d.params !== null) {
      if (p.at('{')) {
        const body = p.balanced('{', '}');
        items.push({ kind: 'func', f: { name: d.name, loc: d.nameTok, sec: mine.sec, isStatic: spec.isStatic, isInline: spec.isInline, macro: d.macro, ...analyzeBody(body) } });
        return;
      }
    } else {
      let init: Token[] | null = null;
      if (p.at('=')) { p.i++; init = initializer(p); }
      let type: MapCType = d.type;
      const str = init && init.length >= 1 && init.every((t) => t.kind === 'string') ? init.map((t) => t.text).join('') : null;
      if (type.size < 0 && type.elem) {
        // `char license[] = "GPL"`, `int a[] = {1, 2}`: the initializer sizes the array.
        const n = str !== null ? str.length + 1 : init ? init.filter((t) => t.text === ',').length + 1 : 0;
        if (!init) p.error(`definition of variable with array type needs an explicit size or an initializer`, d.nameTok);
        type = arrayOf(type.elem, n);
      }
      if (type.incomplete && !spec.isExtern) p.error(`variable has incomplete type '${type.name}'`, d.nameTok);
      if (type.name === 'void' && !type.isPointer) p.error(`variable has incomplete type 'void'`, d.nameTok);
      items.push({ kind: 'var', v: {
        name: d.name, loc: d.nameTok, sec: mine.sec, isStatic: spec.isStatic, isConst: spec.isConst, isVolatile: spec.isVolatile,
        isExtern: spec.isExtern, marks: mine.marks, type, init: init === null ? 'none' : isZeroInit(init) && str === null ? 'zero' : str === '' ? 'zero' : 'nonzero',
        initRefs: (init ?? []).filter((t) => t.kind === 'ident').map((t) => t.text), initString: str,
      } });
    }
    if (p.at(',')) { p.i++; continue; }
    p.expectAfterPrev(';', `expected ';' after top level declarator`);
    return;
  }
}

/** Parse a BPF C source. Throws SourceError. */
export function parseSource(src: string): ParsedSource {
  const { tokens, defines } = lex(src);
  const p = new CParser(tokens, newScope(defines));
  const items: Item[] = [];
  while (p.i < tokens.length) {
    const t = p.peek()!;
    if (t.text === ';') { p.i++; continue; }
    if (t.text === '_Static_assert' || t.text === 'asm' || t.text === '__asm__') {
      p.i++;
      p.balanced();
      if (p.at(';')) p.i++;
      continue;
    }
    if (t.kind !== 'ident') p.error(`expected identifier or '('`, t);
    parseDeclaration(p, items);
  }
  return { items };
}

export { SourceError };
export type { CType };

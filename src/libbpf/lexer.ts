/**
 * Tokens of a BPF C source, with line and column (1-based) for messages. Comments are
 * dropped; preprocessor lines are dropped too, except object-like `#define NAME tokens`,
 * which are collected so that constant expressions (`max_entries`, array sizes) can use them.
 */

export type TokKind = 'ident' | 'number' | 'string' | 'char' | 'punct';

export interface Token {
  kind: TokKind;
  /** The token's text; for strings and chars, the decoded value without quotes. */
  text: string;
  line: number;
  col: number;
  /** Offset in the source of the token's first character. */
  pos: number;
  /** Length of the token in the source. */
  len: number;
}

export interface Lexed {
  tokens: Token[];
  /** Object-like macros: name -> replacement tokens. */
  defines: Map<string, Token[]>;
}

/** A problem in the source, reported as a compiler would: `file:line:col: error: ...`. */
export class SourceError extends Error {
  constructor(readonly line: number, readonly col: number, readonly why: string) {
    super(why);
  }
}

const PUNCTS = ['<<=', '>>=', '...', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '##'];

function decodeEscapes(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };
    return map[e] ?? e;
  });
}

export function lex(src: string): Lexed {
  const tokens: Token[] = [];
  const defines = new Map<string, Token[]>();
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;
  const n = src.length;
  const col = (p: number): number => p - lineStart + 1;
  const newline = (p: number): void => { line++; lineStart = p + 1; atLineStart = true; };

  while (i < n) {
    const c = src[i]!;
    if (c === '\n') { newline(i); i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') { i++; continue; }
    if (c === '\\' && src[i + 1] === '\n') { i++; newline(i); i++; continue; }
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const startLine = line;
      const startCol = col(i);
      i += 2;
      while (i < n && !(src[i] === '*' && src[i + 1] === '/')) {
        if (src[i] === '\n') { newline(i); atLineStart = false; }
        i++;
      }
      if (i >= n) throw new SourceError(startLine, startCol, 'unterminated /* comment');
      i += 2;
      continue;
    }
    if (c === '#' && atLineStart) {
      // A preprocessor line, with its continuations.
      const dLine = line;
      const start = i;
      let text = '';
      while (i < n && src[i] !== '\n') {
        if (src[i] === '\\' && src[i + 1] === '\n') { i++; newline(i); i++; continue; }
        text += src[i];
        i++;
      }
      const m = /^#\s*define\s+([A-Za-z_]\w*)(?!\()\s*(.*)$/.exec(text.replace(/\/\*.*?\*\/|\/\/.*$/g, ''));
      if (m) {
        const body = lex(m[2]!).tokens.map((t) => ({ ...t, line: dLine, col: col(start), pos: start }));
        defines.set(m[1]!, body);
      }
      continue;
    }
    atLineStart = false;
    const start = i;
    const tcol = col(i);
    if (/[A-Za-z_]/.test(c)) {
      while (i < n && /\w/.test(src[i]!)) i++;
      tokens.push({ kind: 'ident', text: src.slice(start, i), line, col: tcol, pos: start, len: i - start });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      while (i < n && /[\w.]/.test(src[i]!)) i++;
      tokens.push({ kind: 'number', text: src.slice(start, i), line, col: tcol, pos: start, len: i - start });
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      let raw = '';
      while (i < n && src[i] !== c) {
        if (src[i] === '\n') throw new SourceError(line, tcol, `missing terminating ${c} character`);
        if (src[i] === '\\') { raw += src[i]! + (src[i + 1] ?? ''); i += 2; continue; }
        raw += src[i];
        i++;
      }
      if (i >= n) throw new SourceError(line, tcol, `missing terminating ${c} character`);
      i++;
      tokens.push({ kind: c === '"' ? 'string' : 'char', text: decodeEscapes(raw), line, col: tcol, pos: start, len: i - start });
      continue;
    }
    const p = PUNCTS.find((s) => src.startsWith(s, i));
    const text = p ?? c;
    i += text.length;
    tokens.push({ kind: 'punct', text, line, col: tcol, pos: start, len: text.length });
  }
  return { tokens, defines };
}

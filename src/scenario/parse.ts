/**
 * The scenario parser: text → `Scenario`, or the first error at a line and column. Never
 * evaluates anything: every line is matched against the grammar in CONTEXT.md.
 */
import {
  COUNT_KINDS, OBJ_STATES, PROC_VERBS,
  type Action, type Check, type CountKind, type Field, type Item, type ObjKind, type ObjState, type Pos, type ProcVerb,
  type Scenario, type ScenarioError, type Value,
} from './ast';

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; error: ScenarioError };

export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SOURCE_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
export const VERSION_RE = /^\d+\.\d+$/;
const NUM_RE = /^-?(0[xX][0-9a-fA-F]+|\d+)$/;

class ParseError extends Error {
  constructor(readonly pos: Pos, message: string) { super(message); }
}

type Tok = { k: 'word' | 'str' | 'punct'; v: string; col: number };

/** Split the rest of a line into words, "strings" and the punctuation `= , [ ] { }`. */
function lex(text: string, line: number, col0: number): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t') { i++; continue; }
    const col = col0 + i;
    if ('=,[]{}'.includes(ch)) { out.push({ k: 'punct', v: ch, col }); i++; continue; }
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new ParseError({ line, col }, 'unterminated string');
      let v: unknown;
      try { v = JSON.parse(text.slice(i, j + 1)); } catch { throw new ParseError({ line, col }, 'bad escape in string'); }
      out.push({ k: 'str', v: v as string, col });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !' \t=,[]{}"'.includes(text[j]!)) j++;
    out.push({ k: 'word', v: text.slice(i, j), col });
    i = j;
  }
  return out;
}

class Cursor {
  i = 0;
  constructor(readonly toks: Tok[], readonly line: number, readonly endCol: number) {}
  peek(): Tok | undefined { return this.toks[this.i]; }
  pos(): Pos { return { line: this.line, col: this.peek()?.col ?? this.endCol }; }
  fail(message: string): never { throw new ParseError(this.pos(), message); }
  next(what: string): Tok { const t = this.toks[this.i]; if (!t) this.fail(`expected ${what}`); this.i++; return t; }
  word(what: string): Tok { const t = this.next(what); if (t.k !== 'word') { this.i--; this.fail(`expected ${what}`); } return t; }
  isPunct(p: string): boolean { const t = this.peek(); return t?.k === 'punct' && t.v === p; }
  punct(p: string): void { if (!this.isPunct(p)) this.fail(`expected "${p}"`); this.i++; }
  done(): boolean { return this.i >= this.toks.length; }
  end(): void { if (!this.done()) this.fail('unexpected text at the end of the line'); }
}

function value(c: Cursor): Value {
  const t = c.next('a value');
  if (t.k === 'str') return { t: 'str', v: t.v };
  if (t.k === 'punct' && t.v === '[') {
    const items: Value[] = [];
    while (!c.isPunct(']')) {
      items.push(value(c));
      if (!c.isPunct(']')) { if (!c.isPunct(',')) c.fail('expected "," or "]"'); c.i++; }
    }
    c.punct(']');
    return { t: 'list', items };
  }
  if (t.k === 'punct' && t.v === '{') {
    const fields: Field[] = [];
    while (!c.isPunct('}')) {
      fields.push(field(c));
      if (!c.isPunct('}')) { if (!c.isPunct(',')) c.fail('expected "," or "}"'); c.i++; }
    }
    c.punct('}');
    return { t: 'obj', fields };
  }
  if (t.k === 'punct') { c.i--; c.fail('expected a value'); }
  if (NUM_RE.test(t.v)) {
    const neg = t.v.startsWith('-');
    const n = Number(neg ? t.v.slice(1) : t.v);
    if (!Number.isSafeInteger(n)) throw new ParseError({ line: c.line, col: t.col }, 'number too large');
    return { t: 'num', v: neg ? -n : n };
  }
  if (t.v.startsWith('$')) {
    const name = t.v.slice(1);
    if (!NAME_RE.test(name)) throw new ParseError({ line: c.line, col: t.col }, `bad name "${t.v}": a $name is letters, digits and _`);
    return { t: 'ref', name, at: { line: c.line, col: t.col } };
  }
  return { t: 'str', v: t.v };
}

function field(c: Cursor): Field {
  const k = c.word('a field name (name=value)');
  if (!NAME_RE.test(k.v)) throw new ParseError({ line: c.line, col: k.col }, `bad field name "${k.v}"`);
  c.punct('=');
  return { key: k.v, value: value(c) };
}

function name(c: Cursor, what: string): string {
  const t = c.word(what);
  if (!NAME_RE.test(t.v)) throw new ParseError({ line: c.line, col: t.col }, `bad ${what} "${t.v}": letters, digits and _`);
  return t.v;
}

function int(c: Cursor, what: string): number {
  const t = c.word(what);
  if (!/^-?\d+$/.test(t.v)) throw new ParseError({ line: c.line, col: t.col }, `expected ${what}, got "${t.v}"`);
  return Number(t.v);
}

function procCall(c: Cursor, proc: string): Action {
  let bind: string | undefined;
  const t1 = c.toks[c.i], t2 = c.toks[c.i + 1];
  if (t1?.k === 'word' && t2?.k === 'punct' && t2.v === '=') {
    bind = name(c, 'result name');
    c.punct('=');
  }
  const vt = c.word('a call (fork, exit, close, dup, open, mkdir, rmdir, unlink, rename, bpf, libbpf, netlink...)');
  if (!Object.hasOwn(PROC_VERBS, vt.v)) {
    throw new ParseError({ line: c.line, col: vt.col }, `unknown call "${vt.v}": one of ${Object.keys(PROC_VERBS).join(', ')}`);
  }
  const verb = vt.v as ProcVerb;
  const args: Value[] = [];
  for (let n = 0; n < PROC_VERBS[verb]; n++) {
    if (c.done()) c.fail(`${verb} takes ${PROC_VERBS[verb]} argument${PROC_VERBS[verb] > 1 ? 's' : ''}`);
    args.push(value(c));
  }
  if (verb === 'bpf' && args[0]!.t !== 'str') throw new ParseError({ line: c.line, col: vt.col + 4 }, 'bpf: the command is a name (BPF_PROG_LOAD, ...)');
  if (verb === 'libbpf') {
    const [op, src] = args;
    if (op!.t !== 'str' || (op!.v !== 'load' && op!.v !== 'load_attach')) throw new ParseError({ line: c.line, col: vt.col + 7 }, 'libbpf: load or load_attach');
    if (src!.t !== 'str' || !SOURCE_NAME_RE.test(src!.v)) c.fail('libbpf: the name of a source block');
  }
  const fields: Field[] = [];
  while (!c.done()) fields.push(field(c));
  if (verb === 'fork' && bind === undefined) { /* an unnamed child is allowed */ }
  return bind === undefined ? { kind: 'call', proc, verb, args, fields } : { kind: 'call', proc, bind, verb, args, fields };
}

function objKind(v: string): ObjKind | undefined { return v === 'link' || v === 'prog' || v === 'map' ? v : undefined; }

function check(c: Cursor): Check {
  const t = c.word('what to expect (ok, errno, ret, exit, output, ran, link, prog, map, pin, process, or a count)');
  switch (t.v) {
    case 'ok': return { c: 'ok' };
    case 'errno': {
      const e = c.word('an errno name (EINVAL)');
      if (!/^E[A-Z0-9]+$/.test(e.v)) throw new ParseError({ line: c.line, col: e.col }, `expected an errno name, got "${e.v}"`);
      return { c: 'errno', name: e.v };
    }
    case 'ret': return { c: 'ret', value: value(c) };
    case 'exit': return { c: 'exit', code: int(c, 'an exit status') };
    case 'output': {
      const s = c.next('a "string"');
      if (s.k !== 'str') throw new ParseError({ line: c.line, col: s.col }, 'expected a "string"');
      return { c: 'output', text: s.v };
    }
    case 'ran': {
      const n = c.peek();
      if (n?.k === 'word' && n.v === 'nothing') { c.i++; return { c: 'ran', count: 0 }; }
      if (n?.k === 'word' && /^\d+$/.test(n.v)) { c.i++; return { c: 'ran', count: Number(n.v) }; }
      const progs: Value[] = [];
      while (!c.done()) progs.push(value(c));
      if (progs.length === 0) c.fail('expected a count, nothing, or the programs');
      return { c: 'ranProgs', progs };
    }
    case 'pin': {
      const p = c.next('a path');
      if (p.k === 'punct') throw new ParseError({ line: c.line, col: p.col }, 'expected a path');
      return { c: 'pin', path: p.v };
    }
    case 'process': {
      const n = name(c, 'process name');
      const s = c.word('alive or exited');
      if (s.v !== 'alive' && s.v !== 'exited') throw new ParseError({ line: c.line, col: s.col }, 'expected alive or exited');
      return { c: 'process', name: n, state: s.v };
    }
  }
  const what = objKind(t.v);
  if (what) {
    const ref = value(c);
    if (ref.t !== 'ref' && ref.t !== 'str') throw new ParseError({ line: c.line, col: t.col + t.v.length + 1 }, `expected a $name, a pin path or a program name after ${what}`);
    const s = c.word('a state (attached, detached, freed, alive), runs N or refcnt N');
    if (s.v === 'runs' && what === 'prog') return { c: 'runs', ref, n: int(c, 'a run count') };
    if (s.v === 'refcnt') return { c: 'refcnt', what, ref, n: int(c, 'a reference count') };
    if (!OBJ_STATES.includes(s.v as ObjState) || (what !== 'link' && (s.v === 'attached' || s.v === 'detached'))) {
      throw new ParseError({ line: c.line, col: s.col }, `unknown state "${s.v}" of a ${what}`);
    }
    return { c: 'state', what, ref, state: s.v as ObjState };
  }
  if (COUNT_KINDS.includes(t.v as CountKind)) return { c: 'count', what: t.v as CountKind, n: int(c, 'a count') };
  throw new ParseError({ line: c.line, col: t.col }, `unknown expectation "${t.v}"`);
}

function parseLine(raw: string, line: number): Item {
  const ind = raw.length - raw.trimStart().length;
  const text = raw.trim();
  const col0 = ind + 1;
  if (text === '') return { kind: 'blank' };
  if (text.startsWith('#')) return { kind: 'comment', text: text.slice(1) };
  if (text.startsWith('>')) return { kind: 'caption', text: text.slice(1).trim() };
  if (text.startsWith('$')  && (text.length === 1 || text[1] === ' ')) {
    const l = text.slice(1).trim();
    if (l === '') throw new ParseError({ line, col: col0 }, 'an empty shell line');
    return { kind: 'action', action: { kind: 'shell', line: l }, at: { line, col: col0 } };
  }
  const at = { line, col: col0 };
  const sp = text.search(/\s/);
  const head = sp < 0 ? text : text.slice(0, sp);
  const rest = sp < 0 ? '' : text.slice(sp);
  const restCol = col0 + head.length;
  if (head === 'bpftool') return { kind: 'action', action: { kind: 'shell', line: text }, at };
  if (head === 'title') {
    if (rest.trim() === '') throw new ParseError({ line, col: restCol }, 'title: expected the text');
    return { kind: 'title', text: rest.trim() };
  }
  const c = new Cursor(lex(rest, line, restCol), line, col0 + text.length);
  switch (head) {
    case 'version': {
      const v = c.word('a kernel version (6.18)');
      if (!VERSION_RE.test(v.v)) throw new ParseError({ line, col: v.col }, `bad version "${v.v}": major.minor`);
      c.end();
      return { kind: 'version', version: v.v, at };
    }
    case 'spawn': {
      const n = name(c, 'process name');
      c.end();
      return { kind: 'action', action: { kind: 'spawn', name: n }, at };
    }
    case 'trigger': {
      const e = c.word('an event (tracepoint:sys_enter)');
      c.end();
      return { kind: 'action', action: { kind: 'trigger', event: e.v }, at };
    }
    case 'expect': {
      let negate = false;
      if (c.peek()?.k === 'word' && c.peek()!.v === 'not') { negate = true; c.i++; }
      const ck = check(c);
      c.end();
      return { kind: 'expect', negate, check: ck, at };
    }
  }
  if (head.endsWith(':') && head.length > 1) {
    const proc = head.slice(0, -1);
    if (!NAME_RE.test(proc)) throw new ParseError(at, `bad process name "${proc}"`);
    const action = procCall(c, proc);
    return { kind: 'action', action, at };
  }
  throw new ParseError(at, `unknown line "${head}": expected PROCESS: call, spawn, trigger, expect, $ shell line, bpftool, version, title, > caption, # comment or a source block`);
}

export function parse(text: string): ParseResult {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const items: Item[] = [];
  const sources = new Set<string>();
  let sawAction = false;
  try {
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      const t = raw.trim();
      if (t.startsWith('```')) {
        const at = { line: i + 1, col: raw.indexOf('`') + 1 };
        const m = /^```([A-Za-z0-9_+-]+)\s+(\S+)$/.exec(t);
        if (!m) throw new ParseError(at, 'a source block opens with ```LANG NAME (```c prog.bpf.c)');
        if (!SOURCE_NAME_RE.test(m[2]!)) throw new ParseError({ line: at.line, col: at.col + 4 + m[1]!.length }, `bad source name "${m[2]}"`);
        if (sources.has(m[2]!)) throw new ParseError(at, `a second source named "${m[2]}"`);
        sources.add(m[2]!);
        const body: string[] = [];
        let j = i + 1;
        while (j < lines.length && lines[j] !== '```') body.push(lines[j++]!);
        if (j >= lines.length) throw new ParseError(at, 'source block not closed (a line of just ```)');
        items.push({ kind: 'source', lang: m[1]!, name: m[2]!, body: body.join('\n'), at });
        i = j;
        continue;
      }
      const item = parseLine(raw, i + 1);
      if (item.kind === 'version' && sawAction) throw new ParseError(item.at!, 'version comes before the first action');
      if (item.kind === 'action') sawAction = true;
      items.push(item);
    }
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: { ...e.pos, message: e.message } };
    throw e;
  }
  return { ok: true, scenario: { items } };
}

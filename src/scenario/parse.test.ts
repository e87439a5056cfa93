import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COUNT_KINDS, PROC_VERBS, parse, runScenario, serialize, stripPositions,
  type Action, type Check, type Field, type Item, type Scenario, type Value,
} from './index';

function ok(text: string): Scenario {
  const p = parse(text);
  if (!p.ok) throw new Error(`${p.error.line}:${p.error.col}: ${p.error.message}`);
  return p.scenario;
}
function err(text: string) {
  const p = parse(text);
  if (p.ok) throw new Error('parsed');
  return p.error;
}

describe('parse', () => {
  it('a call line: process, result name, verb, command, fields of every value kind', () => {
    const s = ok('loader: link = bpf BPF_LINK_CREATE prog_fd=$prog target_fd=-1 name="a b" flags=[BPF_F_REPLACE, 2] opts={cookie=0x10}\n');
    expect(stripPositions(s.items[0])).toEqual({
      kind: 'action',
      action: {
        kind: 'call', proc: 'loader', bind: 'link', verb: 'bpf', args: [{ t: 'str', v: 'BPF_LINK_CREATE' }],
        fields: [
          { key: 'prog_fd', value: { t: 'ref', name: 'prog' } },
          { key: 'target_fd', value: { t: 'num', v: -1 } },
          { key: 'name', value: { t: 'str', v: 'a b' } },
          { key: 'flags', value: { t: 'list', items: [{ t: 'str', v: 'BPF_F_REPLACE' }, { t: 'num', v: 2 }] } },
          { key: 'opts', value: { t: 'obj', fields: [{ key: 'cookie', value: { t: 'num', v: 16 } }] } },
        ],
      },
    });
    expect(s.items[0]).toMatchObject({ at: { line: 1, col: 1 } });
  });

  it('comments, blank lines, captions, title, version, sources, shell and bpftool lines, triggers', () => {
    const s = ok([
      'title A title', 'version 5.7', '# note', '', '> A caption.', 'spawn p', 'trigger tracepoint:sys_enter',
      '$ ls /sys/fs/bpf', 'bpftool link show', '```c prog.bpf.c', 'int x;', '', '```', 'p: libbpf load_attach prog.bpf.c',
    ].join('\n'));
    expect(s.items.map((i) => i.kind)).toEqual(['title', 'version', 'comment', 'blank', 'caption', 'action', 'action', 'action', 'action', 'source', 'action']);
    expect(s.items[8]).toMatchObject({ action: { kind: 'shell', line: 'bpftool link show' } });
    expect(s.items[9]).toMatchObject({ kind: 'source', lang: 'c', name: 'prog.bpf.c', body: 'int x;\n' });
  });

  it('expect lines', () => {
    const lines = [
      'expect ok', 'expect errno EINVAL', 'expect ret $l', 'expect exit 1', 'expect output "tp \'sys_enter\'"', 'expect ran 2',
      'expect ran nothing', 'expect ran $a $b', 'expect link $l attached', 'expect not link /sys/fs/bpf/x freed', 'expect prog p runs 3',
      'expect map $m refcnt 2', 'expect pin /sys/fs/bpf/x', 'expect links 0', 'expect abandoned 1', 'expect process child exited',
    ];
    const s = ok(lines.join('\n'));
    expect(serialize(s).trimEnd().split('\n')).toEqual(lines);
  });

  it.each([
    ['loader: link = bpf', 1, 19, 'bpf takes 1 argument'],
    ['spawn', 1, 6, 'expected process name'],
    ['spawn 9x', 1, 7, 'bad process name'],
    ['loader: frobnicate 3', 1, 9, 'unknown call "frobnicate"'],
    ['loader: close', 1, 14, 'close takes 1 argument'],
    ['loader: bpf X a=', 1, 17, 'expected a value'],
    ['loader: bpf X a=1 b', 1, 20, 'expected "="'],
    ['loader: bpf X a="open', 1, 17, 'unterminated string'],
    ['loader: bpf X a=[1, 2', 1, 22, 'expected "," or "]"'],
    ['loader: bpf X a=$9', 1, 17, 'bad name'],
    ['  expect frob', 1, 10, 'unknown expectation "frob"'],
    ['expect link $l sleeping', 1, 16, 'unknown state "sleeping"'],
    ['expect prog $p attached', 1, 16, 'unknown state "attached"'],
    ['expect errno einval', 1, 14, 'expected an errno name'],
    ['expect ok please', 1, 11, 'unexpected text'],
    ['what is this', 1, 1, 'unknown line "what"'],
    ['spawn p\nversion 5.6', 2, 1, 'version comes before the first action'],
    ['version five', 1, 9, 'bad version'],
    ['```c a.c\nint x;', 1, 1, 'source block not closed'],
    ['```c\n```', 1, 1, 'a source block opens with'],
    ['p: libbpf compile a.c', 2 - 1, 11, 'libbpf: load or load_attach'],
  ])('%j: error at %i:%i', (text, line, col, msg) => {
    const e = err(text);
    expect(e.message).toContain(msg);
    expect([e.line, e.col]).toEqual([line, col]);
  });

  it('never throws on any text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (t) => { parse(t); }), { numRuns: 500 });
    fc.assert(fc.property(fc.array(fc.constantFrom('p:', 'x', '=', '$', '"', '[', ']', '{', '}', ',', ' ', 'bpf', 'expect', 'link', '\n', '```c a', '```', '#', '>', '1'), { maxLength: 30 }), (parts) => { parse(parts.join('')); }), { numRuns: 500 });
  });
});

describe('runtime errors and failed expectations point at line and column', () => {
  it('an unknown process, $name or source stops the run there', async () => {
    const at = async (text: string) => (await runScenario(ok(text))).error;
    expect(await at('spawn p\nq: exit')).toEqual({ line: 2, col: 1, message: expect.stringContaining('no process named q') });
    expect(await at('spawn p\np: close $nope')).toEqual({ line: 2, col: 10, message: 'no result named $nope yet' });
    expect(await at('spawn p\np: libbpf load x.c')).toMatchObject({ line: 2, message: 'no source block named x.c' });
  });

  it('a failed expectation says what was found', async () => {
    const run = await runScenario(ok('spawn p\np: close 9\n  expect ok\nexpect errno EBADF\nexpect not errno EBADF'));
    expect(run.expectations.map((e) => [e.line, e.col, e.ok])).toEqual([[3, 3, false], [4, 1, true], [5, 1, false]]);
    expect(run.expectations[0]!.message).toMatch(/returned -EBADF/);
  });
});

// --- parse → serialise → parse is the identity -------------------------------------------------

const nameArb = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/);
const textArb = fc.stringMatching(/^[^\n\r]{0,20}$/).map((s) => s.trim());
const wordArb = fc.stringMatching(/^[A-Za-z_/:.#>-][^\s=,[\]{}"$]{0,10}$/);
const strArb = fc.oneof(wordArb, fc.string({ maxLength: 12 }));
const valueArb: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -1000, max: 1 << 30 }).map((v): Value => ({ t: 'num', v })),
    strArb.map((v): Value => ({ t: 'str', v })),
    nameArb.map((name): Value => ({ t: 'ref', name })),
    fc.array(tie('v'), { maxLength: 3 }).map((items): Value => ({ t: 'list', items })),
    fc.array(fc.record({ key: nameArb, value: tie('v') }), { maxLength: 3 }).map((fields): Value => ({ t: 'obj', fields: fields as Field[] })),
  ),
})).v;
const fieldArb = fc.record({ key: nameArb, value: valueArb });
const verbArb = fc.constantFrom(...(Object.keys(PROC_VERBS) as (keyof typeof PROC_VERBS)[]));
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  nameArb.map((name): Action => ({ kind: 'spawn', name })),
  wordArb.map((event): Action => ({ kind: 'trigger', event })),
  textArb.filter((l) => l !== '').map((line): Action => ({ kind: 'shell', line })),
  fc.record({ proc: nameArb, bind: fc.option(nameArb, { nil: undefined }), verb: verbArb, fields: fc.array(fieldArb, { maxLength: 3 }), a: fc.array(valueArb, { minLength: 2, maxLength: 2 }), src: fc.stringMatching(/^[a-z][a-z0-9_.]{0,8}$/), op: fc.constantFrom('load', 'load_attach'), cmd: wordArb })
    .map(({ proc, bind, verb, fields, a, src, op, cmd }): Action => {
      const args: Value[] = verb === 'bpf' ? [{ t: 'str', v: cmd }] : verb === 'libbpf' ? [{ t: 'str', v: op }, { t: 'str', v: src }] : a.slice(0, PROC_VERBS[verb]);
      const x: Action = { kind: 'call', proc, verb, args, fields };
      return bind === undefined ? x : { ...x, bind };
    }),
);
const refArb = fc.oneof(nameArb.map((name): Value => ({ t: 'ref', name })), strArb.map((v): Value => ({ t: 'str', v })));
const checkArb: fc.Arbitrary<Check> = fc.oneof(
  fc.constant<Check>({ c: 'ok' }),
  fc.stringMatching(/^E[A-Z0-9]{1,8}$/).map((name): Check => ({ c: 'errno', name })),
  valueArb.map((value): Check => ({ c: 'ret', value })),
  fc.integer({ min: -5, max: 300 }).map((code): Check => ({ c: 'exit', code })),
  fc.string({ maxLength: 12 }).map((text): Check => ({ c: 'output', text })),
  fc.nat(9).map((count): Check => ({ c: 'ran', count })),
  fc.array(refArb.filter((r) => !(r.t === 'str' && (r.v === 'nothing' || /^\d+$/.test(r.v)))), { minLength: 1, maxLength: 3 }).map((progs): Check => ({ c: 'ranProgs', progs })),
  fc.record({ what: fc.constantFrom('link' as const), ref: refArb, state: fc.constantFrom('attached' as const, 'detached' as const, 'freed' as const, 'alive' as const) }).map((x): Check => ({ c: 'state', ...x })),
  fc.record({ what: fc.constantFrom('prog' as const, 'map' as const), ref: refArb, state: fc.constantFrom('freed' as const, 'alive' as const) }).map((x): Check => ({ c: 'state', ...x })),
  fc.record({ ref: refArb, n: fc.nat(99) }).map((x): Check => ({ c: 'runs', ...x })),
  fc.record({ what: fc.constantFrom('link' as const, 'prog' as const, 'map' as const), ref: refArb, n: fc.nat(99) }).map((x): Check => ({ c: 'refcnt', ...x })),
  strArb.map((path): Check => ({ c: 'pin', path })),
  fc.record({ what: fc.constantFrom(...COUNT_KINDS), n: fc.nat(99) }).map((x): Check => ({ c: 'count', ...x })),
  fc.record({ name: nameArb, state: fc.constantFrom('alive' as const, 'exited' as const) }).map((x): Check => ({ c: 'process', ...x })),
);
const bodyArb = fc.array(fc.stringMatching(/^[^\n\r]{0,16}$/).filter((l) => l !== '```'), { maxLength: 4 }).map((ls) => ls.join('\n'));
const itemArb: fc.Arbitrary<Item> = fc.oneof(
  fc.constant<Item>({ kind: 'blank' }),
  fc.stringMatching(/^[^\n\r]{0,20}$/).map((t): Item => ({ kind: 'comment', text: t.trimEnd() })),
  textArb.filter((t) => t !== '').map((text): Item => ({ kind: 'title', text })),
  textArb.map((text): Item => ({ kind: 'caption', text })),
  fc.record({ lang: fc.constantFrom('c', 'bpf', 'text'), name: fc.stringMatching(/^[a-z][a-z0-9_.-]{0,8}$/), body: bodyArb }).map((x): Item => ({ kind: 'source', ...x })),
  actionArb.map((action): Item => ({ kind: 'action', action })),
  fc.record({ negate: fc.boolean(), check: checkArb }).map((x): Item => ({ kind: 'expect', ...x })),
);
const scenarioArb = fc.record({
  version: fc.option(fc.constantFrom('5.6', '5.7', '6.18'), { nil: undefined }),
  items: fc.array(itemArb, { maxLength: 12 }),
}).map(({ version, items }): Scenario => {
  // source names are unique
  const seen = new Set<string>();
  const kept = items.filter((i) => i.kind !== 'source' || (!seen.has(i.name) && seen.add(i.name)));
  return { items: version ? [{ kind: 'version', version }, ...kept] : kept };
});

describe('serialise', () => {
  it('parse(serialize(ast)) is ast, and serialize is a fixed point', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const text = serialize(s);
      const p = parse(text);
      if (!p.ok) throw new Error(`${p.error.line}:${p.error.col}: ${p.error.message}\n${text}`);
      expect(stripPositions(p.scenario)).toEqual(stripPositions(s));
      expect(serialize(p.scenario)).toBe(text);
    }), { numRuns: 1000 });
  });
});

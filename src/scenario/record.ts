/**
 * Recording: a history (the store's steps) as a scenario, one line per command, so what was
 * clicked can be saved, edited, shared and replayed. Processes are named after their comm
 * (a fork's child `COMM_child`); fds are written as the numbers the calls used; libbpf
 * sources become source blocks; captions become `>` lines. Running the recorded scenario
 * makes the same commands again (tested). `stepItems` is one step's lines given the names
 * so far: the whole recording and the live one (live.ts) are made of it.
 */
import type { Command } from '../store/command';
import type { Step } from '../store/history';
import type { Action, Field, Item, Scenario, Value } from './ast';
import { NAME_RE } from './parse';
import { serialize } from './serialize';

/** A JSON value of a bpf attr as a scenario value (booleans as 1/0, null as 0). */
export function toValue(v: unknown): Value {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { t: 'num', v } : { t: 'str', v: String(v) };
  if (typeof v === 'string') return { t: 'str', v };
  if (typeof v === 'boolean') return { t: 'num', v: v ? 1 : 0 };
  if (Array.isArray(v)) return { t: 'list', items: v.map(toValue) };
  if (typeof v === 'object' && v !== null) return { t: 'obj', fields: Object.entries(v).map(([key, x]) => ({ key, value: toValue(x) })) };
  return { t: 'num', v: 0 };
}

function fieldsOf(o: Record<string, unknown>): Field[] {
  return Object.entries(o).filter(([k]) => NAME_RE.test(k)).map(([key, v]) => ({ key, value: toValue(v) }));
}

/** The names a recording has given so far (updated as steps are recorded). */
export interface Names {
  /** pid → the name its lines use (`spawn NAME`, `P: NAME = fork`). */
  procs: Map<number, string>;
  /** Every process name given. */
  used: Set<string>;
  /** Source block name → its body (as written in the block). */
  sources: Map<string, string>;
}

export const newNames = (): Names => ({ procs: new Map(), used: new Set(), sources: new Map() });
export const copyNames = (n: Names): Names => ({ procs: new Map(n.procs), used: new Set(n.used), sources: new Map(n.sources) });

/** A libbpf source as the body of a source block (a body line cannot be exactly ```). */
export const sourceBody = (source: string): string => source.replace(/\n$/, '').split('\n').filter((l) => l !== '```').join('\n');

function nameFor(names: Names, base: string, pid: number): string {
  let n = NAME_RE.test(base) ? base : `p${pid}`;
  if (names.used.has(n)) n = `${n}_${pid}`;
  names.used.add(n);
  names.procs.set(pid, n);
  return n;
}

const call = (proc: string, verb: Extract<Action, { kind: 'call' }>['verb'], args: Value[] = [], fields: Field[] = []): Action =>
  ({ kind: 'call', proc, verb, args, fields });

/** The lines of one step (a caption, a source block, the action), given the names so far,
 * which it updates (a spawn or a fork names a process, a new source names a block). */
export function stepItems(step: Step, names: Names): Item[] {
  const c: Command | null = step.command;
  if (!c) return [];
  const items: Item[] = [];
  const proc = (pid: number): string => names.procs.get(pid) ?? nameFor(names, `pid${pid}`, pid);
  if (c.caption) items.push({ kind: 'caption', text: c.caption.replace(/\s*\n\s*/g, ' ').trim() });
  let action: Action;
  if (c.kind === 'shell') {
    // object files the line opens become source blocks (NAME.o from NAME.c)
    for (const [file, source] of Object.entries(c.files ?? {})) {
      const name = file.replace(/\.o$/, '.c');
      const body = sourceBody(source);
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*\.c$/.test(name) || names.sources.get(name) === body) continue;
      names.sources.set(name, body);
      items.push({ kind: 'source', lang: 'c', name, body });
    }
    action = { kind: 'shell', line: c.line.trim() };
  } else if (c.kind === 'libbpf') {
    const body = sourceBody(c.source);
    let name = c.file.replace(/\.o$/, '.c');
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) name = 'prog.bpf.c';
    const base = name;
    for (let i = 2; names.sources.has(name) && names.sources.get(name) !== body; i++) name = base.replace(/(\.bpf)?\.c$/, `_${i}$&`);
    if (!names.sources.has(name)) {
      names.sources.set(name, body);
      items.push({ kind: 'source', lang: 'c', name, body });
    }
    action = call(proc(c.pid), 'libbpf', [{ t: 'str', v: c.op }, { t: 'str', v: name }]);
  } else {
    const k = c.call;
    switch (k.call) {
      case 'spawn': {
        // spawn NAME names the process and sets its comm: a second process of that comm
        // gets the name too (the newest process of a name is the one lines act as).
        action = { kind: 'spawn', name: NAME_RE.test(k.comm) ? k.comm : `p${step.result.ret}` };
        if (step.result.ret > 0) { names.procs.set(step.result.ret, action.name); names.used.add(action.name); }
        break;
      }
      case 'trigger': action = { kind: 'trigger', event: k.event }; break;
      case 'fork': {
        const parent = proc(k.pid);
        const child = step.result.ret > 0 ? nameFor(names, `${parent}_child`, step.result.ret) : undefined;
        action = child ? { kind: 'call', proc: parent, bind: child, verb: 'fork', args: [], fields: [] } : call(parent, 'fork');
        break;
      }
      case 'exit': action = call(proc(k.pid), 'exit'); break;
      case 'close': case 'dup': action = call(proc(k.pid), k.call, [{ t: 'num', v: k.fd }]); break;
      case 'open': case 'mkdir': case 'rmdir': case 'unlink': action = call(proc(k.pid), k.call, [{ t: 'str', v: k.path }]); break;
      case 'rename': action = call(proc(k.pid), 'rename', [{ t: 'str', v: k.from }, { t: 'str', v: k.to }]); break;
      case 'bpf': action = call(proc(k.pid), 'bpf', [{ t: 'str', v: k.cmd }], fieldsOf(k.attr ?? {})); break;
      default: {
        const { call: verb, pid, ...rest } = k;
        action = call(proc(pid), verb, [], fieldsOf(rest));
      }
    }
  }
  items.push({ kind: 'action', action });
  return items;
}

/** The scenario of a history and the names it gives (to record further steps with). */
export function recordNamed(steps: readonly Step[], version: string, title?: string): { scenario: Scenario; names: Names } {
  const items: Item[] = [];
  if (title) items.push({ kind: 'title', text: title });
  items.push({ kind: 'version', version });
  const names = newNames();
  for (const step of steps) items.push(...stepItems(step, names));
  return { scenario: { items }, names };
}

/** The scenario of a history: `steps[0]` is the boot; `version` goes on the first line. */
export function recordScenario(steps: readonly Step[], version: string, title?: string): Scenario {
  return recordNamed(steps, version, title).scenario;
}

export function recordText(steps: readonly Step[], version: string, title?: string): string {
  return serialize(recordScenario(steps, version, title));
}

/**
 * Recording: a history (the store's steps) as a scenario, one line per command, so what was
 * clicked can be saved, edited, shared and replayed. Processes are named after their comm
 * (a fork's child `COMM_PID`); fds are written as the numbers the calls used; libbpf
 * sources become source blocks; captions become `>` lines. Running the recorded scenario
 * makes the same commands again (tested).
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

/** The scenario of a history: `steps[0]` is the boot; `version` goes on the first line. */
export function recordScenario(steps: readonly Step[], version: string, title?: string): Scenario {
  const items: Item[] = [];
  if (title) items.push({ kind: 'title', text: title });
  items.push({ kind: 'version', version });
  const names = new Map<number, string>();
  const used = new Set<string>();
  const sources = new Map<string, string>();
  const nameFor = (base: string, pid: number): string => {
    let n = NAME_RE.test(base) ? base : `p${pid}`;
    if (used.has(n)) n = `${n}_${pid}`;
    used.add(n);
    names.set(pid, n);
    return n;
  };
  const proc = (pid: number): string => names.get(pid) ?? nameFor(`pid${pid}`, pid);
  for (const step of steps) {
    const c: Command | null = step.command;
    if (!c) continue;
    if (c.caption) items.push({ kind: 'caption', text: c.caption.replace(/\s*\n\s*/g, ' ').trim() });
    let action: Action;
    if (c.kind === 'shell') action = { kind: 'shell', line: c.line.trim() };
    else if (c.kind === 'libbpf') {
      let name = c.file.replace(/\.o$/, '.c');
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) name = 'prog.bpf.c';
      const base = name;
      for (let i = 2; sources.has(name) && sources.get(name) !== c.source; i++) name = base.replace(/(\.bpf)?\.c$/, `_${i}$&`);
      if (!sources.has(name)) {
        sources.set(name, c.source);
        items.push({ kind: 'source', lang: 'c', name, body: c.source.replace(/\n$/, '').split('\n').filter((l) => l !== '```').join('\n') });
      }
      action = { kind: 'call', proc: proc(c.pid), verb: 'libbpf', args: [{ t: 'str', v: c.op }, { t: 'str', v: name }], fields: [] };
    } else {
      const k = c.call;
      switch (k.call) {
        case 'spawn': {
          // spawn NAME names the process and sets its comm: a second process of that comm
          // gets the name too (the newest process of a name is the one lines act as).
          action = { kind: 'spawn', name: NAME_RE.test(k.comm) ? k.comm : `p${step.result.ret}` };
          if (step.result.ret > 0) { names.set(step.result.ret, action.name); used.add(action.name); }
          break;
        }
        case 'trigger': action = { kind: 'trigger', event: k.event }; break;
        case 'fork': {
          const parent = proc(k.pid);
          const child = step.result.ret > 0 ? nameFor(`${parent}_child`, step.result.ret) : undefined;
          action = child ? { kind: 'call', proc: parent, bind: child, verb: 'fork', args: [], fields: [] } : { kind: 'call', proc: parent, verb: 'fork', args: [], fields: [] };
          break;
        }
        case 'exit': action = { kind: 'call', proc: proc(k.pid), verb: 'exit', args: [], fields: [] }; break;
        case 'close': case 'dup': action = { kind: 'call', proc: proc(k.pid), verb: k.call, args: [{ t: 'num', v: k.fd }], fields: [] }; break;
        case 'open': case 'mkdir': case 'rmdir': case 'unlink': action = { kind: 'call', proc: proc(k.pid), verb: k.call, args: [{ t: 'str', v: k.path }], fields: [] }; break;
        case 'rename': action = { kind: 'call', proc: proc(k.pid), verb: 'rename', args: [{ t: 'str', v: k.from }, { t: 'str', v: k.to }], fields: [] }; break;
        case 'bpf': action = { kind: 'call', proc: proc(k.pid), verb: 'bpf', args: [{ t: 'str', v: k.cmd }], fields: fieldsOf(k.attr ?? {}) }; break;
        default: {
          const { call, pid, ...rest } = k;
          action = { kind: 'call', proc: proc(pid), verb: call, args: [], fields: fieldsOf(rest) };
        }
      }
    }
    items.push({ kind: 'action', action });
  }
  return { items };
}

export function recordText(steps: readonly Step[], version: string, title?: string): string {
  return serialize(recordScenario(steps, version, title));
}

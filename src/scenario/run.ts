/**
 * Running a scenario: every action line becomes one store `Command` (a `KernelCall`, a
 * libbpf load or a shell line) applied with the store's own `applyStep`, so the UI, the
 * headless runner and anything replaying `commandsOf(steps)` run exactly the same thing.
 * `$name` results are resolved as the lines run (an fd number depends on what came before).
 */
import { createKernel, NEWEST_VERSION, parseVersion, type Kernel, type KernelCall, type KernelSnapshot } from '../kernel/index';
import { shellCommand, syscall, type Command, type CommandResult } from '../store/command';
import { applyStep, bootStep, type Step } from '../store/history';
import { ensureRunners } from '../store/runners/index';
import type { Action, Check, ObjKind, Pos, Scenario, ScenarioError, Value } from './ast';
import { checkText } from './serialize';

export interface ExpectResult extends Pos {
  /** The expectation as written (canonical form). */
  text: string;
  ok: boolean;
  /** Why it failed (what was found instead). */
  message?: string;
  /** The step it was checked after. */
  step: number;
}

export interface ScenarioRun {
  version: string;
  title?: string;
  kernel: Kernel;
  /** Step 0 is the booted kernel, then one step per action line. */
  steps: Step[];
  /** The line of each step's action (index 0: 0). */
  stepLines: number[];
  expectations: ExpectResult[];
  /** A line that could not run (an unknown process, `$name` or source): the run stops there. */
  error?: ScenarioError;
}

/** Every `KernelCall` the run made, in order: each step's calls (a libbpf load or a bpftool
 * line is its strace). A fresh kernel of `run.version` that applies them ends in the same
 * state, with the same results; the real-kernel harness (oracle/) runs them on Linux. */
export function kernelCalls(run: Pick<ScenarioRun, 'steps'>): KernelCall[] {
  return run.steps.flatMap((s) => s.result.calls ?? []);
}

/** True when the run had no error and every expectation held. */
export function passed(run: ScenarioRun): boolean {
  return !run.error && run.expectations.every((e) => e.ok);
}

interface Var { value: number; pid?: number; obj?: string }

class RunError extends Error {
  constructor(readonly pos: Pos, message: string) { super(message); }
}

/** The commands the scenario needs runners for (libbpf, shell), loaded on demand. */
export async function runScenario(s: Scenario, opts: { version?: string } = {}): Promise<ScenarioRun> {
  const kinds: Command[] = [];
  for (const it of s.items) {
    if (it.kind !== 'action') continue;
    if (it.action.kind === 'shell') kinds.push({ kind: 'shell', line: '' });
    if (it.action.kind === 'call' && it.action.verb === 'libbpf') kinds.push({ kind: 'libbpf', pid: 0, op: 'load', source: '', file: '' });
  }
  await ensureRunners(kinds);
  return runScenarioSync(s, opts);
}

/** Run with the runners already loaded (`runScenario` loads them). */
export function runScenarioSync(s: Scenario, opts: { version?: string } = {}): ScenarioRun {
  const vline = s.items.find((i) => i.kind === 'version');
  const asked = vline?.version ?? opts.version ?? NEWEST_VERSION;
  const known = parseVersion(asked) !== null;
  const version = known ? asked : NEWEST_VERSION;
  const title = s.items.find((i) => i.kind === 'title')?.text;
  const kernel = createKernel({ version });
  const steps: Step[] = [bootStep(kernel)];
  const stepLines = [0];
  const expectations: ExpectResult[] = [];
  const run: ScenarioRun = { version, kernel, steps, stepLines, expectations, ...(title !== undefined ? { title } : {}) };
  if (!known) {
    run.error = { ...(vline?.at ?? { line: 1, col: 1 }), message: `the model does not know Linux ${asked}` };
    return run;
  }
  const procs = new Map<string, number>();
  const vars = new Map<string, Var>();
  const sources = new Map<string, string>();
  for (const it of s.items) if (it.kind === 'source') sources.set(it.name, it.body);
  let caption: string | undefined;

  const resolve = (v: Value): unknown => {
    switch (v.t) {
      case 'num': case 'str': return v.v;
      case 'ref': {
        const x = vars.get(v.name);
        if (!x) throw new RunError(v.at ?? { line: 0, col: 0 }, `no result named $${v.name} yet`);
        return x.value;
      }
      case 'list': return v.items.map(resolve);
      case 'obj': return Object.fromEntries(v.fields.map((f) => [f.key, resolve(f.value)]));
    }
  };
  const str = (v: Value, at: Pos, what: string): string => {
    const r = resolve(v);
    if (typeof r !== 'string') throw new RunError(at, `${what}: expected a name or a "string"`);
    return r;
  };
  const num = (v: Value, at: Pos, what: string): number => {
    const r = resolve(v);
    if (typeof r !== 'number') throw new RunError(at, `${what}: expected a number or a $name`);
    return r;
  };

  const commandOf = (a: Action, at: Pos): Command => {
    switch (a.kind) {
      case 'spawn': return syscall({ call: 'spawn', comm: a.name });
      case 'trigger': return syscall({ call: 'trigger', event: a.event });
      // a source block NAME.c is the object file NAME.o a line may open (bpftool prog load, iter pin)
      case 'shell': return shellCommand(a.line, Object.fromEntries([...sources].map(([n, body]) => [n.replace(/\.c$/, '.o'), `${body}\n`])));
      case 'call': {
        const pid = procs.get(a.proc);
        if (pid === undefined) throw new RunError(at, `no process named ${a.proc} (spawn it, or name a fork's child)`);
        const fields = Object.fromEntries(a.fields.map((f) => [f.key, resolve(f.value)]));
        const [x, y] = a.args;
        let call: KernelCall;
        switch (a.verb) {
          case 'fork': case 'exit': call = { call: a.verb, pid }; break;
          case 'close': case 'dup': call = { call: a.verb, pid, fd: num(x!, at, a.verb) }; break;
          case 'open': case 'mkdir': case 'rmdir': case 'unlink': call = { call: a.verb, pid, path: str(x!, at, a.verb) }; break;
          case 'rename': call = { call: 'rename', pid, from: str(x!, at, 'rename'), to: str(y!, at, 'rename') }; break;
          case 'bpf': call = { call: 'bpf', pid, cmd: str(x!, at, 'bpf'), attr: fields }; break;
          case 'libbpf': {
            const name = str(y!, at, 'libbpf');
            const source = sources.get(name);
            if (source === undefined) throw new RunError(at, `no source block named ${name}`);
            const op = str(x!, at, 'libbpf') as 'load' | 'load_attach';
            return { kind: 'libbpf', pid, op, source: `${source}\n`, file: name.replace(/\.c$/, '.o') };
          }
          default: call = { ...fields, call: a.verb, pid } as KernelCall;
        }
        return syscall(call);
      }
    }
  };

  /** The object an fd of a process refers to (a prog/map/link key, or a directory). */
  const objOfFd = (snap: KernelSnapshot, pid: number, fd: number): string | undefined => {
    const file = snap.processes.find((p) => p.pid === pid)?.fds.find((f) => f.fd === fd)?.file;
    return snap.files.find((f) => f.key === file)?.target;
  };

  const bindResult = (a: Action, result: CommandResult, snap: KernelSnapshot): void => {
    if (a.kind === 'spawn') {
      if (result.ret >= 0) { procs.set(a.name, result.ret); vars.set(a.name, { value: result.ret }); }
      return;
    }
    if (a.kind !== 'call' || a.bind === undefined) return;
    const pid = procs.get(a.proc)!;
    if (a.verb === 'fork') {
      if (result.ret >= 0) procs.set(a.bind, result.ret);
      vars.set(a.bind, { value: result.ret });
      return;
    }
    const v: Var = { value: result.ret, pid };
    if (result.ret >= 0) { const o = objOfFd(snap, pid, result.ret); if (o !== undefined) v.obj = o; }
    vars.set(a.bind, v);
  };

  const lastStep = (): Step | undefined => (steps.length > 1 ? steps[steps.length - 1] : undefined);

  /** The snapshot key of an object a reference names, or undefined when none is alive. */
  const objKey = (what: ObjKind, ref: Value, snap: KernelSnapshot, at: Pos): string | undefined => {
    if (ref.t === 'ref') {
      const v = vars.get(ref.name);
      if (!v) throw new RunError(ref.at ?? at, `no result named $${ref.name} yet`);
      if (v.obj === undefined || !v.obj.startsWith(`${what}#`)) throw new RunError(ref.at ?? at, `$${ref.name} is not a ${what} fd`);
      return v.obj;
    }
    if (ref.t !== 'str') throw new RunError(at, `expected a $name, a pin path or a name`);
    const name = ref.v;
    if (name.startsWith('/')) return [...snap.bpffs, ...snap.cgroupfs].find((e) => e.path === name && e.obj?.startsWith(`${what}#`))?.obj;
    if (what === 'prog') return snap.progs.slice().reverse().find((p) => p.name === name)?.key;
    if (what === 'map') return snap.maps.slice().reverse().find((m) => m.name === name)?.key;
    const prog = snap.progs.filter((p) => p.name === name).map((p) => p.key);
    return snap.links.slice().reverse().find((l) => prog.includes(l.prog))?.key;
  };

  const refText = (v: Value): string => (v.t === 'ref' ? `$${v.name}` : v.t === 'str' ? v.v : '?');

  /** [held, what was found] */
  const evaluate = (ck: Check, at: Pos): [boolean, string] => {
    const step = lastStep();
    const snap = steps[steps.length - 1]!.snapshot;
    const needLast = (): { command: Command; result: CommandResult } => {
      if (!step?.command) throw new RunError(at, 'no action before this expect');
      return { command: step.command, result: step.result };
    };
    const got = (r: CommandResult): string => (r.exitCode !== undefined ? `exit ${r.exitCode}` : r.ret < 0 ? `-${r.errno ?? r.ret}` : `${r.ret}`);
    switch (ck.c) {
      case 'ok': { const { command, result } = needLast(); const ok = command.kind === 'shell' ? result.exitCode === 0 : result.ret >= 0; return [ok, `returned ${got(result)}${result.why ? ` (${result.why})` : ''}`]; }
      case 'errno': { const { result } = needLast(); return [result.ret < 0 && result.errno === ck.name, `returned ${got(result)}`]; }
      case 'ret': { const { result } = needLast(); const want = resolve(ck.value); return [result.ret === want, `returned ${got(result)}`]; }
      case 'exit': { const { result } = needLast(); return [result.exitCode === ck.code, `exit ${result.exitCode ?? 'none (not a shell line)'}`]; }
      case 'output': {
        const { result } = needLast();
        const out = result.output ?? '';
        return [out.split('\n').some((l) => l.includes(ck.text)), out === '' ? 'no output' : `output:\n${out.split('\n').map((l) => `    ${l}`).join('\n')}`];
      }
      case 'ran': { const { result } = needLast(); return [result.ran.length === ck.count, `ran ${result.ran.length}`]; }
      case 'ranProgs': {
        const { result } = needLast();
        const want = ck.progs.map((p) => {
          const key = objKey('prog', p, snap, at);
          const prog = snap.progs.find((x) => x.key === key);
          if (!prog) throw new RunError(at, `no program ${refText(p)} alive`);
          return prog.id;
        });
        const names = (ids: readonly number[]) => ids.map((id) => snap.progs.find((p) => p.id === id)?.name ?? `id ${id}`).join(' ') || 'nothing';
        return [want.length === result.ran.length && want.every((id, i) => id === result.ran[i]), `ran ${names(result.ran)}`];
      }
      case 'state': {
        const key = objKey(ck.what, ck.ref, snap, at);
        const arr: readonly { key: string }[] = ck.what === 'link' ? snap.links : ck.what === 'prog' ? snap.progs : snap.maps;
        const obj = arr.find((o) => o.key === key);
        const found = !obj ? 'freed' : ck.what === 'link' ? ((obj as KernelSnapshot['links'][number]).attached ? 'attached' : 'detached') : 'alive';
        const ok = ck.state === 'freed' ? !obj : ck.state === 'alive' ? !!obj : found === ck.state;
        return [ok, `${ck.what} ${refText(ck.ref)} is ${found}`];
      }
      case 'runs': {
        const key = objKey('prog', ck.ref, snap, at);
        const prog = snap.progs.find((p) => p.key === key);
        return [prog?.runCnt === ck.n, prog ? `run count ${prog.runCnt}` : 'the program is freed'];
      }
      case 'refcnt': {
        const key = objKey(ck.what, ck.ref, snap, at);
        const arr: readonly { key: string; refcnt: number }[] = ck.what === 'link' ? snap.links : ck.what === 'prog' ? snap.progs : snap.maps;
        const o = arr.find((x) => x.key === key);
        return [o?.refcnt === ck.n, o ? `refcnt ${o.refcnt}` : `the ${ck.what} is freed`];
      }
      case 'pin': {
        const e = [...snap.bpffs, ...snap.cgroupfs].find((x) => x.path === ck.path);
        return [!!e, e ? `${ck.path} exists` : `no ${ck.path}`];
      }
      case 'count': {
        const n = ck.what === 'processes' ? snap.processes.length : ck.what === 'progs' ? snap.progs.length : ck.what === 'maps' ? snap.maps.length
          : ck.what === 'links' ? snap.links.length : ck.what === 'pins' ? snap.bpffs.filter((e) => e.kind === 'pin').length
            : ck.what === 'legacy' ? snap.legacy.length : snap.legacy.filter((l) => l.abandoned).length;
        return [n === ck.n, `${n} ${ck.what}`];
      }
      case 'process': {
        const pid = procs.get(ck.name);
        if (pid === undefined) throw new RunError(at, `no process named ${ck.name}`);
        const alive = snap.processes.some((p) => p.pid === pid);
        return [(ck.state === 'alive') === alive, alive ? 'alive' : 'exited'];
      }
    }
  };

  try {
    for (const it of s.items) {
      const at = it.kind === 'action' || it.kind === 'expect' ? it.at ?? { line: 0, col: 0 } : { line: 0, col: 0 };
      if (it.kind === 'caption') caption = caption === undefined ? it.text : `${caption} ${it.text}`;
      else if (it.kind === 'action') {
        let command = commandOf(it.action, at);
        if (caption !== undefined) { command = { ...command, caption }; caption = undefined; }
        const step = applyStep(kernel, steps[steps.length - 1]!, command);
        steps.push(step);
        stepLines.push(at.line);
        bindResult(it.action, step.result, step.snapshot);
      } else if (it.kind === 'expect') {
        const [held, found] = evaluate(it.check, at);
        const ok = it.negate ? !held : held;
        const text = `expect ${it.negate ? 'not ' : ''}${checkText(it.check)}`;
        expectations.push({ ...at, text, ok, step: steps.length - 1, ...(ok ? {} : { message: found }) });
      }
    }
  } catch (e) {
    if (!(e instanceof RunError)) throw e;
    run.error = { ...e.pos, message: e.message };
  }
  return run;
}

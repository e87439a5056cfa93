import { describe, expect, it } from 'vitest';
import { syscall, type Command } from '../store/command';
import { commandsOf, type Step } from '../store/history';
import { createPlaygroundStore, type PlaygroundStore } from '../store/store';
import { ensureRunners } from '../store/runners/index';
import { GALLERY } from './gallery/index';
import { parse, runScenario } from './index';
import { actionLines, adopt, follow, rebase, recordAll, type Recording } from './live';
import { recordText } from './record';

const strip = (cs: readonly unknown[]) => JSON.parse(JSON.stringify(cs)) as unknown[];

async function rerun(text: string) {
  const p = parse(text);
  if (!p.ok) throw new Error(`${p.error.line}:${p.error.col}: ${p.error.message}\n${text}`);
  const run = await runScenario(p.scenario);
  if (run.error) throw new Error(`${run.error.line}: ${run.error.message}\n${text}`);
  return run;
}

/** Follow a history one step at a time, as the page does after each click. */
function live(rec: Recording, steps: readonly Step[], version: string): Recording {
  let r = rec;
  for (let i = 1; i < steps.length; i++) r = follow(r, steps.slice(0, i + 1), version)!.rec;
  return r;
}

/** A store holding a scenario's run, as "Run scenario" leaves the page. */
async function storeOf(text: string): Promise<{ store: PlaygroundStore; rec: Recording }> {
  const run = await rerun(text);
  const store = createPlaygroundStore({ version: run.version, story: { id: 's', title: 's', intro: 'boot', commands: commandsOf(run.steps) } });
  const rec = adopt(text, store.getState().steps, run.version);
  if (!rec) throw new Error('not adopted');
  return { store, rec };
}

const spawn = (comm: string): Command => syscall({ call: 'spawn', comm });
const followStore = (rec: Recording, store: PlaygroundStore) => follow(rec, store.getState().steps, store.getState().version)!;

describe('live recording', () => {
  it.each(GALLERY.map((g) => [g.id, g.text] as const))('%s: recorded step by step is the whole recording, and replays to the same commands', async (_id, text) => {
    const { steps, version } = await rerun(text);
    const r = live(recordAll(steps.slice(0, 1), version), steps, version);
    expect(r.text).toBe(recordText(steps, version));
    // the names read back from the text (a text the recorder did not write) are the same
    const half = recordAll(steps.slice(0, Math.ceil(steps.length / 2)), version);
    expect(follow({ text: half.text, version, steps: half.steps }, steps, version)!.rec.text).toBe(r.text);
    expect(strip(commandsOf((await rerun(r.text)).steps))).toEqual(strip(commandsOf(steps)));
  });

  it.each(GALLERY.map((g) => [g.id, g.text] as const))('%s: actions after a run are added to its text, which replays to the history', async (_id, text) => {
    const { store, rec } = await storeOf(text);
    const n = store.getState().steps.length - 1;
    store.getState().last();
    store.getState().dispatch(spawn('late'));
    const r = followStore(rec, store).rec;
    store.getState().dispatch(syscall({ call: 'fork', pid: store.getState().steps[n + 1]!.result.ret }));
    const f = followStore(r, store).rec;
    expect(f.text.startsWith(text.endsWith('\n') ? text : `${text}\n`)).toBe(true);
    expect(f.text.slice(text.length).trim().split('\n')).toEqual(['spawn late', 'late: late_child = fork']);
    const again = await rerun(f.text);
    expect(strip(commandsOf(again.steps))).toEqual(strip(commandsOf(store.getState().steps)));
    expect(again.expectations.every((e) => e.ok)).toBe(true);
  });

  it('an action at an earlier step drops the lines of the later steps (own text: the same as recording anew)', async () => {
    const { store } = await storeOf(GALLERY.find((g) => g.id === 'link_pinning')!.text);
    const s = store.getState();
    const rec = recordAll(s.steps, s.version);
    s.seek(4);
    s.dispatch(spawn('other'));
    const f = followStore(rec, store);
    expect([f.dropped, f.added]).toEqual([s.steps.length - 5, 1]);
    expect(f.rec.text).toBe(recordText(store.getState().steps, s.version));
  });

  it('an action at an earlier step of a written scenario keeps its lines and expectations up to that step', async () => {
    const text = ['title t', 'spawn a', '> a loads', 'a: p = bpf BPF_PROG_LOAD prog_type=BPF_PROG_TYPE_RAW_TRACEPOINT prog_name=x', 'expect ok', '# the link',
      '> a attaches', 'a: l = bpf BPF_RAW_TRACEPOINT_OPEN name=sys_enter prog_fd=$p', 'expect links 1', 'a: exit', ''].join('\n');
    const { store, rec } = await storeOf(text);
    store.getState().seek(2);
    store.getState().dispatch(syscall({ call: 'close', pid: 100, fd: 3 }));
    const f = followStore(rec, store);
    expect(f.rec.text).toBe(['title t', 'spawn a', '> a loads', 'a: p = bpf BPF_PROG_LOAD prog_type=BPF_PROG_TYPE_RAW_TRACEPOINT prog_name=x', 'expect ok', 'a: close 3', ''].join('\n'));
    const again = await rerun(f.rec.text);
    expect(strip(commandsOf(again.steps))).toEqual(strip(commandsOf(store.getState().steps)));
    expect(again.expectations.map((e) => e.ok)).toEqual([true]);
    expect(actionLines(f.rec.text)).toEqual([0, 2, 4, 6]);
  });

  it('back to step 0: the header stays; a source block a kept line uses stays even when written after it', async () => {
    const src = 'SEC("raw_tp/sys_enter") int counter(void *ctx) { return 0; }';
    const text = ['title t', 'version 6.18', 'spawn a', 'a: libbpf load_attach c.bpf.c', 'a: exit', '```c c.bpf.c', src, '```', ''].join('\n');
    const { store, rec } = await storeOf(text);
    store.getState().seek(2);
    store.getState().dispatch(spawn('b'));
    expect(followStore(rec, store).rec.text).toBe(['title t', 'version 6.18', 'spawn a', 'a: libbpf load_attach c.bpf.c', '```c c.bpf.c', src, '```', 'spawn b', ''].join('\n'));
    store.getState().seek(0);
    store.getState().dispatch(spawn('b'));
    expect(followStore(rec, store).rec.text).toBe('title t\nversion 6.18\nspawn b\n');
  });

  it('a version switch rewrites (or adds) the version line only', async () => {
    const { store, rec } = await storeOf('title t\nspawn a\na: exit\n');
    store.getState().setVersion('5.6');
    const f = followStore(rec, store);
    expect([f.dropped, f.added, f.rec.text]).toEqual([0, 0, 'title t\nversion 5.6\nspawn a\na: exit\n']);
    store.getState().setVersion('6.18');
    expect(followStore(f.rec, store).rec.text).toBe('title t\nversion 6.18\nspawn a\na: exit\n');
  });

  it('a new history (a new kernel, a story) keeps only the header', async () => {
    const { store, rec } = await storeOf('version 6.18\nspawn a\n');
    store.getState().reset();
    expect(followStore(rec, store).rec.text).toBe('version 6.18\n');
  });

  it('libbpf loads: the source becomes one block, reused while it is the same', async () => {
    await ensureRunners([{ kind: 'libbpf', pid: 0, op: 'load', source: '', file: '' }]);
    const store = createPlaygroundStore();
    const rec = recordAll(store.getState().steps, store.getState().version);
    const source = 'SEC("raw_tp/sys_enter") int counter(void *ctx) { return 0; }\n';
    const other = source.replace('counter', 'other');
    const s = store.getState();
    s.dispatch(spawn('loader'));
    s.dispatch({ kind: 'libbpf', pid: 100, op: 'load', source, file: 'prog.bpf.o' });
    let r = followStore(rec, store).rec;
    s.dispatch({ kind: 'libbpf', pid: 100, op: 'load_attach', source, file: 'prog.bpf.o' });
    s.dispatch({ kind: 'libbpf', pid: 100, op: 'load', source: other, file: 'other.bpf.o' });
    r = followStore(r, store).rec;
    expect(r.text).toBe(recordText(store.getState().steps, '6.18'));
    expect(r.text.match(/^```c .*$/gm)).toEqual(['```c prog.bpf.c', '```c other.bpf.c']);
    expect(strip(commandsOf((await rerun(r.text)).steps))).toEqual(strip(commandsOf(store.getState().steps)));
    // Another source under the same file name gets a block of its own, and so an object
    // file of its own when replayed (a scenario names the object after the block).
    s.dispatch({ kind: 'libbpf', pid: 100, op: 'load', source: other, file: 'prog.bpf.o' });
    r = followStore(r, store).rec;
    expect(r.text).toMatch(/```c prog_2\.bpf\.c\n.*int other[^]*\nloader: libbpf load prog_2\.bpf\.c\n$/);
  });
});

describe('edits by hand', () => {
  const rec = (text: string) => ({ text, version: '6.18', steps: [] });
  const base = 'version 6.18\nspawn a\na: exit\n';

  it('are kept when the text replays the same: expectations, captions, comments, blank lines', () => {
    const edited = 'title mine\nversion 6.18\n> start\nspawn a\nexpect ok\n\n# then\na: exit\nexpect processes 0\n';
    expect(rebase(rec(base), edited)?.text).toBe(edited);
  });

  it.each([
    ['an action changed', 'version 6.18\nspawn b\na: exit\n'],
    ['an action added', 'version 6.18\nspawn a\na: exit\nspawn c\n'],
    ['another version', 'version 5.6\nspawn a\na: exit\n'],
    ['a parse error', 'version 6.18\nspawn a\na: frob\n'],
  ])('are refused when %s', (_what, edited) => {
    expect(rebase(rec(base), edited)).toBeNull();
  });

  it('a scenario that did not run every line is not adopted', () => {
    expect(adopt('spawn a\nb: exit\n', [], '6.18')).toBeNull();
  });
});

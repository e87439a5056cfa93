/**
 * Live recording: a scenario text kept in step with a history as it changes. New steps
 * append their lines (`stepItems`, with the names the text already gives); steps the history
 * dropped (an action at an earlier step, a new kernel) take their lines with them; a
 * version switch rewrites the `version` line. The text may be the recorder's own
 * (`recordAll`), a scenario that ran into the history (`adopt`), or either with edits by
 * hand that keep its actions (`rebase`). Pure: the page's subscription is src/ui/scenarioRecord.ts.
 */
import { NEWEST_VERSION } from '../kernel/index';
import type { Step } from '../store/history';
import { stripPositions, type Item, type Scenario } from './ast';
import { parse } from './parse';
import { itemText, serialize } from './serialize';
import { copyNames, newNames, recordNamed, stepItems, type Names } from './record';

export interface Recording {
  /** A scenario whose action lines are the history's steps 1, 2, ... in order. */
  readonly text: string;
  readonly version: string;
  /** The history it records (step 0 is the boot). */
  readonly steps: readonly Step[];
  /** The names the text gives after its last step, when known (else read from the text). */
  readonly names?: Names;
}

/** What `follow` did: the new recording, and how many steps' lines it dropped and added. */
export interface Followed { rec: Recording; dropped: number; added: number }

/** A parsed text with the first and last line of each item. */
interface Layout { lines: string[]; items: Item[]; first: number[]; last: number[] }

function layout(text: string): Layout | null {
  const p = parse(text);
  if (!p.ok) return null;
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const first: number[] = [];
  const last: number[] = [];
  let line = 1;
  for (const it of p.scenario.items) {
    const a = it.kind === 'source' && it.at ? it.at.line : line;
    let b = a;
    if (it.kind === 'source') {
      b = a + 1;
      while (b <= lines.length && lines[b - 1] !== '```') b++;
    }
    first.push(a);
    last.push(b);
    line = b + 1;
  }
  return { lines, items: p.scenario.items, first, last };
}

const isAction = (it: Item): boolean => it.kind === 'action';
const versionOf = (items: readonly Item[]): string => items.find((i) => i.kind === 'version')?.version ?? NEWEST_VERSION;

/** The last line of each step's lines: step 0 is the header (before the first caption,
 * source or action); a step is its action and the `expect` lines after it (the last step:
 * everything to the end). */
function stepEnds(l: Layout): number[] {
  const acts = l.items.flatMap((it, i) => (isAction(it) ? [i] : []));
  const opens = l.items.findIndex((it) => it.kind === 'action' || it.kind === 'caption' || it.kind === 'source');
  const ends = [acts.length === 0 || opens < 0 ? l.lines.length : l.first[opens]! - 1];
  acts.forEach((a, j) => {
    if (j === acts.length - 1) { ends.push(l.lines.length); return; }
    let end = l.last[a]!;
    for (let i = a + 1; i < l.items.length; i++) {
      const k = l.items[i]!.kind;
      if (k === 'action' || k === 'caption' || k === 'source') break;
      if (k === 'expect') end = l.last[i]!;
    }
    ends.push(end);
  });
  return ends;
}

/** The first `upto` lines, plus any source block after them that a kept libbpf line names. */
function cut(l: Layout, upto: number): string[] {
  const out = l.lines.slice(0, upto);
  const kept = new Set<string>();
  const used = new Set<string>();
  l.items.forEach((it, i) => {
    if (l.first[i]! > upto) return;
    if (it.kind === 'source') kept.add(it.name);
    if (it.kind === 'action' && it.action.kind === 'call' && it.action.verb === 'libbpf' && it.action.args[1]?.t === 'str') used.add(it.action.args[1].v);
  });
  l.items.forEach((it, i) => {
    if (it.kind === 'source' && l.first[i]! > upto && used.has(it.name)) out.push(...l.lines.slice(l.first[i]! - 1, l.last[i]!));
  });
  return out;
}

/** `lines` with a `version` line for `version` (rewritten, or added after the title). */
function withVersion(lines: string[], version: string): string[] {
  const l = layout(lines.join('\n'));
  if (!l || versionOf(l.items) === version) return lines;
  const at = l.items.findIndex((it) => it.kind === 'version');
  const out = [...lines];
  if (at >= 0) out[l.first[at]! - 1] = `version ${version}`;
  else {
    const title = l.items.findIndex((it) => it.kind === 'title');
    out.splice(title >= 0 ? l.first[title]! : 0, 0, `version ${version}`);
  }
  return out;
}

/** The names a text gives, as the recorder would have them after its steps. */
function namesOf(items: readonly Item[], steps: readonly Step[]): Names {
  const names = newNames();
  for (const it of items) if (it.kind === 'source' && !names.sources.has(it.name)) names.sources.set(it.name, it.body);
  let i = 0;
  for (const it of items) {
    if (it.kind !== 'action') continue;
    const ret = steps[++i]?.result.ret ?? -1;
    const a = it.action;
    if (a.kind === 'spawn' && ret > 0) { names.procs.set(ret, a.name); names.used.add(a.name); }
    if (a.kind !== 'call') continue;
    names.used.add(a.proc);
    if (a.verb === 'fork' && a.bind !== undefined && ret > 0) { names.procs.set(ret, a.bind); names.used.add(a.bind); }
  }
  return names;
}

/** The recorder's own text of a whole history (the same as `recordText`). */
export function recordAll(steps: readonly Step[], version: string): Recording {
  const { scenario, names } = recordNamed(steps, version);
  return { text: serialize(scenario), version, steps, names };
}

/** A scenario that ran into the history as `steps`: it records them when every action line
 * ran (no parse error, no line that stopped the run) on `version`. */
export function adopt(text: string, steps: readonly Step[], version: string): Recording | null {
  const l = layout(text);
  if (!l || versionOf(l.items) !== version || l.items.filter(isAction).length !== steps.length - 1) return null;
  return { text, version, steps };
}

/** What replays: the version, the action lines and the source blocks (by name). */
function replayKey(s: Scenario): string {
  const sources = s.items.filter((i) => i.kind === 'source').sort((a, b) => (a.name < b.name ? -1 : 1));
  return JSON.stringify([versionOf(s.items), stripPositions(s.items.filter(isAction)), stripPositions(sources)]);
}

/** Edits by hand: `text` still records the history when it replays the same (captions,
 * expectations, comments and blank lines may change); else null. */
export function rebase(rec: Recording, text: string): Recording | null {
  if (text === rec.text) return rec;
  const a = parse(text);
  const b = parse(rec.text);
  if (!a.ok || !b.ok || replayKey(a.scenario) !== replayKey(b.scenario)) return null;
  return { ...rec, text };
}

/** The recording after the history became `steps` on `version`: the steps it shares with
 * the recorded history (the same commands from step 1 on) keep their lines, the lines of the
 * others are dropped, and the new steps' lines are added at the end. Null when the text
 * does not parse. Only adding to a text whose names are known reads none of it. */
export function follow(rec: Recording, steps: readonly Step[], version: string): Followed | null {
  const had = rec.steps.length - 1;
  let k = 0;
  while (k < had && k + 1 < steps.length && rec.steps[k + 1]!.command === steps[k + 1]!.command) k++;
  if (k === had && steps.length === rec.steps.length && version === rec.version) return { rec: { ...rec, steps }, dropped: 0, added: 0 };
  let head = rec.text;
  let names: Names;
  if (k === had && version === rec.version && rec.names) names = copyNames(rec.names);
  else {
    const l = layout(rec.text);
    if (!l) return null;
    const lines = withVersion(k < had ? cut(l, stepEnds(l)[k]!) : l.lines, version);
    head = lines.length ? `${lines.join('\n')}\n` : '';
    names = namesOf(layout(head)?.items ?? [], steps);
  }
  if (head !== '' && !head.endsWith('\n')) head += '\n';
  const added = steps.slice(k + 1).flatMap((step) => stepItems(step, names).map(itemText));
  const text = added.length ? `${head}${added.join('\n')}\n` : head;
  return { rec: { text, version, steps, names }, dropped: had - k, added: steps.length - 1 - k };
}

/** The line of each step's action (index 0: 0), or null when the text does not parse. */
export function actionLines(text: string): number[] | null {
  const l = layout(text);
  return l ? [0, ...l.items.flatMap((it, i) => (isAction(it) ? [l.first[i]!] : []))] : null;
}

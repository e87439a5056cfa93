/**
 * The page's live recording: while "Record actions" is on, every change of the store's
 * history is brought into the scenario text (src/scenario/live.ts): a new step appends its
 * lines, dropped steps lose theirs, a version switch rewrites the `version` line. Edits by
 * hand that keep the actions are kept; a text that no longer replays to the history (its
 * actions edited, an example not run) is never overwritten: recording pauses and says why.
 */
import { follow, rebase, recordAll } from '../scenario/live';
import type { PlaygroundState, PlaygroundStore } from '../store/index';
import { scenarioUi } from './scenarioState';

export const PAUSED =
  'Recording paused: the text no longer replays to the history (its actions were edited, or it was not run), so it was left as it is. ' +
  'Run scenario to make it the history, or Record history to start again from the history.';

let quiet = 0;

/** Run `f` without recording what it does to the history (a scenario loading into the store). */
export function unrecorded<T>(f: () => T): T {
  quiet++;
  try { return f(); } finally { quiet--; }
}

/** Bring the text along with the history. `acted`: the history gained a step (an empty
 * text starts recording only then, not on a version switch or a new kernel). */
export function syncRecording(store: PlaygroundStore, acted = true): void {
  const ui = scenarioUi.getState();
  if (!ui.recording || quiet > 0) return;
  const { steps, version } = store.getState();
  if (ui.text.trim() === '') {
    if (!acted) return;
    const rec = recordAll(steps, version);
    const text = steps.length > 1 ? rec.text : '';
    ui.set({ rec, text, stepLines: [], expectations: null, error: null, recordNote: null });
    return;
  }
  const base = ui.rec && rebase(ui.rec, ui.text);
  const f = base && follow(base, steps, version);
  if (!f) { ui.set({ recording: false, recordNote: PAUSED }); return; }
  if (f.rec.text === ui.text) { ui.set({ rec: f.rec }); return; }
  const kept = steps.length - 1 - f.added;
  const recordNote = f.dropped === 0 ? null
    : `The history went on from step ${kept}: the lines of the ${f.dropped === 1 ? 'step' : `${f.dropped} steps`} after it were removed.`;
  const moved = f.dropped > 0 || version !== base.version;
  ui.set({ rec: f.rec, text: f.rec.text, stepLines: [], error: null, recordNote, ...(moved ? { expectations: null } : {}) });
}

/** "Record history": the text becomes the whole history's recording, and recording goes on. */
export function recordFromHistory(store: PlaygroundStore): void {
  const { steps, version } = store.getState();
  const rec = recordAll(steps, version);
  scenarioUi.getState().set({ rec, text: rec.text, recording: true, recordNote: null, expectations: null, error: null, stepLines: [] });
}

/** "Record actions" on or off; on again, the text catches up with the history (or stays paused). */
export function setRecording(store: PlaygroundStore, on: boolean): void {
  scenarioUi.getState().set({ recording: on, recordNote: null });
  if (on) syncRecording(store);
}

const acted = (s: PlaygroundState, prev: PlaygroundState): boolean =>
  s.steps[0] === prev.steps[0] && s.steps[s.steps.length - 1] !== prev.steps[prev.steps.length - 1];

/** Follow the store's history from now on; returns the unsubscribe. */
export function recordHistory(store: PlaygroundStore): () => void {
  return store.subscribe((s, prev) => {
    if (s.steps !== prev.steps || s.version !== prev.version) syncRecording(store, acted(s, prev));
  });
}

/** Running a scenario into the page's store, and opening a share link. */
import { BOOT_CAPTION, commandsOf } from '../store/history';
import type { PlaygroundStore } from '../store/index';
import { decodeShare, parse, runScenario } from '../scenario/index';
import { adopt } from '../scenario/live';
import { unrecorded } from './scenarioRecord';
import { scenarioUi } from './scenarioState';

/** Parse and run `text`; on success the page's history becomes its steps, at `cursor`.
 * When every line ran, the text records that history: recording goes on from its last step. */
export async function loadScenario(store: PlaygroundStore, text: string, cursor = 0): Promise<boolean> {
  const ui = scenarioUi.getState();
  const p = parse(text);
  if (!p.ok) {
    ui.set({ text, error: p.error, expectations: null });
    return false;
  }
  const run = await runScenario(p.scenario);
  const story = { id: 'scenario', title: run.title ?? 'Scenario', intro: BOOT_CAPTION, commands: commandsOf(run.steps) };
  unrecorded(() => store.getState().loadStory(story, { version: run.version, cursor: Math.min(cursor, run.steps.length - 1) }));
  const rec = run.error ? null : adopt(text, store.getState().steps, run.version);
  ui.set({ text, error: run.error ?? null, expectations: run.expectations, stepLines: run.stepLines, rec, recordNote: null, ...(rec ? { recording: true } : {}) });
  return true;
}

/** Open the scenario of a share link in the page's fragment, if there is one. Never throws:
 * a link that cannot be opened leaves the page as it is, with a notice saying why. */
export async function openShareLink(store: PlaygroundStore, hash: string): Promise<void> {
  const r = decodeShare(hash);
  if (!r.ok) {
    if (r.error.kind !== 'none') scenarioUi.getState().set({ notice: r.error.message, ...(r.error.at ? { error: r.error.at } : {}) });
    return;
  }
  try {
    await loadScenario(store, r.shared.text, r.shared.step);
  } catch (e) {
    scenarioUi.getState().set({ notice: `The shared scenario could not be opened: ${(e as Error).message}` });
  }
}

/**
 * The scenario panel's state, shared with the page (a share link opened at load fills it):
 * the text in the editor, the last run's expectations, a parse error, a notice for a
 * share link that could not be opened, and the live recording (scenarioRecord.ts).
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ExpectResult, ScenarioError } from '../scenario/index';
import type { Recording } from '../scenario/live';

export interface ScenarioUiState {
  text: string;
  expectations: readonly ExpectResult[] | null;
  /** A parse error, or a line that could not run. */
  error: ScenarioError | null;
  /** The line of each step of the last scenario run (index: step); a text the recorder
   * wrote has its own (`actionLines`). */
  stepLines: readonly number[];
  /** A share link that could not be opened: why. */
  notice: string | null;
  /** The last share link made. */
  link: string | null;
  /** "Record actions": every change of the history is brought into the text. */
  recording: boolean;
  /** The history the text records, as of the last change the recorder followed (null: none). */
  rec: Recording | null;
  /** What the recorder last did that is worth saying (lines dropped, or why it paused). */
  recordNote: string | null;
  set(p: Partial<Omit<ScenarioUiState, 'set'>>): void;
}

export const scenarioUi = createStore<ScenarioUiState>()((set) => ({
  text: '', expectations: null, error: null, stepLines: [], notice: null, link: null,
  recording: true, rec: null, recordNote: null,
  set(p) { set(p); },
}));

export function useScenarioUi<U>(selector: (s: ScenarioUiState) => U): U {
  return useStore(scenarioUi, selector);
}

/**
 * The scenario panel's state, shared with the page (a share link opened at load fills it):
 * the text in the editor, the last run's expectations, a parse error, and a notice for a
 * share link that could not be opened.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ExpectResult, ScenarioError } from '../scenario/index';

export interface ScenarioUiState {
  text: string;
  expectations: readonly ExpectResult[] | null;
  /** A parse error, or a line that could not run. */
  error: ScenarioError | null;
  /** The line of each step of the loaded scenario (index: step). */
  stepLines: readonly number[];
  /** A share link that could not be opened: why. */
  notice: string | null;
  /** The last share link made. */
  link: string | null;
  set(p: Partial<Omit<ScenarioUiState, 'set'>>): void;
}

export const scenarioUi = createStore<ScenarioUiState>()((set) => ({
  text: '', expectations: null, error: null, stepLines: [], notice: null, link: null,
  set(p) { set(p); },
}));

export function useScenarioUi<U>(selector: (s: ScenarioUiState) => U): U {
  return useStore(scenarioUi, selector);
}

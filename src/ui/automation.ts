/**
 * `window.playground`: the automation API for tests, demos and benches. It runs the same
 * registry actions the buttons run. Part of the public interface (docs/automation.md).
 */
import { ACTIONS, runAction, type ActionArgs, type PlaygroundState, type PlaygroundStore } from '../store/index';

export interface AutomationApi {
  /** Run a registry action by id; returns the step's result for kernel actions. */
  run(id: string, args?: ActionArgs): { ret: number; errno?: string } | undefined;
  /** The store's state (steps, cursor, selected, version...). */
  state(): PlaygroundState;
  /** Ids of every registry action. */
  actions(): string[];
  /** The underlying store, for benches that build large histories. */
  store: PlaygroundStore;
}

declare global {
  interface Window { playground?: AutomationApi }
}

export function installAutomation(store: PlaygroundStore): () => void {
  window.playground = {
    run(id, args = {}) {
      const step = runAction(store, id, args);
      return step ? { ret: step.result.ret, ...(step.result.errno ? { errno: step.result.errno } : {}) } : undefined;
    },
    state: () => store.getState(),
    actions: () => ACTIONS.map((a) => a.id),
    store,
  };
  return () => { delete window.playground; };
}

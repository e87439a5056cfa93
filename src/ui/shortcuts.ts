/** Keyboard shortcuts from the action registry, ignored while typing in a field. */
import { useEffect } from 'react';
import { actionForShortcut, disabledReason, runAction, type PlaygroundStore } from '../store/index';

const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], .nokey';

export function useShortcuts(store: PlaygroundStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target instanceof Element ? e.target : null;
      if (target?.closest(TYPING)) return;
      const a = actionForShortcut(e.key);
      if (!a || disabledReason(store.getState(), a.id) !== null) return;
      e.preventDefault();
      runAction(store, a.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}

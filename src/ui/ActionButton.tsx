/**
 * A button for one registry action: its label, accessible name, shortcut, enabled state
 * and reason all come from the registry (src/store/actions.ts).
 */
import type { ReactNode } from 'react';
import { action, actionName, disabledReason, runAction, type ActionArgs } from '../store/index';
import { usePlayground, useStoreApi } from './store';

interface Props {
  id: string;
  args?: ActionArgs;
  /** Visible text (defaults to the action's label). */
  children?: ReactNode;
  className?: string;
  /** Called after the action ran (forms clear their fields). */
  onDone?: () => void;
}

const NO_ARGS: ActionArgs = {};

export function ActionButton({ id, args = NO_ARGS, children, className, onDone }: Props) {
  const store = useStoreApi();
  const reason = usePlayground((s) => disabledReason(s, id, args));
  const def = action(id);
  const name = actionName(id, args);
  const text = children ?? def.label;
  return (
    <button
      type="button"
      className={className}
      aria-label={typeof text === 'string' && text === name ? undefined : name}
      title={reason ?? `${def.help}${def.shortcut ? ` (${def.shortcut})` : ''}`}
      disabled={reason !== null}
      aria-keyshortcuts={def.shortcut}
      data-action={id}
      onClick={() => {
        runAction(store, id, args);
        onDone?.();
      }}
    >
      {text}
    </button>
  );
}

/** The left column: one tab per panel, switchable by mouse, arrow keys or 1–5. */
import { useRef, type KeyboardEvent } from 'react';
import type { PanelId } from '../store/index';
import { AttachPanel } from './panels/AttachPanel';
import { BpffsPanel } from './panels/BpffsPanel';
import { EventsPanel } from './panels/EventsPanel';
import { ProcessesPanel } from './panels/ProcessesPanel';
import { ProgramsPanel } from './panels/ProgramsPanel';
import { usePlayground, useStoreApi } from './store';

const TABS: readonly { id: PanelId; label: string; Panel: () => React.JSX.Element }[] = [
  { id: 'processes', label: 'Processes', Panel: ProcessesPanel },
  { id: 'programs', label: 'Programs', Panel: ProgramsPanel },
  { id: 'attach', label: 'Attach', Panel: AttachPanel },
  { id: 'bpffs', label: 'BPF FS', Panel: BpffsPanel },
  { id: 'events', label: 'Events', Panel: EventsPanel },
];

export function SidePanels() {
  const store = useStoreApi();
  const panel = usePlayground((s) => s.panel);
  const list = useRef<HTMLDivElement>(null);
  const active = TABS.find((t) => t.id === panel) ?? TABS[0]!;

  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === panel);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    e.stopPropagation();
    const t = TABS[(next + TABS.length) % TABS.length]!;
    store.getState().setPanel(t.id);
    list.current?.querySelector<HTMLButtonElement>(`#tab-${t.id}`)?.focus();
  };

  return (
    <aside className="side" aria-label="Panels">
      <div className="tabs" role="tablist" aria-label="Panels" ref={list} onKeyDown={onKey}>
        {TABS.map((t, i) => (
          <button key={t.id} id={`tab-${t.id}`} type="button" role="tab" aria-selected={t.id === panel} aria-controls={`panel-${t.id}`}
            tabIndex={t.id === panel ? 0 : -1} aria-keyshortcuts={String(i + 1)} onClick={() => store.getState().setPanel(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      <div className="tabpanel" role="tabpanel" id={`panel-${active.id}`} aria-labelledby={`tab-${active.id}`}>
        <active.Panel />
      </div>
    </aside>
  );
}

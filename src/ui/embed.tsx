/**
 * Embed mode (`?embed`): graph, caption and step controls only, driven by URL options and a
 * validated postMessage API (see embedProtocol.ts), telling the host page the step and the
 * height. Read-only: no panels, no console.
 */
import { useEffect } from 'react';
import { GALLERY } from '../scenario/gallery/index';
import type { PlaygroundStore } from '../store/index';
import { GraphPane } from './graph/GraphPane';
import { PREFIX, parseHostMessage, type EmbedOptions } from './embedProtocol';
import { loadScenario } from './scenarioLoad';
import { scenarioUi } from './scenarioState';
import { CaptionBar, StepControls } from './Toolbar';
import { ShareNotice } from './ScenarioPanel';

function post(msg: Record<string, unknown>): void {
  if (typeof window !== 'undefined' && window.parent !== window) window.parent.postMessage({ ...msg, type: `${PREFIX}${String(msg.type)}` }, '*');
}

async function load(store: PlaygroundStore, m: { example?: string; text?: string }, step = 0): Promise<void> {
  const text = m.example !== undefined ? GALLERY.find((g) => g.id === m.example)?.text : m.text;
  if (text === undefined) { post({ type: 'error', message: `no example named ${m.example}` }); return; }
  try {
    const ok = await loadScenario(store, text, step);
    const err = scenarioUi.getState().error;
    if (!ok && err) post({ type: 'error', message: `line ${err.line}, column ${err.col}: ${err.message}` });
  } catch (e) {
    post({ type: 'error', message: (e as Error).message });
  }
}

/** Wire the options, the host's messages and the events back. */
export function useEmbed(store: PlaygroundStore, options: EmbedOptions): void {
  useEffect(() => {
    if (!options.embed) return;
    if (options.theme) store.getState().setTheme(options.theme);
    if (options.example) void load(store, { example: options.example }, options.step ?? 0);
    const onMessage = (e: MessageEvent) => {
      const m = parseHostMessage(e.data);
      if (!m) return;
      const s = store.getState();
      if (m.type === 'load') void load(store, m, m.step ?? 0);
      else if (m.type === 'seek') s.seek(Math.min(m.step, s.steps.length - 1));
      else s.seek(Math.max(0, Math.min(s.steps.length - 1, s.cursor + m.delta)));
    };
    window.addEventListener('message', onMessage);
    const tell = () => {
      const s = store.getState();
      post({ type: 'step-changed', step: s.cursor, total: s.steps.length - 1, caption: s.steps[s.cursor]?.caption ?? '' });
    };
    tell();
    const unsub = store.subscribe((s, prev) => { if (s.cursor !== prev.cursor || s.steps !== prev.steps) tell(); });
    const ro = new ResizeObserver(() => post({ type: 'height', height: document.documentElement.scrollHeight }));
    ro.observe(document.body);
    return () => { window.removeEventListener('message', onMessage); unsub(); ro.disconnect(); };
  }, [store, options]);
}

export function EmbedLayout() {
  return (
    <div className="embed-app">
      <ShareNotice />
      <CaptionBar />
      <main className="center">
        <GraphPane />
      </main>
      <div className="embed-steps"><StepControls /></div>
    </div>
  );
}

/**
 * Embed mode (`?embed`): a compact view of the panels the URL chooses (caption, graph and
 * step controls by default), read-only unless `readonly=0`, driven by URL options and a
 * validated postMessage API (see embedProtocol.ts), telling the host page the step and the
 * view's natural height. The view sizes to its content; with the graph it also fills a
 * taller frame (the graph grows), and the height it reports leaves that growth out.
 */
import { useEffect, useRef, type RefObject } from 'react';
import { GALLERY } from '../scenario/gallery/index';
import type { PlaygroundStore } from '../store/index';
import { GraphPane } from './graph/GraphPane';
import { heightReporter, naturalHeight, PREFIX, parseHostMessage, type EmbedOptions, type Panel } from './embedProtocol';
import { ConsolePanel } from './ConsolePanel';
import { EmbedScenario } from './EmbedScenario';
import { Inspector } from './Inspector';
import { LogPanel } from './LogPanel';
import { useStoreApi } from './store';
import './embed.css';
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
    return () => { window.removeEventListener('message', onMessage); unsub(); };
  }, [store, options]);
}

/** Tell the host the view's natural height whenever it changes: watching the view and the
 * graph is enough, as any other part that grows or shrinks changes one of the two. */
function useHeight(view: RefObject<HTMLDivElement | null>, graph: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const el = view.current;
    if (!el || window.parent === window) return;
    const report = heightReporter((height) => post({ type: 'height', height }));
    const ro = new ResizeObserver(() => {
      const g = graph.current;
      const base = g ? parseFloat(getComputedStyle(g).minHeight) || 0 : 0;
      report(naturalHeight(el.getBoundingClientRect().height, g ? { height: g.getBoundingClientRect().height, base } : undefined));
    });
    ro.observe(el);
    if (graph.current) ro.observe(graph.current);
    return () => ro.disconnect();
  }, [view, graph]);
}

export function EmbedLayout({ options }: { options: EmbedOptions }) {
  const store = useStoreApi();
  const view = useRef<HTMLDivElement>(null);
  const graph = useRef<HTMLElement>(null);
  useHeight(view, graph);
  const has = (p: Panel) => options.panels.includes(p);
  const cls = `embed-app embed-compact ${options.readonly ? 'embed-readonly' : 'embed-edit'}${has('graph') ? ' embed-fill' : ''}`;
  return (
    <div ref={view} className={cls} data-testid="embed" data-panels={options.panels.join(',')} data-readonly={String(options.readonly)}>
      <ShareNotice />
      {has('caption') && <CaptionBar />}
      {(has('graph') || has('inspector')) && (
        <div className={has('graph') ? 'embed-main with-graph' : 'embed-main'}>
          {has('graph') && <main ref={graph} className="center"><GraphPane /></main>}
          {has('inspector') && <Inspector />}
        </div>
      )}
      {has('steps') && <div className="embed-steps"><StepControls /></div>}
      {has('log') && <div className="embed-log"><LogPanel /></div>}
      {has('scenario') && <EmbedScenario readonly={options.readonly} onRun={(text) => load(store, { text })} />}
      {has('console') && <section className="embed-console" aria-label="Console"><ConsolePanel /></section>}
    </div>
  );
}

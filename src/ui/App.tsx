/**
 * The playground page: toolbar and caption on top, panels on the left, the reference graph
 * in the middle, the inspector on the right, the kernel log at the bottom.
 */
import { useEffect, useState } from 'react';
import { createPlaygroundStore, LINK_PINNING, type PlaygroundStore, type Theme } from '../store/index';
import { ErrorBoundary } from './ErrorBoundary';
import { GraphPane } from './graph/GraphPane';
import { Inspector } from './Inspector';
import { BottomPanel } from './BottomPanel';
import { useShortcuts } from './shortcuts';
import { SidePanels } from './SidePanels';
import { StoreProvider, usePlayground } from './store';
import { CaptionBar, Toolbar } from './Toolbar';
import { installAutomation } from './automation';
import { openShareLink } from './scenarioLoad';
import { ShareNotice } from './ScenarioPanel';
import { EmbedLayout, useEmbed } from './embed';
import { embedOptions, type EmbedOptions } from './embedProtocol';

function preferredTheme(): Theme {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('bpf-link-playground.theme') : null;
  if (saved === 'light' || saved === 'dark') return saved;
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function Layout() {
  const theme = usePlayground((s) => s.theme);
  const wide = usePlayground((s) => s.panel === 'programs');
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    try { localStorage.setItem('bpf-link-playground.theme', theme); } catch { /* private mode */ }
  }, [theme]);
  return (
    <div className={wide ? 'app wide-side' : 'app'}>
      <Toolbar />
      <ShareNotice />
      <CaptionBar />
      <SidePanels />
      <main className="center">
        <GraphPane />
      </main>
      <Inspector />
      <BottomPanel />
    </div>
  );
}

function EmbedRoot({ options }: { options: EmbedOptions }) {
  const theme = usePlayground((s) => s.theme);
  useEffect(() => { document.documentElement.dataset.theme = theme; }, [theme]);
  return <EmbedLayout options={options} />;
}

export function App({ store: given }: { store?: PlaygroundStore } = {}) {
  const [store] = useState(() => given ?? createPlaygroundStore({ story: LINK_PINNING, theme: preferredTheme() }));
  const [embed] = useState(() => embedOptions(typeof location !== 'undefined' ? location.search : ''));
  useEmbed(store, embed);
  useShortcuts(store);
  useEffect(() => installAutomation(store), [store]);
  useEffect(() => { if (!given) void openShareLink(store, location.hash); }, [store, given]);
  return (
    <StoreProvider store={store}>
      <ErrorBoundary onReset={() => store.getState().loadStory(LINK_PINNING)}>
        {embed.embed ? <EmbedRoot options={embed} /> : <Layout />}
      </ErrorBoundary>
    </StoreProvider>
  );
}

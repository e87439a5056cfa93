/** The bottom area: the kernel log, the console, and the scenario. */
import { useState } from 'react';
import { ConsolePanel } from './ConsolePanel';
import { LogPanel } from './LogPanel';
import { ScenarioPanel } from './ScenarioPanel';

export function BottomPanel() {
  const [tab, setTab] = useState<'log' | 'console' | 'scenario'>(() => (typeof location !== 'undefined' && /(^#|&)s=/.test(location.hash) ? 'scenario' : 'log'));
  return (
    <section className="bottom" aria-label="Kernel log and console">
      <div className="tabs small-tabs" role="tablist" aria-label="Bottom panel">
        <button type="button" role="tab" id="tab-log" aria-selected={tab === 'log'} aria-controls="bottom-panel" onClick={() => setTab('log')}>Kernel log</button>
        <button type="button" role="tab" id="tab-console" aria-selected={tab === 'console'} aria-controls="bottom-panel" onClick={() => setTab('console')}>Console (bpftool)</button>
        <button type="button" role="tab" id="tab-scenario" aria-selected={tab === 'scenario'} aria-controls="bottom-panel" onClick={() => setTab('scenario')}>Scenario</button>
      </div>
      <div id="bottom-panel" role="tabpanel" aria-labelledby={`tab-${tab}`} className="bottom-body">
        {tab === 'log' ? <LogPanel /> : tab === 'console' ? <ConsolePanel /> : <ScenarioPanel />}
      </div>
    </section>
  );
}

import { useState } from 'react';
import { createKernel, type Kernel } from '../kernel/index';
import { jsonReplacer, runStory, type StoryStep } from './story';

interface Session {
  kernel: Kernel;
  steps: StoryStep[];
}

function startSession(): Session {
  const kernel = createKernel();
  return { kernel, steps: runStory(kernel) };
}

function read(kernel: Kernel): { snapshot: string; log: string } {
  return {
    snapshot: JSON.stringify(kernel.snapshot(), jsonReplacer, 2),
    log: kernel.log().map((e) => `${String(e.step).padStart(3)}  ${e.fn.padEnd(28)} ${e.text}`).join('\n'),
  };
}

/**
 * Temporary page: shows the kernel model's live, read-only state after a short story.
 * The real playground UI (graph, editor, scenarios) replaces it.
 */
export function App() {
  const [session] = useState(startSession);
  const [view, setView] = useState(() => ({ ...read(session.kernel), reads: 1 }));

  const refresh = () => setView((prev) => ({ ...read(session.kernel), reads: prev.reads + 1 }));

  return (
    <main className="app">
      <header>
        <h1>bpf_link playground</h1>
        <p className="muted">
          The playground UI is not built yet. This page runs a short story through the kernel model and shows its state.
        </p>
      </header>

      <section aria-labelledby="story-heading">
        <h2 id="story-heading">Story</h2>
        <ol className="story">
          {session.steps.map((s, i) => (
            <li key={i}>
              <code>{s.call}</code>
              <span aria-hidden="true"> → </span>
              <code className={s.ok ? 'ok' : 'err'}>{s.result}</code>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="snapshot-heading">
        <div className="section-head">
          <h2 id="snapshot-heading">Kernel snapshot</h2>
          <button type="button" onClick={refresh}>
            Refresh snapshot
          </button>
          <span className="muted" aria-live="polite">
            read #{view.reads}
          </span>
        </div>
        <pre className="json" aria-label="Kernel snapshot JSON" tabIndex={0}>
          {view.snapshot}
        </pre>
      </section>

      <section aria-labelledby="log-heading">
        <h2 id="log-heading">Kernel log</h2>
        <pre className="json" aria-label="Kernel log" tabIndex={0}>
          {view.log}
        </pre>
      </section>
    </main>
  );
}

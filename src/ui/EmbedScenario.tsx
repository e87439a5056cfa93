/**
 * The embed's `scenario` panel: read-only, the scenario's lines with the step on view's line
 * marked (`aria-current="step"`), scrolled into view inside the panel only; editable
 * (`readonly=0`), a text field with "Run scenario".
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { scenarioUi, useScenarioUi } from './scenarioState';
import { usePlayground } from './store';

const WINDOW = 200;

function ScenarioLines({ text, line }: { text: string; line: number }) {
  const box = useRef<HTMLOListElement>(null);
  const lines = useMemo(() => text.split('\n'), [text]);
  const from = Math.max(0, line - 1 - WINDOW);
  const to = Math.min(lines.length, Math.max(line, 1) + WINDOW);

  // Scroll the panel itself, never the page (scrollIntoView would scroll the host page too).
  useEffect(() => {
    const el = box.current?.querySelector<HTMLElement>('li[aria-current]');
    const b = box.current;
    if (!el || !b) return;
    const top = el.getBoundingClientRect().top - b.getBoundingClientRect().top + b.scrollTop;
    if (top < b.scrollTop || top + el.offsetHeight > b.scrollTop + b.clientHeight) b.scrollTop = Math.max(0, top - b.clientHeight / 3);
  }, [line, text]);

  return (
    <>
      {from > 0 && <p className="muted small">… {from} earlier lines</p>}
      <ol ref={box} className="embed-scn-lines" aria-label="Scenario lines" tabIndex={0}>
        {lines.slice(from, to).map((t, i) => {
          const n = from + i + 1;
          return <li key={n} value={n} className={n === line ? 'current' : undefined} aria-current={n === line ? 'step' : undefined}>{t}</li>;
        })}
      </ol>
      {to < lines.length && <p className="muted small">… {lines.length - to} later lines</p>}
    </>
  );
}

function ScenarioEdit({ text, line, onRun }: { text: string; line: number; onRun: (text: string) => Promise<void> }) {
  const error = useScenarioUi((s) => s.error);
  const expectations = useScenarioUi((s) => s.expectations);
  const cursor = usePlayground((s) => s.cursor);
  const [busy, setBusy] = useState(false);
  const failed = expectations?.filter((e) => !e.ok).length ?? 0;
  const run = async () => {
    setBusy(true);
    try { await onRun(text); } finally { setBusy(false); }
  };
  return (
    <>
      <textarea aria-label="Scenario text" data-testid="scenario-text" rows={8} spellCheck={false} value={text}
        onChange={(e) => scenarioUi.getState().set({ text: e.target.value })} />
      <div className="embed-scn-bar">
        <button type="button" onClick={() => void run()} disabled={busy || !text.trim()}>Run scenario</button>
        {line ? <span className="muted" data-testid="scenario-step-line">step {cursor}: line {line}</span> : null}
        {expectations && <span data-testid="scenario-summary" className={failed ? 'err' : 'ok'}>{expectations.length - failed} of {expectations.length} expectations held</span>}
      </div>
      {error && <p role="alert" className="err" data-testid="scenario-error">line {error.line}, column {error.col}: {error.message}</p>}
    </>
  );
}

export function EmbedScenario({ readonly, onRun }: { readonly: boolean; onRun: (text: string) => Promise<void> }) {
  const text = useScenarioUi((s) => s.text);
  const cursor = usePlayground((s) => s.cursor);
  const stepLine = useScenarioUi((s) => s.stepLines[cursor] ?? 0);
  return (
    <section className="embed-scenario" aria-label="Scenario" data-testid="embed-scenario">
      {!readonly ? <ScenarioEdit text={text} line={stepLine} onRun={onRun} />
        : text ? <ScenarioLines text={text} line={stepLine} />
        : <p className="muted">No scenario text: this is the page's built-in story.</p>}
    </section>
  );
}

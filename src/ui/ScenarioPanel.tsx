/**
 * The scenario panel: the scenario text (an example, what was recorded, or a share link's),
 * Run (the page's history becomes its steps: step through them with the step controls),
 * its expectations and errors at line and column, and "Copy share link". With "Record
 * actions" on, every action on the page is added to the text as it happens (scenarioRecord.ts).
 */
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { encodeShare } from '../scenario/index';
import { GALLERY } from '../scenario/gallery/index';
import { actionLines } from '../scenario/live';
import { embedCode } from './embedProtocol';
import { loadScenario } from './scenarioLoad';
import { recordFromHistory, recordHistory, setRecording } from './scenarioRecord';
import { useScenarioUi, scenarioUi } from './scenarioState';
import { usePlayground, useStoreApi } from './store';

const ScenarioEditor = lazy(() => import('../editor/ScenarioEditor'));

const titleOf = (text: string, id: string): string => /^title (.*)$/m.exec(text)?.[1] ?? id;

export function ScenarioPanel() {
  const store = useStoreApi();
  const text = useScenarioUi((s) => s.text);
  const expectations = useScenarioUi((s) => s.expectations);
  const error = useScenarioUi((s) => s.error);
  const stepLines = useScenarioUi((s) => s.stepLines);
  const link = useScenarioUi((s) => s.link);
  const recording = useScenarioUi((s) => s.recording);
  const recordNote = useScenarioUi((s) => s.recordNote);
  const recorded = useScenarioUi((s) => s.rec?.text);
  const cursor = usePlayground((s) => s.cursor);
  const theme = usePlayground((s) => s.theme);
  const [monaco, setMonaco] = useState(false);
  // the example on view: the loaded scenario's, when it is one (a share link, an embed), else the first
  const [example, setExample] = useState(() => GALLERY.find((g) => g.text === scenarioUi.getState().text)?.id ?? GALLERY[0]!.id);
  const [busy, setBusy] = useState(false);
  const set = scenarioUi.getState().set;
  // What the recorder writes is at the end: keep it in view (not what the user types).
  const area = useRef<HTMLTextAreaElement>(null);
  const seen = useRef('');
  useEffect(() => {
    if (seen.current !== text && recorded === text && area.current) area.current.scrollTop = area.current.scrollHeight;
    seen.current = text;
  }, [text, recorded]);

  const run = async () => {
    setBusy(true);
    try { await loadScenario(store, text, 0); } finally { setBusy(false); }
  };
  const share = async () => {
    const url = `${location.href.replace(/#.*$/, '')}${encodeShare(text, cursor)}`;
    history.replaceState(null, '', url);
    set({ link: url });
    try { await navigator.clipboard.writeText(url); } catch { /* no clipboard permission: the link is shown */ }
  };
  const [embedSnippet, setEmbedSnippet] = useState<string | null>(null);
  const copyEmbed = async () => {
    const code = embedCode(location.href, encodeShare(text, cursor));
    setEmbedSnippet(code);
    try { await navigator.clipboard.writeText(code); } catch { /* no clipboard permission: the code is shown */ }
  };
  const markers = useMemo(() => [
    ...(error ? [{ line: error.line, col: Math.max(1, error.col), message: error.message, severity: 'error' as const }] : []),
    ...(expectations ?? []).filter((e) => !e.ok).map((e) => ({ line: e.line, col: e.col, message: `${e.text} — ${e.message ?? 'failed'}`, severity: 'warning' as const })),
  ], [error, expectations]);
  const failed = expectations?.filter((e) => !e.ok).length ?? 0;
  const lines = useMemo(() => (recorded === text ? actionLines(text) : null) ?? stepLines, [recorded, text, stepLines]);
  const line = lines[cursor];

  return (
    <div className="scenario">
      <div className="scenario-bar">
        <label>Example{' '}
          <select aria-label="Example" value={example} onChange={(e) => setExample(e.target.value)}>
            {GALLERY.map((g) => <option key={g.id} value={g.id}>{titleOf(g.text, g.id)}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => set({ text: GALLERY.find((g) => g.id === example)!.text, expectations: null, error: null })}>Load example</button>
        <label title="Add every action on the page to the text as it happens"><input type="checkbox" checked={recording} onChange={(e) => setRecording(store, e.target.checked)} /> Record actions</label>
        <button type="button" onClick={() => recordFromHistory(store)} title="The text becomes the whole history so far, as a scenario">Record history</button>
        <button type="button" onClick={() => void run()} disabled={busy || !text.trim()}>Run scenario</button>
        <button type="button" onClick={() => void share()} disabled={!text.trim()}>Copy share link</button>
        <button type="button" onClick={() => void copyEmbed()} disabled={!text.trim()}>Copy embed code</button>
        <label><input type="checkbox" checked={monaco} onChange={(e) => setMonaco(e.target.checked)} /> Editor</label>
        {line ? <span className="muted" data-testid="scenario-step-line">step {cursor}: line {line}</span> : null}
        <span role="status" className="muted" data-testid="scenario-recording">{recordNote ?? ''}</span>
      </div>
      <div className="scenario-body">
        {monaco ? (
          <Suspense fallback={<p className="muted scenario-editor">Loading the editor…</p>}>
            <ScenarioEditor value={text} onChange={(v) => set({ text: v })} markers={markers} stepLine={line ?? 0} theme={theme} />
          </Suspense>
        ) : (
          <textarea ref={area} aria-label="Scenario text" data-testid="scenario-text" spellCheck={false} value={text}
          placeholder="spawn loader&#10;loader: prog = bpf BPF_PROG_LOAD prog_type=BPF_PROG_TYPE_RAW_TRACEPOINT&#10;expect ok"
          onChange={(e) => set({ text: e.target.value })} />
        )}
        <div className="scenario-results">
          {error && <p role="alert" className="err" data-testid="scenario-error">line {error.line}, column {error.col}: {error.message}</p>}
          {expectations && (
            <>
              <p data-testid="scenario-summary" className={failed ? 'err' : 'ok'}>{expectations.length - failed} of {expectations.length} expectations held</p>
              <ol aria-label="Expectations" className="scenario-expect">
                {expectations.map((e, i) => (
                  <li key={i} data-ok={e.ok} className={e.ok ? undefined : 'err'}>
                    {e.ok ? '✓' : '✗'} {e.line}:{e.col} {e.text}{e.ok ? '' : ` — ${e.message}`}
                  </li>
                ))}
              </ol>
            </>
          )}
          {link && <input aria-label="Share link" readOnly value={link} onFocus={(e) => e.target.select()} />}
          {embedSnippet && <input aria-label="Embed code" readOnly value={embedSnippet} onFocus={(e) => e.target.select()} />}
        </div>
      </div>
    </div>
  );
}

/** A share link that could not be opened: a notice over the page, never a blank page. Always
 * on the page (not in embed mode), it also keeps the live recording following the history. */
export function ShareNotice() {
  const store = useStoreApi();
  useEffect(() => recordHistory(store), [store]);
  const notice = useScenarioUi((s) => s.notice);
  if (!notice) return null;
  return (
    <div role="alert" className="share-notice" data-testid="share-notice">
      {notice}{' '}
      <button type="button" onClick={() => scenarioUi.getState().set({ notice: null })}>Dismiss</button>
    </div>
  );
}

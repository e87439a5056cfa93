/** Top bar: stories, new kernel, kernel version, step controls, theme; and the step caption. */
import { useId } from 'react';
import { NOTABLE_VERSIONS } from '../kernel/index';
import { resultText, runAction } from '../store/index';
import { ActionButton } from './ActionButton';
import { usePlayground, useStoreApi } from './store';

export function StepControls() {
  const store = useStoreApi();
  const cursor = usePlayground((s) => s.cursor);
  const last = usePlayground((s) => s.steps.length - 1);
  const id = useId();
  return (
    <div className="steps" role="group" aria-label="Steps">
      <ActionButton id="step.first">«</ActionButton>
      <ActionButton id="step.back">‹ Back</ActionButton>
      <label htmlFor={id} className="step-count" data-testid="step-count">Step {cursor} / {last}</label>
      <input id={id} type="range" min={0} max={last} value={cursor} aria-label="Step" aria-valuetext={`step ${cursor} of ${last}`}
        onChange={(e) => runAction(store, 'step.seek', { index: Number(e.target.value) })} />
      <ActionButton id="step.forward">Next ›</ActionButton>
      <ActionButton id="step.last">»</ActionButton>
    </div>
  );
}

function VersionSelect() {
  const store = useStoreApi();
  const version = usePlayground((s) => s.version);
  const id = useId();
  const note = NOTABLE_VERSIONS.find((v) => v.version === version)?.note;
  return (
    <div className="version" title={note}>
      <label htmlFor={id}>Linux</label>
      <select id={id} aria-label="Kernel version" value={version} onChange={(e) => runAction(store, 'kernel.version', { version: e.target.value })}>
        {NOTABLE_VERSIONS.map((v) => <option key={v.version} value={v.version}>{v.version}</option>)}
        {!NOTABLE_VERSIONS.some((v) => v.version === version) && <option value={version}>{version}</option>}
      </select>
    </div>
  );
}

export function Toolbar() {
  const theme = usePlayground((s) => s.theme);
  return (
    <header className="toolbar">
      <h1>bpf_link playground</h1>
      <ActionButton id="story.link_pinning">Story: link_pinning</ActionButton>
      <ActionButton id="kernel.new">New empty kernel</ActionButton>
      <VersionSelect />
      <StepControls />
      <span className="spacer" />
      <ActionButton id="theme.toggle">{theme === 'dark' ? '☀ Light' : '☾ Dark'}</ActionButton>
    </header>
  );
}

export function CaptionBar() {
  const store = useStoreApi();
  const step = usePlayground((s) => s.steps[s.cursor]!);
  const last = usePlayground((s) => s.steps.length - 1);
  const change = usePlayground((s) => s.change);
  const r = step.result;
  const first = change?.steps[0];
  const changedHere = change ? change.steps.indexOf(step.index) : -1;
  return (
    <div className="captionbar">
      <p className="caption" role="status" aria-live="polite" data-testid="caption">
        <span className="step-no">{step.index}</span> {step.caption}
        {step.command && r.ret < 0 && <span className="badge err" title={r.why}> -{r.errno}: {r.why}</span>}
      </p>
      {changedHere >= 0 && step.command && (
        <span className="badge warn" data-testid="changed-here">on {change!.from}: {change!.was[changedHere]}; on {change!.to}: {resultText(step.command, r)}</span>
      )}
      {step.index < last && step.index > 0 && <span className="muted small">acting here replaces steps {step.index + 1}–{last}</span>}
      {change && (
        <p className="change" data-testid="version-change">
          {first === undefined
            ? `Replayed on ${change.to}: every step returns what it did on ${change.from}.`
            : <>Replayed on {change.to}: step {first} is the first whose result changed{change.steps.length > 1 ? ` (${change.steps.length} steps changed)` : ''}.{' '}
              <button type="button" className="linkish" onClick={() => store.getState().seek(first)}>Go to step {first}</button></>}
        </p>
      )}
    </div>
  );
}

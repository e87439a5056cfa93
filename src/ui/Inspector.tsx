/** The side panel: what the selection is, what holds it and what would free it, in words. */
import { useMemo } from 'react';
import { buildGraph, explain } from '../graph/index';
import { callText, commandText, failed, firedEvent, type Step } from '../store/index';
import { ActionButton } from './ActionButton';
import { useSnapshot } from './hooks';
import { usePlayground } from './store';

function StepDetails() {
  const step = usePlayground((s) => s.steps[s.cursor]!);
  const r = step.result;
  if (!step.command) return <p className="muted">Step 0: the kernel as booted.</p>;
  return (
    <dl className="kv">
      <dt>call</dt><dd><code>{commandText(step.command)}</code></dd>
      <dt>returned</dt><dd className={failed(step.command, r) ? 'err' : undefined}>{step.command.kind === 'shell' ? `exit ${r.exitCode ?? 0}` : r.ret < 0 ? `-${r.errno} (${r.ret})` : r.ret}</dd>
      {r.why && <><dt>why</dt><dd>{r.why}</dd></>}
      {firedEvent(step.command) && <><dt>ran</dt><dd>{r.ran.length ? r.ran.map((id) => progWords(step, id)).join(', ') : 'nothing'}</dd></>}
      {step.command.kind !== 'syscall' && r.calls && r.calls.length > 0 && (
        <><dt>syscalls</dt><dd>
          <details>
            <summary>{r.calls.length} call{r.calls.length > 1 ? 's' : ''} to the kernel</summary>
            <ol className="strace" aria-label="System calls of this step">
              {r.calls.map((c, i) => <li key={i}><code>{callText(c)}</code></li>)}
            </ol>
          </details>
        </dd></>
      )}
    </dl>
  );
}

/** "second (prog 2)": a program that ran, by its name at that step. */
function progWords(step: Step, id: number): string {
  const p = step.snapshot.progs.find((x) => x.id === id);
  return p?.name ? `${p.name} (prog ${id})` : `prog ${id}`;
}

/** A name for an object that is not alive at this step: its title at a step that has it. */
function titleElsewhere(steps: readonly Step[], key: string): string | undefined {
  for (let i = steps.length - 1; i >= 0; i--) {
    const n = buildGraph(steps[i]!.snapshot).byId.get(key);
    if (n) return n.title;
  }
  return undefined;
}

export function Inspector() {
  const snap = useSnapshot();
  const steps = usePlayground((s) => s.steps);
  const selected = usePlayground((s) => s.selected);
  const ex = useMemo(() => {
    if (!selected) return null;
    const e = explain(snap, selected, buildGraph(snap));
    return e.summary.startsWith('Not alive') ? { ...e, title: titleElsewhere(steps, selected) ?? e.title } : e;
  }, [snap, steps, selected]);
  return (
    <aside className="inspector" aria-label="Inspector" data-testid="inspector">
      {ex ? (
        <>
          <div className="insp-head">
            <h2 data-testid="inspector-title">{ex.title}</h2>
            <ActionButton id="selection.clear">✕</ActionButton>
          </div>
          <p data-testid="inspector-summary">{ex.summary}</p>
          {ex.heldBy.length > 0 && (
            <section aria-label="Held by">
              <h3>Held by {ex.heldBy.length === 1 ? 'one reference' : `${ex.heldBy.length} references`}</h3>
              <ul>{ex.heldBy.map((h) => <li key={h}>{h}</li>)}</ul>
            </section>
          )}
          {ex.paths.length > 0 && (
            <section aria-label="Paths from roots">
              <h3>Paths from roots</h3>
              <ol className="paths">{ex.paths.map((p) => <li key={p}>{p}</li>)}</ol>
            </section>
          )}
          {ex.toFree.length > 0 && (
            <section aria-label="What would free it" data-testid="to-free">
              <h3>{ex.toFreeLead}</h3>
              <ul>{ex.toFree.map((t) => <li key={t}>{t}</li>)}</ul>
            </section>
          )}
        </>
      ) : (
        <>
          <h2>This step</h2>
          <StepDetails />
          <p className="muted">Select an object in the graph or in a panel to see every path that keeps it alive.</p>
        </>
      )}
    </aside>
  );
}

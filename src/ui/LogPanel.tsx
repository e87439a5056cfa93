/** The kernel's log, step by step: each step's call and result, and for the step on view
 * what happened inside the kernel, naming the Linux function at each point. */
import { memo, useEffect, useRef } from 'react';
import type { KernelEvent } from '../kernel/index';
import { failed, resultText, type Step } from '../store/index';
import { usePlayground, useStoreApi } from './store';

const WINDOW = 150;

function EventRow({ e }: { e: KernelEvent }) {
  const counter = e.counter ? `${e.counter} ${e.before}→${e.after}` : '';
  return (
    <li className={`ev ev-${e.kind}${e.errno ? ' ev-err' : ''}`}>
      <code className="fn">{e.fn}</code>
      <span className="txt">{e.text}</span>
      {counter && <span className="cnt">{counter}</span>}
    </li>
  );
}

const StepRow = memo(function StepRow({ step, current, changed }: { step: Step; current: boolean; changed: boolean }) {
  const store = useStoreApi();
  const r = step.result;
  const bad = step.command !== null && failed(step.command, r);
  return (
    <li className={`step${current ? ' current' : ''}${bad ? ' failed' : ''}${changed ? ' changed' : ''}`} data-step={step.index}
      data-failed={bad ? 'true' : undefined} data-changed={changed ? 'true' : undefined} aria-current={current ? 'step' : undefined}>
      <button type="button" className="step-head" onClick={() => store.getState().seek(step.index)} aria-label={`Go to step ${step.index}`}>
        <span className="step-no">{step.index}</span>
        <span className="step-cap">{step.caption}</span>
        {step.command && <span className={`res${bad ? ' err' : ''}`}>{resultText(step.command, r)}</span>}
        {changed && <span className="badge warn">changed</span>}
      </button>
      {current && step.result.events.length > 0 && (
        <ul className="events" aria-label={`Kernel events of step ${step.index}`}>
          {step.result.events.map((e, i) => <EventRow key={i} e={e} />)}
        </ul>
      )}
    </li>
  );
});

export function LogPanel() {
  const steps = usePlayground((s) => s.steps);
  const cursor = usePlayground((s) => s.cursor);
  const change = usePlayground((s) => s.change);
  const list = useRef<HTMLOListElement>(null);
  const from = Math.max(0, cursor - WINDOW);
  const to = Math.min(steps.length, cursor + WINDOW);

  // Keep the step on view in view: scroll the log itself only (scrollIntoView would lay out
  // and scroll the whole page).
  useEffect(() => {
    const box = list.current?.parentElement;
    const el = list.current?.querySelector<HTMLElement>('li.current');
    if (!box || !el) return;
    const top = el.offsetTop - box.offsetTop;
    if (top < box.scrollTop || top + Math.min(el.offsetHeight, box.clientHeight) > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, top - 24);
    }
  }, [cursor, steps]);

  return (
    <section className="log" aria-label="Kernel log" data-testid="log">
      <h2 className="sr-only">Kernel log</h2>
      <ol ref={list} className="steplist">
        {from > 0 && <li className="muted">… {from} earlier steps</li>}
        {steps.slice(from, to).map((s) => (
          <StepRow key={s.index} step={s} current={s.index === cursor} changed={change?.steps.includes(s.index) ?? false} />
        ))}
        {to < steps.length && <li className="muted">… {steps.length - to} later steps</li>}
      </ol>
    </section>
  );
}

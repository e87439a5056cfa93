import { useId } from 'react';
import type { KernelSnapshot } from '../../kernel/index';

/** Pick one of the live processes. */
export function ProcessSelect({ snap, pid, onChange, label = 'Process' }: {
  snap: KernelSnapshot; pid: number | null; onChange: (pid: number) => void; label?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={pid ?? ''} onChange={(e) => onChange(Number(e.target.value))} disabled={snap.processes.length === 0}>
        {snap.processes.length === 0 && <option value="">no process: spawn one</option>}
        {snap.processes.map((p) => (
          <option key={p.pid} value={p.pid}>{p.comm} (pid {p.pid})</option>
        ))}
      </select>
    </div>
  );
}

/** A labelled select over string options. */
export function Choice({ label, value, options, onChange }: {
  label: string; value: string; options: readonly (string | { value: string; text: string })[]; onChange: (v: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} disabled={options.length === 0}>
        {options.length === 0 && <option value="">none</option>}
        {options.map((o) => {
          const [v, t] = typeof o === 'string' ? [o, o] : [o.value, o.text];
          return <option key={v} value={v}>{t}</option>;
        })}
      </select>
    </div>
  );
}

/** A labelled text input. */
export function TextField({ label, value, onChange, placeholder }: {
  label: string; value: string; onChange: (v: string) => void; placeholder?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="text" value={value} placeholder={placeholder} spellCheck={false} autoComplete="off" onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

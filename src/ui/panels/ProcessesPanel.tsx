/** Processes: spawn (named), fork, exit / kill -9, and each process's fd table with close and dup. */
import { memo, useState } from 'react';
import type { KernelSnapshot, ProcessSnapshot } from '../../kernel/index';
import { pidId } from '../../graph/index';
import { runAction } from '../../store/index';
import { ActionButton } from '../ActionButton';
import { fdsOf } from '../format';
import { useSnapshot } from '../hooks';
import { usePlayground, useStoreApi } from '../store';
import { TextField } from './ProcessSelect';

/** Long lists show this many items until asked for all. */
export const LIST_CAP = 40;

const ProcessItem = memo(function ProcessItem({ snap, p, selected }: { snap: KernelSnapshot; p: ProcessSnapshot; selected: string | null }) {
  const store = useStoreApi();
  const select = (key: string) => store.getState().select(key);
  const key = pidId(p.pid);
  const args = { pid: p.pid };
  return (
    <li className={`proc${selected === key ? ' is-selected' : ''}`}>
      <div className="proc-head">
        <button type="button" className="linkish" aria-label={`Select process ${p.comm} (pid ${p.pid})`} onClick={() => select(key)}>
          <b>{p.comm}</b> <span className="muted">pid {p.pid}{p.ppid !== 1 ? ` · parent ${p.ppid}` : ''}</span>
        </button>
        <span className="btns">
          <ActionButton id="process.fork" args={args}>fork</ActionButton>
          <ActionButton id="process.exit" args={args}>exit</ActionButton>
          <ActionButton id="process.kill" args={args} className="danger">kill -9</ActionButton>
        </span>
      </div>
      <table className="fdtable" aria-label={`fd table of ${p.comm} (pid ${p.pid})`}>
        <tbody>
          {fdsOf(snap, p.pid).map((f) => {
            const target = f.kind === 'tty' ? null : f.kind === 'dir' ? f.file : f.target;
            const fa = { pid: p.pid, fd: f.fd };
            return (
              <tr key={f.fd} className={target && selected === target ? 'is-selected' : undefined}>
                <td className="fd">{f.fd}</td>
                <td className="what">
                  {target ? (
                    <button type="button" className="linkish" aria-label={`Select fd ${f.fd} of pid ${p.pid}: ${f.text}`} onClick={() => select(target)}>{f.text}</button>
                  ) : <span className="muted">{f.text}</span>}
                </td>
                <td className="btns">
                  <ActionButton id="fd.dup" args={fa}>dup</ActionButton>
                  <ActionButton id="fd.close" args={fa}>close</ActionButton>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </li>
  );
});

/** The selection, if it is this process or something its fds refer to (so a memoized item
 * re-renders only when its own highlight changes). */
function selectionIn(snap: KernelSnapshot, p: ProcessSnapshot, selected: string | null): string | null {
  if (!selected) return null;
  if (selected === pidId(p.pid)) return selected;
  return fdsOf(snap, p.pid).some((f) => f.file === selected || f.target === selected) ? selected : null;
}

export function ProcessesPanel() {
  const store = useStoreApi();
  const snap = useSnapshot();
  const selected = usePlayground((s) => s.selected);
  const [comm, setComm] = useState('loader');
  const [all, setAll] = useState(false);
  const shown = all ? snap.processes : snap.processes.slice(0, LIST_CAP);

  return (
    <div className="panel-body">
      <form className="row" onSubmit={(e) => { e.preventDefault(); runAction(store, 'process.spawn', { comm }); }}>
        <TextField label="Process name" value={comm} onChange={setComm} placeholder="loader" />
        <ActionButton id="process.spawn" args={{ comm }} className="primary" />
      </form>
      {snap.processes.length === 0 && <p className="muted">No processes. Spawn one: it starts with fds 0–2 on a terminal.</p>}
      <ul className="plist" aria-label="Processes">
        {shown.map((p) => <ProcessItem key={p.pid} snap={snap} p={p} selected={selectionIn(snap, p, selected)} />)}
      </ul>
      {shown.length < snap.processes.length && (
        <button type="button" onClick={() => setAll(true)}>Show all {snap.processes.length} processes</button>
      )}
    </div>
  );
}

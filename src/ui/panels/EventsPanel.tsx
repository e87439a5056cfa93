/** Events: fire tracepoint:, function:, cgroup:, xdp: and tcx: events; the programs that ran flash in the graph. */
import { useState } from 'react';
import type { KernelSnapshot } from '../../kernel/index';
import { firedEvent, FUNCTION_NAMES, TRACEPOINT_NAMES } from '../../store/index';
import { ActionButton } from '../ActionButton';
import { useSnapshot } from '../hooks';
import { usePlayground } from '../store';
import { Choice } from './ProcessSelect';

const KINDS = ['tracepoint', 'function', 'cgroup', 'xdp', 'tcx'] as const;
type Kind = (typeof KINDS)[number];
const CGROUP_TYPES = ['BPF_CGROUP_INET_EGRESS', 'BPF_CGROUP_INET_INGRESS'];

function eventNames(snap: KernelSnapshot, kind: Kind): readonly string[] {
  switch (kind) {
    case 'tracepoint': return TRACEPOINT_NAMES;
    case 'function': return FUNCTION_NAMES;
    case 'cgroup': return snap.cgroupfs.filter((e) => e.kind === 'dir').flatMap((e) => CGROUP_TYPES.map((t) => `${e.path}:${t}`));
    case 'xdp': return (snap.netdevs ?? []).map((d) => d.name);
    case 'tcx': return (snap.netdevs ?? []).flatMap((d) => [`${d.name}:ingress`, `${d.name}:egress`]);
  }
}

export function EventsPanel() {
  const snap = useSnapshot();
  const step = usePlayground((s) => s.steps[s.cursor]!);
  const [kind, setKind] = useState<Kind>('tracepoint');
  const [name, setName] = useState('sys_enter');
  const names = eventNames(snap, kind);
  const chosen = names.includes(name) ? name : names[0] ?? '';
  const fired = firedEvent(step.command);
  const ranNames = step.result.ran.map((id) => snap.progs.find((p) => p.id === id)?.name || `prog ${id}`);

  return (
    <div className="panel-body">
      <h3>Attach points in use</h3>
      <ul className="olist" aria-label="Attach points">
        {snap.attachPoints.map((a) => (
          <li key={a.key}>
            <ActionButton id="event.fire" args={{ event: a.key }} className="clip">fire {a.key}</ActionButton>{' '}
            <span className="muted">{(a.entries ?? a.links).length} attached</span>
          </li>
        ))}
        {snap.attachPoints.length === 0 && <li className="muted">Nothing is attached anywhere.</li>}
      </ul>
      <fieldset>
        <legend>Fire an event</legend>
        <Choice label="Event kind" value={kind} options={KINDS} onChange={(v) => setKind(v as Kind)} />
        <Choice label="Event name" value={chosen} options={names} onChange={setName} />
        <ActionButton id="event.fire" className="primary" args={{ event: `${kind}:${chosen}` }} />
        <p className="hint">A cgroup event runs the cgroup’s effective programs (its own and inherited); xdp: a frame arriving on the device (the peer’s tcx egress, the device’s XDP, its tcx ingress); tcx: that frame (ingress) or one the device sends (egress).</p>
      </fieldset>
      {fired && (
        <p className="status" data-testid="ran" aria-live="polite">
          {fired}: {ranNames.length === 0 ? 'nothing ran' : `ran ${ranNames.join(', ')}`}
        </p>
      )}
      <h3>Run counts</h3>
      <table className="kv" aria-label="Run counts">
        <tbody>
          {snap.progs.map((p) => (
            <tr key={p.key}><td>{p.name || `prog ${p.id}`}</td><td className="num">{p.runCnt}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

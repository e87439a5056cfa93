/**
 * Programs: load a program in a chosen process (a form by libbpf section name until the
 * libbpf layer lands; then the Monaco editor with BPF C), create maps, list what is loaded.
 */
import { useId, useState } from 'react';
import { SECTIONS, sectionByName, targetsOf } from '../../store/index';
import { ActionButton } from '../ActionButton';
import { bpfFds } from '../format';
import { useChosenPid, useSnapshot } from '../hooks';
import { usePlayground, useStoreApi } from '../store';
import { Choice, ProcessSelect, TextField } from './ProcessSelect';

export function ProgramsPanel() {
  const store = useStoreApi();
  const snap = useSnapshot();
  const selected = usePlayground((s) => s.selected);
  const [pid, setPid] = useChosenPid(snap);
  const [section, setSection] = useState('raw_tp');
  const [name, setName] = useState('raw_tp_prog');
  const [target, setTarget] = useState('');
  const [mapName, setMapName] = useState('test_lin.bss');
  const [mapType, setMapType] = useState('array');
  const [uses, setUses] = useState<number[]>([]);
  const mapsId = useId();
  const sec = sectionByName(section)!;
  const targets = targetsOf(sec);
  const chosenTarget = targets.includes(target) ? target : targets[0] ?? '';
  const mapFds = bpfFds(snap, pid, 'map');
  const usedFds = uses.filter((fd) => mapFds.some((m) => m.fd === fd));

  return (
    <div className="panel-body">
      <ProcessSelect snap={snap} pid={pid} onChange={setPid} />
      <fieldset>
        <legend>Load a program</legend>
        <Choice label="Section" value={section} options={SECTIONS.map((s) => ({ value: s.name, text: `${s.name} — ${s.progType.replace('BPF_PROG_TYPE_', '').toLowerCase()}` }))} onChange={setSection} />
        {targets.length > 0 && <Choice label="Target" value={chosenTarget} options={targets} onChange={setTarget} />}
        <TextField label="Program name" value={name} onChange={setName} />
        <div className="field" role="group" aria-labelledby={mapsId}>
          <span id={mapsId} className="label">Maps it uses</span>
          {mapFds.length === 0 ? <span className="muted">no map fds in this process</span> : mapFds.map((m) => (
            <label key={m.fd} className="check">
              <input type="checkbox" checked={usedFds.includes(m.fd)}
                onChange={(e) => setUses(e.target.checked ? [...usedFds, m.fd] : usedFds.filter((x) => x !== m.fd))} />
              fd {m.fd} ({m.text})
            </label>
          ))}
        </div>
        <p className="hint">{sec.help}</p>
        <ActionButton id="prog.load" className="primary" args={{ pid: pid ?? undefined, section, name, target: chosenTarget, maps: usedFds }} />
      </fieldset>
      <fieldset>
        <legend>Create a map</legend>
        <TextField label="Map name" value={mapName} onChange={setMapName} />
        <Choice label="Map type" value={mapType} options={['array', 'hash', 'percpu_array', 'ringbuf']} onChange={setMapType} />
        <ActionButton id="map.create" args={{ pid: pid ?? undefined, name: mapName, type: mapType }} />
      </fieldset>
      <h3>Loaded</h3>
      <ul className="olist" aria-label="Programs and maps">
        {snap.progs.map((p) => (
          <li key={p.key} className={selected === p.key ? 'is-selected' : undefined}>
            <button type="button" className="linkish" aria-label={`Select program ${p.name || p.id}`} onClick={() => store.getState().select(p.key)}>
              <b>{p.name || `prog ${p.id}`}</b> <span className="muted">prog {p.id} · {String(p.type).replace('BPF_PROG_TYPE_', '').toLowerCase()} · refcnt {p.refcnt} · run_cnt {p.runCnt}</span>
            </button>
          </li>
        ))}
        {snap.maps.map((m) => (
          <li key={m.key} className={selected === m.key ? 'is-selected' : undefined}>
            <button type="button" className="linkish" aria-label={`Select map ${m.name || m.id}`} onClick={() => store.getState().select(m.key)}>
              <b>{m.name || `map ${m.id}`}</b> <span className="muted">map {m.id} · refcnt {m.refcnt} · usercnt {m.usercnt}</span>
            </button>
          </li>
        ))}
        {snap.progs.length + snap.maps.length === 0 && <li className="muted">Nothing loaded.</li>}
      </ul>
    </div>
  );
}

/**
 * Load without libbpf: a raw BPF_PROG_LOAD described by its libbpf section name, and
 * BPF_MAP_CREATE. The Programs panel offers it next to the libbpf editor.
 */
import { useId, useState } from 'react';
import { SECTIONS, sectionByName, targetsOf } from '../../store/index';
import { ActionButton } from '../ActionButton';
import { bpfFds } from '../format';
import { useSnapshot } from '../hooks';
import { Choice, TextField } from './ProcessSelect';

export function SectionLoadForm({ pid }: { pid: number | null }) {
  const snap = useSnapshot();
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
    <>
      <fieldset>
        <legend>Load a program by section (BPF_PROG_LOAD)</legend>
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
    </>
  );
}

/**
 * Programs: BPF C in a Monaco editor (lazy-loaded, local), loaded with libbpf in a chosen
 * process; load errors show as editor markers. Starter sources: the seed's selftest
 * program, an XDP program, a cgroup program. A raw BPF_PROG_LOAD form is kept below.
 */
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { STARTERS } from '../../editor/starters';
import { ensureRunner } from '../../store/runners/index';
import { ActionButton } from '../ActionButton';
import { useChosenPid, useSnapshot } from '../hooks';
import { usePlayground, useStoreApi } from '../store';
import { Choice, ProcessSelect } from './ProcessSelect';
import { SectionLoadForm } from './SectionLoadForm';

const BpfEditor = lazy(() => import('../../editor/BpfEditor'));

function Loaded() {
  const store = useStoreApi();
  const snap = useSnapshot();
  const selected = usePlayground((s) => s.selected);
  return (
    <>
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
    </>
  );
}

export function ProgramsPanel() {
  const store = useStoreApi();
  const snap = useSnapshot();
  const [pid, setPid] = useChosenPid(snap);
  const source = usePlayground((s) => s.source);
  const file = usePlayground((s) => s.sourceFile);
  const theme = usePlayground((s) => s.theme);
  const step = usePlayground((s) => s.steps[s.cursor]!);
  const [ready, setReady] = useState(false);
  const starter = STARTERS.find((s) => s.source === source)?.id ?? '';

  useEffect(() => {
    let live = true;
    void ensureRunner('libbpf').then(() => { if (live) setReady(true); });
    if (!store.getState().source) store.getState().setSource(STARTERS[0]!.source, STARTERS[0]!.file);
    return () => { live = false; };
  }, [store]);

  const last = step.command?.kind === 'libbpf' ? step.result : null;
  const diagnostics = useMemo(() => last?.diagnostics ?? [], [last]);
  const args = { pid: pid ?? undefined, source, file };

  return (
    <div className="panel-body">
      <ProcessSelect snap={snap} pid={pid} onChange={setPid} />
      <Choice label="Starter source" value={starter} onChange={(id) => {
        const s = STARTERS.find((x) => x.id === id);
        if (s) store.getState().setSource(s.source, s.file);
      }} options={[...(starter ? [] : [{ value: '', text: 'your source' }]), ...STARTERS.map((s) => ({ value: s.id, text: s.title }))]} />
      <Suspense fallback={<div className="editor-box loading" aria-busy="true">Loading the editor…</div>}>
        <BpfEditor value={source} onChange={(v) => store.getState().setSource(v)} diagnostics={diagnostics} theme={theme} path={file} />
      </Suspense>
      <div className="btnrow">
        {ready ? (
          <>
            <ActionButton id="prog.libbpf_load" args={args} className="primary">Load</ActionButton>
            <ActionButton id="prog.libbpf_load_attach" args={args}>Load and attach</ActionButton>
          </>
        ) : <span className="muted">Loading libbpf…</span>}
      </div>
      {last && (
        <pre className={`output${last.ret < 0 ? ' err' : ''}`} data-testid="libbpf-output" aria-label="libbpf output">{last.output}</pre>
      )}
      <Loaded />
      <details>
        <summary>Without libbpf: BPF_PROG_LOAD and BPF_MAP_CREATE by hand</summary>
        <SectionLoadForm pid={pid} />
      </details>
    </div>
  );
}

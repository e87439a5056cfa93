/** Attach: pick a program fd and a target and attach it as a link; list the links. */
import { useState } from 'react';
import { sectionOf, TRACEPOINT_NAMES } from '../../store/index';
import { ActionButton } from '../ActionButton';
import { bpfFds } from '../format';
import { useChosenPid, useSnapshot } from '../hooks';
import { usePlayground, useStoreApi } from '../store';
import { Choice, ProcessSelect } from './ProcessSelect';

export function AttachPanel() {
  const store = useStoreApi();
  const snap = useSnapshot();
  const selected = usePlayground((s) => s.selected);
  const [pid, setPid] = useChosenPid(snap);
  const [progFd, setProgFd] = useState<number | null>(null);
  const [tp, setTp] = useState('sys_enter');
  const progs = bpfFds(snap, pid, 'prog');
  const fd = progs.some((p) => p.fd === progFd) ? progFd : progs[progs.length - 1]?.fd ?? null;
  const prog = snap.progs.find((p) => p.key === progs.find((x) => x.fd === fd)?.target);
  const sec = prog ? sectionOf(prog.type, prog.expectedAttachType) : undefined;
  const rawTp = !prog || String(prog.type) === 'BPF_PROG_TYPE_RAW_TRACEPOINT' || String(prog.type) === 'BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE';
  const links = bpfFds(snap, pid, 'link');

  return (
    <div className="panel-body">
      <ProcessSelect snap={snap} pid={pid} onChange={setPid} />
      <fieldset>
        <legend>Attach a program as a link</legend>
        <Choice label="Program fd" value={fd === null ? '' : String(fd)} onChange={(v) => setProgFd(Number(v))}
          options={progs.map((p) => ({ value: String(p.fd), text: `fd ${p.fd}: ${p.text}` }))} />
        {rawTp ? (
          <Choice label="Tracepoint" value={tp} options={TRACEPOINT_NAMES} onChange={setTp} />
        ) : (
          <p className="hint">{sec?.name ?? 'This program'} attaches to its load-time target: {prog?.attachTarget ?? '?'}.</p>
        )}
        <div className="row">
          <ActionButton id="attach.raw_tracepoint_open" className="primary"
            args={{ pid: pid ?? undefined, prog: fd ?? undefined, tracepoint: rawTp ? tp : undefined }} />
          {!rawTp && prog && (
            <ActionButton id="attach.link_create" args={{ pid: pid ?? undefined, prog: fd ?? undefined, attach_type: String(prog.expectedAttachType) }} />
          )}
        </div>
        <p className="hint">BPF_RAW_TRACEPOINT_OPEN makes a bpf_link (5.7+; on 5.6 a plain fd). Legacy attach types (cgroup, XDP netlink) arrive with the model’s cgroups and devices.</p>
      </fieldset>
      <h3>Links</h3>
      <ul className="olist" aria-label="Links">
        {snap.links.map((l) => {
          const mine = links.filter((x) => x.target === l.key);
          return (
            <li key={l.key} className={selected === l.key ? 'is-selected' : undefined}>
              <button type="button" className="linkish" aria-label={`Select ${l.isLink ? `link ${l.id || l.key}` : `attachment ${l.key}`}`} onClick={() => store.getState().select(l.key)}>
                <b>{l.isLink ? `link ${l.id || '(no id)'}` : 'attachment fd'}</b>{' '}
                <span className="muted">{String(l.type).replace('BPF_LINK_TYPE_', '').toLowerCase()} → {l.target} · refcnt {l.refcnt}</span>{' '}
                <span className={`badge ${l.attached ? 'ok' : 'warn'}`}>{l.attached ? 'attached' : 'detached'}</span>
              </button>
              {mine.map((m) => <ActionButton key={m.fd} id="link.detach" args={{ pid: pid ?? undefined, fd: m.fd }}>detach fd {m.fd}</ActionButton>)}
            </li>
          );
        })}
        {snap.links.length === 0 && <li className="muted">No links.</li>}
      </ul>
    </div>
  );
}

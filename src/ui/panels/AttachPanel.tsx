/**
 * Attach: pick a program fd and a target; attach it as a link, or the legacy way where the
 * kernel has one (cgroups and tcx: BPF_PROG_ATTACH; XDP: netlink). Lists links and legacy attachments.
 */
import { useState } from 'react';
import { sectionOf, TRACEPOINT_NAMES } from '../../store/index';
import { ActionButton } from '../ActionButton';
import { bpfFds } from '../format';
import { useChosenPid, useSnapshot } from '../hooks';
import { usePlayground, useStoreApi } from '../store';
import { CgroupAttach, TcxAttach, XdpAttach } from './AttachTargets';
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
  const how = sec?.attach ?? (prog ? null : 'raw_tp');
  const links = bpfFds(snap, pid, 'link');
  const p = pid ?? undefined;
  const select = (key: string) => store.getState().select(key);

  return (
    <div className="panel-body">
      <ProcessSelect snap={snap} pid={pid} onChange={setPid} />
      <fieldset>
        <legend>Attach a program</legend>
        <Choice label="Program fd" value={fd === null ? '' : String(fd)} onChange={(v) => setProgFd(Number(v))}
          options={progs.map((x) => ({ value: String(x.fd), text: `fd ${x.fd}: ${x.text}` }))} />
        {how === 'raw_tp' && (
          <>
            <Choice label="Tracepoint" value={tp} options={TRACEPOINT_NAMES} onChange={setTp} />
            <ActionButton id="attach.raw_tracepoint_open" className="primary" args={{ pid: p, prog: fd ?? undefined, tracepoint: tp }} />
            <p className="hint">BPF_RAW_TRACEPOINT_OPEN makes a bpf_link (5.7+; on 5.6 a plain fd that cannot be pinned).</p>
          </>
        )}
        {how === 'tracing' && prog && (
          <>
            <p className="hint">{sec?.name} attaches to its load-time target: {prog.attachTarget ?? '?'}.</p>
            <div className="btnrow">
              <ActionButton id="attach.raw_tracepoint_open" className="primary" args={{ pid: p, prog: fd ?? undefined }} />
              <ActionButton id="attach.link_create" args={{ pid: p, prog: fd ?? undefined, attach_type: String(prog.expectedAttachType) }} />
            </div>
          </>
        )}
        {how === 'cgroup' && prog && <CgroupAttach snap={snap} pid={pid} prog={fd} attachType={String(prog.expectedAttachType)} />}
        {how === 'xdp' && <XdpAttach snap={snap} pid={pid} prog={fd} />}
        {how === 'tcx' && prog && <TcxAttach snap={snap} pid={pid} prog={fd} attachType={String(prog.expectedAttachType)} />}
        {how === 'iter' && prog && (
          <>
            <p className="hint">An iterator over {prog.attachTarget ?? '?'}: the link runs nothing until a file made from it (BPF_ITER_CREATE, or open() of its pin) is read.</p>
            <ActionButton id="attach.iter_link" className="primary" args={{ pid: p, prog: fd ?? undefined }} />
          </>
        )}
        {how === null && prog && <p className="hint">This program type is not attachable from this panel.</p>}
      </fieldset>
      <h3>Links</h3>
      <ul className="olist" aria-label="Links">
        {snap.links.map((l) => (
          <li key={l.key} className={selected === l.key ? 'is-selected' : undefined}>
            <button type="button" className="linkish" aria-label={`Select ${l.isLink ? `link ${l.id || l.key}` : `attachment ${l.key}`}`} onClick={() => select(l.key)}>
              <b>{l.isLink ? `link ${l.id || '(no id)'}` : 'attachment fd'}</b>{' '}
              <span className="muted">{String(l.type).replace('BPF_LINK_TYPE_', '').toLowerCase()} → {l.target} · refcnt {l.refcnt}</span>{' '}
              <span className={`badge ${l.attached ? 'ok' : 'warn'}`}>{l.attached ? 'attached' : 'detached'}</span>
            </button>
            {links.filter((x) => x.target === l.key).map((m) => (String(l.type) === 'BPF_LINK_TYPE_ITER'
              ? <ActionButton key={m.fd} id="link.iter_create" args={{ pid: p, fd: m.fd }}>iterator file from fd {m.fd}</ActionButton>
              : <ActionButton key={m.fd} id="link.detach" args={{ pid: p, fd: m.fd }}>detach fd {m.fd}</ActionButton>))}
          </li>
        ))}
        {snap.links.length === 0 && <li className="muted">No links.</li>}
      </ul>
      <h3>Legacy attachments</h3>
      <ul className="olist" aria-label="Legacy attachments">
        {(snap.legacy ?? []).map((l) => (
          <li key={l.key} className={selected === l.key ? 'is-selected' : undefined}>
            <button type="button" className="linkish" aria-label={`Select legacy ${l.kind} attachment ${l.key.replace('legacy#', '#')}`} onClick={() => select(l.key)}>
              <b>{l.kind}</b> <span className="muted">→ {l.target} · by {l.attacherComm} (pid {l.attacherPid})</span>{' '}
              <span className={`badge ${l.abandoned ? 'err' : 'warn'}`}>{l.abandoned ? 'abandoned' : 'no fd owns it'}</span>
            </button>
          </li>
        ))}
        {(snap.legacy ?? []).length === 0 && <li className="muted">None.</li>}
      </ul>
    </div>
  );
}

/**
 * BPF FS: the /sys/fs/bpf tree (and /sys/fs/cgroup); mkdir, pin an fd of a process at a
 * path, unpin (unlink), rename, rmdir, and open a pin into a process (BPF_OBJ_GET).
 */
import { useState } from 'react';
import type { FsEntrySnapshot } from '../../kernel/index';
import { dirId, objectName, pinId } from '../../graph/index';
import { ActionButton } from '../ActionButton';
import { bpfFds } from '../format';
import { useChosenPid, useSnapshot } from '../hooks';
import { usePlayground, useStoreApi } from '../store';
import { Choice, ProcessSelect, TextField } from './ProcessSelect';

const depth = (path: string, root: string): number => (path === root ? 0 : path.slice(root.length).split('/').length - 1);

function Tree({ title, root, entries, pid }: { title: string; root: string; entries: readonly FsEntrySnapshot[]; pid: number | null }) {
  const store = useStoreApi();
  const snap = useSnapshot();
  const selected = usePlayground((s) => s.selected);
  const p = pid ?? undefined;
  return (
    <ul className="tree" aria-label={title}>
      {entries.map((e) => {
        const key = e.kind === 'pin' ? pinId(e.path) : dirId(e.path);
        const name = e.path === root ? root : e.path.slice(e.path.lastIndexOf('/') + 1);
        return (
          <li key={e.path} className={`${e.kind}${selected === key ? ' is-selected' : ''}`} style={{ paddingLeft: `${depth(e.path, root) * 14}px` }}>
            <button type="button" className="linkish" aria-label={`Select ${e.kind === 'pin' ? 'pin' : 'directory'} ${e.path}`} onClick={() => store.getState().select(key)}>
              <span className="ico" aria-hidden="true">{e.kind === 'dir' ? '▸' : '📌'}</span> {name}
              {e.obj && <span className="muted"> → {objectName({ snap }, e.obj)}</span>}
            </button>
            <span className="btns">
              {e.kind === 'pin' ? (
                <>
                  <ActionButton id="fs.get" args={{ pid: p, path: e.path }}>open</ActionButton>
                  <ActionButton id="fs.unlink" args={{ pid: p, path: e.path }} className="danger">unpin</ActionButton>
                </>
              ) : (
                <>
                  <ActionButton id="fs.open" args={{ pid: p, path: e.path }}>open</ActionButton>
                  {e.path !== root && <ActionButton id="fs.rmdir" args={{ pid: p, path: e.path }}>rmdir</ActionButton>}
                </>
              )}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export function BpffsPanel() {
  const snap = useSnapshot();
  const [pid, setPid] = useChosenPid(snap);
  const [dir, setDir] = useState('/sys/fs/bpf/');
  const [pinFd, setPinFd] = useState<number | null>(null);
  const [pinPath, setPinPath] = useState('/sys/fs/bpf/my_link');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('/sys/fs/bpf/renamed');
  const objs = bpfFds(snap, pid);
  const fd = objs.some((o) => o.fd === pinFd) ? pinFd : objs.find((o) => o.kind === 'link')?.fd ?? objs[objs.length - 1]?.fd ?? null;
  const movable = [...snap.bpffs, ...snap.cgroupfs].filter((e) => e.path !== '/sys/fs/bpf' && e.path !== '/sys/fs/cgroup').map((e) => e.path);
  const src = movable.includes(from) ? from : movable[0] ?? '';
  const p = pid ?? undefined;

  return (
    <div className="panel-body">
      <ProcessSelect snap={snap} pid={pid} onChange={setPid} label="Act as process" />
      <Tree title="BPF FS /sys/fs/bpf" root="/sys/fs/bpf" entries={snap.bpffs} pid={pid} />
      {snap.cgroupfs.length > 0 && <Tree title="cgroupfs /sys/fs/cgroup" root="/sys/fs/cgroup" entries={snap.cgroupfs} pid={pid} />}
      <fieldset>
        <legend>Pin an object</legend>
        <Choice label="fd to pin" value={fd === null ? '' : String(fd)} onChange={(v) => setPinFd(Number(v))}
          options={objs.map((o) => ({ value: String(o.fd), text: `fd ${o.fd}: ${o.text}` }))} />
        <TextField label="Pin path" value={pinPath} onChange={setPinPath} />
        <ActionButton id="fs.pin" className="primary" args={{ pid: p, fd: fd ?? undefined, path: pinPath }} />
      </fieldset>
      <fieldset>
        <legend>Directories and names</legend>
        <div className="row">
          <TextField label="Directory path" value={dir} onChange={setDir} />
          <ActionButton id="fs.mkdir" args={{ pid: p, path: dir.replace(/\/+$/, '') }} />
        </div>
        <Choice label="Rename from" value={src} options={movable} onChange={setFrom} />
        <div className="row">
          <TextField label="New path" value={to} onChange={setTo} />
          <ActionButton id="fs.rename" args={{ pid: p, from: src, to }}>rename</ActionButton>
        </div>
      </fieldset>
    </div>
  );
}

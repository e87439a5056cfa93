/** Attach forms for cgroup, XDP and tcx programs: as a link, or the legacy way (owned by no fd). */
import { useState } from 'react';
import type { KernelSnapshot } from '../../kernel/index';
import { ActionButton } from '../ActionButton';
import { fdsOf } from '../format';
import { Choice } from './ProcessSelect';

interface Props { snap: KernelSnapshot; pid: number | null; prog: number | null; attachType: string }

export function CgroupAttach({ snap, pid, prog, attachType }: Props) {
  const dirs = fdsOf(snap, pid).filter((f) => f.kind === 'dir' && f.target.startsWith('/sys/fs/cgroup'));
  const [picked, setPicked] = useState<number | null>(null);
  const cg = dirs.some((d) => d.fd === picked) ? picked : dirs[dirs.length - 1]?.fd ?? null;
  const args = { pid: pid ?? undefined, prog: prog ?? undefined, cgroup: cg ?? undefined, attach_type: attachType };
  return (
    <>
      <Choice label="cgroup fd" value={cg === null ? '' : String(cg)} onChange={(v) => setPicked(Number(v))}
        options={dirs.map((d) => ({ value: String(d.fd), text: `fd ${d.fd}: ${d.target}` }))} />
      {dirs.length === 0 && <p className="hint">Open a cgroup directory first (BPF FS panel: mkdir /sys/fs/cgroup/…, then open).</p>}
      <p className="hint">Attach type {attachType}.</p>
      <div className="btnrow">
        <ActionButton id="attach.cgroup_link" args={args} className="primary">Attach as a link</ActionButton>
        <ActionButton id="attach.prog_attach" args={args}>Attach the legacy way</ActionButton>
        <ActionButton id="attach.prog_detach" args={args}>BPF_PROG_DETACH</ActionButton>
      </div>
    </>
  );
}

/** The network device a form acts on (eth0 until one is picked), and its choice. */
function useDevice(snap: KernelSnapshot, note: (d: KernelSnapshot['netdevs'][number]) => string = () => '') {
  const [picked, setPicked] = useState<number | null>(null);
  const devs = snap.netdevs ?? [];
  const ifindex = devs.some((d) => d.ifindex === picked) ? picked : devs.find((d) => d.name === 'eth0')?.ifindex ?? devs[0]?.ifindex ?? null;
  const choice = (
    <Choice label="Device" value={ifindex === null ? '' : String(ifindex)} onChange={(v) => setPicked(Number(v))}
      options={devs.map((d) => ({ value: String(d.ifindex), text: `${d.name} (ifindex ${d.ifindex})${note(d)}` }))} />
  );
  return { ifindex, name: devs.find((d) => d.ifindex === ifindex)?.name, choice };
}

export function XdpAttach({ snap, pid, prog }: Omit<Props, 'attachType'>) {
  const { ifindex, choice } = useDevice(snap, (d) => (d.xdp.length ? ' · XDP in use' : ''));
  const args = { pid: pid ?? undefined, prog: prog ?? undefined, ifindex: ifindex ?? undefined };
  return (
    <>
      {choice}
      <div className="btnrow">
        <ActionButton id="attach.xdp_link" args={args} className="primary">Attach as a link</ActionButton>
        <ActionButton id="attach.xdp_netlink" args={args}>Attach the legacy way</ActionButton>
        <ActionButton id="attach.xdp_netlink_off" args={args}>xdp off</ActionButton>
      </div>
    </>
  );
}

/** tcx (6.6+): links and BPF_PROG_ATTACH entries share one ordered list per device and direction. */
export function TcxAttach({ snap, pid, prog, attachType }: Props) {
  const { ifindex, name, choice } = useDevice(snap);
  const [dir, setDir] = useState<string | null>(null);
  const direction = dir ?? (attachType === 'BPF_TCX_EGRESS' ? 'BPF_TCX_EGRESS' : 'BPF_TCX_INGRESS');
  const args = { pid: pid ?? undefined, prog: prog ?? undefined, ifindex: ifindex ?? undefined, attach_type: direction };
  const list = snap.attachPoints.find((a) => a.key === `tcx:${name}:${direction === 'BPF_TCX_EGRESS' ? 'egress' : 'ingress'}`);
  return (
    <>
      {choice}
      <Choice label="Direction" value={direction} onChange={setDir}
        options={[{ value: 'BPF_TCX_INGRESS', text: 'ingress' }, { value: 'BPF_TCX_EGRESS', text: 'egress' }]} />
      <p className="hint">{list ? `${list.entries.length} on this list (revision ${list.revision ?? 1}); a new entry goes last.` : 'Nothing on this list yet.'}</p>
      <div className="btnrow">
        <ActionButton id="attach.tcx_link" args={args} className="primary">Attach as a link</ActionButton>
        <ActionButton id="attach.tcx_prog_attach" args={args}>Attach the legacy way</ActionButton>
        <ActionButton id="attach.tcx_prog_detach" args={args}>BPF_PROG_DETACH</ActionButton>
      </div>
    </>
  );
}

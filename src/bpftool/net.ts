/**
 * `bpftool net { show | list | help }` (bpftool v7.7.0 src/net.c): XDP from netlink, tcx
 * by `BPF_PROG_QUERY` per device, the netns flow dissector, netfilter links.
 *
 * Stand-ins: the `RTM_GETLINK` dump is the model's `snapshot().netdevs` (each device and
 * what sits in its XDP slots, link or netlink program alike, as netlink reports them); the
 * model has no /proc/self/ns/net to query the flow dissector through, and no tc qdiscs.
 */
import { uapi } from '../kernel/index';
import { ifIndex } from './common';
import { progParseFd } from './prog';
import { Args, cmdSelect, HELP_SPEC_OPTIONS, HELP_SPEC_PROGRAM, isPrefix, type Tool } from './tool';

type Info = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const MODE: Record<string, string> = { skb: 'generic', drv: 'driver', hw: 'offload' };

function progIdOf(t: Tool, key: string | undefined): number {
  const snap = t.kernel.snapshot();
  const progKey = snap.links.find((l) => l.key === key)?.prog ?? snap.legacy.find((l) => l.key === key)?.prog;
  return snap.progs.find((p) => p.key === progKey)?.id ?? 0;
}

function xdpSection(t: Tool, filter: number): { ifindex: number; name: string }[] {
  const j = t.json;
  const devs = [...t.kernel.snapshot().netdevs].sort((a, b) => a.ifindex - b.ifindex).filter((d) => filter <= 0 || d.ifindex === filter);
  for (const d of devs) {
    if (!d.xdp.length) continue;
    j?.startObject();
    if (j) { j.stringField('devname', d.name); j.uintField('ifindex', d.ifindex); } else t.printf(`${d.name}(${d.ifindex})`);
    const entry = (m: string, id: number): void => {
      if (j) { j.stringField('mode', m); j.uintField('id', id); } else t.printf(` ${m} id ${id}`);
    };
    if (d.xdp.length > 1) {
      if (j) { j.name('multi_attachments'); j.startArray(); }
      for (const mode of ['skb', 'drv', 'hw']) {
        const slot = d.xdp.find((x) => x.mode === mode);
        if (!slot) continue;
        j?.startObject();
        entry(MODE[mode]!, progIdOf(t, slot.link ?? slot.legacy));
        j?.endObject();
      }
      j?.endArray();
    } else {
      entry(MODE[d.xdp[0]!.mode]!, progIdOf(t, d.xdp[0]!.link ?? d.xdp[0]!.legacy));
    }
    if (j) j.endObject(); else t.printf('\n');
  }
  return devs.map((d) => ({ ifindex: d.ifindex, name: d.name }));
}

/** `__show_dev_tc_bpf`: tcx and netkit programs of a device. */
function tcSection(t: Tool, dev: { ifindex: number; name: string }): void {
  for (const loc of ['BPF_TCX_INGRESS', 'BPF_TCX_EGRESS', 'BPF_NETKIT_PRIMARY', 'BPF_NETKIT_PEER']) {
    // __show_dev_tc_bpf: bpf_prog_query_opts with prog_ids, prog_attach_flags, link_ids and
    // link_attach_flags buffers of 64
    const attr: Info = { target_ifindex: dev.ifindex, attach_type: loc, prog_cnt: 64, prog_attach_flags: [], link_ids: [], link_attach_flags: [] };
    if (t.bpf('BPF_PROG_QUERY', attr) < 0) continue;
    const ids = Array.isArray(attr.prog_ids) ? attr.prog_ids as number[] : [];
    const links = Array.isArray(attr.link_ids) ? attr.link_ids as number[] : [];
    const kind = loc === 'BPF_TCX_INGRESS' ? 'tcx/ingress' : loc === 'BPF_TCX_EGRESS' ? 'tcx/egress' : loc === 'BPF_NETKIT_PRIMARY' ? 'netkit/primary' : 'netkit/peer';
    ids.slice(0, num(attr.prog_cnt)).forEach((id, k) => {
      const fd = t.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: id });
      let name: string | null = null;
      if (fd >= 0) {
        const info: Info = { bpf_fd: fd, info: {} };
        if (!t.bpf('BPF_OBJ_GET_INFO_BY_FD', info)) name = String((info.info as Info).name ?? '');
        t.close(fd);
      }
      const j = t.json;
      if (j) {
        j.startObject();
        j.stringField('devname', dev.name);
        j.uintField('ifindex', dev.ifindex);
        j.stringField('kind', kind);
        if (name !== null) j.stringField('name', name);
        j.uintField('prog_id', id);
        j.name('prog_flags'); j.startArray(); j.endArray();
        j.uintField('link_id', links[k] ?? 0);
        j.name('link_flags'); j.startArray(); j.endArray();
        j.endObject();
      } else {
        t.printf(`${dev.name}(${dev.ifindex}) ${kind}${name !== null ? ` ${name}` : ''} prog_id ${id} `);
        if (links[k]) t.printf(`link_id ${links[k]} `);
        t.printf('\n');
      }
    });
  }
}

/** `show_link_netfilter`: every link's info, keeping the netfilter ones. */
function netfilterSection(t: Tool): void {
  let id = 0;
  for (;;) {
    const attr: Info = { start_id: id };
    if (t.bpf('BPF_LINK_GET_NEXT_ID', attr)) break;
    id = num(attr.next_id);
    const fd = t.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: id });
    if (fd < 0) { t.perr(`can't get link by id (${id}): ${t.strerror()}`); continue; }
    const info: Info = { bpf_fd: fd, info: {} };
    t.bpf('BPF_OBJ_GET_INFO_BY_FD', info);
    t.close(fd);
    // The model has no netfilter links (BPF_LINK_TYPE_NETFILTER): nothing to print.
    void uapi;
  }
}

function doShow(a: Args): number {
  const t = a.tool;
  let filter = -1;
  if (a.argc === 2) {
    filter = parseDev(a);
    if (filter < 1) return -1;
  } else if (a.argc !== 0) {
    t.usage();
  }
  const j = t.json;
  const section = (name: string, body: () => void): void => {
    if (j) { j.name(name); j.startArray(); } else t.printf(`${name}:\n`);
    body();
    if (j) j.endArray(); else t.printf('\n');
  };
  j?.startArray();
  j?.startObject();
  let devs: { ifindex: number; name: string }[] = [];
  section('xdp', () => { devs = xdpSection(t, filter); });
  section('tc', () => { for (const d of devs) tcSection(t, d); });
  section('flow_dissector', () => undefined);
  section('netfilter', () => netfilterSection(t));
  j?.endObject();
  j?.endArray();
  return 0;
}

const NET_ATTACH_TYPES = ['xdp', 'xdpgeneric', 'xdpdrv', 'xdpoffload', 'tcx_ingress', 'tcx_egress'];
const XDP_MODE_FLAG: Record<string, number> = { xdpgeneric: 2, xdpdrv: 4, xdpoffload: 8 };

function parseDev(a: Args): number {
  const t = a.tool;
  if (!isPrefix(a.cur, 'dev')) { t.perr(`expected 'dev', got: '${a.cur}'?`); return -1; }
  a.next();
  const idx = ifIndex(t, a.cur);
  if (!idx) t.perr(`invalid devname ${a.cur}`);
  a.next();
  return idx;
}

/** `bpf_xdp_attach`: the netlink request (`RTM_SETLINK`, `IFLA_XDP`). */
function xdpAttach(t: Tool, type: string, ifindex: number, progFd: number, overwrite: boolean): number {
  const flags = (overwrite ? 0 : 1) | (XDP_MODE_FLAG[type] ?? 0);
  return t.kernel.netlinkXdpAttach(t.pid, { ifindex, prog_fd: progFd, flags });
}

/** `bpftool net attach ATTACH_TYPE PROG dev DEV [overwrite | prepend]`. */
function doAttach(a: Args): number {
  const t = a.tool;
  if (!a.req(5)) return -22;
  const type = NET_ATTACH_TYPES.find((s) => isPrefix(a.cur, s));
  if (!type) { t.perr(`invalid net attach/detach type: ${a.cur}`); return -22; }
  a.next();
  const prog = progParseFd(a);
  if (prog < 0) return -22;
  let err = 0;
  const ifindex = parseDev(a);
  let overwrite = false;
  let prepend = false;
  if (ifindex < 1) err = -22;
  else if (a.argc) {
    if (isPrefix(a.cur, 'overwrite') && type.startsWith('xdp')) overwrite = true;
    else if (isPrefix(a.cur, 'overwrite')) { t.perr("'overwrite' is only supported for xdp types"); err = -22; }
    else if (isPrefix(a.cur, 'prepend') && type.startsWith('tcx')) prepend = true;
    else if (isPrefix(a.cur, 'prepend')) { t.perr("'prepend' is only supported for tcx_ingress/tcx_egress"); err = -22; }
    else { t.perr(`expected 'overwrite' or 'prepend', got: '${a.cur}'?`); err = -22; }
  }
  if (!err) {
    // do_attach_tcx: bpf_prog_attach, or with prepend bpf_prog_attach_opts with BPF_F_BEFORE
    err = type.startsWith('xdp') ? xdpAttach(t, type, ifindex, prog, overwrite)
      : t.bpf('BPF_PROG_ATTACH', { target_ifindex: ifindex, attach_bpf_fd: prog, attach_type: type === 'tcx_ingress' ? 'BPF_TCX_INGRESS' : 'BPF_TCX_EGRESS',
        ...(prepend ? { attach_flags: ['BPF_F_BEFORE'] } : {}) });
    if (err) t.perr(`interface ${type} attach failed: ${t.strerror(err)}`);
    else t.json?.null();
  }
  t.close(prog);
  return err;
}

function doDetach(a: Args): number {
  const t = a.tool;
  if (!a.req(3)) return -22;
  const type = NET_ATTACH_TYPES.find((s) => isPrefix(a.cur, s));
  if (!type) { t.perr(`invalid net attach/detach type: ${a.cur}`); return -22; }
  a.next();
  const ifindex = parseDev(a);
  if (ifindex < 1) return -22;
  const err = type.startsWith('xdp') ? xdpAttach(t, type, ifindex, -1, false)
    : t.bpf('BPF_PROG_DETACH', { target_ifindex: ifindex, attach_type: type === 'tcx_ingress' ? 'BPF_TCX_INGRESS' : 'BPF_TCX_EGRESS' });
  if (err < 0) {
    t.perr(`interface ${type} detach failed: ${t.strerror(err)}`);
    return err;
  }
  t.json?.null();
  return 0;
}

function help(t: Tool): number {
  if (t.json) { t.json.null(); return 0; }
  t.eprintf(
    'Usage: bpftool net { show | list } [dev <devname>]\n'
    + '       bpftool net attach ATTACH_TYPE PROG dev <devname> [ overwrite | prepend ]\n'
    + '       bpftool net detach ATTACH_TYPE dev <devname>\n'
    + '       bpftool net help\n'
    + '\n'
    + `       ${HELP_SPEC_PROGRAM}\n`
    + '       ATTACH_TYPE := { xdp | xdpgeneric | xdpdrv | xdpoffload | tcx_ingress\n'
    + '                        | tcx_egress }\n'
    + `       ${HELP_SPEC_OPTIONS} }\n`
    + '\n'
    + 'Note: Only xdp, tcx, tc, netkit, flow_dissector and netfilter attachments\n'
    + '      are currently supported.\n'
    + '      For progs attached to cgroups, use "bpftool cgroup"\n'
    + '      to dump program attachments. For program types\n'
    + '      sk_{filter,skb,msg,reuseport} and lwt/seg6, please\n'
    + '      consult iproute2.\n');
  return 0;
}

export function doNet(a: Args): number {
  const h = (): number => help(a.tool);
  return cmdSelect(a, [
    { cmd: 'show', fn: doShow }, { cmd: 'list', fn: doShow }, { cmd: 'attach', fn: doAttach }, { cmd: 'detach', fn: doDetach },
    { cmd: 'help', fn: h },
  ], h);
}

/**
 * `bpftool cgroup { show | list | tree | attach | detach | help }` (bpftool v7.7.0
 * src/cgroup.c): `BPF_PROG_QUERY` on a cgroup fd for every cgroup attach type.
 */
import { KERNEL_FUNCS, uapi } from '../kernel/index';
import { attachTypeStr } from '../libbpf/names';
import { progParseFd } from './prog';
import { Args, cmdSelect, HELP_SPEC_OPTIONS, HELP_SPEC_PROGRAM, isPrefix, type Tool } from './tool';

type Info = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const A = (n: string): number => (uapi.BPF_ATTACH_TYPE as readonly string[]).indexOf(n);
const pad = (s: string, n: number): string => s.padEnd(n);

const CGROUP_ATTACH_TYPES = ['INET_INGRESS', 'INET_EGRESS', 'INET_SOCK_CREATE', 'INET_SOCK_RELEASE', 'INET4_BIND',
  'INET6_BIND', 'INET4_POST_BIND', 'INET6_POST_BIND', 'INET4_CONNECT', 'INET6_CONNECT', 'UNIX_CONNECT',
  'INET4_GETPEERNAME', 'INET6_GETPEERNAME', 'UNIX_GETPEERNAME', 'INET4_GETSOCKNAME', 'INET6_GETSOCKNAME',
  'UNIX_GETSOCKNAME', 'UDP4_SENDMSG', 'UDP6_SENDMSG', 'UNIX_SENDMSG', 'UDP4_RECVMSG', 'UDP6_RECVMSG', 'UNIX_RECVMSG',
  'SOCK_OPS', 'DEVICE', 'SYSCTL', 'GETSOCKOPT', 'SETSOCKOPT'].map((n) => A(`BPF_CGROUP_${n}`)).concat([A('BPF_LSM_CGROUP')]);

/** bpftool's traditional attach type words (`bpf_attach_type_input_str`). */
const INPUT_STR: Record<string, string> = {
  BPF_CGROUP_INET_INGRESS: 'ingress', BPF_CGROUP_INET_EGRESS: 'egress', BPF_CGROUP_INET_SOCK_CREATE: 'sock_create',
  BPF_CGROUP_INET_SOCK_RELEASE: 'sock_release', BPF_CGROUP_SOCK_OPS: 'sock_ops', BPF_CGROUP_DEVICE: 'device',
  BPF_CGROUP_INET4_BIND: 'bind4', BPF_CGROUP_INET6_BIND: 'bind6', BPF_CGROUP_INET4_CONNECT: 'connect4',
  BPF_CGROUP_INET6_CONNECT: 'connect6', BPF_CGROUP_INET4_POST_BIND: 'post_bind4', BPF_CGROUP_INET6_POST_BIND: 'post_bind6',
  BPF_CGROUP_INET4_GETPEERNAME: 'getpeername4', BPF_CGROUP_INET6_GETPEERNAME: 'getpeername6',
  BPF_CGROUP_INET4_GETSOCKNAME: 'getsockname4', BPF_CGROUP_INET6_GETSOCKNAME: 'getsockname6',
  BPF_CGROUP_UDP4_SENDMSG: 'sendmsg4', BPF_CGROUP_UDP6_SENDMSG: 'sendmsg6', BPF_CGROUP_SYSCTL: 'sysctl',
  BPF_CGROUP_UDP4_RECVMSG: 'recvmsg4', BPF_CGROUP_UDP6_RECVMSG: 'recvmsg6', BPF_CGROUP_GETSOCKOPT: 'getsockopt',
  BPF_CGROUP_SETSOCKOPT: 'setsockopt', BPF_TRACE_RAW_TP: 'raw_tp', BPF_TRACE_FENTRY: 'fentry', BPF_TRACE_FEXIT: 'fexit',
  BPF_MODIFY_RETURN: 'mod_ret', BPF_SK_REUSEPORT_SELECT: 'sk_skb_reuseport_select',
  BPF_SK_REUSEPORT_SELECT_OR_MIGRATE: 'sk_skb_reuseport_select_or_migrate',
};

/** `parse_attach_type`: libbpf's names exactly, then the traditional words by prefix. */
export function parseAttachType(s: string): number {
  for (let i = 0; attachTypeStr(i); i++) if (attachTypeStr(i) === s) return i;
  for (let i = 0; ; i++) {
    const name = uapi.BPF_ATTACH_TYPE[i];
    const input = name ? INPUT_STR[name] ?? attachTypeStr(i) : i === 58 ? 'fsession' : null;
    if (!input) return -1;
    if (isPrefix(s, input)) return i;
  }
}

interface CgCtx { effective: boolean; btfVmlinuxId: number }

/** `bpf_prog_query`: `cnt` is the room in prog_ids (0 just counts). */
function query(t: Tool, fd: number, type: number, c: CgCtx, cnt: number): Info | null {
  const attr: Info = { target_fd: fd, attach_type: uapi.BPF_ATTACH_TYPE[type], query_flags: c.effective ? ['BPF_F_QUERY_EFFECTIVE'] : 0, prog_cnt: cnt };
  return t.bpf('BPF_PROG_QUERY', attr) < 0 ? null : attr;
}

/** `cgroup_has_attached_progs`: 1, 0, or -1 (a query failed other than with EINVAL). */
function hasAttached(t: Tool, fd: number, c: CgCtx): number {
  for (const type of CGROUP_ATTACH_TYPES) {
    const q = query(t, fd, type, c, 0);
    if (!q && t.errno !== 22) return -1;
    if (q && num(q.prog_cnt) > 0) return 1;
  }
  return 0;
}

const BTF_NAMES = new Map(Object.entries(KERNEL_FUNCS).map(([name, f]) => [f.btfId, name]));

function showProg(t: Tool, id: number, type: number, flags: string | null, level: number, c: CgCtx): void {
  const fd = t.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: id });
  if (fd < 0) return;
  const attr: Info = { bpf_fd: fd, info: {} };
  if (t.bpf('BPF_OBJ_GET_INFO_BY_FD', attr)) { t.close(fd); return; }
  const info = attr.info as Info;
  // guess_vmlinux_btf_id: vmlinux BTF is BTF object 1; BTF_GET_FD_BY_ID(0) fails.
  if (!c.btfVmlinuxId && num(info.attach_btf_obj_id) === 1) c.btfVmlinuxId = 1;
  const btfId = num(info.attach_btf_id);
  const btfName = c.btfVmlinuxId === num(info.attach_btf_obj_id) ? (btfId ? BTF_NAMES.get(btfId) ?? '' : '') : null;
  const typeStr = attachTypeStr(type);
  const name = String(info.name ?? '');
  const j = t.json;
  if (j) {
    j.startObject();
    j.uintField('id', num(info.id));
    if (typeStr) j.stringField('attach_type', typeStr); else j.uintField('attach_type', type);
    if (!c.effective) j.stringField('attach_flags', flags ?? '');
    j.stringField('name', name);
    if (btfName !== null) j.stringField('attach_btf_name', btfName);
    j.uintField('attach_btf_obj_id', num(info.attach_btf_obj_id));
    j.uintField('attach_btf_id', btfId);
    j.endObject();
  } else {
    let line = `${level ? '    ' : ''}${pad(String(num(info.id)), 8)} `;
    line += typeStr ? pad(typeStr, 15) : `type ${pad(String(type), 10)}`;
    line += c.effective ? ` ${pad(name, 15)}` : ` ${pad(flags ?? '', 15)} ${pad(name, 15)}`;
    if (btfName !== null) line += ` ${pad(btfName, 15)}`;
    else if (btfId) line += ` attach_btf_obj_id=${num(info.attach_btf_obj_id)} attach_btf_id=${btfId}`;
    t.printf(`${line}\n`);
  }
  t.close(fd);
}

function showProgs(t: Tool, fd: number, type: number, level: number, c: CgCtx): number {
  const q = query(t, fd, type, c, 1024);
  if (!q) return -1;
  const ids = Array.isArray(q.prog_ids) ? q.prog_ids as number[] : [];
  const perProg = Array.isArray(q.prog_attach_flags) ? q.prog_attach_flags as number[] : [];
  ids.slice(0, num(q.prog_cnt)).forEach((id, k) => {
    let flags: string | null = null;
    if (!c.effective) {
      const f = perProg[k] || num(q.attach_flags);
      flags = f === 2 ? 'multi' : f === 1 ? 'override' : f === 0 ? '' : `unknown(${f.toString(16)})`;
    }
    showProg(t, id, type, flags, level, c);
  });
  return 0;
}

function header(c: CgCtx): string {
  return c.effective ? `${pad('ID', 8)} ${pad('AttachType', 15)} ${pad('Name', 15)}\n`
    : `${pad('ID', 8)} ${pad('AttachType', 15)} ${pad('AttachFlags', 15)} ${pad('Name', 15)}\n`;
}

function parseEffective(a: Args, c: CgCtx): boolean {
  while (a.argc) {
    if (!isPrefix(a.cur, 'effective')) { a.tool.perr(`expected no more arguments, 'effective', got: '${a.cur}'?`); return false; }
    if (c.effective) { a.tool.perr(`duplicated argument: ${a.cur}`); return false; }
    c.effective = true;
    a.next();
  }
  return true;
}

function doShow(a: Args): number {
  const t = a.tool;
  const c: CgCtx = { effective: false, btfVmlinuxId: 0 };
  if (!a.req(1)) return -1;
  const path = a.get();
  if (!parseEffective(a, c)) return -1;
  const fd = t.kernel.open(t.pid, path);
  if (fd < 0) { t.perr(`can't open cgroup ${path}`); return -1; }
  let ret = -1;
  const has = hasAttached(t, fd, c);
  if (has < 0) t.perr(`can't query bpf programs attached to ${path}: ${t.strerror()}`);
  else if (!has) ret = 0;
  else {
    if (t.json) t.json.startArray(); else t.printf(header(c));
    for (const type of CGROUP_ATTACH_TYPES) if (showProgs(t, fd, type, 0, c) === 0) ret = 0;
    t.json?.endArray();
  }
  t.close(fd);
  return ret;
}

function doTree(a: Args): number {
  const t = a.tool;
  const c: CgCtx = { effective: false, btfVmlinuxId: 0 };
  const tree = t.kernel.snapshot().cgroupfs.filter((e) => e.kind === 'dir');
  let root = tree[0]?.path ?? '';
  if (!a.argc) {
    if (!root) { t.perr("cgroup v2 isn't mounted"); return -1; }
  } else {
    root = a.get();
    if (!parseEffective(a, c)) return -1;
  }
  if (t.json) t.json.startArray(); else t.printf(`CgroupPath\n${header(c)}`);
  const rootNorm = root.replace(/\/+$/, '') || '/';
  const under = tree.filter((e) => e.path === rootNorm || e.path.startsWith(`${rootNorm}/`));
  if (!under.length) {
    t.perr(`can't iterate over ${root}: No such file or directory`);
    t.json?.endArray();
    return -1;
  }
  for (const e of under) {
    const level = e.path === rootNorm ? 0 : e.path.slice(rootNorm.length).split('/').length - 1;
    const shown = e.path === rootNorm ? root : `${root.replace(/\/+$/, '')}${e.path.slice(rootNorm.length)}`;
    const fd = t.kernel.open(t.pid, e.path);
    if (fd < 0) { t.perr(`can't open cgroup ${e.path}: ${t.strerror(fd)}`); t.json?.endArray(); return -1; }
    const has = hasAttached(t, fd, c);
    if (has < 0) { t.perr(`can't query bpf programs attached to ${e.path}: ${t.strerror()}`); t.close(fd); t.json?.endArray(); return -1; }
    if (has) {
      if (t.json) { t.json.startObject(); t.json.stringField('cgroup', shown); t.json.name('programs'); t.json.startArray(); }
      else t.printf(`${shown}\n`);
      for (const type of CGROUP_ATTACH_TYPES) showProgs(t, fd, type, level, c);
      if (t.json) { t.json.endArray(); t.json.endObject(); }
    }
    t.close(fd);
  }
  t.json?.endArray();
  return 0;
}

function attachDetach(a: Args, attach: boolean): number {
  const t = a.tool;
  const what = attach ? 'attach' : 'detach';
  if (a.argc < 4) { t.perr(`too few parameters for cgroup ${what}`); return -1; }
  const cg = t.kernel.open(t.pid, a.cur);
  if (cg < 0) { t.perr(`can't open cgroup ${a.cur}`); return -1; }
  const type = parseAttachType(a.back(-1));
  if (type < 0) { t.perr('invalid attach type'); t.close(cg); return -1; }
  a.i += 2;
  const prog = progParseFd(a);
  if (prog < 0) { t.close(cg); return -1; }
  let flags = 0;
  let ret = -1;
  for (; a.argc; a.i++) {
    if (attach && isPrefix(a.cur, 'multi')) flags |= 2;
    else if (attach && isPrefix(a.cur, 'override')) flags |= 1;
    else if (attach) { t.perr(`unknown option: ${a.cur}`); t.close(cg); return -1; }
    else break;
  }
  const attr: Info = { target_fd: cg, attach_bpf_fd: prog, attach_type: uapi.BPF_ATTACH_TYPE[type] ?? type };
  if (attach) attr.attach_flags = flags;
  if (t.bpf(attach ? 'BPF_PROG_ATTACH' : 'BPF_PROG_DETACH', attr) < 0) t.perr(`failed to ${what} program`);
  else { t.json?.null(); ret = 0; }
  t.close(prog);
  t.close(cg);
  return ret;
}

function help(t: Tool): number {
  if (t.json) { t.json.null(); return 0; }
  t.eprintf(
    'Usage: bpftool cgroup { show | list } CGROUP [**effective**]\n'
    + '       bpftool cgroup tree [CGROUP_ROOT] [**effective**]\n'
    + '       bpftool cgroup attach CGROUP ATTACH_TYPE PROG [ATTACH_FLAGS]\n'
    + '       bpftool cgroup detach CGROUP ATTACH_TYPE PROG\n'
    + '       bpftool cgroup help\n'
    + '\n'
    + '       ATTACH_TYPE := { cgroup_inet_ingress | cgroup_inet_egress |\n'
    + '                        cgroup_inet_sock_create | cgroup_sock_ops |\n'
    + '                        cgroup_device | cgroup_inet4_bind |\n'
    + '                        cgroup_inet6_bind | cgroup_inet4_post_bind |\n'
    + '                        cgroup_inet6_post_bind | cgroup_inet4_connect |\n'
    + '                        cgroup_inet6_connect | cgroup_unix_connect |\n'
    + '                        cgroup_inet4_getpeername | cgroup_inet6_getpeername |\n'
    + '                        cgroup_unix_getpeername | cgroup_inet4_getsockname |\n'
    + '                        cgroup_inet6_getsockname | cgroup_unix_getsockname |\n'
    + '                        cgroup_udp4_sendmsg | cgroup_udp6_sendmsg |\n'
    + '                        cgroup_unix_sendmsg | cgroup_udp4_recvmsg |\n'
    + '                        cgroup_udp6_recvmsg | cgroup_unix_recvmsg |\n'
    + '                        cgroup_sysctl | cgroup_getsockopt |\n'
    + '                        cgroup_setsockopt | cgroup_inet_sock_release }\n'
    + '       ATTACH_FLAGS := { multi | override }\n'
    + `       ${HELP_SPEC_PROGRAM}\n`
    + `       ${HELP_SPEC_OPTIONS} |\n`
    + '                    {-f|--bpffs} }\n');
  return 0;
}

export function doCgroup(a: Args): number {
  const h = (): number => help(a.tool);
  return cmdSelect(a, [
    { cmd: 'show', fn: doShow }, { cmd: 'list', fn: doShow }, { cmd: 'tree', fn: doTree },
    { cmd: 'attach', fn: (x) => attachDetach(x, true) }, { cmd: 'detach', fn: (x) => attachDetach(x, false) },
    { cmd: 'help', fn: h },
  ], h);
}

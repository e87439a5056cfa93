/**
 * Attaching programs (libbpf v1.7.0): `bpf_program__attach` picks the section's handler;
 * the explicit `bpf_program__attach_*` functions issue the syscall each link type needs
 * (`BPF_RAW_TRACEPOINT_OPEN`, or `BPF_LINK_CREATE` with the program's expected attach type,
 * falling back to `BPF_RAW_TRACEPOINT_OPEN` where `bpf_link_create` does on older kernels).
 */
import { uapi } from '../kernel/index';
import { errstr, type LibbpfCore } from './core';
import { BpfLink } from './link';
import type { BpfProgram } from './object';

const EINVAL = 22;
const ENOENT = 2;
const EOPNOTSUPP = 95;

/** The handler's result: a link, "no link" (a bare section name), or -errno. */
type HandlerResult = BpfLink | null | number;

function needFd(c: LibbpfCore, prog: BpfProgram): boolean {
  if (prog.fd >= 0) return true;
  c.warn(`prog '${prog.name}': can't attach before loaded`);
  c.errno = EINVAL;
  return false;
}

/** `bpf_program__attach_raw_tracepoint`. */
export function attachRawTracepoint(c: LibbpfCore, prog: BpfProgram, tpName: string): BpfLink | null {
  if (!needFd(c, prog)) return null;
  const fd = c.bpf('BPF_RAW_TRACEPOINT_OPEN', { name: tpName, prog_fd: prog.fd });
  if (fd < 0) {
    c.warn(`prog '${prog.name}': failed to attach to raw tracepoint '${tpName}': ${errstr(fd)}`);
    return c.errPtr(fd);
  }
  return new BpfLink(fd);
}

/** `bpf_link_create` (tools/lib/bpf/bpf.c) as libbpf calls it from its attach functions. */
export function bpfLinkCreate(c: LibbpfCore, progFd: number, target: { fd?: number; ifindex?: number }, attachType: number): number {
  const at = uapi.BPF_ATTACH_TYPE[attachType] ?? attachType;
  const attr: Record<string, unknown> = { prog_fd: progFd, attach_type: at };
  if (target.ifindex !== undefined) attr.target_ifindex = target.ifindex;
  else attr.target_fd = target.fd ?? 0;
  const fd = c.bpf('BPF_LINK_CREATE', attr);
  if (fd >= 0 || fd !== -EINVAL || target.fd || target.ifindex) return fd;
  // LINK_CREATE cannot attach these before 5.19 (or does not exist): the older command.
  if (['BPF_TRACE_RAW_TP', 'BPF_LSM_MAC', 'BPF_TRACE_FENTRY', 'BPF_TRACE_FEXIT', 'BPF_MODIFY_RETURN'].includes(String(at)))
    return c.bpf('BPF_RAW_TRACEPOINT_OPEN', { prog_fd: progFd });
  return fd;
}

/** `bpf_program__attach_trace` / `_lsm` (`bpf_program__attach_btf_id`). */
export function attachTrace(c: LibbpfCore, prog: BpfProgram): BpfLink | null {
  if (!needFd(c, prog)) return null;
  const fd = bpfLinkCreate(c, prog.fd, { fd: 0 }, prog.expectedAttachType);
  if (fd < 0) {
    c.warn(`prog '${prog.name}': failed to attach: ${errstr(fd)}`);
    return c.errPtr(fd);
  }
  return new BpfLink(fd);
}

/** `bpf_program_attach_fd`: cgroup, netns, xdp, tcx, netkit, iterators. */
export function attachFd(c: LibbpfCore, prog: BpfProgram, target: { fd?: number; ifindex?: number }, what: string): BpfLink | null {
  if (!needFd(c, prog)) return null;
  const fd = bpfLinkCreate(c, prog.fd, target, prog.expectedAttachType);
  if (fd < 0) {
    c.warn(`prog '${prog.name}': failed to attach to ${what}: ${errstr(fd)}`);
    return c.errPtr(fd);
  }
  return new BpfLink(fd);
}

/** `bpf_iter_attach_opts`: `link_info` (a `union bpf_iter_link_info`: `{ map: { map_fd } }`, ...). */
export interface IterAttachOpts { link_info?: Record<string, unknown>; link_info_len?: number }

/** `bpf_program__attach_iter(prog, opts)`. */
export function attachIter(c: LibbpfCore, prog: BpfProgram, opts: IterAttachOpts = {}): BpfLink | null {
  if (!needFd(c, prog)) return null;
  const info = opts.link_info ? { iter_info: opts.link_info, iter_info_len: opts.link_info_len ?? 0 } : {};
  const fd = c.bpf('BPF_LINK_CREATE', { prog_fd: prog.fd, target_fd: 0, attach_type: 'BPF_TRACE_ITER', ...info });
  if (fd < 0) {
    c.warn(`prog '${prog.name}': failed to attach to iterator: ${errstr(fd)}`);
    return c.errPtr(fd);
  }
  return new BpfLink(fd);
}

/** Perf-event attaches (tracepoint, kprobe, uprobe, usdt, ...): libbpf reads tracefs or
 * sysfs and calls `perf_event_open`; the model has neither, so they fail as libbpf does
 * on a system without tracefs mounted. */
function perfEventAttach(c: LibbpfCore, prog: BpfProgram, kind: string, what: string, tracepoint?: [string, string]): number {
  if (prog.fd < 0) {
    c.warn(`prog '${prog.name}': can't attach BPF program without FD (was it loaded?)`);
    return -EINVAL;
  }
  if (tracepoint) {
    c.warn(`failed to determine tracepoint '${tracepoint[0]}/${tracepoint[1]}' perf event ID: ${errstr(-ENOENT)}`);
    c.warn(`prog '${prog.name}': failed to create tracepoint '${tracepoint[0]}/${tracepoint[1]}' perf event: ${errstr(-ENOENT)}`);
  } else {
    c.warn(`prog '${prog.name}': failed to create ${kind} '${what}' perf event: ${errstr(-ENOENT)}`);
  }
  return -ENOENT;
}

function rawTpHandler(c: LibbpfCore, prog: BpfProgram): HandlerResult {
  for (const pfx of ['raw_tp', 'raw_tracepoint', 'raw_tp.w', 'raw_tracepoint.w']) {
    if (!prog.secName.startsWith(pfx)) continue;
    const next = prog.secName.charAt(pfx.length);
    if (next === '') return null;
    if (next !== '/') continue;
    return attachRawTracepoint(c, prog, prog.secName.slice(pfx.length + 1)) ?? -c.errno;
  }
  c.warn(`prog '${prog.name}': invalid section name '${prog.secName}'`);
  return -EINVAL;
}

function tpHandler(c: LibbpfCore, prog: BpfProgram): HandlerResult {
  const s = prog.secName;
  if (s === 'tp' || s === 'tracepoint') return null;
  const rest = s.slice(s.startsWith('tp/') ? 3 : 'tracepoint/'.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return -EINVAL;
  return perfEventAttach(c, prog, 'tracepoint', rest, [rest.slice(0, slash), rest.slice(slash + 1)]);
}

function probeHandler(c: LibbpfCore, prog: BpfProgram, kind: string): HandlerResult {
  const s = prog.secName;
  const slash = s.indexOf('/');
  if (slash < 0) return null; // SEC("kprobe"), SEC("uprobe"), ...: no auto-attach
  const spec = s.slice(slash + 1);
  if (kind.startsWith('uprobe') || kind.startsWith('uretprobe')) {
    if (!spec.includes(':')) {
      c.warn(`prog '${prog.name}': section '${s}' missing ':function[+offset]' specification`);
      return -EINVAL;
    }
  }
  return perfEventAttach(c, prog, kind, spec.includes('+') || spec.includes(':') ? spec : `${spec}+0x0`);
}

/** `bpf_program__attach`: auto-attach by section name. */
export function attachAuto(c: LibbpfCore, prog: BpfProgram): BpfLink | null {
  const def = prog.secDef;
  if (!def || !def.attach) return c.errPtr(-EOPNOTSUPP);
  if (prog.fd < 0) {
    c.warn(`prog '${prog.name}': can't attach BPF program without FD (was it loaded?)`);
    return c.errPtr(-EINVAL);
  }
  let r: HandlerResult;
  switch (def.attach) {
    case 'attach_raw_tp': r = rawTpHandler(c, prog); break;
    case 'attach_trace': case 'attach_lsm': r = attachTrace(c, prog) ?? -c.errno; break;
    case 'attach_iter': r = attachIter(c, prog) ?? -c.errno; break;
    case 'attach_tp': r = tpHandler(c, prog); break;
    default: r = probeHandler(c, prog, def.sec.replace(/\+$/, '')); break;
  }
  if (typeof r === 'number') return c.errPtr(r);
  if (r === null) return c.errPtr(-EOPNOTSUPP);
  return r;
}

/**
 * Program kinds by libbpf section name (libbpf's `section_defs`): what `BPF_PROG_LOAD`
 * gets for `SEC("raw_tp/...")`, `SEC("fentry/...")`, ..., and how such a program attaches.
 * Until the libbpf layer lands, the Programs panel loads programs from this table.
 */
import { ITER_TARGETS, KERNEL_FUNCS, TRACEPOINTS, type BpfAttr } from '../kernel/index';

export type TargetKind = 'tracepoint' | 'function' | 'lsm' | 'iter';

export interface Section {
  /** libbpf's section prefix: "raw_tp", "tp_btf", "fentry", ... */
  name: string;
  progType: string;
  expectedAttachType?: string;
  /** Where the program names its target at load time (attach_btf_id), if it does. */
  loadTarget?: TargetKind;
  /** How it attaches: raw_tp names its tracepoint at attach time; tracing programs
   * attach to their load-time target; others are not attachable by this panel yet. */
  attach: 'raw_tp' | 'tracing' | 'cgroup' | 'xdp' | 'tcx' | 'iter' | null;
  help: string;
}

export const SECTIONS: readonly Section[] = [
  { name: 'raw_tp', progType: 'BPF_PROG_TYPE_RAW_TRACEPOINT', attach: 'raw_tp', help: 'raw tracepoint: names its tracepoint when attached' },
  { name: 'tp_btf', progType: 'BPF_PROG_TYPE_TRACING', expectedAttachType: 'BPF_TRACE_RAW_TP', loadTarget: 'tracepoint', attach: 'tracing', help: 'BTF tracepoint: names its tracepoint at load' },
  { name: 'fentry', progType: 'BPF_PROG_TYPE_TRACING', expectedAttachType: 'BPF_TRACE_FENTRY', loadTarget: 'function', attach: 'tracing', help: 'runs on entry to a kernel function (trampoline)' },
  { name: 'fexit', progType: 'BPF_PROG_TYPE_TRACING', expectedAttachType: 'BPF_TRACE_FEXIT', loadTarget: 'function', attach: 'tracing', help: 'runs on return from a kernel function' },
  { name: 'fmod_ret', progType: 'BPF_PROG_TYPE_TRACING', expectedAttachType: 'BPF_MODIFY_RETURN', loadTarget: 'function', attach: 'tracing', help: 'may change an error-injectable function’s return' },
  { name: 'lsm', progType: 'BPF_PROG_TYPE_LSM', expectedAttachType: 'BPF_LSM_MAC', loadTarget: 'lsm', attach: 'tracing', help: 'an LSM hook (bpf_lsm_*)' },
  { name: 'iter', progType: 'BPF_PROG_TYPE_TRACING', expectedAttachType: 'BPF_TRACE_ITER', loadTarget: 'iter', attach: 'iter', help: 'BPF iterator (5.8+): names its target (task, bpf_map, ...) at load; an iterator link runs it when its file is read' },
  { name: 'xdp', progType: 'BPF_PROG_TYPE_XDP', attach: 'xdp', help: 'XDP: runs on a network device’s receive path (link, or legacy netlink)' },
  { name: 'tcx/ingress', progType: 'BPF_PROG_TYPE_SCHED_CLS', expectedAttachType: 'BPF_TCX_INGRESS', attach: 'tcx', help: 'tcx (6.6+): runs on a device’s ingress; a link, or BPF_PROG_ATTACH (owned by no fd), in one ordered list' },
  { name: 'tcx/egress', progType: 'BPF_PROG_TYPE_SCHED_CLS', expectedAttachType: 'BPF_TCX_EGRESS', attach: 'tcx', help: 'tcx (6.6+): runs on a device’s egress; a link, or BPF_PROG_ATTACH (owned by no fd), in one ordered list' },
  { name: 'cgroup_skb/egress', progType: 'BPF_PROG_TYPE_CGROUP_SKB', expectedAttachType: 'BPF_CGROUP_INET_EGRESS', attach: 'cgroup', help: 'cgroup egress: attaches to a cgroup (link, or legacy BPF_PROG_ATTACH)' },
  { name: 'cgroup_skb/ingress', progType: 'BPF_PROG_TYPE_CGROUP_SKB', expectedAttachType: 'BPF_CGROUP_INET_INGRESS', attach: 'cgroup', help: 'cgroup ingress: attaches to a cgroup (link, or legacy BPF_PROG_ATTACH)' },
  { name: 'socket', progType: 'BPF_PROG_TYPE_SOCKET_FILTER', attach: null, help: 'socket filter: attaches with setsockopt (not modelled)' },
];

export function sectionByName(name: string): Section | undefined {
  return SECTIONS.find((s) => s.name === name);
}

/** The section a loaded program came from, by its type and expected attach type. */
export function sectionOf(progType: string | number, expectedAttachType: string | number): Section | undefined {
  return SECTIONS.find((s) => s.progType === progType && s.expectedAttachType === expectedAttachType)
    ?? SECTIONS.find((s) => s.progType === progType);
}

export const TRACEPOINT_NAMES: readonly string[] = Object.keys(TRACEPOINTS);
export const FUNCTION_NAMES: readonly string[] = Object.keys(KERNEL_FUNCS).filter((f) => !f.startsWith('bpf_lsm_'));
export const LSM_HOOKS: readonly string[] = Object.keys(KERNEL_FUNCS).filter((f) => f.startsWith('bpf_lsm_')).map((f) => f.slice('bpf_lsm_'.length));

export const ITER_TARGET_NAMES: readonly string[] = Object.keys(ITER_TARGETS);

/** Names a section's load-time target can take. */
export function targetsOf(section: Section): readonly string[] {
  switch (section.loadTarget) {
    case 'tracepoint': return TRACEPOINT_NAMES;
    case 'function': return FUNCTION_NAMES;
    case 'lsm': return LSM_HOOKS;
    case 'iter': return ITER_TARGET_NAMES;
    default: return [];
  }
}

/** The `BPF_PROG_LOAD` attr for a program of `section` named `name`. */
export function progLoadAttr(section: Section, name: string, target: string | undefined, mapFds: readonly number[]): BpfAttr {
  const attr: BpfAttr = { prog_type: section.progType, prog_name: name };
  if (section.expectedAttachType) attr.expected_attach_type = section.expectedAttachType;
  if (section.loadTarget && target) attr.attach_func_name = target;
  if (mapFds.length > 0) attr.fd_array = [...mapFds];
  return attr;
}

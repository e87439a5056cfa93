/**
 * libbpf's section-name table (`section_defs[]` in libbpf v1.7.0 src/libbpf.c), its
 * matching rules (`sec_def_matches`, `find_sec_def`) and `libbpf_prog_type_by_name`.
 *
 * Entries written with a trailing `+` match the name exactly or followed by `/`; the others
 * match exactly. The first matching entry wins.
 */

/** `enum sec_def_flags`. */
export const SEC_NONE = 0;
export const SEC_EXP_ATTACH_OPT = 1;
export const SEC_ATTACHABLE = 2;
export const SEC_ATTACHABLE_OPT = SEC_ATTACHABLE | SEC_EXP_ATTACH_OPT;
export const SEC_ATTACH_BTF = 4;
export const SEC_SLEEPABLE = 8;
export const SEC_XDP_FRAGS = 16;
export const SEC_USDT = 32;

/** The auto-attach handler of an entry (`prog_attach_fn`). */
export type AttachFn =
  | 'attach_kprobe' | 'attach_uprobe' | 'attach_kprobe_multi' | 'attach_kprobe_session' | 'attach_uprobe_multi'
  | 'attach_ksyscall' | 'attach_usdt' | 'attach_tp' | 'attach_raw_tp' | 'attach_trace' | 'attach_lsm' | 'attach_iter';

export interface SecDef {
  /** As written in the table, with the trailing `+` of the "exact or slash" entries. */
  sec: string;
  /** Program type, without `BPF_PROG_TYPE_`. */
  progType: string;
  /** Expected attach type, without `BPF_`; null for 0. */
  attachType: string | null;
  flags: number;
  attach: AttachFn | null;
}

const D = (sec: string, progType: string, attachType: string | null, flags: number, attach: AttachFn | null = null): SecDef =>
  ({ sec, progType, attachType, flags, attach });

/** libbpf v1.7.0 `section_defs[]`, in order. */
export const SECTION_DEFS: readonly SecDef[] = [
  D('socket', 'SOCKET_FILTER', null, SEC_NONE),
  D('sk_reuseport/migrate', 'SK_REUSEPORT', 'SK_REUSEPORT_SELECT_OR_MIGRATE', SEC_ATTACHABLE),
  D('sk_reuseport', 'SK_REUSEPORT', 'SK_REUSEPORT_SELECT', SEC_ATTACHABLE),
  D('kprobe+', 'KPROBE', null, SEC_NONE, 'attach_kprobe'),
  D('uprobe+', 'KPROBE', null, SEC_NONE, 'attach_uprobe'),
  D('uprobe.s+', 'KPROBE', null, SEC_SLEEPABLE, 'attach_uprobe'),
  D('kretprobe+', 'KPROBE', null, SEC_NONE, 'attach_kprobe'),
  D('uretprobe+', 'KPROBE', null, SEC_NONE, 'attach_uprobe'),
  D('uretprobe.s+', 'KPROBE', null, SEC_SLEEPABLE, 'attach_uprobe'),
  D('kprobe.multi+', 'KPROBE', 'TRACE_KPROBE_MULTI', SEC_NONE, 'attach_kprobe_multi'),
  D('kretprobe.multi+', 'KPROBE', 'TRACE_KPROBE_MULTI', SEC_NONE, 'attach_kprobe_multi'),
  D('kprobe.session+', 'KPROBE', 'TRACE_KPROBE_SESSION', SEC_NONE, 'attach_kprobe_session'),
  D('uprobe.multi+', 'KPROBE', 'TRACE_UPROBE_MULTI', SEC_NONE, 'attach_uprobe_multi'),
  D('uretprobe.multi+', 'KPROBE', 'TRACE_UPROBE_MULTI', SEC_NONE, 'attach_uprobe_multi'),
  D('uprobe.session+', 'KPROBE', 'TRACE_UPROBE_SESSION', SEC_NONE, 'attach_uprobe_multi'),
  D('uprobe.multi.s+', 'KPROBE', 'TRACE_UPROBE_MULTI', SEC_SLEEPABLE, 'attach_uprobe_multi'),
  D('uretprobe.multi.s+', 'KPROBE', 'TRACE_UPROBE_MULTI', SEC_SLEEPABLE, 'attach_uprobe_multi'),
  D('uprobe.session.s+', 'KPROBE', 'TRACE_UPROBE_SESSION', SEC_SLEEPABLE, 'attach_uprobe_multi'),
  D('ksyscall+', 'KPROBE', null, SEC_NONE, 'attach_ksyscall'),
  D('kretsyscall+', 'KPROBE', null, SEC_NONE, 'attach_ksyscall'),
  D('usdt+', 'KPROBE', null, SEC_USDT, 'attach_usdt'),
  D('usdt.s+', 'KPROBE', null, SEC_USDT | SEC_SLEEPABLE, 'attach_usdt'),
  D('tc/ingress', 'SCHED_CLS', 'TCX_INGRESS', SEC_NONE), // alias for tcx
  D('tc/egress', 'SCHED_CLS', 'TCX_EGRESS', SEC_NONE), // alias for tcx
  D('tcx/ingress', 'SCHED_CLS', 'TCX_INGRESS', SEC_NONE),
  D('tcx/egress', 'SCHED_CLS', 'TCX_EGRESS', SEC_NONE),
  D('tc', 'SCHED_CLS', null, SEC_NONE), // deprecated / legacy, use tcx
  D('classifier', 'SCHED_CLS', null, SEC_NONE),
  D('action', 'SCHED_ACT', null, SEC_NONE),
  D('netkit/primary', 'SCHED_CLS', 'NETKIT_PRIMARY', SEC_NONE),
  D('netkit/peer', 'SCHED_CLS', 'NETKIT_PEER', SEC_NONE),
  D('tracepoint+', 'TRACEPOINT', null, SEC_NONE, 'attach_tp'),
  D('tp+', 'TRACEPOINT', null, SEC_NONE, 'attach_tp'),
  D('raw_tracepoint+', 'RAW_TRACEPOINT', null, SEC_NONE, 'attach_raw_tp'),
  D('raw_tp+', 'RAW_TRACEPOINT', null, SEC_NONE, 'attach_raw_tp'),
  D('raw_tracepoint.w+', 'RAW_TRACEPOINT_WRITABLE', null, SEC_NONE, 'attach_raw_tp'),
  D('raw_tp.w+', 'RAW_TRACEPOINT_WRITABLE', null, SEC_NONE, 'attach_raw_tp'),
  D('tp_btf+', 'TRACING', 'TRACE_RAW_TP', SEC_ATTACH_BTF, 'attach_trace'),
  D('fentry+', 'TRACING', 'TRACE_FENTRY', SEC_ATTACH_BTF, 'attach_trace'),
  D('fmod_ret+', 'TRACING', 'MODIFY_RETURN', SEC_ATTACH_BTF, 'attach_trace'),
  D('fexit+', 'TRACING', 'TRACE_FEXIT', SEC_ATTACH_BTF, 'attach_trace'),
  D('fentry.s+', 'TRACING', 'TRACE_FENTRY', SEC_ATTACH_BTF | SEC_SLEEPABLE, 'attach_trace'),
  D('fmod_ret.s+', 'TRACING', 'MODIFY_RETURN', SEC_ATTACH_BTF | SEC_SLEEPABLE, 'attach_trace'),
  D('fexit.s+', 'TRACING', 'TRACE_FEXIT', SEC_ATTACH_BTF | SEC_SLEEPABLE, 'attach_trace'),
  D('fsession+', 'TRACING', 'TRACE_FSESSION', SEC_ATTACH_BTF, 'attach_trace'),
  D('fsession.s+', 'TRACING', 'TRACE_FSESSION', SEC_ATTACH_BTF | SEC_SLEEPABLE, 'attach_trace'),
  D('freplace+', 'EXT', null, SEC_ATTACH_BTF, 'attach_trace'),
  D('lsm+', 'LSM', 'LSM_MAC', SEC_ATTACH_BTF, 'attach_lsm'),
  D('lsm.s+', 'LSM', 'LSM_MAC', SEC_ATTACH_BTF | SEC_SLEEPABLE, 'attach_lsm'),
  D('lsm_cgroup+', 'LSM', 'LSM_CGROUP', SEC_ATTACH_BTF),
  D('iter+', 'TRACING', 'TRACE_ITER', SEC_ATTACH_BTF, 'attach_iter'),
  D('iter.s+', 'TRACING', 'TRACE_ITER', SEC_ATTACH_BTF | SEC_SLEEPABLE, 'attach_iter'),
  D('syscall', 'SYSCALL', null, SEC_SLEEPABLE),
  D('xdp.frags/devmap', 'XDP', 'XDP_DEVMAP', SEC_XDP_FRAGS),
  D('xdp/devmap', 'XDP', 'XDP_DEVMAP', SEC_ATTACHABLE),
  D('xdp.frags/cpumap', 'XDP', 'XDP_CPUMAP', SEC_XDP_FRAGS),
  D('xdp/cpumap', 'XDP', 'XDP_CPUMAP', SEC_ATTACHABLE),
  D('xdp.frags', 'XDP', 'XDP', SEC_XDP_FRAGS),
  D('xdp', 'XDP', 'XDP', SEC_ATTACHABLE_OPT),
  D('perf_event', 'PERF_EVENT', null, SEC_NONE),
  D('lwt_in', 'LWT_IN', null, SEC_NONE),
  D('lwt_out', 'LWT_OUT', null, SEC_NONE),
  D('lwt_xmit', 'LWT_XMIT', null, SEC_NONE),
  D('lwt_seg6local', 'LWT_SEG6LOCAL', null, SEC_NONE),
  D('sockops', 'SOCK_OPS', 'CGROUP_SOCK_OPS', SEC_ATTACHABLE_OPT),
  D('sk_skb/stream_parser', 'SK_SKB', 'SK_SKB_STREAM_PARSER', SEC_ATTACHABLE_OPT),
  D('sk_skb/stream_verdict', 'SK_SKB', 'SK_SKB_STREAM_VERDICT', SEC_ATTACHABLE_OPT),
  D('sk_skb/verdict', 'SK_SKB', 'SK_SKB_VERDICT', SEC_ATTACHABLE_OPT),
  D('sk_skb', 'SK_SKB', null, SEC_NONE),
  D('sk_msg', 'SK_MSG', 'SK_MSG_VERDICT', SEC_ATTACHABLE_OPT),
  D('lirc_mode2', 'LIRC_MODE2', 'LIRC_MODE2', SEC_ATTACHABLE_OPT),
  D('flow_dissector', 'FLOW_DISSECTOR', 'FLOW_DISSECTOR', SEC_ATTACHABLE_OPT),
  D('cgroup_skb/ingress', 'CGROUP_SKB', 'CGROUP_INET_INGRESS', SEC_ATTACHABLE_OPT),
  D('cgroup_skb/egress', 'CGROUP_SKB', 'CGROUP_INET_EGRESS', SEC_ATTACHABLE_OPT),
  D('cgroup/skb', 'CGROUP_SKB', null, SEC_NONE),
  D('cgroup/sock_create', 'CGROUP_SOCK', 'CGROUP_INET_SOCK_CREATE', SEC_ATTACHABLE),
  D('cgroup/sock_release', 'CGROUP_SOCK', 'CGROUP_INET_SOCK_RELEASE', SEC_ATTACHABLE),
  D('cgroup/sock', 'CGROUP_SOCK', 'CGROUP_INET_SOCK_CREATE', SEC_ATTACHABLE_OPT),
  D('cgroup/post_bind4', 'CGROUP_SOCK', 'CGROUP_INET4_POST_BIND', SEC_ATTACHABLE),
  D('cgroup/post_bind6', 'CGROUP_SOCK', 'CGROUP_INET6_POST_BIND', SEC_ATTACHABLE),
  D('cgroup/bind4', 'CGROUP_SOCK_ADDR', 'CGROUP_INET4_BIND', SEC_ATTACHABLE),
  D('cgroup/bind6', 'CGROUP_SOCK_ADDR', 'CGROUP_INET6_BIND', SEC_ATTACHABLE),
  D('cgroup/connect4', 'CGROUP_SOCK_ADDR', 'CGROUP_INET4_CONNECT', SEC_ATTACHABLE),
  D('cgroup/connect6', 'CGROUP_SOCK_ADDR', 'CGROUP_INET6_CONNECT', SEC_ATTACHABLE),
  D('cgroup/connect_unix', 'CGROUP_SOCK_ADDR', 'CGROUP_UNIX_CONNECT', SEC_ATTACHABLE),
  D('cgroup/sendmsg4', 'CGROUP_SOCK_ADDR', 'CGROUP_UDP4_SENDMSG', SEC_ATTACHABLE),
  D('cgroup/sendmsg6', 'CGROUP_SOCK_ADDR', 'CGROUP_UDP6_SENDMSG', SEC_ATTACHABLE),
  D('cgroup/sendmsg_unix', 'CGROUP_SOCK_ADDR', 'CGROUP_UNIX_SENDMSG', SEC_ATTACHABLE),
  D('cgroup/recvmsg4', 'CGROUP_SOCK_ADDR', 'CGROUP_UDP4_RECVMSG', SEC_ATTACHABLE),
  D('cgroup/recvmsg6', 'CGROUP_SOCK_ADDR', 'CGROUP_UDP6_RECVMSG', SEC_ATTACHABLE),
  D('cgroup/recvmsg_unix', 'CGROUP_SOCK_ADDR', 'CGROUP_UNIX_RECVMSG', SEC_ATTACHABLE),
  D('cgroup/getpeername4', 'CGROUP_SOCK_ADDR', 'CGROUP_INET4_GETPEERNAME', SEC_ATTACHABLE),
  D('cgroup/getpeername6', 'CGROUP_SOCK_ADDR', 'CGROUP_INET6_GETPEERNAME', SEC_ATTACHABLE),
  D('cgroup/getpeername_unix', 'CGROUP_SOCK_ADDR', 'CGROUP_UNIX_GETPEERNAME', SEC_ATTACHABLE),
  D('cgroup/getsockname4', 'CGROUP_SOCK_ADDR', 'CGROUP_INET4_GETSOCKNAME', SEC_ATTACHABLE),
  D('cgroup/getsockname6', 'CGROUP_SOCK_ADDR', 'CGROUP_INET6_GETSOCKNAME', SEC_ATTACHABLE),
  D('cgroup/getsockname_unix', 'CGROUP_SOCK_ADDR', 'CGROUP_UNIX_GETSOCKNAME', SEC_ATTACHABLE),
  D('cgroup/sysctl', 'CGROUP_SYSCTL', 'CGROUP_SYSCTL', SEC_ATTACHABLE),
  D('cgroup/getsockopt', 'CGROUP_SOCKOPT', 'CGROUP_GETSOCKOPT', SEC_ATTACHABLE),
  D('cgroup/setsockopt', 'CGROUP_SOCKOPT', 'CGROUP_SETSOCKOPT', SEC_ATTACHABLE),
  D('cgroup/dev', 'CGROUP_DEVICE', 'CGROUP_DEVICE', SEC_ATTACHABLE_OPT),
  D('struct_ops+', 'STRUCT_OPS', null, SEC_NONE),
  D('struct_ops.s+', 'STRUCT_OPS', null, SEC_SLEEPABLE),
  D('sk_lookup', 'SK_LOOKUP', 'SK_LOOKUP', SEC_ATTACHABLE),
  D('netfilter', 'NETFILTER', 'NETFILTER', SEC_NONE),
];

/** `sec_def_matches`. */
export function secDefMatches(def: SecDef, secName: string): boolean {
  const s = def.sec;
  if (s.endsWith('/')) return secName.startsWith(s);
  if (s.endsWith('+')) {
    const pfx = s.slice(0, -1);
    if (!secName.startsWith(pfx)) return false;
    const next = secName.charAt(pfx.length);
    return next === '' || next === '/';
  }
  return secName === s;
}

/** `find_sec_def`: the first entry matching the section name, or null. */
export function findSecDef(secName: string): SecDef | null {
  return SECTION_DEFS.find((d) => secDefMatches(d, secName)) ?? null;
}

/** uapi names of an entry: `BPF_PROG_TYPE_...` and `BPF_...` (null for attach type 0). */
export function secDefUapi(def: SecDef): { progType: string; attachType: string | null } {
  return { progType: `BPF_PROG_TYPE_${def.progType}`, attachType: def.attachType ? `BPF_${def.attachType}` : null };
}

/** The debug line libbpf prints after an unknown name: every entry, each after a space. */
export function supportedSectionNames(): string {
  return SECTION_DEFS.map((d) => ` ${d.sec}`).join('');
}

/**
 * `libbpf_prog_type_by_name`: the entry for a section name, or the two debug messages libbpf
 * emits when there is none (-ESRCH).
 */
export function progTypeByName(name: string): { def: SecDef } | { debug: string[] } {
  const def = findSecDef(name);
  if (def) return { def };
  return {
    debug: [
      `libbpf: failed to guess program type from ELF section '${name}'`,
      `libbpf: supported section(type) names are:${supportedSectionNames()}`,
    ],
  };
}

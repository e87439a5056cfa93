/**
 * libbpf's section-name table (v1.7.0 `section_defs[]`): every common prefix types its
 * program as libbpf does, with its matching rules (exact entries, `+` entries that take the
 * name alone or followed by `/`), flags, and what `bpf_program__attach` does for it.
 */
import { describe, expect, it } from 'vitest';
import { createKernel, uapi } from '../kernel/index';
import { createLibbpf, findSecDef, progTypeByName, SECTION_DEFS } from './index';
import { SEC_ATTACH_BTF, SEC_SLEEPABLE, SEC_XDP_FRAGS } from './sections';

function typed(sec: string): { type: string | number; eat: string | number } {
  const lib = createLibbpf(createKernel(), 1);
  const obj = lib.bpf_object__open_mem(`SEC("${sec}") int p(void *ctx) { return 0; }\nchar LICENSE[] SEC("license") = "GPL";`, 'sec.bpf.o')!;
  const p = lib.bpf_object__next_program(obj, null)!;
  return { type: lib.bpf_program__type(p), eat: lib.bpf_program__expected_attach_type(p) };
}

const T = (s: string): string => `BPF_PROG_TYPE_${s}`;

describe('section names', () => {
  const cases: [string, string, string | 0][] = [
    ['raw_tp/sys_enter', T('RAW_TRACEPOINT'), 0], ['raw_tp', T('RAW_TRACEPOINT'), 0],
    ['raw_tracepoint/sys_exit', T('RAW_TRACEPOINT'), 0], ['raw_tp.w/sys_enter', T('RAW_TRACEPOINT_WRITABLE'), 0],
    ['raw_tracepoint.w/sys_enter', T('RAW_TRACEPOINT_WRITABLE'), 0],
    ['tp_btf/sys_enter', T('TRACING'), 'BPF_TRACE_RAW_TP'], ['tp/syscalls/sys_enter_getppid', T('TRACEPOINT'), 0],
    ['tracepoint/sched/sched_switch', T('TRACEPOINT'), 0], ['kprobe/do_unlinkat', T('KPROBE'), 0],
    ['kretprobe/do_unlinkat', T('KPROBE'), 0], ['uprobe//bin/bash:main', T('KPROBE'), 0],
    ['fentry/do_unlinkat', T('TRACING'), 'BPF_TRACE_FENTRY'], ['fexit/do_unlinkat', T('TRACING'), 'BPF_TRACE_FEXIT'],
    ['fmod_ret/security_file_open', T('TRACING'), 'BPF_MODIFY_RETURN'], ['fentry.s/do_unlinkat', T('TRACING'), 'BPF_TRACE_FENTRY'],
    ['lsm/file_open', T('LSM'), 'BPF_LSM_MAC'], ['lsm.s/file_open', T('LSM'), 'BPF_LSM_MAC'],
    ['lsm_cgroup/socket_bind', T('LSM'), 'BPF_LSM_CGROUP'], ['iter/task', T('TRACING'), 'BPF_TRACE_ITER'],
    ['xdp', T('XDP'), 'BPF_XDP'], ['xdp.frags', T('XDP'), 'BPF_XDP'], ['xdp/devmap', T('XDP'), 'BPF_XDP_DEVMAP'],
    ['tc', T('SCHED_CLS'), 0], ['tc/ingress', T('SCHED_CLS'), 'BPF_TCX_INGRESS'], ['tcx/egress', T('SCHED_CLS'), 'BPF_TCX_EGRESS'],
    ['cgroup_skb/ingress', T('CGROUP_SKB'), 0], ['cgroup_skb/egress', T('CGROUP_SKB'), 'BPF_CGROUP_INET_EGRESS'],
    ['cgroup/skb', T('CGROUP_SKB'), 0], ['cgroup/connect4', T('CGROUP_SOCK_ADDR'), 'BPF_CGROUP_INET4_CONNECT'],
    ['cgroup/connect6', T('CGROUP_SOCK_ADDR'), 'BPF_CGROUP_INET6_CONNECT'], ['cgroup/sendmsg4', T('CGROUP_SOCK_ADDR'), 'BPF_CGROUP_UDP4_SENDMSG'],
    ['cgroup/sock_create', T('CGROUP_SOCK'), 'BPF_CGROUP_INET_SOCK_CREATE'], ['cgroup/sock', T('CGROUP_SOCK'), 'BPF_CGROUP_INET_SOCK_CREATE'],
    ['cgroup/sock_release', T('CGROUP_SOCK'), 'BPF_CGROUP_INET_SOCK_RELEASE'], ['cgroup/dev', T('CGROUP_DEVICE'), 'BPF_CGROUP_DEVICE'],
    ['cgroup/sysctl', T('CGROUP_SYSCTL'), 'BPF_CGROUP_SYSCTL'], ['cgroup/getsockopt', T('CGROUP_SOCKOPT'), 'BPF_CGROUP_GETSOCKOPT'],
    ['cgroup/post_bind4', T('CGROUP_SOCK'), 'BPF_CGROUP_INET4_POST_BIND'], ['sockops', T('SOCK_OPS'), 'BPF_CGROUP_SOCK_OPS'],
    ['struct_ops/test_1', T('STRUCT_OPS'), 0], ['struct_ops', T('STRUCT_OPS'), 0], ['perf_event', T('PERF_EVENT'), 0],
    ['socket', T('SOCKET_FILTER'), 0], ['sk_lookup', T('SK_LOOKUP'), 'BPF_SK_LOOKUP'], ['flow_dissector', T('FLOW_DISSECTOR'), 'BPF_FLOW_DISSECTOR'],
    ['syscall', T('SYSCALL'), 0], ['netfilter', T('NETFILTER'), 'BPF_NETFILTER'],
  ];
  for (const [sec, type, eat] of cases) {
    it(`SEC("${sec}") is ${type}${eat ? ` / ${eat}` : ''}`, () => expect(typed(sec)).toEqual({ type, eat }));
  }

  it('names libbpf 1.x does not know stay BPF_PROG_TYPE_UNSPEC (exact entries take no suffix; + entries only "/")', () => {
    for (const sec of ['xdp_foo', 'xdp/foo', 'socket1', 'classifier_x', 'cgroup/skb_x', 'kprobe_foo', 'struct_ops_x',
      'raw_tp_x', 'tp_btfx/sys_enter', 'sk_lookup_x', 'xdp_devmap/x', 'fentry_x/do_unlinkat']) {
      expect(findSecDef(sec), sec).toBeNull();
      expect(typed(sec), sec).toEqual({ type: T('UNSPEC'), eat: 0 });
    }
    // A different character after a + prefix matches another entry, or none.
    expect(findSecDef('raw_tp.w/x')!.sec).toBe('raw_tp.w+');
    expect(findSecDef('kprobe.multi/x')!.sec).toBe('kprobe.multi+');
    expect(findSecDef('lsm_cgroup/x')!.sec).toBe('lsm_cgroup+');
    // Order matters where one entry is a prefix of another.
    expect(findSecDef('sk_reuseport/migrate')!.attachType).toBe('SK_REUSEPORT_SELECT_OR_MIGRATE');
    expect(findSecDef('cgroup/sock_create')!.sec).toBe('cgroup/sock_create');
  });

  it('flags: sleepable, XDP frags, BTF targets', () => {
    expect(findSecDef('fentry.s/x')!.flags).toBe(SEC_ATTACH_BTF | SEC_SLEEPABLE);
    expect(findSecDef('xdp.frags')!.flags).toBe(SEC_XDP_FRAGS);
    expect(findSecDef('xdp')!.flags).toBe(3);
    expect(SECTION_DEFS).toHaveLength(105);
  });

  it('libbpf_prog_type_by_name of an unknown name: the two debug lines, every entry listed', () => {
    const r = progTypeByName('xdp_foo');
    expect('debug' in r && r.debug[0]).toBe("libbpf: failed to guess program type from ELF section 'xdp_foo'");
    const list = 'debug' in r ? r.debug[1]! : '';
    expect(list.startsWith('libbpf: supported section(type) names are: socket sk_reuseport/migrate sk_reuseport kprobe+ uprobe+ uprobe.s+')).toBe(true);
    expect(list.endsWith(' struct_ops+ struct_ops.s+ sk_lookup netfilter')).toBe(true);
  });

  it('SEC("?...") loads nothing until autoload is turned on', () => {
    const k = createKernel();
    const lib = createLibbpf(k, k.spawn('loader'));
    const obj = lib.bpf_object__open_mem('SEC("?raw_tp/sys_enter") int p(void *c) { return 0; }', 'q.bpf.o')!;
    const p = lib.bpf_object__next_program(obj, null)!;
    expect([lib.bpf_program__section_name(p), lib.bpf_program__autoload(p)]).toEqual(['raw_tp/sys_enter', false]);
    expect(lib.bpf_object__load(obj)).toBe(0);
    expect(k.snapshot().progs).toHaveLength(0);
  });
});

describe('bpf_program__attach per section', () => {
  const SRC = (sec: string): string => `SEC("${sec}") int p(void *ctx) { return 0; }\nchar LICENSE[] SEC("license") = "GPL";`;
  function attach(sec: string): { link: boolean; errno: number; stderr: string[]; linkType?: string | number } {
    const k = createKernel();
    const lib = createLibbpf(k, k.spawn('loader'));
    const obj = lib.bpf_object__open_mem(SRC(sec), 'a.bpf.o')!;
    expect(lib.bpf_object__load(obj), `${sec}: ${lib.stderr.join('\n')}`).toBe(0);
    const link = lib.bpf_program__attach(lib.bpf_object__next_program(obj, null)!);
    return { link: !!link, errno: link ? 0 : lib.errno, stderr: lib.stderr, linkType: k.snapshot().links[0]?.type };
  }

  it('bare names and sections without auto-attach: NULL, EOPNOTSUPP, nothing printed', () => {
    for (const sec of ['raw_tp', 'socket', 'cgroup/connect4', 'sk_lookup', 'cgroup_skb/ingress', 'xdp', 'tc', 'tp', 'kprobe', 'perf_event'])
      expect(attach(sec), sec).toMatchObject({ link: false, errno: 95, stderr: [] });
  });
  it('tp/<name> without a category: EINVAL, no message', () => {
    expect(attach('tp/foo')).toMatchObject({ link: false, errno: 22, stderr: [] });
  });
  it('raw tracepoints and tp_btf make raw_tracepoint links; fentry-style ones tracing links', () => {
    expect(attach('raw_tp/sys_enter')).toMatchObject({ link: true, linkType: 'BPF_LINK_TYPE_RAW_TRACEPOINT' });
    expect(attach('raw_tracepoint.w/sys_enter')).toMatchObject({ link: true, linkType: 'BPF_LINK_TYPE_RAW_TRACEPOINT' });
    expect(attach('tp_btf/sys_exit')).toMatchObject({ link: true, linkType: 'BPF_LINK_TYPE_RAW_TRACEPOINT' });
    expect(attach('fentry/do_unlinkat')).toMatchObject({ link: true, linkType: 'BPF_LINK_TYPE_TRACING' });
    expect(attach('lsm/file_open')).toMatchObject({ link: true, linkType: 'BPF_LINK_TYPE_TRACING' });
  });
  it('tracepoints need tracefs and perf events, which the model has not: libbpf fails as without tracefs', () => {
    expect(attach('tp/syscalls/sys_enter_getppid')).toMatchObject({ link: false, errno: 2, stderr: [
      "libbpf: failed to determine tracepoint 'syscalls/sys_enter_getppid' perf event ID: -ENOENT",
      "libbpf: prog 'p': failed to create tracepoint 'syscalls/sys_enter_getppid' perf event: -ENOENT",
    ] });
  });
  it('an unloaded program cannot be attached', () => {
    const lib = createLibbpf(createKernel(), 1);
    const obj = lib.bpf_object__open_mem(SRC('raw_tp/sys_enter'), 'a.bpf.o')!;
    expect(lib.bpf_program__attach(lib.bpf_object__next_program(obj, null)!)).toBeNull();
    expect([lib.errno, lib.stderr]).toEqual([22, ["libbpf: prog 'p': can't attach BPF program without FD (was it loaded?)"]]);
  });
  it('uapi numbers of the expected attach types are those the model takes', () => {
    expect(uapi.BPF_ATTACH_TYPE.indexOf('BPF_TRACE_RAW_TP')).toBe(23);
  });
});

/**
 * The bpf_link API against the results real libbpf 1.7 gave on Linux 6.18
 * (libbpf-bpftool.md §4.2, §4.5): return values, errno, messages, and what each call leaves
 * in the kernel.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '../kernel/index';
import { createLibbpf, type BpfLink, type BpfObject, type BpfProgram, type Libbpf } from './index';

const SRC = `
SEC("raw_tp/sys_enter") int rtp(void *ctx) { return 0; }
SEC("tp_btf/sys_enter") int tpbtf(void *ctx) { return 0; }
SEC("cgroup_skb/ingress") int cgskb(struct __sk_buff *skb) { return 1; }
SEC("xdp") int xdp_pass(struct xdp_md *ctx) { return 2; }
SEC("xdp") int xdp_pass2(struct xdp_md *ctx) { return 2; }
char LICENSE[] SEC("license") = "GPL";
`;

let k: Kernel;
let lib: Libbpf;
let obj: BpfObject;
const prog = (name: string): BpfProgram => lib.bpf_object__find_program_by_name(obj, name)!;

beforeEach(() => {
  k = createKernel();
  lib = createLibbpf(k, k.spawn('loader'));
  obj = lib.bpf_object__open_mem(SRC, 'linkdemo.bpf.o')!;
  expect(lib.bpf_object__load(obj)).toBe(0);
});

describe('bpf_link__pin / unpin / open', () => {
  it('pins once; a second pin is EBUSY; the path is remembered', () => {
    const l = lib.bpf_program__attach(prog('rtp'))!;
    expect(lib.bpf_link__pin(l, '/sys/fs/bpf/link_rtp')).toBe(0);
    expect(lib.bpf_link__pin_path(l)).toBe('/sys/fs/bpf/link_rtp');
    expect([lib.bpf_link__pin(l, '/sys/fs/bpf/link_rtp_again'), lib.errno]).toEqual([-16, 16]);
    expect(lib.stderr).toEqual([]);
  });

  it('refuses a path outside BPF FS after creating its directory, as libbpf does', () => {
    const l = lib.bpf_program__attach(prog('tpbtf'))!;
    expect(lib.bpf_link__pin(l, '/tmp/plain/link_x')).toBe(-22);
    expect(lib.stderr).toEqual(['libbpf: specified path /tmp/plain/link_x is not on BPF FS']);
    const fd = k.open(k.spawn('ls'), '/tmp/plain');
    expect(fd).toBeGreaterThanOrEqual(3);
  });

  it('passes the kernel\'s EEXIST through; a missing grandparent fails in mkdir', () => {
    const a = lib.bpf_program__attach(prog('rtp'))!;
    const b = lib.bpf_program__attach(prog('tpbtf'))!;
    lib.bpf_link__pin(a, '/sys/fs/bpf/link_rtp');
    expect(lib.bpf_link__pin(b, '/sys/fs/bpf/link_rtp')).toBe(-17);
    expect(lib.bpf_link__pin_path(b)).toBeNull();
    expect(lib.bpf_link__pin(b, '/sys/fs/bpf/nodir/sub/link_x')).toBe(-2);
    expect(lib.stderr).toEqual(['libbpf: failed to mkdir /sys/fs/bpf/nodir/sub/link_x: -ENOENT']);
  });

  it('unpin: EINVAL when never pinned; removes the file and forgets the path', () => {
    const l = lib.bpf_program__attach(prog('tpbtf'))!;
    expect(lib.bpf_link__unpin(l)).toBe(-22);
    lib.bpf_link__pin(l, '/sys/fs/bpf/l');
    expect(lib.bpf_link__unpin(l)).toBe(0);
    expect(lib.bpf_link__pin_path(l)).toBeNull();
    expect(k.snapshot().bpffs.map((e) => e.path)).toEqual(['/sys/fs/bpf']);
  });

  it('unpin of a path someone else removed: -ENOENT from unlink, the path is kept', () => {
    const l = lib.bpf_program__attach(prog('rtp'))!;
    lib.bpf_link__pin(l, '/sys/fs/bpf/l');
    k.unlink(k.spawn('rm'), '/sys/fs/bpf/l');
    expect(lib.bpf_link__unpin(l)).toBe(-2);
    expect(lib.bpf_link__pin_path(l)).toBe('/sys/fs/bpf/l');
  });

  it('open: ENOENT with libbpf\'s raw number; a pinned program opens too (no type check), and cannot be pinned again', () => {
    expect(lib.bpf_link__open('/sys/fs/bpf/nonexistent')).toBeNull();
    expect([lib.errno, lib.stderr]).toEqual([2, ['libbpf: failed to open link at /sys/fs/bpf/nonexistent: -2']]);
    expect(lib.bpf_program__pin(prog('rtp'), '/sys/fs/bpf/prog_rtp')).toBe(0);
    const rec = lib.bpf_link__open('/sys/fs/bpf/prog_rtp')!;
    expect(rec).not.toBeNull();
    expect(lib.bpf_link__pin(rec, '/sys/fs/bpf/other')).toBe(-16);
  });
});

describe('bpf_link__destroy / disconnect / detach / update_program', () => {
  const linkIds = (): number[] => k.snapshot().links.map((l) => l.id);

  it('destroy closes the fd and leaves the pin: the link stays attached', () => {
    const l = lib.bpf_program__attach(prog('rtp'))!;
    lib.bpf_link__pin(l, '/sys/fs/bpf/l');
    expect(lib.bpf_link__destroy(l)).toBe(0);
    expect(k.trigger('tracepoint:sys_enter')).toEqual([1]);
    expect(lib.bpf_link__destroy(null)).toBe(0);
  });

  it('destroy of an unpinned link releases it and detaches the program', () => {
    const l = lib.bpf_program__attach(prog('tpbtf'))!;
    lib.bpf_link__destroy(l);
    expect(linkIds()).toEqual([]);
    expect(k.trigger('tracepoint:sys_enter')).toEqual([]);
  });

  it('disconnect: destroy leaves the fd open, the link lives until the process exits', () => {
    const l: BpfLink = lib.bpf_program__attach(prog('rtp'))!;
    lib.bpf_link__disconnect(l);
    lib.bpf_link__destroy(l);
    expect(linkIds()).toEqual([1]);
    k.exit(lib.pid);
    expect(linkIds()).toEqual([]);
  });

  it('detach of a raw_tracepoint link: -EOPNOTSUPP; update_program on it: -EINVAL', () => {
    const l = lib.bpf_program__attach(prog('rtp'))!;
    expect([lib.bpf_link__detach(l), lib.errno]).toEqual([-95, 95]);
    expect(lib.bpf_link__update_program(l, prog('tpbtf'))).toBe(-22);
  });

  it('update_program with a program that is not loaded: message and -EINVAL, no syscall', () => {
    const l = lib.bpf_program__attach(prog('rtp'))!;
    const p = prog('tpbtf');
    const fd = p.fd;
    p.fd = -1;
    expect(lib.bpf_link__update_program(l, p)).toBe(-22);
    expect(lib.stderr).toEqual(["libbpf: prog 'tpbtf': can't use BPF program without FD (was it loaded?)"]);
    p.fd = fd;
  });

  it('cgroup and xdp links: attach_cgroup, attach_xdp, update, detach (detached links stay, pinned)', () => {
    const pid = lib.pid;
    k.mkdir(pid, '/sys/fs/cgroup/demo');
    const cg = k.open(pid, '/sys/fs/cgroup/demo');
    expect(lib.bpf_program__attach(prog('cgskb'))).toBeNull();
    expect(lib.errno).toBe(95);
    const cgl = lib.bpf_program__attach_cgroup(prog('cgskb'), cg)!;
    const xl = lib.bpf_program__attach_xdp(prog('xdp_pass'), 2)!;
    expect([cgl, xl].every(Boolean)).toBe(true);
    expect(lib.bpf_link__update_program(xl, prog('xdp_pass2'))).toBe(0);
    expect(lib.bpf_link__update_program(xl, prog('cgskb'))).toBe(-22);
    lib.bpf_link__pin(xl, '/sys/fs/bpf/link_xdp');
    expect(lib.bpf_link__detach(cgl)).toBe(0);
    expect(lib.bpf_link__detach(cgl)).toBe(0);
    expect(lib.bpf_link__detach(xl)).toBe(0);
    expect(lib.bpf_link__update_program(xl, prog('xdp_pass'))).toBe(-67);
    expect(k.snapshot().links.map((l) => [l.type, l.attached])).toEqual([['BPF_LINK_TYPE_CGROUP', false], ['BPF_LINK_TYPE_XDP', false]]);
  });

  it('a failed explicit attach prints libbpf\'s message', () => {
    expect(lib.bpf_program__attach_raw_tracepoint(prog('rtp'), 'no_such_tp')).toBeNull();
    expect([lib.errno, lib.stderr]).toEqual([2, ["libbpf: prog 'rtp': failed to attach to raw tracepoint 'no_such_tp': -ENOENT"]]);
    expect(lib.bpf_program__attach_xdp(prog('xdp_pass'), 99)).toBeNull();
    expect(lib.stderr.at(-1)).toMatch(/^libbpf: prog 'xdp_pass': failed to attach to xdp: -E/);
  });
});

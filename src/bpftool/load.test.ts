/**
 * `bpftool prog load` / `loadall` on BPF C sources, checked against the outputs the real
 * bpftool 7.7.0 printed for the same object (libbpf-bpftool.md §5.9, mini.bpf.o).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '../kernel/index';
import { runBpftool, runShell } from './index';

const MINI = `
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, u32);
	__type(value, u64);
} hits SEC(".maps");

u32 seen = 0;

SEC("raw_tp/sys_enter")
int on_enter(void *ctx)
{
	u32 key = 0;
	u64 *v = bpf_map_lookup_elem(&hits, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	seen++;
	return 0;
}

SEC("tp_btf/sys_exit")
int on_exit_btf(void *ctx) { seen++; return 0; }

SEC("cgroup_skb/egress")
int cg_eg(struct __sk_buff *skb) { return 1; }

SEC("xdp")
int xdp_ok(struct xdp_md *ctx) { return XDP_PASS; }

char LICENSE[] SEC("license") = "GPL";
`;

let k: Kernel;
const files = { 'mini.bpf.o': MINI, 'unknown.bpf.o': 'SEC("xdp_foo") int x(void *c) { return 2; }\nchar L[] SEC("license") = "GPL";' };
const bpftool = (...argv: string[]): { stdout: string; stderr: string; exitCode: number } => runBpftool(k, argv, { files });

beforeEach(() => { k = createKernel(); });

describe('bpftool prog load / loadall', () => {
  it('load pins the first program; -f prog show pinned shows it', () => {
    expect(bpftool('prog', 'load', 'mini.bpf.o', '/sys/fs/bpf/mini_first')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    const r = bpftool('-f', 'prog', 'show', 'pinned', '/sys/fs/bpf/mini_first');
    expect(r.stdout).toMatch(/^1: raw_tracepoint {2}name on_enter {2}tag [0-9a-f]{16} {2}gpl\n\tloaded_at \S+ {2}uid 0\n\txlated 48B {2}jited 40B {2}memlock 4096B {2}map_ids 1,2\n\tpinned \/sys\/fs\/bpf\/mini_first\n$/);
    // bpftool has exited: only the pin keeps the program; the rest of the object is gone.
    expect(k.snapshot().progs.map((p) => p.name)).toEqual(['on_enter']);
    expect(k.snapshot().maps.map((m) => m.name)).toEqual(['hits', 'mini.bss']);
  });

  it('autoattach pins the link instead (and the pin keeps the program attached)', () => {
    expect(bpftool('prog', 'load', 'mini.bpf.o', '/sys/fs/bpf/mini_auto', 'autoattach').exitCode).toBe(0);
    const r = bpftool('-f', 'link', 'show', 'pinned', '/sys/fs/bpf/mini_auto');
    expect(r).toEqual({ stdout: "1: raw_tracepoint  prog 1  \n\ttp 'sys_enter'  \n\tpinned /sys/fs/bpf/mini_auto\n", stderr: '', exitCode: 255 });
    expect(k.trigger('tracepoint:sys_enter')).toEqual([1]);
  });

  it('loadall autoattach: links for the programs that have auto-attach, program pins for the others', () => {
    const r = bpftool('prog', 'loadall', 'mini.bpf.o', '/sys/fs/bpf/mini_all', 'autoattach');
    expect(r).toEqual({ stdout: '', exitCode: 0, stderr: 'Program cg_eg does not support autoattach, falling back to pinning\n'
      + 'Program xdp_ok does not support autoattach, falling back to pinning\n' });
    expect(runShell(k, 'ls -1 /sys/fs/bpf/mini_all').stdout).toBe('cg_eg\non_enter\non_exit_btf\nxdp_ok\n');
    expect(bpftool('-f', 'link', 'show').stdout).toBe("1: raw_tracepoint  prog 1  \n\ttp 'sys_enter'  \n\tpinned /sys/fs/bpf/mini_all/on_enter\n"
      + "2: raw_tracepoint  prog 2  \n\ttp 'sys_exit'  \n\tpinned /sys/fs/bpf/mini_all/on_exit_btf\n");
  });

  it('loadall pinmaps: maps pinned with dots made underscores; a second loadall on the same dir fails', () => {
    expect(bpftool('prog', 'loadall', 'mini.bpf.o', '/sys/fs/bpf/mini_all2', 'pinmaps', '/sys/fs/bpf/mini_maps').exitCode).toBe(0);
    expect(runShell(k, 'ls -1 /sys/fs/bpf/mini_all2 /sys/fs/bpf/mini_maps').stdout)
      .toBe('/sys/fs/bpf/mini_all2:\ncg_eg\non_enter\non_exit_btf\nxdp_ok\n\n/sys/fs/bpf/mini_maps:\nhits\nmini_bss\n');
    expect(bpftool('prog', 'loadall', 'mini.bpf.o', '/sys/fs/bpf/mini_all2')).toEqual({ stdout: '', exitCode: 255,
      stderr: "libbpf: prog 'on_enter': failed to pin at '/sys/fs/bpf/mini_all2/on_enter': -EEXIST\nError: failed to pin all programs\n" });
  });

  it('-j prints null; errors: arguments, missing file, unknown section', () => {
    expect(bpftool('-j', 'prog', 'load', 'mini.bpf.o', '/sys/fs/bpf/mini_j', 'autoattach')).toEqual({ stdout: 'null\n', stderr: '', exitCode: 0 });
    expect(bpftool('prog', 'load', 'mini.bpf.o')).toEqual({ stdout: '', stderr: "Error: 'load' needs at least 2 arguments, 1 found\n", exitCode: 255 });
    expect(bpftool('prog', 'load', 'nonexist.o', '/sys/fs/bpf/zz')).toEqual({ stdout: '', exitCode: 255,
      stderr: 'libbpf: elf: failed to open nonexist.o: -ENOENT\nError: failed to open object file\n' });
    const r = bpftool('prog', 'load', 'unknown.bpf.o', '/sys/fs/bpf/unk');
    expect(r.exitCode).toBe(255);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe("libbpf: failed to guess program type from ELF section 'xdp_foo'");
    expect(lines[1]).toMatch(/^libbpf: supported section\(type\) names are: socket sk_reuseport\/migrate .* sk_lookup netfilter$/);
    expect(lines.slice(2)).toEqual(['']);
  });

  it('a C error in the source: the compiler\'s message, then bpftool\'s', () => {
    const r = runBpftool(k, ['prog', 'load', 'bad.bpf.o', '/sys/fs/bpf/b'], { files: { 'bad.bpf.o': 'SEC("xdp") int x(void *c) { return 2 }\nfoo_t y;' } });
    expect(r).toEqual({ stdout: '', exitCode: 255, stderr: "bad.bpf.c:2:1: error: unknown type name 'foo_t'\nError: failed to open object file\n" });
  });
});

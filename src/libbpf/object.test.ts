/**
 * Reading BPF C sources (bpf_object__open_mem): maps from `.maps` and from global data, with
 * libbpf's names, C sizes and the compiler's placement; and the errors, as clang (for the C)
 * and libbpf (for the object) report them.
 */
import { describe, expect, it } from 'vitest';
import { createKernel } from '../kernel/index';
import { createLibbpf, type BpfMap, type BpfObject, type Libbpf } from './index';
import { internalMapName } from './object';

function open(src: string, name = 'obj.bpf.o'): { lib: Libbpf; obj: BpfObject | null } {
  const lib = createLibbpf(createKernel(), 1);
  return { lib, obj: lib.bpf_object__open_mem(src, name) };
}

function maps(lib: Libbpf, obj: BpfObject): [string, string | number, number, number, number, number][] {
  const out: [string, string | number, number, number, number, number][] = [];
  for (let m: BpfMap | null = lib.bpf_object__next_map(obj, null); m; m = lib.bpf_object__next_map(obj, m))
    out.push([lib.bpf_map__name(m), lib.bpf_map__type(m), lib.bpf_map__key_size(m), lib.bpf_map__value_size(m), lib.bpf_map__max_entries(m), lib.bpf_map__map_flags(m)]);
  return out;
}

describe('internal map names (internal_map_name)', () => {
  it('match the names real libbpf 1.7 gave (libbpf-bpftool.md §3.1)', () => {
    const table: [string, string[]][] = [
      ['linkdemo', ['linkdemo.bss', 'linkdemo.data', 'linkdemo.rodata']],
      ['my_object_name', ['my_objec.bss', 'my_objec.data', 'my_objec.rodata', 'my_obje.kconfig', '.data.custom']],
      ['test_link_pinni', ['test_lin.bss', 'test_lin.data', 'test_lin.rodata', 'test_li.kconfig', '.data.custom']],
      ['ab', ['ab.bss', 'ab.data', 'ab.rodata', 'ab.kconfig', '.data.custom']],
    ];
    for (const [obj, names] of table) {
      const secs = ['.bss', '.data', '.rodata', '.kconfig', '.data.custom'].slice(0, names.length);
      expect(secs.map((s) => internalMapName(obj, s))).toEqual(names);
    }
    expect(internalMapName('x', '.rodata.abracadabra')).toBe('.rodata.abracad');
  });
});

describe('bpf_object__open_mem: maps', () => {
  it('globals go to .bss, .data, .rodata by initializer and constness, sized as C lays them out', () => {
    const { lib, obj } = open(`
      int zero = 0;           /* = 0 is .bss */
      char c;                 /* unused non-static: stays, at the end */
      long counter = 0;
      int five = 5;
      const volatile int cfg = 0;
      static int unused;      /* vanishes */
      static const int folded = 3;
      SEC("raw_tp/sys_enter") int p(void *ctx) { counter += zero + five + cfg + folded; return 0; }
      char LICENSE[] SEC("license") = "GPL";
    `, 'lp.bpf.o');
    expect(maps(lib, obj!)).toEqual([
      ['lp.bss', 'BPF_MAP_TYPE_ARRAY', 4, 17, 1, 0x400],
      ['lp.data', 'BPF_MAP_TYPE_ARRAY', 4, 4, 1, 0x400],
      ['lp.rodata', 'BPF_MAP_TYPE_ARRAY', 4, 4, 1, 0x480],
    ]);
  });

  it('.maps definitions: types, sizes of C types and structs, constants, in placement order', () => {
    const { lib, obj } = open(`
      #define MAX_EVENTS (1 << 10)
      struct event { u32 pid; char comm[16]; u64 ts; u8 flag; };
      struct key_t { __u16 a; __u8 b; } __attribute__((packed));
      struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, MAX_EVENTS);
        __type(key, struct key_t);
        __type(value, struct event);
        __uint(map_flags, BPF_F_NO_PREALLOC);
      } events SEC(".maps");
      struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, 4);
        __type(key, int);
        __type(value, long);
      } hits SEC(".maps");
      struct {
        __uint(type, BPF_MAP_TYPE_RINGBUF);
        __uint(max_entries, 256 * 1024);
      } rb SEC(".maps");
      SEC("xdp") int x(struct xdp_md *ctx) { bpf_map_lookup_elem(&hits, &ctx); return 2; }
    `);
    // hits is used by a program, so clang places it first; the others at the end of the file.
    expect(maps(lib, obj!)).toEqual([
      ['hits', 'BPF_MAP_TYPE_ARRAY', 4, 8, 4, 0],
      ['events', 'BPF_MAP_TYPE_HASH', 3, 40, 1024, 1],
      ['rb', 'BPF_MAP_TYPE_RINGBUF', 0, 0, 262144, 0],
    ]);
  });

  it('custom sections, printk format strings, and string literals', () => {
    const { lib, obj } = open(`
      int a SEC(".data.custom") = 1;
      int b SEC(".mydata") = 2;
      SEC("raw_tp/sys_enter") int p(void *ctx) { bpf_printk("hello %d", a); bpf_printk("bye"); return 0; }
    `, 'my_object_name.bpf.o');
    expect(maps(lib, obj!)).toEqual([
      ['.data.custom', 'BPF_MAP_TYPE_ARRAY', 4, 4, 1, 0x400],
      ['my_objec.rodata', 'BPF_MAP_TYPE_ARRAY', 4, 13, 1, 0x80],
    ]);
    expect(lib.stderr).toEqual([expect.stringMatching(/^libbpf: elf: skipping unrecognized data section\(\d+\) \.mydata$/)]);
  });

  it('programs are grouped by section, in the order of each section\'s first program', () => {
    const { lib, obj } = open(`
      SEC("xdp") int a(void *c) { return 2; }
      SEC("raw_tp/sys_enter") int b(void *c) { return 0; }
      SEC("xdp") int c(void *c) { return 2; }
      static __always_inline int helper(void) { return 0; }
      int global_func(int x) { return x; }
    `);
    const names: string[] = [];
    for (let p = lib.bpf_object__next_program(obj!, null); p; p = lib.bpf_object__next_program(obj!, p)) names.push(p.name);
    expect(names).toEqual(['a', 'c', 'b']);
  });

  it('BPF_PROG()-style programs take their name from the macro', () => {
    const { lib, obj } = open(`SEC("tp_btf/sched_switch") int BPF_PROG(on_switch, bool preempt, struct task_struct *prev) { return 0; }`);
    expect(lib.bpf_object__find_program_by_name(obj!, 'on_switch')).not.toBeNull();
  });
});

describe('bpf_object__open_mem: errors', () => {
  const fail = (src: string): [number, string[]] => {
    const { lib, obj } = open(src, 'bad.bpf.o');
    expect(obj).toBeNull();
    return [lib.errno, lib.stderr];
  };
  it('C the reader cannot take: clang-style file:line:col messages, EINVAL', () => {
    expect(fail('int x = 1;\nfoo_t y;\n')).toEqual([22, ["bad.bpf.c:2:1: error: unknown type name 'foo_t'"]]);
    expect(fail('SEC("xdp") int p(void *c) { return 2; }\nint z = 1\nint w;')).toEqual([22, ["bad.bpf.c:2:10: error: expected ';' after top level declarator"]]);
    expect(fail('SEC("xdp") int p(void *c) {\n  return 2;\n')).toEqual([22, ["bad.bpf.c:1:27: error: expected '}' to match this '{'"]]);
    expect(fail('struct s { struct task_struct t; };')).toEqual([22, ["bad.bpf.c:1:31: error: field has incomplete type 'struct task_struct'"]]);
  });
  it('objects libbpf refuses, with its messages', () => {
    expect(fail('static SEC("xdp") int p(void *c) { return 2; }')).toEqual([95, ["libbpf: sec 'xdp': program 'p' is static and not supported"]]);
    expect(fail('struct { __uint(type, 2); __uint(foo, 1); } m SEC(".maps");')).toEqual([95, ["libbpf: map 'm': unknown field 'foo'."]]);
    expect(fail('struct { __uint(max_entries, 1); } m SEC(".maps");')).toEqual([22, ["libbpf: map 'm': map type isn't specified."]]);
    expect(fail('struct { __uint(type, 1); __uint(key_size, 8); __type(key, int); } m SEC(".maps");')).toEqual([22, ["libbpf: map 'm': conflicting key size 8 != 4."]]);
    expect(fail('struct bpf_map_def m SEC("maps") = { .type = 1 };\nstruct bpf_map_def { int type; };')).toEqual([22, ["bad.bpf.c:1:20: error: variable has incomplete type 'struct bpf_map_def'"]]);
    expect(fail('struct d { int type; };\nstruct d m SEC("maps") = { .type = 1 };')).toEqual([95, ["libbpf: elf: legacy map definitions in 'maps' section are not supported by libbpf v1.0+"]]);
  });
});

describe('diagnostics: where in the source libbpf\'s complaints point', () => {
  it('an unknown section is a warning at open and an error at load, at the function', () => {
    const k = createKernel();
    const lib = createLibbpf(k, k.spawn('loader'));
    const obj = lib.bpf_object__open_mem('int x;\nSEC("xdp_foo")\nint handler(void *c) { return 2; }', 'u.bpf.o')!;
    expect(lib.diagnostics).toEqual([{ file: 'u.bpf.c', line: 3, col: 5, severity: 'warning',
      message: 'SEC("xdp_foo"): libbpf has no such section name; program \'handler\' will fail to load' }]);
    lib.bpf_object__load(obj);
    expect(lib.diagnostics[1]).toEqual({ file: 'u.bpf.c', line: 3, col: 5, severity: 'error',
      message: "prog 'handler': missing BPF prog type, check ELF section name 'xdp_foo'" });
  });
  it('map definitions libbpf refuses point at the map; C errors at the token', () => {
    const a = open('\nstruct { __uint(max_entries, 1); } counts SEC(".maps");', 'm.bpf.o');
    expect(a.lib.diagnostics).toEqual([{ file: 'm.bpf.c', line: 2, col: 36, severity: 'error', message: "map 'counts': map type isn't specified." }]);
    const b = open('int a = ;', 'c.bpf.o');
    expect(b.lib.diagnostics).toEqual([{ file: 'c.bpf.c', line: 1, col: 9, severity: 'error', message: 'expected expression' }]);
  });
});

describe('bpf_object__load', () => {
  it('an unknown section fails at load, before any syscall, as libbpf 1.7 says it', () => {
    const k = createKernel();
    const lib = createLibbpf(k, k.spawn('loader'));
    const obj = lib.bpf_object__open_mem('SEC("xdp_foo") int x(void *c) { return 2; }', 'unknown.bpf.o')!;
    const before = k.log().length;
    expect(lib.bpf_object__load(obj)).toBe(-22);
    expect(lib.errno).toBe(22);
    expect(lib.stderr).toEqual([
      "libbpf: prog 'x': missing BPF prog type, check ELF section name 'xdp_foo'",
      "libbpf: prog 'x': failed to load: -EINVAL",
      "libbpf: failed to load object 'unknown.bpf.o'",
    ]);
    expect(k.log().slice(before).some((e) => e.fn === '__sys_bpf')).toBe(false);
    expect(lib.bpf_object__load(obj)).toBe(-22);
    expect(lib.stderr.at(-1)).toBe("libbpf: object 'unknown' load can't be attempted twice".replace("' load", "': load"));
  });

  it('a BTF target the kernel lacks: ESRCH, and the maps made so far are closed', () => {
    const k = createKernel();
    const lib = createLibbpf(k, k.spawn('loader'));
    const obj = lib.bpf_object__open_mem('int n = 0;\nSEC("tp_btf/no_such_tp") int t(void *c) { n++; return 0; }', 'x.bpf.o')!;
    expect(lib.bpf_object__load(obj)).toBe(-3);
    expect(lib.stderr).toEqual([
      "libbpf: prog 't': failed to find kernel BTF type ID of 'no_such_tp': -ESRCH",
      "libbpf: prog 't': failed to prepare load attributes: -ESRCH",
      "libbpf: prog 't': failed to load: -ESRCH",
      "libbpf: failed to load object 'x.bpf.o'",
    ]);
    expect(k.snapshot().maps).toEqual([]);
    const noTarget = createLibbpf(k, k.spawn('loader'));
    noTarget.bpf_object__load(noTarget.bpf_object__open_mem('SEC("fentry") int f(void *c) { return 0; }', 'y.bpf.o')!);
    expect(noTarget.stderr[0]).toBe("libbpf: prog 'f': no BTF-based attach target is specified, use bpf_program__set_attach_target()");
  });

  it('maps first, then programs in object order; each program holds the maps it uses, .rodata last', () => {
    const k = createKernel();
    const lib = createLibbpf(k, k.spawn('loader'));
    const obj = lib.bpf_object__open_mem(`
      int hits_bss = 0; int init_data = 7; const volatile int cfg = 1;
      SEC("raw_tp/sys_enter") int rtp(void *c) { hits_bss += init_data; return 0; }
      SEC("cgroup_skb/ingress") int cg(void *c) { return 1; }
      char LICENSE[] SEC("license") = "GPL";`, 'linkdemo.bpf.o')!;
    expect(lib.bpf_object__load(obj)).toBe(0);
    const s = k.snapshot();
    const byKey = new Map(s.maps.map((m) => [m.key, m.name]));
    expect(s.maps.map((m) => [m.id, m.name])).toEqual([[1, 'linkdemo.bss'], [2, 'linkdemo.data'], [3, 'linkdemo.rodata']]);
    expect(s.progs.map((p) => [p.id, p.name, p.maps.map((m) => byKey.get(m))])).toEqual([
      [1, 'rtp', ['linkdemo.bss', 'linkdemo.data', 'linkdemo.rodata']],
      [2, 'cg', ['linkdemo.rodata']],
    ]);
    expect(s.processes.find((p) => p.comm === 'loader')!.fds.map((f) => f.fd)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    lib.bpf_object__close(obj);
    expect(k.snapshot().progs).toEqual([]);
  });
});

/**
 * bpftool on the model: the run as its own process, `pids` lines (libbpf-bpftool.md §5.5,
 * a system where bpftool's pid iterator works), options and command abbreviations, and the
 * shell commands around it.
 */
import { describe, expect, it } from 'vitest';
import { createKernel } from '../kernel/index';
import { createLibbpf } from '../libbpf/index';
import { runBpftool, runShell, shellWords } from './index';

const RAWTP = 'int hits = 0;\nSEC("raw_tp/sys_enter") int on_enter(void *ctx) { hits++; return 0; }\nchar LICENSE[] SEC("license") = "GPL";\n';

describe('bpftool as a process', () => {
  it('spawns, works through syscalls and exits: nothing of it is left', () => {
    const k = createKernel();
    const r = runBpftool(k, ['prog', 'show']);
    expect(r).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(k.snapshot().processes).toEqual([]);
    expect(k.log().some((e) => e.text.includes('"bpftool"'))).toBe(true);
  });

  it('the README flow: a loader pins its link and exits; bpftool -f link show in another process', () => {
    const k = createKernel();
    const loader = k.spawn('loader');
    const lib = createLibbpf(k, loader);
    const obj = lib.bpf_object__open_mem(RAWTP, 'hello.bpf.o')!;
    expect(lib.bpf_object__load(obj)).toBe(0);
    const link = lib.bpf_program__attach(lib.bpf_object__find_program_by_name(obj, 'on_enter')!)!;
    expect(lib.bpf_link__pin(link, '/sys/fs/bpf/hello_link')).toBe(0);
    k.exit(loader);
    expect(runBpftool(k, ['link', 'show', '-f']).stdout).toBe("1: raw_tracepoint  prog 1  \n\ttp 'sys_enter'  \n\tpinned /sys/fs/bpf/hello_link\n");
    expect(k.trigger('tracepoint:sys_enter')).toEqual([1]);
  });

  it('pids: the processes holding an fd of each object, after the pinned lines', () => {
    const k = createKernel();
    const loader = k.spawn('loader');
    const lib = createLibbpf(k, loader);
    const obj = lib.bpf_object__open_mem('SEC("cgroup_skb/egress") int eg(void *c) { return 1; }\nchar L[] SEC("license") = "GPL";', 'cg.bpf.o')!;
    lib.bpf_object__load(obj);
    k.mkdir(loader, '/sys/fs/cgroup/demo');
    const cgfd = k.open(loader, '/sys/fs/cgroup/demo');
    const link = lib.bpf_program__attach_cgroup(lib.bpf_object__next_program(obj, null)!, cgfd)!;
    lib.bpf_link__pin(link, '/sys/fs/bpf/cg_link');
    k.fork(loader);
    const cgroupId = k.snapshot().cgroups.find((c) => c.path === '/sys/fs/cgroup/demo')!.id;
    expect(runBpftool(k, ['-f', 'link', 'show']).stdout).toBe(
      `1: cgroup  prog 1  \n\tcgroup_id ${cgroupId}  attach_type cgroup_inet_egress  \n\tpinned /sys/fs/bpf/cg_link\n\tpids loader(100), loader(101)\n`);
    expect(runBpftool(k, ['-p', '-f', 'link', 'show']).stdout).toBe(`[{
        "id": 1,
        "type": "cgroup",
        "prog_id": 1,
        "cgroup_id": ${cgroupId},
        "attach_type": "cgroup_inet_egress",
        "pinned": ["/sys/fs/bpf/cg_link"
        ],
        "pids": [{
                "pid": 100,
                "comm": "loader"
            },{
                "pid": 101,
                "comm": "loader"
            }
        ]
    }
]
`);
    // Only open fds count: the program's only holders are its fd in the loader and the link.
    expect(runBpftool(k, ['prog', 'show']).stdout).toMatch(/\n\tpids loader\(100\), loader\(101\)\n$/);
  });
});

describe('options, abbreviations, help', () => {
  const k = createKernel();
  it('options may come anywhere; objects and commands may be abbreviated', () => {
    expect(runBpftool(k, ['p', 's', '-j'])).toEqual({ stdout: '[]\n', stderr: '', exitCode: 0 });
    expect(runBpftool(k, ['--json', '--pretty', 'link'])).toEqual({ stdout: '[]\n', stderr: '', exitCode: 0 });
    expect(runBpftool(k, ['-V']).stdout).toBe('bpftool v7.7.0\nusing libbpf v1.7\nfeatures: skeletons\n');
    expect(runBpftool(k, ['-j', 'version']).stdout).toBe('{"version":"7.7.0","libbpf_version":"1.7","features":{"libbfd":false,"llvm":false,"skeletons":true,"bootstrap":false}}\n');
  });
  it('no object: the main help, exit 0; an unknown option: error, help, 255', () => {
    const r = runBpftool(k, []);
    expect([r.exitCode, r.stderr.split('\n')[0]]).toEqual([0, 'Usage: bpftool [OPTIONS] OBJECT { COMMAND | help }']);
    const u = runBpftool(k, ['-x', 'prog']);
    expect([u.exitCode, u.stderr.split('\n')[0]]).toEqual([255, "Error: unrecognized option '-x'"]);
    expect(runBpftool(k, ['-j', '-x'])).toEqual({ stdout: '{"error":"unrecognized option \'-x\'"}\n', stderr: '', exitCode: 255 });
  });
  it('what the playground does not have says so', () => {
    expect(runBpftool(k, ['btf', 'list'])).toEqual({ stdout: '', stderr: "Error: 'btf' is not available in the playground's bpftool\n", exitCode: 255 });
    expect(runBpftool(k, ['map', 'dump', 'id', '1']).stderr).toBe("Error: command 'dump' is not available in the playground's bpftool\n");
  });
});

describe('shell commands', () => {
  it('splits words as sh does', () => {
    expect(shellWords(`bpftool prog load 'a b.o' "/sys/fs/bpf/x y" c\\ d`)).toEqual(['bpftool', 'prog', 'load', 'a b.o', '/sys/fs/bpf/x y', 'c d']);
  });
  it('mkdir, ls, mv, rm, rmdir on BPF FS with coreutils\' messages', () => {
    const k = createKernel();
    const sh = (l: string): string => { const r = runShell(k, l); return `${r.exitCode}|${r.stdout}|${r.stderr}`; };
    expect(sh('mkdir /sys/fs/bpf/a')).toBe('0||');
    expect(sh('mkdir /sys/fs/bpf/a')).toBe("1||mkdir: cannot create directory '/sys/fs/bpf/a': File exists\n");
    expect(sh('mkdir -p /sys/fs/bpf/a/b/c')).toBe('0||');
    expect(sh('ls /sys/fs/bpf')).toBe('0|a\n|');
    expect(sh('ls -l /sys/fs/bpf/a')).toBe('0|total 0\ndrwxr-xr-x 3 root root 0 Nov 25 08:00 b\n|');
    expect(sh('mv /sys/fs/bpf/a/b /sys/fs/bpf/b2')).toBe('0||');
    expect(sh('mv /sys/fs/bpf/nope /sys/fs/bpf/x')).toBe("1||mv: cannot stat '/sys/fs/bpf/nope': No such file or directory\n");
    expect(sh('rm /sys/fs/bpf/b2')).toBe("1||rm: cannot remove '/sys/fs/bpf/b2': Is a directory\n");
    expect(sh('rmdir /sys/fs/bpf/b2')).toBe("1||rmdir: failed to remove '/sys/fs/bpf/b2': Directory not empty\n");
    expect(sh('rm -r /sys/fs/bpf/b2')).toBe('0||');
    expect(sh('ls /sys/fs/bpf/b2')).toBe("2||ls: cannot access '/sys/fs/bpf/b2': No such file or directory\n");
    expect(sh('rm -f /sys/fs/bpf/nothing')).toBe('0||');
    expect(sh('cat /etc/passwd')).toBe('127||sh: 1: cat: not found\n');
  });
  it('rm of a pin drops the pin\'s reference: the link it held is released', () => {
    const k = createKernel();
    const loader = k.spawn('loader');
    const lib = createLibbpf(k, loader);
    const obj = lib.bpf_object__open_mem(RAWTP, 'hello.bpf.o')!;
    lib.bpf_object__load(obj);
    lib.bpf_link__pin(lib.bpf_program__attach(lib.bpf_object__next_program(obj, null)!)!, '/sys/fs/bpf/l');
    k.exit(loader);
    expect(runShell(k, 'rm /sys/fs/bpf/l').exitCode).toBe(0);
    expect(k.snapshot().links).toEqual([]);
  });
  it('mount: the model has one BPF FS, at /sys/fs/bpf', () => {
    const k = createKernel();
    expect(runShell(k, 'mount').stdout).toContain('bpf on /sys/fs/bpf type bpf');
    expect(runShell(k, 'mount -t bpf bpf /sys/fs/bpf').exitCode).toBe(0);
    expect(runShell(k, 'mount -t bpf bpf /tmp').exitCode).toBe(32);
  });
});

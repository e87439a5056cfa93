/**
 * The kernel selftest `link_pinning` (tools/testing/selftests/bpf/prog_tests/link_pinning.c)
 * written against this libbpf exactly as the selftest calls it. The BPF side is ours: two
 * globals and two programs, one raw_tp and one tp_btf, that copy one global to the other on
 * every syscall. The model keeps no map contents, so "the program ran" is read from what
 * `trigger('tracepoint:sys_enter')` ran instead of from `bss->out`; `stat()` of the pin is
 * a look at the BPF FS in the snapshot.
 */
import { describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '../kernel/index';
import { createLibbpf, type BpfObject, type BpfProgram, type Libbpf } from './index';
// the selftest's BPF side (progs/test_link_pinning.c), as the editor's starter has it
import PROGS from './progs/test_link_pinning.bpf.c?raw';

const LINK_PIN_PATH = '/sys/fs/bpf/pinned_link_test';

/** `usleep(1)` then "did the program copy `in` to `out`": did it run on the syscall? */
function syscallRuns(k: Kernel, prog: BpfProgram): boolean {
  const ran = k.trigger('tracepoint:sys_enter');
  const id = k.snapshot().progs.find((p) => p.name === prog.name)?.id;
  return id !== undefined && ran.includes(id);
}

function stat(k: Kernel, path: string): boolean {
  return k.snapshot().bpffs.some((e) => e.path === path);
}

function subtest(k: Kernel, lib: Libbpf, prog: BpfProgram): void {
  const attached = lib.bpf_program__attach(prog);
  expect(attached, 'link_attach').not.toBeNull();
  expect(syscallRuns(k, prog), 'res_check1').toBe(true);

  // pin link
  expect(lib.bpf_link__pin(attached!, LINK_PIN_PATH), 'link_pin').toBe(0);
  expect(lib.bpf_link__pin_path(attached!), 'pin_path1').toBe(LINK_PIN_PATH);
  // check that link was pinned
  expect(stat(k, LINK_PIN_PATH), 'stat_link').toBe(true);
  expect(syscallRuns(k, prog), 'res_check2').toBe(true);

  // destroy link, pinned link should keep program attached
  lib.bpf_link__destroy(attached);
  expect(syscallRuns(k, prog), 'res_check3').toBe(true);

  // re-open link from BPFFS
  const link = lib.bpf_link__open(LINK_PIN_PATH);
  expect(link, 'link_open').not.toBeNull();
  expect(lib.bpf_link__pin_path(link!), 'pin_path2').toBe(LINK_PIN_PATH);

  // unpin link from BPFFS, program still attached
  expect(lib.bpf_link__unpin(link!), 'link_unpin').toBe(0);
  expect(lib.bpf_link__pin_path(link!)).toBeNull();
  expect(stat(k, LINK_PIN_PATH)).toBe(false);
  // still active, as we have FD open now
  expect(syscallRuns(k, prog), 'res_check4').toBe(true);

  lib.bpf_link__destroy(link);
  // Validate it's finally detached (the model releases at the last put: at once).
  let i = 5;
  for (; i < 10000; i++) if (!syscallRuns(k, prog)) break;
  expect(i, 'link_attached').toBe(5);

  // cleanup: link = NULL by now in the selftest
  expect(lib.bpf_link__destroy(null)).toBe(0);
}

describe('link_pinning (selftest) on the libbpf layer', () => {
  for (const version of ['6.18', '5.10', '5.8']) {
    it(`pin_raw_tp and pin_tp_btf on Linux ${version}`, () => {
      const k = createKernel({ version });
      const pid = k.spawn('test_progs');
      const lib = createLibbpf(k, pid);
      // test_link_pinning__open_and_load()
      const skel: BpfObject | null = lib.bpf_object__open_mem(PROGS, 'test_link_pinning.bpf.o');
      expect(skel, 'skel_open').not.toBeNull();
      expect(lib.bpf_object__load(skel!)).toBe(0);
      expect(lib.bpf_map__name(lib.bpf_object__next_map(skel!, null)!)).toBe('test_lin.bss');

      subtest(k, lib, lib.bpf_object__find_program_by_name(skel!, 'raw_tp_prog')!);
      subtest(k, lib, lib.bpf_object__find_program_by_name(skel!, 'tp_btf_prog')!);

      // test_link_pinning__destroy()
      lib.bpf_object__close(skel);
      k.exit(pid);
      const s = k.snapshot();
      expect([s.progs.length, s.maps.length, s.links.length, s.bpffs.filter((e) => e.kind === 'pin').length]).toEqual([0, 0, 0, 0]);
      expect(lib.stderr).toEqual([]);
    });
  }

  it('tp_btf attaches with BPF_LINK_CREATE on 5.19+, and falls back to BPF_RAW_TRACEPOINT_OPEN before', () => {
    for (const [version, cmds] of [['6.18', ['BPF_LINK_CREATE']], ['5.10', ['BPF_LINK_CREATE', 'BPF_RAW_TRACEPOINT_OPEN']]] as const) {
      const k = createKernel({ version });
      const lib = createLibbpf(k, k.spawn('loader'));
      const obj = lib.bpf_object__open_mem(PROGS, 'test_link_pinning.bpf.o')!;
      lib.bpf_object__load(obj);
      const from = k.log().length;
      expect(lib.bpf_program__attach(lib.bpf_object__find_program_by_name(obj, 'tp_btf_prog')!)).not.toBeNull();
      const issued = k.log().slice(from).filter((e) => e.fn === '__sys_bpf').map((e) => /bpf\((\w+)\)/.exec(e.text)?.[1]);
      expect(issued).toEqual(cmds);
    }
  });
});

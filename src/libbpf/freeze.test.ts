/**
 * `bpf_object__load` freezes an object's `.rodata` map after creating it
 * (`bpf_object__populate_internal_map` → `bpf_map_freeze`), as libbpf does: bpftool then
 * shows it `frozen`, and no fd can freeze or write it again.
 */
import { describe, expect, it } from 'vitest';
import { runBpftool } from '../bpftool/index';
import { createKernel } from '../kernel/index';
import { createLibbpf } from './index';

const SRC = `
const volatile int threshold = 3;
int hits;
SEC("raw_tp/sys_enter") int count(void *ctx) { if (threshold) hits++; return 0; }
`;

describe('libbpf and BPF_MAP_FREEZE', () => {
  it('.rodata is frozen at load; .bss is not', () => {
    const k = createKernel();
    const pid = k.spawn('loader');
    const lib = createLibbpf(k, pid);
    const obj = lib.bpf_object__open_mem(SRC, 'freeze.bpf.o')!;
    expect(lib.bpf_object__load(obj)).toBe(0);
    const maps = Object.fromEntries(k.snapshot().maps.map((m) => [m.name, m.frozen]));
    expect(maps).toEqual({ 'freeze.bss': false, 'freeze.rodata': true });
    const rodata = obj.data.maps.find((m) => m.name.endsWith('.rodata'))!;
    expect(k.bpf(pid, 'BPF_MAP_FREEZE', { map_fd: rodata.fd })).toBe(-1); // EPERM: already frozen
    const out = runBpftool(k, ['map', 'show', 'name', 'freeze.rodata']).stdout;
    expect(out).toMatch(/\n\tfrozen\n/);
  });
});

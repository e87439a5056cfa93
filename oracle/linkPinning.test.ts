/**
 * The kernel selftest link_pinning (tools/testing/selftests/bpf/prog_tests/link_pinning.c),
 * call by call on the real kernel, as /work/shared/kernel-semantics/core.md §8 tells it:
 * facts the model must reproduce.
 */
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { canonicalInsns } from './insns';
import { fact } from './scenarios/facts';
import { runOnRealKernel, type RealRun } from './realKernel';
import { describeReal, TIMEOUT } from './testing';

// the call lists: scenarios/facts.ts

function check(run: RealRun, progIndex: number): void {
  const r = run.results;
  const map = r[1]!.object!.id, prog = r[progIndex]!.object!.id, link = r[4]!.object!.id;
  expect(r.slice(1, 5).map((x) => x.ret)).toEqual([3, 4, 5, 6]);
  expect(r[5]!.ran).toEqual([prog]);
  expect(r[6]!.ret).toBe(0);
  expect(r[7]!.attr!.info).toEqual({ type: 'BPF_LINK_TYPE_RAW_TRACEPOINT', id: link, prog_id: prog,
    raw_tracepoint: { tp_name: 'sys_enter', tp_name_len: 10, cookie: 0 } });
  expect(r[7]!.attr!.info_len).toBe(64);
  expect(r[8]!.ran).toEqual([prog]);
  expect(r[9]!.ret).toBe(0);
  expect(r[10]!.ran).toEqual([prog]);
  expect(r[11]!.ret).toBe(6);
  expect(r[11]!.object).toEqual({ kind: 'link', id: link, created: false });
  expect(r[12]!.ret).toBe(0);
  expect(r[13]!.ran).toEqual([prog]);
  expect(r[14]!.ret).toBe(0);
  expect(r[15]!.ran).toEqual([]);
  expect(r[16]!.ret).toBe(-2); // ENOENT
  expect(map).toBeGreaterThan(0);
  expect(run.notComparable).toBe(0);
  expect(run.bpffs.map((e) => e.path).sort()).toEqual(['/sys/fs/bpf/maps.debug', '/sys/fs/bpf/progs.debug']);
}

describeReal('link_pinning selftest on the real kernel', () => {
  it('pin_raw_tp: BPF_RAW_TRACEPOINT_OPEN, pin, close, get, unlink, close', async () => {
    const run = await runOnRealKernel(fact('linkPinning', 'pin_raw_tp: BPF_RAW_TRACEPOINT_OPEN, pin, close, get, unlink, close'));
    expect(run.kernelRelease).toMatch(/^\d+\.\d+/);
    check(run, 2);
  }, TIMEOUT);

  it('pin_tp_btf: BPF_LINK_CREATE with BPF_TRACE_RAW_TP makes a raw tracepoint link too', async () => {
    const run = await runOnRealKernel(fact('linkPinning', 'pin_tp_btf: BPF_LINK_CREATE with BPF_TRACE_RAW_TP makes a raw tracepoint link too'));
    check(run, 3);
  }, TIMEOUT);

  it('program info: the map it uses, the canonical tag, instruction counts', async () => {
    const run = await runOnRealKernel(fact('linkPinning', 'program info: the map it uses, the canonical tag, instruction counts'));
    const [raw, btf, map] = run.results.slice(4).map((x) => x.attr!.info as Record<string, unknown>);
    const mapId = run.results[1]!.object!.id;
    // bpf_prog_calc_tag on 6.18: the first 8 bytes of the SHA-256 (not SHA-1, as before
    // 6.18) of the instructions with the map fd immediates zeroed.
    const tag = createHash('sha256').update(canonicalInsns(17, [0])).digest('hex').slice(0, 16);
    expect(raw).toMatchObject({ type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', name: 'raw_tp_prog', nr_map_ids: 1, map_ids: [mapId],
      tag, xlated_prog_len: 32, verified_insns: 3, gpl_compatible: 1, attach_btf_id: 0, attach_btf_obj_id: 0, created_by_uid: 0 });
    expect(btf).toMatchObject({ type: 'BPF_PROG_TYPE_TRACING', name: 'tp_btf_prog', map_ids: [mapId], attach_btf_obj_id: 1 });
    expect(btf!.attach_btf_id).toBeGreaterThan(0);
    expect(map).toMatchObject({ type: 'BPF_MAP_TYPE_ARRAY', id: mapId, key_size: 4, value_size: 8, max_entries: 1,
      map_flags: 0, name: 'test_lin.bss' });
    expect(run.results[4]!.attr!.info_len).toBe(232);
    expect(run.results[6]!.attr!.info_len).toBe(104);
  }, TIMEOUT);
});

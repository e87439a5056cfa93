/**
 * cgroup and XDP attachments on the real kernel (attach-targets.md §1, §2): links and
 * legacy attachments, queries, what a packet runs, detach and cgroup removal.
 */
import { expect, it } from 'vitest';
import { fact } from './scenarios/facts';
import { runOnRealKernel } from './realKernel';
import { describeReal, TIMEOUT } from './testing';

// the call lists: scenarios/facts.ts

describeReal('cgroup and XDP attachments on the real kernel', () => {
  it('cgroup: link and legacy MULTI entry both run; query; detach; rmdir auto-detaches', async () => {
    const run = await runOnRealKernel(fact('attach', 'cgroup: link and legacy MULTI entry both run; query; detach; rmdir auto-detaches'));
    const r = run.results;
    const prog = r[3]!.object!.id;
    // a trigger returns the number of runs
    expect(r.map((x) => x.ret)).toEqual([r[0]!.ret, 0, 3, 4, 5, 1, 0, 2, 0, -28, -1, 0, 0, 1, 0, 0, 6, 0, 0, 0, -67, -2]);
    expect(r[5]!.ran).toEqual([prog]);
    expect(r[7]!.ran).toEqual([prog, prog]);
    expect(r[8]!.attr).toMatchObject({ prog_ids: [prog, prog], prog_cnt: 2, attach_flags: 2 });
    expect(r[9]!.attr).toMatchObject({ prog_ids: [prog], prog_cnt: 2 });
    expect(r[12]!.attr!.info).toEqual({ type: 'BPF_LINK_TYPE_CGROUP', id: r[4]!.object!.id, prog_id: prog,
      cgroup: { cgroup_id: 0, attach_type: 'BPF_CGROUP_INET_EGRESS' } });
    expect(r[13]!.ran).toEqual([prog]);
    expect(r[15]!.ran).toEqual([]);
    expect((r[17]!.attr!.info as { cgroup: { cgroup_id: number } }).cgroup.cgroup_id).toBeGreaterThan(0);
    expect((r[19]!.attr!.info as { cgroup: { cgroup_id: number } }).cgroup.cgroup_id).toBe(0);
  }, TIMEOUT);

  it('XDP: a link on eth0 runs for a frame arriving there; detach; lo runs generic XDP', async () => {
    const run = await runOnRealKernel(fact('attach', 'XDP: a link on eth0 runs for a frame arriving there; detach; lo runs generic XDP'));
    const r = run.results;
    const prog = r[1]!.object!.id;
    expect(r.map((x) => x.ret).slice(1)).toEqual([3, 4, 1, 0, -16, -22, 0, -22, 0, 0, 0, 5, 1]);
    expect(r[3]!.ran).toEqual([prog]);
    expect(r[4]!.ran).toEqual([]);
    expect(r[7]!.attr!.info).toEqual({ type: 'BPF_LINK_TYPE_XDP', id: r[2]!.object!.id, prog_id: prog, xdp: { ifindex: 2 } });
    expect(r[10]!.attr!.info).toMatchObject({ prog_id: prog, xdp: { ifindex: 0 } });
    expect(r[11]!.ran).toEqual([]);
    expect(r[13]!.ran).toEqual([prog]);
  }, TIMEOUT);
});

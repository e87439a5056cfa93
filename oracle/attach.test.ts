/**
 * cgroup and XDP attachments on the real kernel (attach-targets.md §1, §2): links and
 * legacy attachments, queries, what a packet runs, detach and cgroup removal.
 */
import { expect, it } from 'vitest';
import { runOnRealKernel } from './realKernel';
import { as, describeReal, spawn, TIMEOUT, trigger } from './testing';

const p = as(100);
const CG = '/sys/fs/cgroup/test';
const EGRESS = trigger(`cgroup:${CG}:BPF_CGROUP_INET_EGRESS`);

describeReal('cgroup and XDP attachments on the real kernel', () => {
  it('cgroup: link and legacy MULTI entry both run; query; detach; rmdir auto-detaches', async () => {
    const run = await runOnRealKernel([
      spawn('loader'),
      p.mkdir(CG), // 1
      p.open(CG), // 2: fd 3
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_CGROUP_SKB', expected_attach_type: 'BPF_CGROUP_INET_EGRESS', prog_name: 'egress' }), // 3: fd 4
      p.bpf('BPF_LINK_CREATE', { prog_fd: 4, target_fd: 3, attach_type: 'BPF_CGROUP_INET_EGRESS' }), // 4: fd 5
      EGRESS, // 5
      p.bpf('BPF_PROG_ATTACH', { target_fd: 3, attach_bpf_fd: 4, attach_type: 'BPF_CGROUP_INET_EGRESS', attach_flags: ['BPF_F_ALLOW_MULTI'] }), // 6
      EGRESS, // 7: twice
      p.bpf('BPF_PROG_QUERY', { target_fd: 3, attach_type: 'BPF_CGROUP_INET_EGRESS' }), // 8
      p.bpf('BPF_PROG_QUERY', { target_fd: 3, attach_type: 'BPF_CGROUP_INET_EGRESS', prog_cnt: 1 }), // 9: ENOSPC
      p.bpf('BPF_PROG_ATTACH', { target_fd: 3, attach_bpf_fd: 4, attach_type: 'BPF_CGROUP_INET_EGRESS' }), // 10: mode none vs multi
      p.bpf('BPF_LINK_DETACH', { link_fd: 5 }), // 11
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 5, info: {} }), // 12: cgroup_id 0, prog kept
      EGRESS, // 13: the legacy entry only
      p.bpf('BPF_PROG_DETACH', { target_fd: 3, attach_bpf_fd: 4, attach_type: 'BPF_CGROUP_INET_EGRESS' }), // 14
      EGRESS, // 15
      p.bpf('BPF_LINK_CREATE', { prog_fd: 4, target_fd: 3, attach_type: 'BPF_CGROUP_INET_EGRESS' }), // 16: fd 6
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 6, info: {} }), // 17
      p.rmdir(CG), // 18
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 6, info: {} }), // 19: auto-detached
      p.bpf('BPF_LINK_UPDATE', { link_fd: 6, new_prog_fd: 4 }), // 20: ENOLINK
      p.bpf('BPF_PROG_QUERY', { target_fd: 3, attach_type: 'BPF_CGROUP_INET_EGRESS' }), // 21: removed cgroup
    ]);
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
    const run = await runOnRealKernel([
      spawn('loader'),
      p.bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_XDP', prog_name: 'xdp_pass' }), // 1: fd 3
      p.bpf('BPF_LINK_CREATE', { prog_fd: 3, target_ifindex: 2, attach_type: 'BPF_XDP' }), // 2: fd 4
      trigger('xdp:eth0'), // 3
      trigger('xdp:veth1'), // 4
      p.bpf('BPF_LINK_CREATE', { prog_fd: 3, target_ifindex: 2, attach_type: 'BPF_XDP' }), // 5: EBUSY
      p.bpf('BPF_LINK_CREATE', { prog_fd: 3, target_ifindex: 99, attach_type: 'BPF_XDP' }), // 6: EINVAL
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 4, info: {} }), // 7
      p.bpf('BPF_PROG_QUERY', { target_ifindex: 2, attach_type: 'BPF_XDP' }), // 8: EINVAL
      p.bpf('BPF_LINK_DETACH', { link_fd: 4 }), // 9
      p.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 4, info: {} }), // 10
      trigger('xdp:eth0'), // 11
      p.bpf('BPF_LINK_CREATE', { prog_fd: 3, target_ifindex: 1, attach_type: 'BPF_XDP' }), // 12: fd 5
      trigger('xdp:lo'), // 13
    ]);
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

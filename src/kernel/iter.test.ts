/**
 * BPF iterators (kernel/bpf/bpf_iter.c): loads for the kernel's targets, iterator links and
 * their iter_info, BPF_ITER_CREATE and open() of a pinned iterator link, and who holds what.
 * The errnos were seen on the real 6.18 kernel (npm run kernel:diff on the same calls).
 */
import { describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from './index';
import { checkInvariants } from './testing/invariants';

const ITER = { prog_type: 'BPF_PROG_TYPE_TRACING', expected_attach_type: 'BPF_TRACE_ITER' };

function setup(version = '6.18'): { k: Kernel; p: number; load: (target: string, name?: string) => number } {
  const k = createKernel({ version });
  const p = k.spawn('iter');
  return { k, p, load: (target, name = target) => k.bpf(p, 'BPF_PROG_LOAD', { ...ITER, attach_func_name: target, prog_name: name }) };
}

const ok = (k: Kernel) => expect(checkInvariants(k)).toEqual([]);

describe('iterator programs', () => {
  it('load for a registered target; a BTF function that is no target, or no name, is EINVAL', () => {
    const { k, load } = setup();
    for (const t of ['task', 'task_file', 'task_vma', 'bpf_map', 'bpf_prog', 'bpf_link', 'tcp', 'udp', 'unix', 'cgroup', 'ksym', 'dmabuf'])
      expect(load(t), t).toBeGreaterThan(0);
    expect(load('num_new')).toBe(-22); // bpf_iter_num_new is a kfunc, not a target
    expect(load('nosuch')).toBe(-22);
    ok(k);
  });

  it('targets come with their releases: none before 5.8, cgroup from 6.1', () => {
    expect(setup('5.7').load('task')).toBe(-22);
    expect(setup('5.8').load('task')).toBeGreaterThan(0);
    expect(setup('5.8').load('tcp')).toBe(-22);
    expect(setup('6.0').load('cgroup')).toBe(-22);
    expect(setup('6.1').load('cgroup')).toBeGreaterThan(0);
  });
});

describe('iterator links', () => {
  it('an iterator link runs nothing by itself; it cannot be detached, only freed; its info names the target', () => {
    const { k, p, load } = setup();
    const prog = load('task', 'dump_task');
    const link = k.bpf(p, 'BPF_LINK_CREATE', { prog_fd: prog, attach_type: 'BPF_TRACE_ITER' });
    expect(link).toBe(4);
    const info: Record<string, unknown> = { bpf_fd: link, info: {} };
    expect(k.bpf(p, 'BPF_OBJ_GET_INFO_BY_FD', info)).toBe(0);
    expect(info.info).toMatchObject({ type: 'BPF_LINK_TYPE_ITER', iter: { target_name: 'task', target_name_len: 5 } });
    expect(k.bpf(p, 'BPF_LINK_DETACH', { link_fd: link })).toBe(-95);
    expect(k.snapshot().attachPoints.find((a) => a.key === 'iter:task')?.links).toHaveLength(1);
    ok(k);
  });

  it('target_fd, flags, iter_info without its length (or the length without it), over a page: refused', () => {
    const { k, p, load } = setup();
    const prog = load('task');
    const create = (attr: Record<string, unknown>) => k.bpf(p, 'BPF_LINK_CREATE', { prog_fd: prog, attach_type: 'BPF_TRACE_ITER', ...attr });
    expect(create({ target_fd: 3 })).toBe(-22);
    expect(create({ flags: 1 })).toBe(-22);
    expect(create({ iter_info: { task: { tid: 1 } } })).toBe(-22);
    expect(create({ iter_info_len: 16 })).toBe(-22);
    expect(create({ iter_info: { task: {} }, iter_info_len: 5000 })).toBe(-7);
    expect(create({ iter_info: { task: { tid: 1, pid: 1 } }, iter_info_len: 16 })).toBe(-22); // one of tid, pid, pid_fd
    expect(create({ iter_info: { task: { pid_fd: 3 } }, iter_info_len: 16 })).toBe(-9); // fd 3 is no pidfd
    expect(create({ iter_info: { task: { tid: 1, pid: 1 } }, iter_info_len: 4 })).toBeGreaterThan(0); // only tid copied in
    ok(k);
  });

  it('a cgroup iterator needs a walk order; it starts at a cgroup fd, a cgroup id, or the root', () => {
    const { k, p, load } = setup();
    const prog = load('cgroup');
    expect(k.mkdir(p, '/sys/fs/cgroup/a')).toBe(0);
    const cg = k.open(p, '/sys/fs/cgroup/a');
    const create = (cgroup: Record<string, unknown>) => k.bpf(p, 'BPF_LINK_CREATE', { prog_fd: prog, attach_type: 'BPF_TRACE_ITER', iter_info: { cgroup }, iter_info_len: 16 });
    expect(create({})).toBe(-22);
    expect(create({ order: 5 })).toBe(-22); // BPF_CGROUP_ITER_CHILDREN is newer than 6.18
    expect(create({ order: 1, cgroup_fd: cg, cgroup_id: 1 })).toBe(-22);
    expect(create({ order: 1, cgroup_id: 12345 })).toBe(-2);
    const link = create({ order: 2, cgroup_fd: cg });
    expect(link).toBeGreaterThan(0);
    const info: Record<string, unknown> = { bpf_fd: link, info: {} };
    k.bpf(p, 'BPF_OBJ_GET_INFO_BY_FD', info);
    const id = k.snapshot().cgroups.find((c) => c.path === '/sys/fs/cgroup/a')!.id;
    expect(info.info).toMatchObject({ iter: { target_name: 'cgroup', cgroup: { cgroup_id: id, order: 2 } } });
    expect(create({ order: 4 })).toBeGreaterThan(0); // the root
    ok(k);
  });

  it('a map iterator holds the map (a refcnt and a usercnt) until the link is freed', () => {
    const { k, p, load } = setup();
    const map = k.bpf(p, 'BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_HASH', key_size: 4, value_size: 8, max_entries: 4, map_name: 'm' });
    const ring = k.bpf(p, 'BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_RINGBUF', max_entries: 4096, map_name: 'r' });
    const prog = load('bpf_map_elem', 'dump_elems');
    const create = (m: number) => k.bpf(p, 'BPF_LINK_CREATE', { prog_fd: prog, attach_type: 'BPF_TRACE_ITER', iter_info: { map: { map_fd: m } }, iter_info_len: 16 });
    expect(create(0)).toBe(-9);
    expect(create(ring)).toBe(-22); // not an element map
    expect(create(prog)).toBe(-22); // not a map
    const link = create(map);
    expect(link).toBeGreaterThan(0);
    const snap = k.snapshot();
    const m = snap.maps.find((x) => x.name === 'm')!;
    expect([m.refcnt, m.usercnt]).toEqual([2, 2]);
    expect(snap.links.find((l) => l.target === 'iter:bpf_map_elem')?.map).toBe(m.key);
    k.close(p, map);
    expect(k.snapshot().maps.find((x) => x.name === 'm')?.usercnt).toBe(1);
    k.close(p, link);
    expect(k.snapshot().maps.find((x) => x.name === 'm')).toBeUndefined();
    ok(k);
  });

  it('a sleepable program links only to a target that may reschedule (6.0); BPF_LINK_UPDATE does not check', () => {
    const { k, p } = setup();
    const sleepy = (t: string) => k.bpf(p, 'BPF_PROG_LOAD', { ...ITER, attach_func_name: t, prog_flags: ['BPF_F_SLEEPABLE'] });
    const create = (prog: number, attr: Record<string, unknown> = {}) => k.bpf(p, 'BPF_LINK_CREATE', { prog_fd: prog, attach_type: 'BPF_TRACE_ITER', ...attr });
    for (const t of ['task', 'task_file', 'task_vma', 'ksym', 'kmem_cache', 'dmabuf']) expect(create(sleepy(t)), t).toBeGreaterThan(0);
    expect(create(sleepy('cgroup'), { iter_info: { cgroup: { order: 1 } }, iter_info_len: 16 })).toBeGreaterThan(0);
    const tcp = sleepy('tcp');
    for (const t of ['bpf_map', 'bpf_prog', 'bpf_link', 'netlink', 'ipv6_route', 'udp', 'unix']) expect(create(sleepy(t)), t).toBe(-22);
    expect(create(tcp)).toBe(-22);
    expect(create(tcp, { iter_info: { task: {} }, iter_info_len: 5000 })).toBe(-7); // the iter_info checks come first
    const link = create(k.bpf(p, 'BPF_PROG_LOAD', { ...ITER, attach_func_name: 'tcp' }));
    expect(k.bpf(p, 'BPF_LINK_UPDATE', { link_fd: link, new_prog_fd: tcp })).toBe(0);
    expect(k.bpf(p, 'BPF_ITER_CREATE', { link_fd: link })).toBeGreaterThan(0);
    // before 6.0 any target took one
    const old = setup('5.19');
    const prog = old.k.bpf(old.p, 'BPF_PROG_LOAD', { ...ITER, attach_func_name: 'tcp', prog_flags: ['BPF_F_SLEEPABLE'] });
    expect(old.k.bpf(old.p, 'BPF_LINK_CREATE', { prog_fd: prog, attach_type: 'BPF_TRACE_ITER' })).toBeGreaterThan(0);
    ok(k);
  });

  it('BPF_LINK_UPDATE takes a program of the same target only', () => {
    const { k, p, load } = setup();
    const a = load('task', 'a');
    const b = load('task', 'b');
    const c = load('tcp', 'c');
    const link = k.bpf(p, 'BPF_LINK_CREATE', { prog_fd: a, attach_type: 'BPF_TRACE_ITER' });
    expect(k.bpf(p, 'BPF_LINK_UPDATE', { link_fd: link, new_prog_fd: c })).toBe(-22);
    expect(k.bpf(p, 'BPF_LINK_UPDATE', { link_fd: link, new_prog_fd: b, flags: ['BPF_F_REPLACE'], old_prog_fd: c })).toBe(-1);
    expect(k.bpf(p, 'BPF_LINK_UPDATE', { link_fd: link, new_prog_fd: b })).toBe(0);
    expect(k.snapshot().links[0]!.prog).toBe(k.snapshot().progs.find((x) => x.name === 'b')!.key);
    ok(k);
  });
});

describe('iterator files', () => {
  it('BPF_ITER_CREATE and open() of the pin each make a file that holds the program, not the link', () => {
    const { k, p, load } = setup();
    const prog = load('bpf_prog', 'dump_progs');
    const link = k.bpf(p, 'BPF_LINK_CREATE', { prog_fd: prog, attach_type: 'BPF_TRACE_ITER' });
    expect(k.bpf(p, 'BPF_OBJ_PIN', { bpf_fd: link, pathname: '/sys/fs/bpf/progs' })).toBe(0);
    const f1 = k.bpf(p, 'BPF_ITER_CREATE', { link_fd: link });
    const f2 = k.open(p, '/sys/fs/bpf/progs');
    expect([f1, f2]).toEqual([5, 6]);
    expect(k.bpf(p, 'BPF_ITER_CREATE', { link_fd: link, flags: 1 })).toBe(-22);
    expect(k.bpf(p, 'BPF_ITER_CREATE', { link_fd: prog })).toBe(-22);
    expect(k.bpf(p, 'BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: f1, info: {} })).toBe(-22);
    expect(k.bpf(p, 'BPF_OBJ_PIN', { bpf_fd: f1, pathname: '/sys/fs/bpf/x' })).toBe(-22);
    const files = k.snapshot().files.filter((f) => f.kind === 'iter');
    expect(files.map((f) => f.name)).toEqual(['anon_inode:bpf_iter', '/sys/fs/bpf/progs']);
    // the link's fd closed and its pin unlinked: the file opened through the pin holds the
    // pin's inode, which holds the link (seen on 6.18: its id stays until that file is closed)
    k.close(p, link);
    k.unlink(p, '/sys/fs/bpf/progs');
    k.close(p, prog);
    let s = k.snapshot();
    expect(s.links).toHaveLength(1);
    expect(s.links[0]!.refcnt).toBe(1);
    expect(s.progs.find((x) => x.name === 'dump_progs')?.refcnt).toBe(3); // the link and both files
    ok(k);
    // the last file opened through the pin goes: the inode, then the link
    k.close(p, f2);
    s = k.snapshot();
    expect(s.links).toHaveLength(0);
    expect(s.progs.find((x) => x.name === 'dump_progs')?.refcnt).toBe(1);
    ok(k);
    k.exit(p);
    expect(k.snapshot().progs).toHaveLength(0);
    ok(k);
  });

  it('an unlinked pin stays while files opened through it are open: dup, fork, exit, rename over it', () => {
    const { k, p, load } = setup();
    const prog = load('task');
    const link = k.bpf(p, 'BPF_LINK_CREATE', { prog_fd: prog, attach_type: 'BPF_TRACE_ITER' });
    k.bpf(p, 'BPF_OBJ_PIN', { bpf_fd: link, pathname: '/sys/fs/bpf/it' });
    const f = k.open(p, '/sys/fs/bpf/it');
    k.close(p, link);
    const child = k.fork(p);
    k.dup(p, f);
    k.unlink(p, '/sys/fs/bpf/it');
    expect(k.snapshot().links).toHaveLength(1);
    k.exit(p);
    expect(k.snapshot().links).toHaveLength(1); // the child's copy of the file
    ok(k);
    k.exit(child);
    expect(k.snapshot().links).toHaveLength(0);
    expect(k.snapshot().progs).toHaveLength(0);
    ok(k);
    // a pin renamed over goes the same way; a file made by BPF_ITER_CREATE holds no pin
    const q = k.spawn('q');
    const prog2 = k.bpf(q, 'BPF_PROG_LOAD', { ...ITER, attach_func_name: 'tcp' });
    const l2 = k.bpf(q, 'BPF_LINK_CREATE', { prog_fd: prog2, attach_type: 'BPF_TRACE_ITER' });
    k.bpf(q, 'BPF_OBJ_PIN', { bpf_fd: l2, pathname: '/sys/fs/bpf/a' });
    k.bpf(q, 'BPF_OBJ_PIN', { bpf_fd: prog2, pathname: '/sys/fs/bpf/b' });
    const g = k.open(q, '/sys/fs/bpf/a');
    const h = k.bpf(q, 'BPF_ITER_CREATE', { link_fd: l2 });
    k.close(q, l2);
    expect(k.rename(q, '/sys/fs/bpf/b', '/sys/fs/bpf/a')).toBe(0);
    expect(k.snapshot().links).toHaveLength(1);
    k.close(q, g);
    expect(k.snapshot().links).toHaveLength(0);
    expect(k.snapshot().progs[0]!.refcnt).toBe(3); // its fd, the pin now at /sys/fs/bpf/a, the file h
    k.close(q, h);
    ok(k);
  });

  it('open() of any other pin is EIO', () => {
    const { k, p } = setup();
    const m = k.bpf(p, 'BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 4, max_entries: 1 });
    k.bpf(p, 'BPF_OBJ_PIN', { bpf_fd: m, pathname: '/sys/fs/bpf/m' });
    expect(k.open(p, '/sys/fs/bpf/m')).toBe(-5);
  });
});

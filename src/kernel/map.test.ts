import { describe, expect, it } from 'vitest';
import { TestKernel } from './testing/driver';

function setup(version = '6.18') {
  const t = new TestKernel({ version });
  return { t, a: t.spawn('loader') };
}

describe('BPF_MAP_CREATE', () => {
  it('creates a map with refcnt 1 and usercnt 1, owned by its fd', () => {
    const { t, a } = setup();
    a.createMap('m', { attr: { map_name: 'counts' } }).returns(3);
    t.expectMap('m').id(1).refcnt(1).usercnt(1).heldOnlyBy(['loader fd 3']);
    expect(t.snapshot.maps[0]).toMatchObject({ type: 'BPF_MAP_TYPE_ARRAY', name: 'counts', keySize: 4, valueSize: 8, maxEntries: 1 });
  });

  it('gives a BPF_F_RDONLY map a read-only fd and keeps the flag off the map', () => {
    const { t, a } = setup();
    a.createMap('m', { attr: { map_flags: ['BPF_F_RDONLY'] } });
    const s = t.snapshot;
    expect(s.files.find((f) => f.target === t.object('m').key)!.mode).toBe('rdonly');
    a.bpf('BPF_OBJ_GET_INFO_BY_FD', { bpf_fd: 3, info: {} });
    expect((t.last.attr!.info as { map_flags: number }).map_flags).toBe(0);
  });

  it('is freed when its last fd closes; a pin keeps it (refcnt and usercnt)', () => {
    const { t, a } = setup();
    a.createMap('m').pin('m', '/sys/fs/bpf/m');
    t.expectMap('m').refcnt(2).usercnt(2).heldOnlyBy(['loader fd 3', 'pin /sys/fs/bpf/m']);
    a.close('m');
    t.expectMap('m').refcnt(1).usercnt(1).heldOnlyBy(['pin /sys/fs/bpf/m']);
    a.unlink('/sys/fs/bpf/m');
    t.expectMap('m').freed();
  });

  describe('errors', () => {
    it('unknown map type (0, out of range, unknown name): EINVAL', () => {
      const { a } = setup();
      for (const type of ['BPF_MAP_TYPE_UNSPEC', 'BPF_MAP_TYPE_NOPE'])
        a.expectErrno('EINVAL').createMap('m', { type });
      a.expectErrno('EINVAL').bpf('BPF_MAP_CREATE', { map_type: 999, key_size: 4, value_size: 4, max_entries: 1 });
    });

    it('a map type newer than the release: EINVAL (bloom filter on 5.15, fine on 5.16)', () => {
      const spec = { type: 'bloom_filter', key_size: 0, value_size: 4, max_entries: 8 };
      setup('5.15').a.expectErrno('EINVAL').createMap('m', spec);
      setup('5.16').a.createMap('m', spec);
    });

    it('BPF_F_RDONLY with BPF_F_WRONLY: EINVAL', () => {
      const { a } = setup();
      a.expectErrno('EINVAL').createMap('m', { attr: { map_flags: ['BPF_F_RDONLY', 'BPF_F_WRONLY'] } });
    });

    it('array key_size other than 4, zero max_entries, zero value_size: EINVAL', () => {
      const { a } = setup();
      a.expectErrno('EINVAL').createMap('m', { key_size: 8 });
      a.expectErrno('EINVAL').createMap('m', { max_entries: 0 });
      a.expectErrno('EINVAL').createMap('m', { value_size: 0 });
      a.expectErrno('EINVAL').createMap('m', { type: 'hash', key_size: 0 });
      a.createMap('m', { type: 'hash', key_size: 8 });
    });

    it('map_name of 16 characters or with a bad character: EINVAL', () => {
      const { a } = setup();
      a.expectErrno('EINVAL').createMap('m', { attr: { map_name: 'a234567890123456' } });
      a.expectErrno('EINVAL').createMap('m', { attr: { map_name: 'a-b' } });
    });

    it('a failed create consumes no map id', () => {
      const { t, a } = setup();
      a.createMap('m').expectErrno('EINVAL').createMap('x', { key_size: 8 }).createMap('m2');
      t.expectMap('m2').id(t.id('m') + 1);
    });

    it('a create that fails for want of an fd (EMFILE) consumes a map id, as the id is allocated first', () => {
      // map_create: bpf_map_alloc_id, then bpf_map_new_fd; on failure bpf_map_put_with_uref.
      // Tested on 6.18: ids N, (EMFILE), N+2.
      const { t, a } = setup();
      a.createMap('m');
      for (let fd = 4; fd < 1023; fd++) t.kernel.dup(a.pid, 0);
      a.dup('d1023', 0);
      a.expectErrno('EMFILE').createMap('x');
      a.close('d1023').createMap('m2');
      t.expectMap('m2').id(t.id('m') + 2);
    });
  });
});

/**
 * Model bugs the property tests (properties.test.ts) found, each as the sequence fast-check
 * shrank it to. Every sequence must now keep the invariants at every step and leave
 * nothing behind after teardown (testing/checked.ts `checkSequence`), and the call that
 * went wrong must return what the real kernel returns.
 */
import { describe, expect, it } from 'vitest';
import type { KernelCall } from './call';
import { Errno } from './errno';
import { createKernel } from './index';
import { checkSequence } from './testing/checked';

interface Regression {
  bug: string;
  version: string;
  calls: KernelCall[];
  /** The call that went wrong and what it must return. */
  expect: { step: number; ret: number };
}

const REGRESSIONS: Regression[] = [
  {
    bug: 'rename in cgroup2 replaced a cgroup directory, leaving a live cgroup with no directory (cgroup2 has no rename: EPERM)',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      { call: 'mkdir', pid: 100, path: '/sys/fs/cgroup/c' },
      { call: 'mkdir', pid: 100, path: '/sys/fs/cgroup/a' },
      { call: 'rename', pid: 100, from: '/sys/fs/cgroup/c', to: '/sys/fs/cgroup/a' },
    ],
    expect: { step: 3, ret: -Errno.EPERM },
  },
  {
    bug: 'a ring buffer took BPF_F_RDONLY (ringbuf_map_alloc takes only BPF_F_NUMA_NODE: EINVAL); found by a random differential run against 6.18',
    version: '6.18',
    calls: [
      { call: 'spawn', comm: 'loader' },
      { call: 'bpf', pid: 100, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_RINGBUF', key_size: 0, value_size: 0, max_entries: 4096, map_flags: ['BPF_F_RDONLY'] } },
    ],
    expect: { step: 1, ret: -Errno.EINVAL },
  },
];

describe('regressions found by the property tests', () => {
  for (const r of REGRESSIONS) {
    it(r.bug, () => {
      expect(checkSequence(r.version, r.calls)).toBeNull();
      const k = createKernel({ version: r.version });
      const rets = r.calls.map((c) => k.apply(structuredClone(c)).ret);
      expect(rets[r.expect.step]).toBe(r.expect.ret);
    });
  }
});

/**
 * bpftool on the model against the real bpftool 7.7.0 on Linux 6.18, on the same state: each
 * testdata/*.scn scenario ran on a real kernel (testdata/capture.sh, harness.c) and its
 * transcript is testdata/*.golden; here the same scenario runs on the model. Ids, load
 * times and the differences named in testdata/normalize.ts are normalized away; everything
 * else (syscall results, every byte bpftool prints on stdout and stderr, exit statuses)
 * must be equal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKernel } from '../kernel/index';
import { normalize } from './testdata/normalize';
import { runScenario } from './testdata/scenario';

const dir = join(import.meta.dirname, 'testdata');

function check(name: string): void {
  const script = readFileSync(join(dir, `${name}.scn`), 'utf8');
  const golden = readFileSync(join(dir, `${name}.golden`), 'utf8');
  const k = createKernel();
  const transcript = runScenario(k, script);
  const hasIno = k.snapshot().bpffs.every((e) => 'ino' in e);
  const opts = { sortPinned: !hasIno };
  const model = normalize(transcript, { ...opts, stripPids: true }).split(/(?=^\$ )/m);
  const real = normalize(golden, opts).split(/(?=^\$ )/m);
  expect(model.length).toBe(real.length);
  model.forEach((block, i) => expect(block).toBe(real[i]));
}

describe('bpftool output matches the real bpftool 7.7.0 on the same state', () => {
  it('links, programs and maps of the link_pinning state: show, pin, errors, -j/-p/-f', () => check('links'));
  it('cgroup and XDP attachments, legacy and links: cgroup show/tree/attach/detach, net show/attach/detach, detached links', () => check('attach'));
  it('frozen maps (BPF_MAP_FREEZE): map show plain, -j, -p; a second freeze is EPERM', () => check('frozen'));
  it('iterator links: link show -j/-f/-p pinned, prog show, detach (EOPNOTSUPP)', () => check('iter'));
  it('tcx lists: links and BPF_PROG_ATTACH entries, net show, net attach/detach with prepend, link show, detach', () => check('tcx'));
});

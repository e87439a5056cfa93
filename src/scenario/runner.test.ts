import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../scripts/scenario';

const dir = mkdtempSync(join(tmpdir(), 'scn-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('npm run scenario (headless runner)', () => {
  it('exit 0 when every expectation holds; prints the steps, the kernel log and the expectations', async () => {
    const r = await main([file('good.scn', 'spawn p\np: prog = bpf BPF_PROG_LOAD prog_type=BPF_PROG_TYPE_RAW_TRACEPOINT\nexpect ok\nbpftool prog show\nexpect output "raw_tracepoint"\n')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\[2\] line 2: p \(pid 100\): bpf\(BPF_PROG_LOAD/);
    expect(r.out).toMatch(/prog 1 loaded: BPF_PROG_TYPE_RAW_TRACEPOINT/);
    expect(r.out).toMatch(/✓ .*good\.scn:3:1: expect ok/);
    expect(r.out).toMatch(/2 of 2 expectations held/);
  });

  it('exit 1 when an expectation fails, with its line, column and what was found', async () => {
    const r = await main([file('bad.scn', 'spawn p\np: close 7\n expect ok\n')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ .*bad\.scn:3:2: expect ok — returned -EBADF/);
  });

  it('exit 1 when a line cannot run', async () => {
    const r = await main([file('norun.scn', 'spawn p\nq: exit\n')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/error: .*norun\.scn:2:1: no process named q/);
  });

  it('exit 2 for a parse error (file:line:col), a missing file, or no file', async () => {
    expect(await main([file('syntax.scn', 'spawn p\np: bpf X a=\n')])).toEqual({ code: 2, out: expect.stringMatching(/syntax\.scn:2:12: expected a value/) });
    expect((await main([join(dir, 'missing.scn')])).code).toBe(2);
    expect((await main([])).code).toBe(2);
  });

  it('--version overrides the default release (a version line in the file wins)', async () => {
    const f = file('v.scn', 'spawn p\np: prog = bpf BPF_PROG_LOAD prog_type=BPF_PROG_TYPE_RAW_TRACEPOINT\np: l = bpf BPF_RAW_TRACEPOINT_OPEN name=sys_enter prog_fd=$prog\np: bpf BPF_OBJ_PIN bpf_fd=$l pathname=/sys/fs/bpf/l\nexpect ok\n');
    expect((await main([f, '--quiet'])).code).toBe(0);
    const old = await main([f, '--version', '5.6']);
    expect(old.code).toBe(1);
    expect(old.out).toMatch(/Linux 5\.6/);
  });

  it('as a process: the exit status is the code', () => {
    const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
    const run = (f: string) => { try { execFileSync(tsx, ['scripts/scenario.ts', f, '-q'], { stdio: 'pipe' }); return 0; } catch (e) { return (e as { status: number }).status; } };
    expect(run('src/scenario/gallery/link_pinning.scn')).toBe(0);
    expect(run(file('fail.scn', 'spawn p\nexpect processes 2\n'))).toBe(1);
    expect(run(file('parse.scn', 'oops\n'))).toBe(2);
  }, 30_000);
});

describe('versions', () => {
  it('a version the model does not know is an error at its line, not an exception', async () => {
    const r = await main([file('v9.scn', '# x\nversion 9.99\nspawn p\n')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/v9\.scn:2:1: the model does not know Linux 9\.99/);
  });
});

/**
 * `npm run kernel:diff -- FILE.json`: the model against this machine's kernel, from a JSON
 * list of calls (oracle/cli.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { main } from './cli';
import { describeReal, TIMEOUT } from './testing';

const dir = mkdtempSync(join(tmpdir(), 'kernel-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: unknown): string => {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};
const run = async (argv: string[]): Promise<{ code: number; out: string }> => {
  const lines: string[] = [];
  const code = await main(argv, (s) => lines.push(s));
  return { code, out: lines.join('\n') };
};

const PIN_A_LINK = [
  { call: 'spawn', comm: 'loader' },
  { call: 'bpf', pid: 100, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT' } },
  { call: 'bpf', pid: 100, cmd: 'BPF_RAW_TRACEPOINT_OPEN', attr: { prog_fd: 3, name: 'sys_enter' } },
  { call: 'bpf', pid: 100, cmd: 'BPF_OBJ_PIN', attr: { bpf_fd: 4, pathname: '/sys/fs/bpf/l' } },
  { call: 'trigger', event: 'function:do_unlinkat' },
  { call: 'spawn' },
];

it('bad usage and unreadable files: exit 2 with the usage', async () => {
  expect((await run([])).code).toBe(2);
  expect((await run([file('bad.json', '{"call":')])).out).toMatch(/usage: npm run kernel:diff/);
  expect((await run([file('obj.json', { call: 'spawn' })])).out).toMatch(/not a JSON array/);
  expect((await run([file('ok.json', []), '--version', '4.1'])).code).toBe(2);
  expect((await run([file('ok.json', []), '--nope'])).code).toBe(2);
});

describeReal('kernel:diff on the real kernel', () => {
  it('agreeing calls: exit 0, the not comparable ones listed with why', async () => {
    const r = await run([file('pin.json', PIN_A_LINK)]);
    expect(r.out).toMatch(/^model 6\.18 vs the kernel of this machine, \d+\.\d+\S*: 6 calls, 0 differ, 1 not comparable here/);
    expect(r.out).toMatch(/~ #5 .*\n\s+not comparable here: spawn with comm undefined/);
    expect(r.out).toMatch(/agree on every comparable call/);
    expect(r.code).toBe(0);
  }, TIMEOUT);

  it('another release: the differences, shrunk, exit 1', async () => {
    // 5.6 cannot pin a raw tracepoint fd (it is no link yet): EINVAL where 6.18 pins
    const r = await run([file('pin.json', PIN_A_LINK), '--version', '5.6', '--shrink']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/note: the model runs as 5\.6/);
    expect(r.out).toMatch(/! #3 .*BPF_OBJ_PIN.*\n\s+model: \{"attr":.*"ret":-22\}\n\s+real: {2}\{"attr":.*"ret":0\}/);
    expect(r.out).toMatch(/shrunk to \d call\(s\)/);
  }, TIMEOUT);
});

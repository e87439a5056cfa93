import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, passed, runScenario } from './index';

describe('CONTEXT.md', () => {
  it('its example parses and every expectation holds (a libbpf load from a source block included)', async () => {
    const md = readFileSync(new URL('./CONTEXT.md', import.meta.url), 'utf8');
    const example = /````\n([\s\S]*?)````/.exec(md)![1]!;
    const p = parse(example);
    if (!p.ok) throw new Error(`${p.error.line}:${p.error.col}: ${p.error.message}`);
    const run = await runScenario(p.scenario);
    expect(run.error).toBeUndefined();
    expect(run.expectations.filter((e) => !e.ok)).toEqual([]);
    expect(passed(run)).toBe(true);
    const load = run.steps.find((s) => s.command?.kind === 'libbpf')!;
    expect(load.command).toMatchObject({ kind: 'libbpf', op: 'load_attach', file: 'counter.bpf.o' });
    expect(load.result.output).toMatch(/attached counter/);
  });
});

describe('README', () => {
  it('the example of its Scenarios section holds', async () => {
    const md = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = md.slice(md.indexOf('## Scenarios'));
    const example = /```\n([\s\S]*?)```/.exec(section)![1]!;
    const p = parse(example);
    if (!p.ok) throw new Error(`${p.error.line}:${p.error.col}: ${p.error.message}`);
    const run = await runScenario(p.scenario);
    expect(passed(run)).toBe(true);
    expect(run.expectations).toHaveLength(4);
  });
});

describe('README share link', () => {
  it('opens the crash-without-a-pin example, and its expectations hold', async () => {
    const md = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const hash = /\(http:\/\/localhost:5173\/(#s=1\.[A-Za-z0-9+\-$]+)\)/.exec(md)![1]!;
    const { decodeShare } = await import('./share');
    const r = decodeShare(hash);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.shared.text).toMatch(/^title Crash without a pin: nothing is left/);
    expect(passed(await runScenario(r.shared.scenario))).toBe(true);
  });
});

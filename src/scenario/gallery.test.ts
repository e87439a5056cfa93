import { describe, expect, it } from 'vitest';
import { GALLERY } from './gallery/index';
import { formatError, parse, passed, runScenario, serialize, stripPositions } from './index';

describe('gallery', () => {
  it.each(GALLERY.map((g) => [g.id, g.text] as const))('%s: parses, runs, and every expectation holds', async (id, text) => {
    const p = parse(text);
    if (!p.ok) throw new Error(formatError(p.error, id));
    const run = await runScenario(p.scenario);
    expect(run.error).toBeUndefined();
    expect(run.expectations.filter((e) => !e.ok)).toEqual([]);
    expect(run.expectations.length).toBeGreaterThanOrEqual(4);
    expect(passed(run)).toBe(true);
    expect(run.title).toBeTruthy();
    // a tutorial: its steps carry captions
    const captioned = run.steps.filter((s) => s.command?.caption).length;
    expect(captioned).toBeGreaterThanOrEqual(3);
  });

  it.each(GALLERY.map((g) => [g.id, g.text] as const))('%s: serialises back to the same scenario', (_id, text) => {
    const p = parse(text);
    if (!p.ok) throw new Error('parse');
    const again = parse(serialize(p.scenario));
    expect(again.ok && stripPositions(again.scenario)).toEqual(stripPositions(p.scenario));
  });

  it('the gallery has the examples the issue names', () => {
    expect(GALLERY.map((g) => g.id)).toEqual(expect.arrayContaining([
      'link_pinning', 'crash_without_pin', 'pin_exit_bpftool', 'fork_dup', 'legacy_cgroup_abandoned',
      'link_detach_cgroup', 'link_update', 'xdp_one_link', 'before_5_7',
    ]));
  });

  it('before_5_7 runs on 5.6 (its version line); the same pin works on 5.7', async () => {
    const text = GALLERY.find((g) => g.id === 'before_5_7')!.text;
    const p = parse(text);
    if (!p.ok) throw new Error('parse');
    expect((await runScenario(p.scenario)).version).toBe('5.6');
    const on57 = parse(text.replace('version 5.6', 'version 5.7'));
    if (!on57.ok) throw new Error('parse');
    const run = await runScenario(on57.scenario);
    expect(run.expectations.find((e) => e.text === 'expect errno EINVAL')?.ok).toBe(false);
  });
});

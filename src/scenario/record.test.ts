import { describe, expect, it } from 'vitest';
import { LINK_PINNING } from '../store/story';
import { replay, commandsOf } from '../store/history';
import { GALLERY } from './gallery/index';
import { parse, runScenario } from './index';
import { recordText } from './record';

const strip = (cs: readonly unknown[]) => JSON.parse(JSON.stringify(cs)) as unknown[];

async function rerun(text: string) {
  const p = parse(text);
  if (!p.ok) throw new Error(`${p.error.line}:${p.error.col}: ${p.error.message}\n${text}`);
  return runScenario(p.scenario);
}

describe('recording a history as a scenario', () => {
  it('the page\'s story records and replays to the same commands, captions included', async () => {
    const { steps } = replay('6.18', LINK_PINNING.commands);
    const text = recordText(steps, '6.18', LINK_PINNING.title);
    expect(text).toMatch(/^title link_pinning/);
    expect(text).toMatch(/\ntest_progs: bpf BPF_OBJ_PIN bpf_fd=5 pathname=\/sys\/fs\/bpf\/pinned_link_test\n/);
    const run = await rerun(text);
    expect(strip(commandsOf(run.steps))).toEqual(strip(LINK_PINNING.commands));
  });

  it.each(GALLERY.map((g) => [g.id, g.text] as const))('%s: run, record, run again: the same commands and results', async (_id, text) => {
    const first = await rerun(text);
    const again = await rerun(recordText(first.steps, first.version));
    expect(again.version).toBe(first.version);
    expect(strip(commandsOf(again.steps))).toEqual(strip(commandsOf(first.steps)));
    expect(again.steps.map((s) => s.result.ret)).toEqual(first.steps.map((s) => s.result.ret));
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PANELS, embedCode, embedOptions, heightReporter, naturalHeight, PANELS, panelsOption, parseHostMessage } from './embedProtocol';

describe('embed protocol', () => {
  it('URL options: only valid values are taken', () => {
    expect(embedOptions('?embed&example=link_pinning&step=3&theme=dark')).toEqual({ embed: true, example: 'link_pinning', step: 3, theme: 'dark', panels: ['caption', 'graph', 'steps'], readonly: true });
    expect(embedOptions('?example=../x&step=-1&theme=red')).toEqual({ embed: false, panels: DEFAULT_PANELS, readonly: true });
  });

  it('panels: known names only, in the drawing order, the default when none is left', () => {
    const panels = (search: string) => embedOptions(search).panels;
    expect(panels('?embed')).toEqual(['caption', 'graph', 'steps']);
    expect(panels('?embed&panels=steps,caption')).toEqual(['caption', 'steps']);
    expect(panels('?embed&panels=scenario,%20LOG%20,graph,graph,inspector')).toEqual(['graph', 'inspector', 'log', 'scenario']);
    expect(panels('?embed&panels=log,<img src=x>,__proto__,constructor,.x,*')).toEqual(['log']);
    for (const none of ['', ',,,', 'nope', '<script>', 'toString']) expect(panels(`?embed&panels=${encodeURIComponent(none)}`)).toEqual(DEFAULT_PANELS);
    // the console runs commands: only in an editable embed
    expect(panels('?embed&panels=graph,console')).toEqual(['graph']);
    expect(panels('?embed&panels=console')).toEqual(DEFAULT_PANELS);
    expect(panels('?embed&readonly=0&panels=console,scenario')).toEqual(['scenario', 'console']);
    fc.assert(fc.property(fc.string(), fc.boolean(), (list, ro) => {
      const p = panelsOption(list, ro);
      expect(p.length).toBeGreaterThan(0);
      expect(p.every((x, i) => PANELS.includes(x) && (i === 0 || PANELS.indexOf(p[i - 1]!) < PANELS.indexOf(x)))).toBe(true);
      if (ro) expect(p).not.toContain('console');
    }));
  });

  it('readonly: read-only unless readonly=0|false|no, or edit without readonly', () => {
    const ro = (search: string) => embedOptions(search).readonly;
    for (const s of ['?embed', '?embed&readonly', '?embed&readonly=1', '?embed&readonly=yes', '?embed&readonly=x', '?embed&edit=0', '?embed&edit=no', '?embed&edit&readonly=1']) expect(ro(s), s).toBe(true);
    for (const s of ['?embed&readonly=0', '?embed&readonly=false', '?embed&readonly=No', '?embed&edit', '?embed&edit=1', '?embed&edit=0&readonly=0']) expect(ro(s), s).toBe(false);
  });

  it('height: the natural height, posted only when it changes', () => {
    expect(naturalHeight(430)).toBe(430);
    expect(naturalHeight(480, { height: 410, base: 360 })).toBe(430); // the graph grew 50 px to fill the frame
    expect(naturalHeight(500, { height: 360, base: 360 })).toBe(500);
    const sent: number[] = [];
    const report = heightReporter((h) => sent.push(h));
    for (const h of [430.2, 430.6, 431, 0, -5, NaN, Infinity, 431, 520, 520, 430]) report(h);
    expect(sent).toEqual([431, 520, 430]);
  });

  it('host messages are validated', () => {
    expect(parseHostMessage({ type: 'bpf-playground:seek', step: 2 })).toEqual({ type: 'seek', step: 2 });
    expect(parseHostMessage({ type: 'bpf-playground:step', delta: -1 })).toEqual({ type: 'step', delta: -1 });
    expect(parseHostMessage({ type: 'bpf-playground:load', example: 'fork_dup', step: 1 })).toEqual({ type: 'load', example: 'fork_dup', step: 1 });
    expect(parseHostMessage({ type: 'bpf-playground:load', text: 'spawn p\n' })).toEqual({ type: 'load', text: 'spawn p\n' });
    for (const bad of [null, 'seek', [], { type: 'seek', step: 1 }, { type: 'bpf-playground:seek', step: -1 }, { type: 'bpf-playground:seek', step: '2' },
      { type: 'bpf-playground:load', example: '<script>' }, { type: 'bpf-playground:load', text: 'x', step: 1.5 }, { type: 'bpf-playground:eval', code: '1' }]) {
      expect(parseHostMessage(bad)).toBeNull();
    }
    fc.assert(fc.property(fc.anything(), (x) => { parseHostMessage(x); }));
  });

  it('embed code is an escaped iframe', () => {
    expect(embedCode('https://x.org/pg/?a=1#old', '#s=1.AB')).toBe('<iframe src="https://x.org/pg/?embed#s=1.AB" width="100%" height="480" style="border:0" title="bpf_link playground" loading="lazy"></iframe>');
  });
});

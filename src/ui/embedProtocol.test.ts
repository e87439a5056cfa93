import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { embedCode, embedOptions, parseHostMessage } from './embedProtocol';

describe('embed protocol', () => {
  it('URL options: only valid values are taken', () => {
    expect(embedOptions('?embed&example=link_pinning&step=3&theme=dark')).toEqual({ embed: true, example: 'link_pinning', step: 3, theme: 'dark' });
    expect(embedOptions('?example=../x&step=-1&theme=red')).toEqual({ embed: false });
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

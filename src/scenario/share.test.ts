import fc from 'fast-check';
import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { GALLERY } from './gallery/index';
import { decodeShare, encodeShare, shareUrl, textHash, passed, runScenario } from './index';

const MAXISH = 300_000;
const lz = (s: string): string => LZString.compressToEncodedURIComponent(s);

/** Links of every format ever written. Never edit or drop one: a link must open forever. */
const GOLDEN: readonly { format: number; link: string; text: string; step: number }[] = [
  {
    format: 1, step: 2,
    link: '#s=1.N4IgLiBcIM4A4EMDuA7ABHAOiukMCcB7AczQF40AjOAMzQCEAFAMQH1GAlAeQHFWAZLgEEAIgRKswATzgBTMkzaderACoBNRgFFWHIQHU1egMJbGXAJIA5VeOKsUCALbyAxoQCuKMLPzZZAB5yrmBohADW2CAANLBQAEyxABZQILIAzAAcAIwAnAAm2ZkgAL5AA',
    text: 'spawn p\np: prog = bpf BPF_PROG_LOAD prog_type=BPF_PROG_TYPE_RAW_TRACEPOINT prog_name=counter\nexpect ok\n',
  },
  {
    format: 1, step: 3,
    link: '#s=1.N4IgLiBc4JZgNgUwAQCFEDMD2AnFBWAOgHZJkBDZHcgd2TGoGNEAHLGAOzGQwBNlG5DhyzcARihacOiXgB0OAYjSZcBEvQAWiPBV0jkYlhgD68TgGsAzmVQAFAGImASgEEA6iYAqbgMIBROwB5AEkAOS8TILt-MKpEMABXHA4rCmQWeHJOChEOAFpOLF4UPgVlAAojDHzqGnyGcmY2TjAASgAaXP57JyDUACkTO3DkLA54AE96cgtENJYcLABzagBbNKF+NfIWK0IFADcdKxhx5CIANgUFKxZaDnp5sBNFlasFMGfXpeWbDN+yAAvIZjGhHMNnEEAOImAAyQVcABEASsTGBJixEEDepCYd4AJoxFwebx+QKhCKo5YmDjkNbYurolg-FYKAB8yC82goYDATU0yCsYBg8HgyBouGsZCEPH4YE05G4miw8F4aQVkl+615-MY2l4By43zefzIYBYwNBGHBTjcnh8rgCwXCkWisWQdIZQKskysJkQxpw1JMfCBABJTQpEAAPLGMbhYCyfHAwZbLHT0JisdhcSC+-2Br44aNxxAJqiyyO-DnIOzSTjLZBwHjZeD-ETcSjmDgWLqd9Km9b90TpHYsI1fYWss3W21RQbDUbVUO8CMWjJKzRe7EAegLu4wVl31V3UmEsjMlnRz1L8e4OhSWGQ-nCADVXHC7+XuAPz8h9z9Q9j1Pc8ZF4K9exvYVawAZWfTUxgmaY8AwHRA2YZsNR5PgyEYeAsFODgmxbEo9W0fZPhNX5-nwwiUHDC0UzTDNg0aZpczAfM-QDINvwrahHk7TRGwUEAOhAKwoAAZgkzQoBAXhyAADjEAAWaSAAZEBAABfIA',
    text: GALLERY.find((g) => g.id === 'before_5_7')!.text,
  },
  {
    format: 1, step: 0,
    link: '#s=1.N4IgLiBcIM4A4EMDuA7ABHAOigBngxmgBYCmANmQPYB0ARnAGbX7YDKAogMIAUmIATsgD6YOAHoYATxhCSKMCX58AlGgCW84uSrcAbpTUATNACp8YAB6rgafiTABXfugAMAbjQBfbHhzY4kGhkarT0DEGUCIZCCGBgCPhEWhQ0YczYJBZwJOZBGgDWMGgAjNgAxGgAPygA9-gAH4YAl2iAyOTYIAA0sFAu3URQIABsAKwAHCQThmMgnkA',
    text: 'spawn p\n```c hello.bpf.c\nSEC("raw_tp/sys_enter") int hello(void *ctx) { return 0; }\n```\np: libbpf load_attach hello.bpf.c\nexpect links 1\n# ünïcødé ✓\n',
  },
  { format: 1, step: 0, link: '#s=1.N4IgLiBcIgNCBnKAGeALKIAcBGHBjATgBN8BWEAXyA', text: '' },
];

describe('share links', () => {
  it.each(GOLDEN.map((g) => [g.format, g.link.slice(0, 24), g] as const))('golden link of format %i (%s...) opens the same scenario and step', (_f, _l, g) => {
    const r = decodeShare(g.link);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.shared).toMatchObject({ text: g.text, step: g.step, format: g.format });
  });

  it('the golden libbpf link still runs and its expectations hold', async () => {
    const r = decodeShare(GOLDEN[2]!.link);
    if (!r.ok) throw new Error(r.error.message);
    expect(passed(await runScenario(r.shared.scenario))).toBe(true);
  });

  it('the current format writes exactly the golden links (so a change of format needs a new number)', () => {
    for (const g of GOLDEN.filter((x) => x.format === 1)) expect(encodeShare(g.text, g.step)).toBe(g.link);
  });

  it('every gallery example round-trips, sources included; a link is a URL fragment without a server', () => {
    for (const g of GALLERY) {
      const link = shareUrl('https://example.org/playground/?embed#old', g.text, 4);
      expect(link).toMatch(/^https:\/\/example\.org\/playground\/\?embed#s=1\.[A-Za-z0-9+\-$]+$/);
      const r = decodeShare(new URL(link).hash);
      expect(r.ok && r.shared.text).toBe(g.text);
      expect(r.ok && r.shared.step).toBe(4);
    }
  });

  it('any text and step round-trip', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200, unit: 'grapheme' }), fc.nat(10_000), (text, step) => {
      const r = decodeShare(encodeShare(text, step));
      if (r.ok) expect([r.shared.text, r.shared.step]).toEqual([text, step]);
      else expect(r.error.kind).toBe('parse');
    }), { numRuns: 300 });
  });

  it('an unknown format says so, naming it', () => {
    const r = decodeShare('#s=7.N4IgLiBcIgNCBnKAGeALKIAcBGHBjATgBN8BWEAXyA');
    expect(r).toEqual({ ok: false, error: { kind: 'unknown-format', message: expect.stringMatching(/format 7.*does not know.*formats 1/) } });
  });

  it('no scenario, no version, damaged, cut short, edited or wrong-checksum links are error values', () => {
    const good = GOLDEN[0]!.link;
    const cases: [string, string][] = [
      ['', 'none'], ['#', 'none'], ['#other=1', 'none'],
      ['#s=', 'corrupt'], ['#s=abc', 'corrupt'], ['#s=x.abc', 'corrupt'], ['#s=1.', 'corrupt'],
      ['#s=1.<script>alert(1)</script>', 'corrupt'], ['#s=1.%41%42', 'corrupt'],
      [good.slice(0, good.length - 12), 'corrupt'],
      [good.replace('N4Ig', 'N5Ig'), 'corrupt'],
      [`#s=1.${'A'.repeat(MAXISH)}`, 'corrupt'],
    ];
    for (const [link, kind] of cases) {
      const r = decodeShare(link);
      expect(r.ok, link).toBe(false);
      if (!r.ok) expect(r.error.kind, link).toBe(kind);
    }
  });

  it('a link whose text was swapped without its checksum is refused; a valid text that does not parse says where', () => {
    // a payload whose hash does not match its text
    const bad = decodeShare(`#s=1.${lz(JSON.stringify({ t: 'spawn q\n', s: 0, h: textHash('spawn p\n') }))}`);
    expect(!bad.ok && bad.error.kind).toBe('corrupt');
    const unparsable = decodeShare(encodeShare('spawn p\nq: frob\n'));
    expect(unparsable).toMatchObject({ ok: false, error: { kind: 'parse', at: { line: 2, col: 4 } } });
  });

  it('random edits of a link never throw', () => {
    const good = GOLDEN[1]!.link;
    fc.assert(fc.property(fc.nat(good.length - 1), fc.string({ minLength: 1, maxLength: 3 }), (i, s) => {
      const r = decodeShare(good.slice(0, i) + s + good.slice(i + 1));
      expect(typeof r.ok).toBe('boolean');
    }), { numRuns: 500 });
  });
});

/**
 * Share links: the whole scenario (sources included) and the step it is paused at, in the
 * URL fragment, so no server sees it and no shortener is needed.
 *
 *   #s=FORMAT.PAYLOAD
 *
 * FORMAT is a decimal format version. Format 1: PAYLOAD is lz-string's
 * `compressToEncodedURIComponent` of the JSON `{"t": text, "s": step, "h": hash}`, where
 * `text` is the scenario, `step` the step shown (0 = the booted kernel) and `hash` the
 * FNV-1a 32-bit hash of `text` in 8 hex digits (a truncated or edited link is detected).
 *
 * Links live forever: a new format gets a new number, and `MIGRATIONS` turns every older
 * format into the current one; `share.test.ts` keeps a corpus of links of every format.
 * Decoding never throws and never runs anything: a link that cannot be read is an error
 * value that says why.
 */
import LZString from 'lz-string';
import type { Scenario, ScenarioError } from './ast';
import { parse } from './parse';
import { serialize } from './serialize';

export const SHARE_FORMAT = 1;
/** Longest fragment read (a link is never this long in practice; guards the decompressor). */
export const MAX_LINK = 200_000;
/** Longest scenario text a link may hold. */
export const MAX_TEXT = 1_000_000;

export interface Shared {
  /** The scenario text as it was shared. */
  text: string;
  scenario: Scenario;
  /** The step it was shared at. */
  step: number;
  /** The format the link was written in (older ones were migrated). */
  format: number;
}

export type ShareErrorKind = 'none' | 'unknown-format' | 'corrupt' | 'parse';
export interface ShareError {
  kind: ShareErrorKind;
  /** One sentence for a notice on the page. */
  message: string;
  /** For `parse`: where the shared scenario does not parse. */
  at?: ScenarioError;
}

export type DecodeResult = { ok: true; shared: Shared } | { ok: false; error: ShareError };

/** FNV-1a, 32 bits, over UTF-16 code units, as 8 hex digits. */
export function textHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The fragment (with its `#`) that opens `text` at `step`. */
export function encodeShare(text: string, step = 0): string {
  const json = JSON.stringify({ t: text, s: step, h: textHash(text) });
  return `#s=${SHARE_FORMAT}.${LZString.compressToEncodedURIComponent(json)}`;
}

/** The fragment for a parsed scenario (printed in canonical form). */
export function encodeScenario(s: Scenario, step = 0): string {
  return encodeShare(serialize(s), step);
}

/** A whole link: `base` (the page's URL, any fragment dropped) plus the fragment. */
export function shareUrl(base: string, text: string, step = 0): string {
  return `${base.replace(/#.*$/, '')}${encodeShare(text, step)}`;
}

interface Payload { text: string; step: number }

const fail = (kind: ShareErrorKind, message: string): { ok: false; error: ShareError } => ({ ok: false, error: { kind, message } });

/** Format 1: lz-string of {t, s, h}. */
function readV1(payload: string): Payload | ShareError {
  if (!/^[A-Za-z0-9+\-$]*$/.test(payload)) return { kind: 'corrupt', message: 'This share link is damaged: it has characters a link never contains.' };
  let json: string | null;
  try { json = LZString.decompressFromEncodedURIComponent(payload); } catch { json = null; }
  if (!json) return { kind: 'corrupt', message: 'This share link is damaged: it does not decompress (was it cut short?).' };
  if (json.length > MAX_TEXT * 2) return { kind: 'corrupt', message: 'This share link holds more than a scenario can be.' };
  let v: unknown;
  try { v = JSON.parse(json); } catch { return { kind: 'corrupt', message: 'This share link is damaged: its content is not readable.' }; }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { kind: 'corrupt', message: 'This share link is damaged: its content is not a scenario.' };
  const o = v as Record<string, unknown>;
  if (typeof o.t !== 'string' || o.t.length > MAX_TEXT) return { kind: 'corrupt', message: 'This share link is damaged: it has no scenario text.' };
  if (typeof o.s !== 'number' || !Number.isSafeInteger(o.s) || o.s < 0) return { kind: 'corrupt', message: 'This share link is damaged: its step is not a step number.' };
  if (o.h !== textHash(o.t)) return { kind: 'corrupt', message: 'This share link is damaged: its scenario does not match its checksum.' };
  return { text: o.t, step: o.s };
}

/** Each format's reader, giving the current payload (older formats migrate forward here). */
const MIGRATIONS: Record<number, (payload: string) => Payload | ShareError> = {
  1: readV1,
};

/** Read a fragment (`#s=1....`, with or without `#`; other `&`-separated keys are ignored). */
export function decodeShare(fragment: string): DecodeResult {
  if (fragment.length > MAX_LINK) return fail('corrupt', 'This share link is too long to be one this playground made.');
  const params = fragment.replace(/^#/, '').split('&');
  const s = params.find((p) => p.startsWith('s='));
  if (s === undefined) return fail('none', 'There is no scenario in this link.');
  const body = s.slice(2);
  const dot = body.indexOf('.');
  const format = dot < 0 ? NaN : Number(body.slice(0, dot));
  if (dot < 0 || !/^\d{1,6}$/.test(body.slice(0, dot))) return fail('corrupt', 'This share link is damaged: it has no format version.');
  const read = Object.hasOwn(MIGRATIONS, format) ? MIGRATIONS[format] : undefined;
  if (!read) {
    return fail('unknown-format', `This share link is in format ${format}, which this version of the playground does not know (it reads formats ${Object.keys(MIGRATIONS).join(', ')}); it was probably made by a newer one.`);
  }
  const r = read(body.slice(dot + 1));
  if ('kind' in r) return { ok: false, error: r };
  const p = parse(r.text);
  if (!p.ok) {
    return { ok: false, error: { kind: 'parse', message: `The shared scenario does not parse: line ${p.error.line}, column ${p.error.col}: ${p.error.message}.`, at: p.error } };
  }
  return { ok: true, shared: { text: r.text, scenario: p.scenario, step: r.step, format } };
}

/**
 * Embed mode (`?embed`): the options a docs page puts in the URL, and the postMessage API
 * between the host page and the embedded playground. Pure: parsing and validation only.
 *
 * URL: `?embed&example=ID&step=N&theme=light|dark` (or a scenario in `#s=...`).
 * Host → page (`iframe.contentWindow.postMessage(msg, '*')`):
 *   { type: 'bpf-playground:load', example: ID } or { ..., text: SCENARIO }, optional step: N
 *   { type: 'bpf-playground:step', delta: ±N }
 *   { type: 'bpf-playground:seek', step: N }
 * Page → host (`parent.postMessage`):
 *   { type: 'bpf-playground:step-changed', step, total, caption }
 *   { type: 'bpf-playground:height', height }   (for auto-resize)
 *   { type: 'bpf-playground:error', message }    (a load that failed)
 * Any other message is ignored.
 */

export const PREFIX = 'bpf-playground:';
export const MAX_TEXT = 1_000_000;

export interface EmbedOptions { embed: boolean; example?: string; step?: number; theme?: 'light' | 'dark' }

export type HostMessage =
  | { type: 'load'; example: string; step?: number }
  | { type: 'load'; text: string; step?: number }
  | { type: 'step'; delta: number }
  | { type: 'seek'; step: number };

const isStep = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function embedOptions(search: string): EmbedOptions {
  const q = new URLSearchParams(search);
  const o: EmbedOptions = { embed: q.has('embed') };
  const ex = q.get('example');
  if (ex && /^[a-z0-9_]{1,64}$/.test(ex)) o.example = ex;
  const st = q.get('step');
  if (st && /^\d{1,6}$/.test(st)) o.step = Number(st);
  const th = q.get('theme');
  if (th === 'light' || th === 'dark') o.theme = th;
  return o;
}

/** A host's message, validated; null for anything else. */
export function parseHostMessage(data: unknown): HostMessage | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const m = data as Record<string, unknown>;
  if (typeof m.type !== 'string' || !m.type.startsWith(PREFIX)) return null;
  const step = m.step === undefined ? undefined : isStep(m.step) ? m.step : null;
  switch (m.type.slice(PREFIX.length)) {
    case 'load':
      if (step === null) return null;
      if (typeof m.example === 'string' && /^[a-z0-9_]{1,64}$/.test(m.example)) return step === undefined ? { type: 'load', example: m.example } : { type: 'load', example: m.example, step };
      if (typeof m.text === 'string' && m.text.length <= MAX_TEXT) return step === undefined ? { type: 'load', text: m.text } : { type: 'load', text: m.text, step };
      return null;
    case 'step':
      return typeof m.delta === 'number' && Number.isSafeInteger(m.delta) && Math.abs(m.delta) <= 100_000 ? { type: 'step', delta: m.delta } : null;
    case 'seek':
      return isStep(m.step) ? { type: 'seek', step: m.step } : null;
    default:
      return null;
  }
}

/** The iframe snippet a docs page pastes. */
export function embedCode(pageUrl: string, fragment: string, height = 480): string {
  const src = `${pageUrl.replace(/[?#].*$/, '')}?embed${fragment}`;
  return `<iframe src="${src.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" width="100%" height="${height}" style="border:0" title="bpf_link playground" loading="lazy"></iframe>`;
}

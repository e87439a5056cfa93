/**
 * Embed mode (`?embed`): the options a docs page puts in the URL, and the postMessage API
 * between the host page and the embedded playground. Pure: parsing and validation only.
 *
 * URL: `?embed&example=ID&step=N&theme=light|dark&panels=LIST&readonly=0|1` (or a scenario
 * in `#s=...`).
 *   panels=  a comma list of what the compact view shows, drawn in this fixed order whatever
 *            the order in the URL: `caption` (the step's caption), `graph`, `inspector` (what
 *            the selection is and what holds it; beside the graph, or alone), `steps` (the
 *            step controls), `log` (the kernel log, the step on view open with its kernel
 *            events), `scenario` (the scenario text, the step on view's line marked),
 *            `console` (bpftool; only when editable). Default `caption,graph,steps`. Unknown
 *            names are ignored (they are only ever compared with this list); a list with no
 *            name left gives the default.
 *   readonly  read-only is the default: the reader can step and seek (buttons, slider, the
 *            kernel log's rows, keys `[` `]` Home End), select graph nodes and read the
 *            inspector, and nothing else: the scenario is shown, not editable; `console` is
 *            dropped. `readonly=0` (or `false`, `no`), or `edit` without `readonly`, makes it
 *            editable: the scenario panel becomes a text field with "Run scenario" (the
 *            history becomes the edited scenario's steps, at step 0; a failure is also posted
 *            as `error`) and the `console` panel runs bpftool lines as new steps (acting at
 *            an earlier step replaces the later ones, as on the full page). Nothing is saved:
 *            reloading the frame gives the URL's scenario back. Any other `readonly` value
 *            is read-only. The host's messages below work in both modes.
 * Host → page (`iframe.contentWindow.postMessage(msg, '*')`):
 *   { type: 'bpf-playground:load', example: ID } or { ..., text: SCENARIO }, optional step: N
 *   { type: 'bpf-playground:step', delta: ±N }
 *   { type: 'bpf-playground:seek', step: N }
 * Page → host (`parent.postMessage`):
 *   { type: 'bpf-playground:step-changed', step, total, caption }
 *   { type: 'bpf-playground:height', height }   the compact view's natural height in CSS
 *       pixels (what it needs with the graph at its base height), on load and whenever it
 *       changes (a longer caption, a panel growing), never twice the same in a row
 *   { type: 'bpf-playground:error', message }    (a load that failed)
 * Any other message is ignored.
 */

export const PREFIX = 'bpf-playground:';
export const MAX_TEXT = 1_000_000;

/** The panels of the compact view, in the order they are drawn. */
export const PANELS = ['caption', 'graph', 'inspector', 'steps', 'log', 'scenario', 'console'] as const;
export type Panel = (typeof PANELS)[number];
export const DEFAULT_PANELS: readonly Panel[] = ['caption', 'graph', 'steps'];

export interface EmbedOptions {
  embed: boolean; example?: string; step?: number; theme?: 'light' | 'dark';
  /** What the compact view shows, in PANELS order. */
  panels: readonly Panel[];
  readonly: boolean;
}

export type HostMessage =
  | { type: 'load'; example: string; step?: number }
  | { type: 'load'; text: string; step?: number }
  | { type: 'step'; delta: number }
  | { type: 'seek'; step: number };

const isStep = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function embedOptions(search: string): EmbedOptions {
  const q = new URLSearchParams(search);
  const ro = readonlyOption(q);
  const o: EmbedOptions = { embed: q.has('embed'), panels: panelsOption(q.get('panels'), ro), readonly: ro };
  const ex = q.get('example');
  if (ex && /^[a-z0-9_]{1,64}$/.test(ex)) o.example = ex;
  const st = q.get('step');
  if (st && /^\d{1,6}$/.test(st)) o.step = Number(st);
  const th = q.get('theme');
  if (th === 'light' || th === 'dark') o.theme = th;
  return o;
}

const OFF = new Set(['0', 'false', 'no']);

/** `readonly=0|false|no` is editable, any other `readonly` read-only; without it, `edit`
 * (but `edit=0|false|no`) is editable; read-only otherwise. */
function readonlyOption(q: URLSearchParams): boolean {
  const ro = q.get('readonly');
  if (ro !== null) return !OFF.has(ro.trim().toLowerCase());
  const edit = q.get('edit');
  return edit === null || OFF.has(edit.trim().toLowerCase());
}

/** The known names of a comma list, in PANELS order; the default when none is left. */
export function panelsOption(list: string | null, readonly = true): readonly Panel[] {
  if (list === null) return DEFAULT_PANELS;
  const asked = new Set(list.slice(0, 200).split(',').map((n) => n.trim().toLowerCase()));
  const panels = PANELS.filter((p) => asked.has(p) && !(readonly && p === 'console'));
  return panels.length ? panels : DEFAULT_PANELS;
}

/** Calls `post` with a height only when it is a new one (whole pixels, rounded up). */
export function heightReporter(post: (height: number) => void): (height: number) => void {
  let last = -1;
  return (h) => {
    const px = Math.ceil(h);
    if (!Number.isFinite(px) || px <= 0 || px === last) return;
    last = px;
    post(px);
  };
}

/** The view's natural height: its height less what the graph grew above its base height
 * to fill a frame taller than the content. */
export function naturalHeight(view: number, graph?: { height: number; base: number }): number {
  return graph ? view - Math.max(0, graph.height - graph.base) : view;
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

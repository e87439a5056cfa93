/**
 * Playground UI benchmarks (run by `npm run bench`, see bench/run.ts), in headless Chromium
 * against the production build (`vite build`, served by `vite preview`):
 *
 * 1. initial JavaScript: the scripts index.html loads (and preloads), gzipped (Monaco,
 *    libbpf and bpftool are lazy chunks, not counted). Target 200 KB.
 * 2. first graph render: navigation to the first React Flow node drawn, fresh page each
 *    time. Target 1.5 s.
 * 3. at 50, 500 and 2,000 objects (graph nodes of the last step: processes, open files,
 *    programs, maps, links, pins; built as groups of spawn, map, prog, attach, pin):
 *    - step: from `forward()`/`back()` to the DOM showing the new step (the stepped
 *      process node gone or back), and to the next frame;
 *    - select: from `select(link)` to the link drawn selected and its pin drawn as a
 *      retainer (when on screen: React Flow draws only what is in view), and to the next
 *      frame.
 *    Targets: 16 ms at 500 objects, 100 ms at 2,000.
 *    - new step: a `spawn` at the end of the history, to the frame that shows it (no
 *      target; above 300 nodes new nodes are placed without a dagre run).
 *
 * Medians. Timings on the project's shared 2-core VM spread by about ±35 % run to run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright';

const ROOT = resolve(import.meta.dirname, '..');
const PORT = 4191;
const URL = `http://127.0.0.1:${PORT}/`;
const SIZES = [50, 500, 2000];
const REPS = 15;

function chromiumPath(): string {
  const found = [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => p && existsSync(p));
  if (!found) throw new Error('no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)');
  return found;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ms = (n: number): string => `${n.toFixed(1)} ms`;

function initialJsGzip(): { files: string[]; bytes: number } {
  const html = readFileSync(resolve(ROOT, 'dist/index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const bytes = files.reduce((n, f) => n + gzipSync(readFileSync(resolve(ROOT, 'dist', f))).length, 0);
  return { files, bytes };
}

async function startPreview(): Promise<ChildProcess> {
  const child = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { cwd: ROOT, stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(URL)).ok) return child;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('vite preview did not start');
}

async function firstRender(browser: Browser): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 6; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await ctx.newPage();
    await page.goto(URL);
    const t = await page.waitForFunction(() => {
      const n = document.querySelector('.react-flow__node');
      return n && (n as HTMLElement).style.visibility !== 'hidden' && n.getBoundingClientRect().width > 0 ? performance.now() : 0;
    }, undefined, { polling: 'raf', timeout: 30_000 });
    if (i > 0) out.push((await t.jsonValue()) as number); // the first load warms the disk cache
    await ctx.close();
  }
  return out;
}

/** A history with about `n` graph nodes at its last step: a first process (drawn at the top,
 * in view), groups of 8 (a process, its three open files, a map, a program, a link, a pin),
 * and last the first process exits. */
function benchStory(n: number) {
  const groups = Math.max(1, Math.round(n / 8));
  const commands: unknown[] = [];
  const sys = (call: unknown) => commands.push({ kind: 'syscall', call });
  sys({ call: 'spawn', comm: 'victim' });
  for (let g = 0; g < groups; g++) {
    const pid = 101 + g;
    sys({ call: 'spawn', comm: `loader${g}` });
    sys({ call: 'bpf', pid, cmd: 'BPF_MAP_CREATE', attr: { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1, map_name: `m${g}` } });
    sys({ call: 'bpf', pid, cmd: 'BPF_PROG_LOAD', attr: { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', prog_name: `p${g}`, fd_array: [3] } });
    sys({ call: 'bpf', pid, cmd: 'BPF_RAW_TRACEPOINT_OPEN', attr: { name: 'sys_enter', prog_fd: 4 } });
    sys({ call: 'bpf', pid, cmd: 'BPF_OBJ_PIN', attr: { bpf_fd: 5, pathname: `/sys/fs/bpf/l${g}` } });
  }
  sys({ call: 'exit', pid: 100 });
  return { story: { id: 'bench', title: 'bench', intro: 'bench', commands }, groups, victim: 'pid:100' };
}

type Timing = { dom: number; frame: number };

async function atScale(page: Page, n: number): Promise<{ nodes: number; setup: number; step: Timing[]; select: Timing[]; dispatch: Timing[] }> {
  const { story, victim } = benchStory(n);
  const setup = await page.evaluate(async (s) => {
    const t0 = performance.now();
    window.playground!.store.getState().loadStory(s as never);
    window.playground!.store.getState().last();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t0;
  }, story);
  await page.waitForTimeout(300);
  const nodes = await page.evaluate(() => {
    const st = window.playground!.state();
    const snap = st.steps[st.cursor]!.snapshot;
    return snap.processes.length + snap.files.filter((f) => f.kind !== 'tty').length + snap.progs.length + snap.maps.length + snap.links.length + snap.bpffs.length + snap.attachPoints.length;
  });
  const step = await page.evaluate(async ({ reps, victim }) => {
    const tick = () => new Promise<void>((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
    const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
    const st = window.playground!.store;
    const victimDrawn = () => {
      const el = document.querySelector(`.react-flow__node[data-id="${victim}"]`);
      return el !== null && el.getAttribute('data-state') !== 'freed';
    };
    const out: { dom: number; frame: number }[] = [];
    for (let i = 0; i < reps * 2; i++) {
      const back = st.getState().cursor === st.getState().steps.length - 1;
      const t0 = performance.now();
      if (back) st.getState().back(); else st.getState().forward();
      while (victimDrawn() !== back) {
        await tick();
        if (performance.now() - t0 > 5000) throw new Error(`step ${i}: ${victim} never ${back ? 'came back' : 'went'}`);
      }
      const dom = performance.now() - t0;
      await frame();
      out.push({ dom, frame: performance.now() - t0 });
      await new Promise((r) => setTimeout(r, 30));
    }
    return out;
  }, { reps: REPS, victim });
  const select = await page.evaluate(async (reps) => {
    const tick = () => new Promise<void>((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
    const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
    const st = window.playground!.store;
    const snap = st.getState().steps[st.getState().cursor]!.snapshot;
    // links drawn on screen (React Flow culls the others), with their pins
    const onScreen = new Set([...document.querySelectorAll('.react-flow__node')].map((e) => e.getAttribute('data-id')));
    const targets = snap.links.map((l) => ({ link: l.key, pin: `pin:${snap.bpffs.find((e) => e.obj === l.key)!.path}` }))
      .filter((t) => onScreen.has(t.link)).slice(0, 2);
    if (targets.length === 0) throw new Error('no link on screen');
    // the link drawn selected, and its pin drawn as its retainer when the pin is on screen too
    const drawn = (t: { link: string; pin: string }) => {
      if (document.querySelector(`.react-flow__node[data-id="${t.link}"]`)?.getAttribute('data-highlight') !== 'selected') return false;
      const pin = document.querySelector(`.react-flow__node[data-id="${CSS.escape(t.pin)}"]`);
      return !pin || pin.getAttribute('data-highlight') === 'retainer';
    };
    const out: { dom: number; frame: number }[] = [];
    for (let i = 0; i < reps * 2; i++) {
      const t = targets[i % targets.length]!;
      const t0 = performance.now();
      st.getState().select(t.link);
      while (!drawn(t)) {
        await tick();
        if (performance.now() - t0 > 5000) throw new Error(`select ${t.link}: never drawn selected (off screen?)`);
      }
      const dom = performance.now() - t0;
      await frame();
      out.push({ dom, frame: performance.now() - t0 });
      await new Promise((r) => setTimeout(r, 30));
    }
    st.getState().select(null);
    return out;
  }, REPS);
  // A new process at the end of the history: a new step, and new nodes placed into the layout.
  const dispatch = await page.evaluate(async (reps) => {
    const tick = () => new Promise<void>((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
    const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
    const st = window.playground!.store;
    st.getState().last();
    await new Promise((r) => setTimeout(r, 100));
    const out: { dom: number; frame: number }[] = [];
    for (let i = 0; i < reps; i++) {
      const want = `/ ${st.getState().steps.length}`;
      const t0 = performance.now();
      window.playground!.run('process.spawn', { comm: `extra${i}` });
      while (!document.querySelector('[data-testid=step-count]')?.textContent?.endsWith(want)) await tick();
      const dom = performance.now() - t0;
      await frame();
      out.push({ dom, frame: performance.now() - t0 });
      await new Promise((r) => setTimeout(r, 50));
    }
    return out;
  }, 5);
  return { nodes, setup, step, select, dispatch };
}

export default async function uiBench(): Promise<void> {
  console.log('ui: vite build ...');
  const b = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`vite build failed:\n${b.stdout}\n${b.stderr}`);
  const js = initialJsGzip();
  console.log(`ui: initial JS ${(js.bytes / 1024).toFixed(1)} KB gzipped (${js.files.length} files; target 200 KB) ${js.bytes / 1024 <= 200 ? 'ok' : 'OVER'}`);

  const server = await startPreview();
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const fr = await firstRender(browser);
    console.log(`ui: first graph render ${ms(median(fr))} after navigation (median of ${fr.length}; target 1500 ms) ${median(fr) <= 1500 ? 'ok' : 'OVER'}`);
    for (const n of SIZES) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      // tsx compiles the functions below with esbuild's keepNames helper; give the page one.
      await page.addInitScript('window.__name = (f) => f');
      await page.goto(URL);
      await page.waitForFunction(() => !!window.playground);
      const r = await atScale(page, n);
      const target = n <= 500 ? 16 : 100;
      const line = (what: string, xs: Timing[]) => {
        const dom = median(xs.map((x) => x.dom));
        const frame = median(xs.map((x) => x.frame));
        return `ui: ${what} at ${n} objects (${r.nodes} nodes): DOM ${ms(dom)}, next frame ${ms(frame)} (median of ${xs.length}; target ${target} ms) ${dom <= target ? 'ok' : 'OVER'}`;
      };
      console.log(`ui: history of ${n} objects loaded and drawn in ${ms(r.setup)}`);
      console.log(line('step', r.step));
      console.log(line('select', r.select));
      const d = median(r.dispatch.map((x) => x.frame));
      console.log(`ui: new step (spawn) at ${n} objects: drawn in ${ms(d)} (median of ${r.dispatch.length}; no target)`);
      await page.close();
    }
  } finally {
    await browser.close();
    server.kill();
  }
}

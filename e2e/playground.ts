/**
 * A driver for the playground page that reads like the story it tells, built only on the
 * documented automation surface (docs/automation.md): roles, accessible names, data-*.
 */
import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test';

/** Aborts every request that would leave this machine and records it (offline proof). */
export async function blockNonLocal(context: BrowserContext): Promise<string[]> {
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = ['data:', 'blob:'].includes(url.protocol) || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (local) return route.continue();
    blocked.push(url.href);
    return route.abort('internetdisconnected');
  });
  return blocked;
}

export class Playground {
  readonly errors: string[] = [];
  blocked: string[] = [];

  constructor(readonly page: Page, readonly context: BrowserContext) {
    page.on('pageerror', (err) => this.errors.push(err.message));
  }

  async open(): Promise<this> {
    this.blocked = await blockNonLocal(this.context);
    await this.page.goto('./');
    await expect(this.graph.locator('.react-flow__node').first()).toBeVisible();
    return this;
  }

  get graph(): Locator { return this.page.getByRole('region', { name: 'Reference graph' }); }
  get inspector(): Locator { return this.page.getByRole('complementary', { name: 'Inspector' }); }
  get caption(): Locator { return this.page.getByTestId('caption'); }
  get log(): Locator { return this.page.getByRole('region', { name: 'Kernel log' }); }

  button(name: string | RegExp): Locator { return this.page.getByRole('button', { name, exact: typeof name === 'string' }); }

  /** Graph nodes of a kind (process, file, link, prog, map, pin, dir, attach), alive unless `freed`. */
  nodes(kind: string, opts: { freed?: boolean } = {}): Locator {
    const state = opts.freed ? '[data-state="freed"]' : ':not([data-state="freed"])';
    return this.graph.locator(`.react-flow__node[data-kind="${kind}"]${state}`);
  }
  node(kind: string, name: string | RegExp): Locator {
    return this.nodes(kind).and(this.page.getByRole('group', { name }));
  }
  edges(kind: string): Locator { return this.graph.locator(`.react-flow__edge[data-kind="${kind}"]`); }
  highlightedEdges(): Locator { return this.graph.locator('.react-flow__edge[data-highlight="path"]'); }

  async tab(name: 'Processes' | 'Programs' | 'Attach' | 'BPF FS' | 'Events'): Promise<void> {
    await this.page.getByRole('tab', { name }).click();
  }

  async newEmptyKernel(): Promise<void> {
    await this.button('New empty kernel').click();
    await expect(this.page.getByTestId('step-count')).toHaveText('Step 0 / 0');
  }

  async spawn(name: string): Promise<void> {
    await this.tab('Processes');
    await this.page.getByLabel('Process name').fill(name);
    await this.button('Spawn').click();
    await expect(this.node('process', new RegExp(`^process ${name} \\(pid \\d+\\)$`))).toBeVisible();
  }

  /** The raw BPF_PROG_LOAD / BPF_MAP_CREATE forms, under the editor. */
  async openByHandForms(): Promise<void> {
    await this.tab('Programs');
    const details = this.page.locator('details').filter({ hasText: 'Without libbpf' });
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  }

  /** Load the editor's source with libbpf (`attach`: and auto-attach, as a skeleton). */
  async loadWithLibbpf(starter: string, opts: { attach?: boolean } = {}): Promise<void> {
    await this.tab('Programs');
    await expect(this.page.getByTestId('editor').locator('.monaco-editor')).toBeVisible({ timeout: 30_000 });
    await this.page.getByLabel('Starter source').selectOption(starter);
    await this.button(opts.attach ? 'Load and attach with libbpf' : 'Load with libbpf').click();
    await expect(this.page.getByTestId('libbpf-output')).toContainText('loaded');
  }

  async createMap(name: string): Promise<void> {
    await this.openByHandForms();
    await this.page.getByLabel('Map name').fill(name);
    await this.button('Create map').click();
  }

  async loadProgram(p: { section: string; name: string; maps?: string[] }): Promise<void> {
    await this.openByHandForms();
    await this.page.getByLabel('Section').selectOption(p.section);
    await this.page.getByLabel('Program name').fill(p.name);
    for (const m of p.maps ?? []) await this.page.getByRole('checkbox', { name: m }).check();
    await this.button('Load program').click();
    await expect(this.node('prog', `program ${p.name}`)).toBeVisible();
  }

  async attach(tracepoint: string, progFd?: string): Promise<void> {
    await this.tab('Attach');
    if (progFd) await this.page.getByLabel('Program fd').selectOption({ label: progFd });
    await this.page.getByLabel('Tracepoint').selectOption(tracepoint);
    await this.button('Attach').click();
  }

  /** Fire an event from the Events panel's form; the panel's "ran" line. */
  async fire(event: string): Promise<string> {
    await this.tab('Events');
    const i = event.indexOf(':');
    const [kind, name] = [event.slice(0, i), event.slice(i + 1)];
    const form = this.page.getByRole('group', { name: 'Fire an event' });
    await form.getByLabel('Event kind').selectOption(kind);
    await form.getByLabel('Event name').selectOption(name);
    await form.getByRole('button', { name: `Fire ${event}` }).click();
    const ran = this.page.getByTestId('ran');
    await expect(ran).toContainText(event);
    return (await ran.textContent()) ?? '';
  }

  async pin(fdText: string, path: string): Promise<void> {
    await this.tab('BPF FS');
    await this.page.getByLabel('fd to pin').selectOption({ label: fdText });
    await this.page.getByLabel('Pin path').fill(path);
    await this.button('Pin').click();
    await expect(this.node('pin', `pin ${path}`)).toBeVisible();
  }

  async unpin(path: string, asPid?: number): Promise<void> {
    await this.tab('BPF FS');
    if (asPid !== undefined) await this.page.getByLabel('Act as process').selectOption(String(asPid));
    await this.button(`Unpin ${path}`).click();
  }

  async exit(pid: number): Promise<void> {
    await this.tab('Processes');
    await this.button(`Exit pid ${pid}`).click();
  }

  /** Select a graph node by clicking it. */
  async select(kind: string, name: string | RegExp): Promise<void> {
    await this.node(kind, name).click();
    await expect(this.node(kind, name)).toHaveAttribute('data-highlight', 'selected');
  }

  async shot(name: string): Promise<void> {
    await this.page.screenshot({ path: `test-results/screens/${name}.png` });
  }

  expectClean(): void {
    expect(this.errors).toEqual([]);
    expect(this.blocked).toEqual([]);
  }
}

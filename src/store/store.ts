/**
 * The playground store (zustand, vanilla so it runs in Node tests): the kernel and the
 * history. Every user action is one `Command` through `dispatch`; stepping only moves the
 * cursor; switching the kernel version replays the commands on that release and marks the
 * first step whose result changed.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { NEWEST_VERSION, parseVersion, type Kernel, type KernelSnapshot } from '../kernel/index';
import { resultText, type Command } from './command';
import { BOOT_CAPTION, applyStep, changedSteps, commandsOf, replay, replayKernel, type Step } from './history';
import type { Story } from './story';

export interface VersionChange {
  from: string;
  to: string;
  /** Steps whose result differs on `to`; the first is the one the UI marks. */
  steps: readonly number[];
  /** What each of those steps returned on `from`, in words ("= 0", "ran 1 program"). */
  was: readonly string[];
}

export type PanelId = 'processes' | 'programs' | 'attach' | 'bpffs' | 'events';
export type Theme = 'light' | 'dark';

export interface PlaygroundState {
  version: string;
  steps: readonly Step[];
  /** The step on view (0 ... steps.length - 1). */
  cursor: number;
  /** The last version switch, or null. */
  change: VersionChange | null;
  /** Model key of the selected object ("link#7", "pid:100", "pin:/sys/fs/bpf/x"), or null. */
  selected: string | null;
  /** The story the history started from, or null for an empty kernel. */
  story: { id: string; title: string } | null;
  /** View preferences: the colour theme and the open side panel. */
  theme: Theme;
  panel: PanelId;
  /** The editor's buffer (kept here so it survives switching panels). */
  source: string;
  sourceFile: string;

  /** Apply a command after the step on view (later steps are dropped); the new step. */
  dispatch(command: Command): Step;
  seek(index: number): void;
  back(): void;
  forward(): void;
  first(): void;
  last(): void;
  /** Replay the history on another release. */
  setVersion(version: string): void;
  /** A new empty kernel (the current version unless one is given). */
  reset(version?: string): void;
  loadStory(story: Story, options?: { version?: string; cursor?: number }): void;
  select(key: string | null): void;
  setTheme(theme: Theme): void;
  setPanel(panel: PanelId): void;
  setSource(source: string, file?: string): void;
}

export type PlaygroundStore = StoreApi<PlaygroundState>;

export interface StoreOptions {
  version?: string;
  story?: Story;
  /** Where the cursor starts after the story is loaded (default 0). */
  cursor?: number;
  theme?: Theme;
}

function checkVersion(v: string): string {
  if (parseVersion(v) === null) throw new RangeError(`unknown kernel version "${v}"`);
  return v;
}

const clamp = (i: number, n: number): number => Math.max(0, Math.min(n - 1, Math.trunc(i)));

export function createPlaygroundStore(options: StoreOptions = {}): PlaygroundStore {
  // The live kernel is always in the state of the last step.
  let kernel: Kernel;

  return createStore<PlaygroundState>()((set, get) => {
    const start = (version: string, story: Story | null, cursor: number, change: VersionChange | null = null): Partial<PlaygroundState> => {
      const r = replay(version, story?.commands ?? [], story?.intro ?? BOOT_CAPTION);
      kernel = r.kernel;
      return {
        version, steps: r.steps, cursor: clamp(cursor, r.steps.length), change, selected: null,
        story: story ? { id: story.id, title: story.title } : null,
      };
    };
    const initial = start(checkVersion(options.version ?? NEWEST_VERSION), options.story ?? null, options.cursor ?? 0);

    return {
      ...(initial as Pick<PlaygroundState, 'version' | 'steps' | 'cursor' | 'change' | 'selected' | 'story'>),
      theme: options.theme ?? 'light',
      panel: 'processes',
      source: '',
      sourceFile: 'prog.bpf.o',

      dispatch(command) {
        const { steps, cursor, version } = get();
        let kept = steps;
        if (cursor < steps.length - 1) {
          kept = steps.slice(0, cursor + 1);
          kernel = replayKernel(version, commandsOf(kept));
        }
        const step = applyStep(kernel, kept[kept.length - 1]!, command);
        set({ steps: [...kept, step], cursor: step.index });
        return step;
      },
      seek(index) {
        const n = get().steps.length;
        const cursor = clamp(index, n);
        if (cursor !== get().cursor) set({ cursor });
      },
      back() { get().seek(get().cursor - 1); },
      forward() { get().seek(get().cursor + 1); },
      first() { get().seek(0); },
      last() { get().seek(get().steps.length - 1); },

      setVersion(version) {
        const { steps, cursor, version: from } = get();
        if (checkVersion(version) === from) return;
        const r = replay(version, commandsOf(steps), steps[0]!.caption);
        kernel = r.kernel;
        const changed = changedSteps(steps, r.steps);
        const was = changed.map((i) => resultText(steps[i]!.command!, steps[i]!.result));
        set({ version, steps: r.steps, cursor, change: { from, to: version, steps: changed, was } });
      },
      reset(version) {
        set(start(checkVersion(version ?? get().version), null, 0));
      },
      loadStory(story, opts = {}) {
        set(start(checkVersion(opts.version ?? get().version), story, opts.cursor ?? 0));
      },
      select(key) {
        if (key !== get().selected) set({ selected: key });
      },
      setTheme(theme) { set({ theme }); },
      setPanel(panel) { set({ panel }); },
      setSource(source, file) { set(file === undefined ? { source } : { source, sourceFile: file }); },
    };
  });
}

/** The step on view. */
export function currentStep(s: Pick<PlaygroundState, 'steps' | 'cursor'>): Step {
  return s.steps[s.cursor]!;
}

export function currentSnapshot(s: Pick<PlaygroundState, 'steps' | 'cursor'>): KernelSnapshot {
  return currentStep(s).snapshot;
}

/** The step before the one on view (for what was freed), or undefined at step 0. */
export function previousStep(s: Pick<PlaygroundState, 'steps' | 'cursor'>): Step | undefined {
  return s.cursor > 0 ? s.steps[s.cursor - 1] : undefined;
}

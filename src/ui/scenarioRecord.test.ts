import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPlaygroundStore, syscall, type PlaygroundStore } from '../store/index';
import { loadScenario } from './scenarioLoad';
import { PAUSED, recordFromHistory, recordHistory, setRecording } from './scenarioRecord';
import { scenarioUi } from './scenarioState';

const initial = scenarioUi.getState();
let store: PlaygroundStore;
let stop: () => void;
const ui = () => scenarioUi.getState();
const spawn = (comm: string) => store.getState().dispatch(syscall({ call: 'spawn', comm }));
const exit = (pid: number) => store.getState().dispatch(syscall({ call: 'exit', pid }));

beforeEach(() => {
  scenarioUi.setState(initial, true);
  store = createPlaygroundStore();
  stop = recordHistory(store);
});
afterEach(() => stop());

describe('the page records every action into the scenario text', () => {
  it('starts on the first action, and appends each one', () => {
    store.getState().setVersion('5.8');
    store.getState().reset();
    expect(ui().text).toBe('');
    spawn('loader');
    expect(ui().text).toBe('version 5.8\nspawn loader\n');
    exit(100);
    expect(ui().text).toBe('version 5.8\nspawn loader\nloader: exit\n');
  });

  it('keeps edits by hand that replay the same, and adds after them', () => {
    spawn('a');
    ui().set({ text: `${ui().text}expect processes 1\n` });
    exit(100);
    expect(ui().text).toBe('version 6.18\nspawn a\nexpect processes 1\na: exit\n');
  });

  it('pauses, leaving the text as it is, when the edits change what replays', () => {
    spawn('a');
    ui().set({ text: 'version 6.18\nspawn b\n' });
    exit(100);
    expect([ui().text, ui().recording, ui().recordNote]).toEqual(['version 6.18\nspawn b\n', false, PAUSED]);
    setRecording(store, true);
    expect([ui().recording, ui().recordNote]).toEqual([false, PAUSED]);
    recordFromHistory(store);
    expect([ui().text, ui().recording]).toEqual(['version 6.18\nspawn a\na: exit\n', true]);
  });

  it('paused by the user, catches up when turned on again', () => {
    spawn('a');
    setRecording(store, false);
    spawn('b');
    exit(101);
    expect(ui().text).toBe('version 6.18\nspawn a\n');
    setRecording(store, true);
    expect(ui().text).toBe('version 6.18\nspawn a\nspawn b\nb: exit\n');
  });

  it('after Run scenario, actions at its last step are added to its text; at an earlier step they replace the later lines', async () => {
    const text = 'title mine\nspawn a\nexpect ok\na: exit\nexpect processes 0\n';
    ui().set({ text: 'something else' });
    await loadScenario(store, text, 0);
    expect([ui().text, ui().recording, store.getState().steps.length]).toEqual([text, true, 3]);
    store.getState().last();
    spawn('b');
    expect(ui().text).toBe(`${text}spawn b\n`);
    expect(ui().expectations).toHaveLength(2);
    store.getState().seek(1);
    spawn('c');
    expect(ui().text).toBe('title mine\nspawn a\nexpect ok\nspawn c\n');
    expect(ui().recordNote).toBe('The history went on from step 1: the lines of the 2 steps after it were removed.');
    expect(ui().expectations).toBeNull();
  });

  it('a version switch rewrites the version line; a new kernel keeps the header only', () => {
    spawn('a');
    store.getState().setVersion('5.7');
    expect(ui().text).toBe('version 5.7\nspawn a\n');
    store.getState().reset();
    expect(ui().text).toBe('version 5.7\n');
  });

  it('an example loaded but not run is not overwritten', () => {
    ui().set({ text: 'title example\nspawn x\n' });
    spawn('a');
    expect([ui().text, ui().recording]).toEqual(['title example\nspawn x\n', false]);
  });
});

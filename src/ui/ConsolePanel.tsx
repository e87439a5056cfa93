/**
 * The console: bpftool and a few shell commands on the model (`bpftool link show`,
 * `bpftool prog show`, `ls /sys/fs/bpf`, `rm`, ...). Every line is one step of the history;
 * its output is that step's.
 */
import { useEffect, useRef, useState } from 'react';
import { runAction } from '../store/index';
import { ensureRunner } from '../store/runners/index';
import { usePlayground, useStoreApi } from './store';

const EXAMPLES = ['bpftool link show', 'bpftool prog show', 'bpftool map show', 'bpftool cgroup tree', 'bpftool net show', 'ls -l /sys/fs/bpf'];

export function ConsolePanel() {
  const store = useStoreApi();
  const steps = usePlayground((s) => s.steps);
  const cursor = usePlayground((s) => s.cursor);
  const [line, setLine] = useState('');
  const [busy, setBusy] = useState(false);
  const out = useRef<HTMLOListElement>(null);
  const shown = steps.slice(0, cursor + 1).filter((s) => s.command?.kind === 'shell').slice(-50);

  useEffect(() => {
    out.current?.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [shown.length]);

  const run = async (text: string) => {
    if (!text.trim()) return;
    setBusy(true);
    await ensureRunner('shell');
    const { source, sourceFile } = store.getState();
    runAction(store, 'shell.run', { line: text, source, file: sourceFile });
    setBusy(false);
    setLine('');
  };

  return (
    <div className="console">
      <ol className="console-out" ref={out} aria-label="Console output" data-testid="console-output">
        {shown.length === 0 && <li className="muted">Try: {EXAMPLES.join(' · ')}</li>}
        {shown.map((s) => (
          <li key={s.index} data-step={s.index}>
            <div className="prompt"><span className="muted">[{s.index}]</span> $ {s.command?.kind === 'shell' ? s.command.line : ''}</div>
            {s.result.output && <pre className={(s.result.exitCode ?? 0) !== 0 ? 'err' : undefined}>{s.result.output}</pre>}
          </li>
        ))}
      </ol>
      <form className="console-in" onSubmit={(e) => { e.preventDefault(); void run(line); }}>
        <span aria-hidden="true">$</span>
        <input type="text" aria-label="Shell command" value={line} list="console-examples" spellCheck={false} autoComplete="off"
          placeholder="bpftool link show" onChange={(e) => setLine(e.target.value)} disabled={busy} />
        <datalist id="console-examples">{EXAMPLES.map((x) => <option key={x} value={x} />)}</datalist>
        <button type="submit" disabled={busy || !line.trim()}>Run</button>
      </form>
    </div>
  );
}

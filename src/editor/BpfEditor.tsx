/**
 * The BPF C editor (Monaco, lazy-loaded). Load errors from libbpf show as markers at their
 * line and column. Wrapped in `.nokey` so React Flow's window key handler leaves typed
 * spaces alone.
 */
import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef, useState } from 'react';
import type { Diagnostic } from '../store/index';
import { monaco } from './monaco';

type Ed = Parameters<OnMount>[0];

declare global {
  interface Window { bpfEditor?: Ed }
}

export interface BpfEditorProps {
  value: string;
  onChange: (value: string) => void;
  diagnostics: readonly Diagnostic[];
  theme: 'light' | 'dark';
  /** The source's file name (the model's path). */
  path: string;
}

export default function BpfEditor({ value, onChange, diagnostics, theme, path }: BpfEditorProps) {
  const editor = useRef<Ed | null>(null);
  const [mounted, setMounted] = useState(false);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(model, 'libbpf', diagnostics.map((d) => ({
      startLineNumber: d.line, startColumn: d.col, endLineNumber: d.line, endColumn: model.getLineMaxColumn(Math.min(d.line, model.getLineCount())),
      message: d.message, severity: monaco.MarkerSeverity.Error, source: 'libbpf',
    })));
  }, [diagnostics, value, mounted]);

  return (
    <div className="nokey editor-box" data-testid="editor">
      <Editor
        height="100%"
        path={path.replace(/\.o$/, '.c')}
        defaultLanguage="c"
        value={value}
        theme={theme === 'dark' ? 'vs-dark' : 'vs'}
        onChange={(v) => onChange(v ?? '')}
        onMount={(ed) => {
          editor.current = ed;
          window.bpfEditor = ed;
          setMounted(true);
        }}
        options={{ minimap: { enabled: false }, fontSize: 12, lineNumbersMinChars: 3, scrollBeyondLastLine: false, automaticLayout: true, ariaLabel: 'BPF C source' }}
      />
    </div>
  );
}

/**
 * The scenario editor (Monaco, lazy-loaded, local): the scenario language's highlighting and
 * completion (scenarioLanguage.ts), a parse error and failed expectations as markers at their
 * line and column, the line of the step on view highlighted. `.nokey`: typed keys stay here.
 */
import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef, useState } from 'react';
import { monaco } from './monaco';
import { registerScenarioLanguage, SCENARIO_LANG } from './scenarioLanguage';

type Ed = Parameters<OnMount>[0];

declare global {
  interface Window { scenarioEditor?: Ed }
}

export interface ScenarioMarker { line: number; col: number; message: string; severity: 'error' | 'warning' }

export interface ScenarioEditorProps {
  value: string;
  onChange: (value: string) => void;
  markers: readonly ScenarioMarker[];
  /** The line of the step on view (0: none). */
  stepLine: number;
  theme: 'light' | 'dark';
}

registerScenarioLanguage(monaco);

export default function ScenarioEditor({ value, onChange, markers, stepLine, theme }: ScenarioEditorProps) {
  const editor = useRef<Ed | null>(null);
  const decorations = useRef<ReturnType<Ed['createDecorationsCollection']> | null>(null);
  const [mounted, setMounted] = useState(false);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model) return;
    const n = model.getLineCount();
    monaco.editor.setModelMarkers(model, 'scenario', markers.filter((m) => m.line >= 1 && m.line <= n).map((m) => ({
      startLineNumber: m.line, startColumn: m.col, endLineNumber: m.line, endColumn: model.getLineMaxColumn(m.line),
      message: m.message, severity: m.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning, source: 'scenario',
    })));
  }, [markers, value, mounted]);

  useEffect(() => {
    const ed = editor.current;
    if (!ed) return;
    decorations.current ??= ed.createDecorationsCollection();
    const n = ed.getModel()?.getLineCount() ?? 0;
    if (stepLine >= 1 && stepLine <= n) {
      decorations.current.set([{ range: new monaco.Range(stepLine, 1, stepLine, 1), options: { isWholeLine: true, className: 'scenario-step-line' } }]);
      ed.revealLineInCenterIfOutsideViewport(stepLine);
    } else decorations.current.clear();
  }, [stepLine, value, mounted]);

  return (
    <div className="nokey scenario-editor" data-testid="scenario-editor">
      <Editor
        height="100%"
        path="scenario.scn"
        defaultLanguage={SCENARIO_LANG}
        language={SCENARIO_LANG}
        value={value}
        theme={theme === 'dark' ? 'vs-dark' : 'vs'}
        onChange={(v) => onChange(v ?? '')}
        onMount={(ed) => {
          editor.current = ed;
          window.scenarioEditor = ed;
          setMounted(true);
        }}
        options={{ minimap: { enabled: false }, fontSize: 12, lineNumbersMinChars: 3, scrollBeyondLastLine: false, automaticLayout: true, ariaLabel: 'Scenario source', wordWrap: 'on' }}
      />
    </div>
  );
}

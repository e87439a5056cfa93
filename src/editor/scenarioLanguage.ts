/**
 * The scenario language in Monaco: highlighting (Monarch), completion of line starts, calls,
 * bpf commands, expectations and the `$names` and processes defined above the cursor.
 * Markers (a parse error, failed expectations) are set by ScenarioEditor.
 */
import type * as Monaco from 'monaco-editor/editor';

export const SCENARIO_LANG = 'bpf-scenario';

const CALLS = ['fork', 'exit', 'close', 'dup', 'open', 'mkdir', 'rmdir', 'unlink', 'rename', 'bpf', 'libbpf load', 'libbpf load_attach', 'netlinkXdpAttach', 'netlinkVethAdd', 'netlinkLinkDel'];
const BPF_CMDS = ['BPF_MAP_CREATE', 'BPF_PROG_LOAD', 'BPF_OBJ_PIN', 'BPF_OBJ_GET', 'BPF_PROG_ATTACH', 'BPF_PROG_DETACH', 'BPF_PROG_QUERY',
  'BPF_RAW_TRACEPOINT_OPEN', 'BPF_LINK_CREATE', 'BPF_LINK_UPDATE', 'BPF_LINK_DETACH', 'BPF_LINK_GET_FD_BY_ID', 'BPF_LINK_GET_NEXT_ID',
  'BPF_PROG_GET_NEXT_ID', 'BPF_PROG_GET_FD_BY_ID', 'BPF_MAP_GET_NEXT_ID', 'BPF_MAP_GET_FD_BY_ID', 'BPF_OBJ_GET_INFO_BY_FD'];
const EXPECTS = ['ok', 'errno ', 'ret ', 'exit ', 'output ""', 'ran ', 'ran nothing', 'link ', 'prog ', 'map ', 'pin ', 'process ',
  'processes ', 'progs ', 'maps ', 'links ', 'pins ', 'legacy ', 'abandoned '];
const STARTS = ['spawn ', 'trigger tracepoint:sys_enter', 'expect ', 'bpftool ', '$ ', 'version ', 'title ', '> ', '# '];

let registered = false;

export function registerScenarioLanguage(monaco: typeof Monaco): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: SCENARIO_LANG });
  monaco.languages.setMonarchTokensProvider(SCENARIO_LANG, {
    tokenizer: {
      root: [
        [/^\s*#.*$/, 'comment'],
        [/^\s*>.*$/, 'string.caption'],
        [/^\s*```.*$/, { token: 'keyword', next: '@source' }],
        [/^\s*(title|version)\b.*$/, 'type'],
        [/^\s*(\$|bpftool)\s.*$/, 'string'],
        [/^\s*(spawn|trigger|expect)\b/, 'keyword'],
        [/^\s*[A-Za-z_]\w*:/, 'type.identifier'],
        [/\b(not|fork|exit|close|dup|open|mkdir|rmdir|unlink|rename|bpf|libbpf|load|load_attach|attached|detached|freed|alive|runs|refcnt|nothing)\b/, 'keyword'],
        [/\$[A-Za-z_]\w*/, 'variable'],
        [/"([^"\\]|\\.)*"/, 'string'],
        [/\b(BPF|XDP)_[A-Z0-9_]+\b/, 'constant'],
        [/\bE[A-Z0-9]{2,}\b/, 'constant'],
        [/-?\b(0x[0-9a-fA-F]+|\d+)\b/, 'number'],
        [/[A-Za-z_]\w*(?==)/, 'attribute.name'],
      ],
      source: [
        [/^```\s*$/, { token: 'keyword', next: '@pop' }],
        [/.*$/, 'comment.doc'],
      ],
    },
  });
  monaco.languages.registerCompletionItemProvider(SCENARIO_LANG, {
    triggerCharacters: [' ', '$', ':'],
    provideCompletionItems(model, position) {
      const line = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
      const word = model.getWordUntilPosition(position);
      const range = { startLineNumber: position.lineNumber, endLineNumber: position.lineNumber, startColumn: word.startColumn, endColumn: word.endColumn };
      const above = model.getValueInRange({ startLineNumber: 1, startColumn: 1, endLineNumber: position.lineNumber, endColumn: 1 });
      const names = [...new Set([...above.matchAll(/(?:^|\s)([A-Za-z_]\w*)\s*=\s*(?:fork|bpf|dup|open)\b/gm)].map((m) => m[1]!))];
      const procs = [...new Set([...above.matchAll(/^\s*spawn\s+([A-Za-z_]\w*)/gm), ...above.matchAll(/([A-Za-z_]\w*)\s*=\s*fork\b/gm)].map((m) => m[1]!))];
      const K = monaco.languages.CompletionItemKind;
      const item = (label: string, kind: Monaco.languages.CompletionItemKind) => ({ label, kind, insertText: label, range });
      let labels: { label: string; kind: Monaco.languages.CompletionItemKind }[];
      if (/\$\w*$/.test(line)) {
        const r = { ...range, startColumn: range.startColumn - 1 };
        return { suggestions: names.map((n) => ({ label: `$${n}`, kind: K.Variable, insertText: `$${n}`, range: r })) };
      }
      if (/^\s*\w*$/.test(line)) labels = [...STARTS.map((l) => ({ label: l, kind: K.Keyword })), ...procs.map((p) => ({ label: `${p}: `, kind: K.Module }))];
      else if (/^\s*expect\s+(not\s+)?\w*$/.test(line)) labels = EXPECTS.map((l) => ({ label: l, kind: K.Keyword }));
      else if (/^\s*\w+:\s*(\w+\s*=\s*)?\w*$/.test(line)) labels = CALLS.map((l) => ({ label: l, kind: K.Function }));
      else if (/\bbpf\s+\w*$/.test(line)) labels = BPF_CMDS.map((l) => ({ label: l, kind: K.Constant }));
      else labels = names.map((n) => ({ label: `$${n}`, kind: K.Variable }));
      return { suggestions: labels.map((l) => item(l.label, l.kind)) };
    },
  });
}

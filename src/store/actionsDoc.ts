/** The action registry as a Markdown table, for docs/automation.md (checked by a test). */
import { ACTIONS, type ActionDef } from './actions';

const SAMPLE: Record<string, string | number> = {
  pid: 100, fd: 5, path: '/sys/fs/bpf/x', from: '/sys/fs/bpf/x', event: 'tracepoint:sys_enter', ifindex: 2, comm: 'loader',
};

const cell = (s: string): string => s.replace(/\|/g, '\\|');

function accessibleName(a: ActionDef): string {
  if (!a.name) return a.label;
  const args = Object.fromEntries(a.args.map((x) => [x.name, SAMPLE[x.name] ?? `<${x.name}>`]));
  return a.name(args);
}

export const ACTIONS_BEGIN = '<!-- actions:begin (generated from src/store/actions.ts; UPDATE_DOCS=1 npx vitest run src/store/actionsDoc.test.ts) -->';
export const ACTIONS_END = '<!-- actions:end -->';

export function actionsTable(): string {
  const rows = ACTIONS.map((a) => [
    `\`${a.id}\``, a.panel, cell(accessibleName(a)), a.shortcut ? `\`${a.shortcut}\`` : '',
    a.args.map((x) => `${x.name}`).join(', '), a.makes ? cell(a.makes) : 'view', a.kernelFn ? `\`${a.kernelFn}\`` : '',
  ]);
  return [
    '| id | panel | accessible name (e.g.) | key | args | makes | ends in |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

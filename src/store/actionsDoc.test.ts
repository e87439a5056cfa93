import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIONS_BEGIN, ACTIONS_END, actionsTable } from './actionsDoc';

const DOC = resolve(import.meta.dirname, '../../docs/automation.md');

describe('docs/automation.md', () => {
  it('lists every registry action as the registry has it', () => {
    const doc = readFileSync(DOC, 'utf8');
    const i = doc.indexOf(ACTIONS_BEGIN);
    const j = doc.indexOf(ACTIONS_END);
    expect(i, 'the actions markers').toBeGreaterThanOrEqual(0);
    const want = `${ACTIONS_BEGIN}\n${actionsTable()}\n${ACTIONS_END}`;
    if (process.env.UPDATE_DOCS) writeFileSync(DOC, doc.slice(0, i) + want + doc.slice(j + ACTIONS_END.length));
    else expect(doc.slice(i, j + ACTIONS_END.length), 'run UPDATE_DOCS=1 npx vitest run src/store/actionsDoc.test.ts').toBe(want);
  });
});

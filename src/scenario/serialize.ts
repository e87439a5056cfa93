/** `Scenario` → text, in the canonical form `parse` reads back to the same AST. */
import type { Action, Check, Field, Item, Scenario, Value } from './ast';

const BARE_RE = /^[^\s=,[\]{}"$]+$/;
const NUM_LIKE = /^-?(0[xX][0-9a-fA-F]+|\d+)$/;

/** A string as a bare word when it reads back as the same string, else "quoted". */
export function word(s: string): string {
  return BARE_RE.test(s) && !NUM_LIKE.test(s) && !s.startsWith('#') && !s.startsWith('>') ? s : JSON.stringify(s);
}

export function valueText(v: Value): string {
  switch (v.t) {
    case 'num': return String(v.v);
    case 'str': return word(v.v);
    case 'ref': return `$${v.name}`;
    case 'list': return `[${v.items.map(valueText).join(', ')}]`;
    case 'obj': return `{${v.fields.map(fieldText).join(', ')}}`;
  }
}

function fieldText(f: Field): string { return `${f.key}=${valueText(f.value)}`; }

export function actionText(a: Action): string {
  switch (a.kind) {
    case 'spawn': return `spawn ${a.name}`;
    case 'trigger': return `trigger ${a.event}`;
    case 'shell': return `$ ${a.line}`;
    case 'call': {
      const parts = [`${a.proc}:`];
      if (a.bind !== undefined) parts.push(a.bind, '=');
      parts.push(a.verb, ...a.args.map(valueText), ...a.fields.map(fieldText));
      return parts.join(' ');
    }
  }
}

export function checkText(c: Check): string {
  switch (c.c) {
    case 'ok': return 'ok';
    case 'errno': return `errno ${c.name}`;
    case 'ret': return `ret ${valueText(c.value)}`;
    case 'exit': return `exit ${c.code}`;
    case 'output': return `output ${JSON.stringify(c.text)}`;
    case 'ran': return c.count === 0 ? 'ran nothing' : `ran ${c.count}`;
    case 'ranProgs': return `ran ${c.progs.map(valueText).join(' ')}`;
    case 'state': return `${c.what} ${valueText(c.ref)} ${c.state}`;
    case 'runs': return `prog ${valueText(c.ref)} runs ${c.n}`;
    case 'refcnt': return `${c.what} ${valueText(c.ref)} refcnt ${c.n}`;
    case 'pin': return `pin ${word(c.path)}`;
    case 'count': return `${c.what} ${c.n}`;
    case 'process': return `process ${c.name} ${c.state}`;
  }
}

export function itemText(it: Item): string {
  switch (it.kind) {
    case 'blank': return '';
    case 'comment': return `#${it.text}`;
    case 'version': return `version ${it.version}`;
    case 'title': return `title ${it.text}`;
    case 'caption': return `> ${it.text}`;
    case 'source': return ['```' + `${it.lang} ${it.name}`, ...(it.body === '' ? [] : it.body.split('\n')), '```'].join('\n');
    case 'action': return actionText(it.action);
    case 'expect': return `expect ${it.negate ? 'not ' : ''}${checkText(it.check)}`;
  }
}

export function serialize(s: Scenario): string {
  return s.items.length === 0 ? '' : s.items.map(itemText).join('\n') + '\n';
}

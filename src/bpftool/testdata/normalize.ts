/**
 * Making a real-kernel transcript and the model's comparable. What legitimately differs:
 * object ids (shared with everything else on a real machine: renumbered per kind in order of
 * first appearance), load times, cgroup ids (inode numbers), and what the model does not know or the reference build
 * lacks, each named here:
 * - `pids` lines: the reference bpftool 7.7.0 was built without skeletons, so it has none;
 * - the order of several `pinned` lines of one object, when the model's snapshot has no
 *   inode numbers to tell bpftool's readdir order (sorted on both sides then).
 */

export interface NormalizeOptions { stripPids?: boolean; sortPinned?: boolean }

type Kind = 'prog' | 'map' | 'link';

function renumber(text: string): string {
  const maps: Record<Kind, Map<string, number>> = { prog: new Map(), map: new Map(), link: new Map() };
  const id = (kind: Kind, v: string): string => {
    const m = maps[kind];
    if (!m.has(v)) m.set(v, m.size + 1);
    return `${kind[0]!.toUpperCase()}${m.get(v)}`;
  };
  return text.split(/(?=^\$ )/m).map((block) => {
    const cmd = /^\$ bpftool(?:\s+-\S+)*\s+(\w+)/.exec(block)?.[1] ?? '';
    const top: Kind | null = 'prog'.startsWith(cmd) && cmd ? 'prog' : 'map'.startsWith(cmd) && cmd ? 'map' : 'link'.startsWith(cmd) && cmd ? 'link' : null;
    if (!top && !/^\$ bpftool.*\b(cgroup|net)\b/.test(block)) return block;
    const objKind: Kind = top ?? 'prog';
    return block
      .replace(/^( *)(\d+)(:? +)(?=\S)/gm, (_m, sp: string, n: string, rest: string) => {
        // Keep a padded column (cgroup rows: %-8u) as wide as it was.
        const v = id(objKind, n);
        return rest.startsWith(':') ? `${sp}${v}${rest}` : `${sp}${v}${' '.repeat(Math.max(1, n.length + rest.length - v.length))}`;
      })
      .replace(/\bprog (\d+) {2}/g, (_m, n: string) => `prog ${id('prog', n)}  `)
      .replace(/\bmap_ids ([\d,]+)/g, (_m, ns: string) => `map_ids ${ns.split(',').map((n) => id('map', n)).join(',')}`)
      .replace(/("id": ?)(\d+)/g, (_m, k: string, n: string) => `${k}${id(objKind, n)}`)
      .replace(/("prog_id": ?)(\d+)/g, (_m, k: string, n: string) => `${k}${id('prog', n)}`)
      .replace(/("link_id": ?)(\d+)/g, (_m, k: string, n: string) => `${k}${id('link', n)}`)
      .replace(/("map_ids": ?\[)([\d,\s\n]*)/g, (_m, k: string, ns: string) => `${k}${ns.replace(/\d+/g, (n) => id('map', n))}`)
      .replace(/\b(driver|generic|offload) id (\d+)/g, (_m, mode: string, n: string) => `${mode} id ${id('prog', n)}`)
      .replace(/\bprog_id (\d+)/g, (_m, n: string) => `prog_id ${id('prog', n)}`)
      .replace(/\blink_id (\d+)/g, (_m, n: string) => `link_id ${id('link', n)}`);
  }).join('');
}

export function normalize(text: string, o: NormalizeOptions = {}): string {
  let s = text
    .replace(/loaded_at \S+/g, 'loaded_at T')
    .replace(/("loaded_at": ?)\d+/g, '$1T')
    .replace(/cgroup_id [1-9]\d*/g, 'cgroup_id C')
    .replace(/("cgroup_id": ?)[1-9]\d*/g, '$1C');
  if (o.stripPids) {
    s = s.replace(/\n\tpids [^\n]*/g, '')
      .replace(/,"pids":\[(\{[^\]]*\})?\]/g, '')
      .replace(/,\n\s*"pids": \[\{[\s\S]*?\n\s*\}\n\s*\]/g, '');
  }
  if (o.sortPinned) {
    s = s.replace(/(?:\n\tpinned [^\n]*)+/g, (m) => m.split('\n').filter(Boolean).sort().map((l) => `\n${l}`).join(''))
      .replace(/("pinned": ?\[)([^\]]*)\]/g, (_m, k: string, body: string) => {
        const items = body.match(/"[^"]*"/g) ?? [];
        const tail = /\n\s*$/.exec(body)?.[0] ?? '';
        return `${k}${items.sort().join(',')}${tail}]`;
      });
  }
  return renumber(s);
}

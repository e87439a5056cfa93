/**
 * `bpftool map { show | list | pin | help }` (bpftool v7.7.0 src/map.c).
 */
import { mapTypeStr } from '../libbpf/names';
import { buildPinnedTable, buildRefsTable, doPinAny, emitPinnedJson, emitPinnedPlain, emitRefsJson, emitRefsPlain,
  openObjPinnedAny, parseId, type ObjRef } from './common';
import { mapMemlock, type MapInfoLike } from './fdinfo';
import { Args, cmdSelect, HELP_SPEC_MAP, HELP_SPEC_OPTIONS, HELP_SPEC_PROGRAM, isPrefix, type Tool } from './tool';

type Info = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const RDONLY = 8;

function mapInfoOf(t: Tool, fd: number): Info | null {
  const attr: Info = { bpf_fd: fd, info: {} };
  return t.bpf('BPF_OBJ_GET_INFO_BY_FD', attr) ? null : attr.info as Info;
}

/** `map_parse_fds`: fds of the maps MAP names, or null after an error. */
export function mapParseFds(a: Args, openFlags: number): number[] | null {
  const t = a.tool;
  const byId = (id: number): number => t.bpf('BPF_MAP_GET_FD_BY_ID', openFlags ? { map_id: id, open_flags: openFlags } : { map_id: id });
  if (isPrefix(a.cur, 'id')) {
    a.next();
    const id = parseId(a.cur);
    if (id === null) { t.perr(`can't parse ${a.cur} as ID`); return null; }
    a.next();
    const fd = byId(id);
    if (fd < 0) { t.perr(`get map by id (${id}): ${t.strerror()}`); return null; }
    return [fd];
  }
  if (isPrefix(a.cur, 'name')) {
    a.next();
    const name = a.cur;
    if (name.length > 15) { t.perr("can't parse name"); return null; }
    a.next();
    const fds: number[] = [];
    let id = 0;
    for (;;) {
      const attr: Info = { start_id: id };
      if (t.bpf('BPF_MAP_GET_NEXT_ID', attr)) {
        if (t.errno !== 2) { t.perr(t.strerror()); break; }
        return fds;
      }
      id = num(attr.next_id);
      let fd = t.bpf('BPF_MAP_GET_FD_BY_ID', { map_id: id, open_flags: RDONLY });
      if (fd < 0) { t.perr(`can't get map by id (${id}): ${t.strerror()}`); break; }
      const info = mapInfoOf(t, fd);
      if (!info) { t.perr(`can't get map info (${id}): ${t.strerror()}`); t.close(fd); break; }
      if (info.name !== name) { t.close(fd); continue; }
      if (openFlags !== RDONLY) {
        t.close(fd);
        fd = byId(id);
        if (fd < 0) { t.perr(`can't get map by id (${id}): ${t.strerror()}`); break; }
      }
      fds.push(fd);
    }
    for (const fd of fds) t.close(fd);
    return null;
  }
  if (isPrefix(a.cur, 'pinned')) {
    a.next();
    const path = a.cur;
    a.next();
    const fd = openObjPinnedAny(t, path, 'map', openFlags);
    return fd < 0 ? null : [fd];
  }
  t.perr(`expected 'id', 'name' or 'pinned', got: '${a.cur}'?`);
  return null;
}

export function mapParseFd(a: Args, openFlags: number): number {
  const fds = mapParseFds(a, openFlags);
  if (!fds || fds.length !== 1) {
    if (fds && fds.length > 1) {
      a.tool.perr('several maps match this handle');
      for (const fd of fds) a.tool.close(fd);
    }
    return -1;
  }
  return fds[0]!;
}

interface ShowCtx { pinned: Map<number, string[]> | null; refs: Map<number, ObjRef[]> }

/** `show_map_close_plain` / `_json`; `frozen` is fdinfo's (the model's procfs: the snapshot). */
function showMap(t: Tool, info: Info, c: ShowCtx): void {
  const id = num(info.id);
  const memlock = mapMemlock(info as unknown as MapInfoLike);
  const typeStr = mapTypeStr(info.type);
  const frozen = t.kernel.snapshot().maps.find((m) => m.id === id)?.frozen ? 1 : 0;
  const j = t.json;
  if (j) {
    j.startObject();
    j.uintField('id', id);
    if (typeStr) j.stringField('type', typeStr); else j.uintField('type', num(info.type));
    if (info.name) j.stringField('name', String(info.name));
    j.name('flags');
    j.printf(String(num(info.map_flags)));
    j.uintField('bytes_key', num(info.key_size));
    j.uintField('bytes_value', num(info.value_size));
    j.uintField('max_entries', num(info.max_entries));
    j.intField('bytes_memlock', memlock);
    j.intField('frozen', frozen);
    if (num(info.btf_id)) j.intField('btf_id', num(info.btf_id));
    emitPinnedJson(t, c.pinned, id);
    emitRefsJson(t, c.refs, id);
    j.endObject();
    return;
  }
  t.printf(`${id}: ${typeStr ? `${typeStr}  ` : `type ${num(info.type)}  `}`);
  if (info.name) t.printf(`name ${String(info.name)}  `);
  t.printf(`flags 0x${num(info.map_flags).toString(16)}\n`);
  t.printf(`\tkey ${num(info.key_size)}B  value ${num(info.value_size)}B  max_entries ${num(info.max_entries)}  memlock ${memlock}B`);
  emitPinnedPlain(t, c.pinned, id);
  if (num(info.btf_id) || frozen) t.printf('\n\t');
  if (num(info.btf_id)) t.printf(`btf_id ${num(info.btf_id)}`);
  if (frozen) t.printf(`${num(info.btf_id) ? '  ' : ''}frozen`);
  emitRefsPlain(t, c.refs, id);
  t.printf('\n');
}

function doShow(a: Args): number {
  const t = a.tool;
  const c: ShowCtx = { pinned: t.showPinned ? buildPinnedTable(t, 'map') : null, refs: buildRefsTable(t, 'map') };
  if (a.argc === 2) {
    const fds = mapParseFds(a, RDONLY);
    if (!fds || fds.length < 1) return -1;
    if (t.json && fds.length > 1) t.json.startArray();
    let err = 0;
    for (let i = 0; i < fds.length; i++) {
      const info = mapInfoOf(t, fds[i]!);
      if (!info) {
        t.perr(`can't get map info: ${t.strerror()}`);
        for (const fd of fds.slice(i)) t.close(fd);
        err = -1;
        break;
      }
      showMap(t, info, c);
      t.close(fds[i]!);
    }
    if (t.json && fds.length > 1) t.json.endArray();
    return err;
  }
  if (a.argc) return a.bad();
  t.json?.startArray();
  let id = 0;
  let ret = 0;
  for (;;) {
    const attr: Info = { start_id: id };
    if (t.bpf('BPF_MAP_GET_NEXT_ID', attr)) {
      if (t.errno !== 2) { t.perr(`can't get next map: ${t.strerror()}${t.errno === 22 ? ' -- kernel too old?' : ''}`); ret = -1; }
      break;
    }
    id = num(attr.next_id);
    const fd = t.bpf('BPF_MAP_GET_FD_BY_ID', { map_id: id, open_flags: RDONLY });
    if (fd < 0) {
      if (t.errno === 2) continue;
      t.perr(`can't get map by id (${id}): ${t.strerror()}`);
      ret = -1;
      break;
    }
    const info = mapInfoOf(t, fd);
    if (!info) { t.perr(`can't get map info: ${t.strerror()}`); t.close(fd); ret = -1; break; }
    showMap(t, info, c);
    t.close(fd);
  }
  t.json?.endArray();
  return ret;
}

function doPin(a: Args): number {
  const err = doPinAny(a, (x) => mapParseFd(x, RDONLY));
  if (!err) a.tool.json?.null();
  return err;
}

function help(t: Tool): number {
  if (t.json) { t.json.null(); return 0; }
  t.eprintf(
    'Usage: bpftool map { show | list }   [MAP]\n'
    + '       bpftool map pin        MAP  FILE\n'
    + '       bpftool map help\n'
    + '\n'
    + `       ${HELP_SPEC_MAP}\n`
    + `       ${HELP_SPEC_PROGRAM}\n`
    + `       ${HELP_SPEC_OPTIONS} |\n`
    + '                    {-f|--bpffs} | {-n|--nomount} }\n'
    + '\n'
    + '       (the playground\'s bpftool: the model keeps no map contents, so create, dump, update, lookup,\n'
    + '        getnext, delete, event_pipe, peek, push, pop, enqueue, dequeue and freeze are not available)\n');
  return 0;
}

export function doMap(a: Args): number {
  const h = (): number => help(a.tool);
  return cmdSelect(a, [
    { cmd: 'show', fn: doShow }, { cmd: 'list', fn: doShow }, { cmd: 'help', fn: h },
    ...['dump', 'update', 'lookup', 'getnext', 'delete'].map((cmd) => ({ cmd, fn: null })),
    { cmd: 'pin', fn: doPin },
    ...['event_pipe', 'create', 'peek', 'push', 'enqueue', 'pop', 'dequeue', 'freeze'].map((cmd) => ({ cmd, fn: null })),
  ], h);
}

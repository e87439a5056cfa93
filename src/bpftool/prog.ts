/**
 * `bpftool prog { show | list | pin | load | loadall | help }` (bpftool v7.7.0 src/prog.c).
 */
import { progTypeStr } from '../libbpf/names';
import { bootTime, buildPinnedTable, buildRefsTable, doPinAny, emitPinnedJson, emitPinnedPlain, emitRefsJson,
  emitRefsPlain, openObjPinnedAny, parseId, type ObjRef } from './common';
import { progMemlock } from './fdinfo';
import { doLoad } from './load';
import { Args, cmdSelect, HELP_SPEC_MAP, HELP_SPEC_OPTIONS, HELP_SPEC_PROGRAM, isPrefix, type Tool } from './tool';

type Info = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function progInfoOf(t: Tool, fd: number): Info | null {
  const attr: Info = { bpf_fd: fd, info: {} };
  return t.bpf('BPF_OBJ_GET_INFO_BY_FD', attr) ? null : attr.info as Info;
}

/** `prog_fd_by_nametag`: every program whose tag or full name matches. */
function progFdsByNameTag(t: Tool, match: (info: Info) => boolean): number[] | null {
  const fds: number[] = [];
  let id = 0;
  for (;;) {
    const attr: Info = { start_id: id };
    if (t.bpf('BPF_PROG_GET_NEXT_ID', attr)) {
      if (t.errno !== 2) { t.perr(t.strerror()); break; }
      return fds;
    }
    id = num(attr.next_id);
    const fd = t.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: id });
    if (fd < 0) { t.perr(`can't get prog by id (${id}): ${t.strerror()}`); break; }
    const info = progInfoOf(t, fd);
    if (!info) { t.perr(`can't get prog info (${id}): ${t.strerror()}`); t.close(fd); break; }
    if (match(info)) fds.push(fd); else t.close(fd);
  }
  for (const fd of fds) t.close(fd);
  return null;
}

/** `prog_parse_fds`: fds of the programs PROG names, or null after an error. */
export function progParseFds(a: Args): number[] | null {
  const t = a.tool;
  if (isPrefix(a.cur, 'id')) {
    a.next();
    const id = parseId(a.cur);
    if (id === null) { t.perr(`can't parse ${a.cur} as ID`); return null; }
    a.next();
    const fd = t.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: id });
    if (fd < 0) { t.perr(`get by id (${id}): ${t.strerror()}`); return null; }
    return [fd];
  }
  if (isPrefix(a.cur, 'tag')) {
    a.next();
    const tag = a.cur.toLowerCase();
    if (!/^[0-9a-f]{16}/.test(tag)) { t.perr("can't parse tag"); return null; }
    a.next();
    return progFdsByNameTag(t, (i) => i.tag === tag.slice(0, 16));
  }
  if (isPrefix(a.cur, 'name')) {
    a.next();
    const name = a.cur;
    if (name.length > 127) { t.perr("can't parse name"); return null; }
    a.next();
    return progFdsByNameTag(t, (i) => i.name === name);
  }
  if (isPrefix(a.cur, 'pinned')) {
    a.next();
    const path = a.cur;
    a.next();
    const fd = openObjPinnedAny(t, path, 'prog');
    return fd < 0 ? null : [fd];
  }
  t.perr(`expected 'id', 'tag', 'name' or 'pinned', got: '${a.cur}'?`);
  return null;
}

/** `prog_parse_fd`: exactly one program. */
export function progParseFd(a: Args): number {
  const fds = progParseFds(a);
  if (!fds || fds.length !== 1) {
    if (fds && fds.length > 1) {
      a.tool.perr('several programs match this handle');
      for (const fd of fds) a.tool.close(fd);
    }
    return -1;
  }
  return fds[0]!;
}

interface ShowCtx { pinned: Map<number, string[]> | null; refs: Map<number, ObjRef[]> }

function printPlain(t: Tool, info: Info, c: ShowCtx): void {
  const id = num(info.id);
  const typeStr = progTypeStr(info.type);
  t.printf(`${id}: ${typeStr ? `${typeStr}  ` : `type ${num(info.type)}  `}`);
  if (info.name) t.printf(`name ${String(info.name)}  `);
  t.printf(`tag ${String(info.tag)}`);
  t.printf(info.gpl_compatible ? '  gpl' : '');
  if (num(info.run_time_ns)) t.printf(` run_time_ns ${num(info.run_time_ns)} run_cnt ${num(info.run_cnt)}`);
  if (num(info.recursion_misses)) t.printf(` recursion_misses ${num(info.recursion_misses)}`);
  t.printf('\n');
  if (num(info.load_time)) t.printf(`\tloaded_at ${bootTime(t, num(info.load_time))}  uid ${num(info.created_by_uid)}\n`);
  t.printf(`\txlated ${num(info.xlated_prog_len)}B`);
  t.printf(num(info.jited_prog_len) ? `  jited ${num(info.jited_prog_len)}B` : '  not jited');
  t.printf(`  memlock ${progMemlock(num(info.xlated_prog_len))}B`);
  const maps = Array.isArray(info.map_ids) ? info.map_ids as number[] : [];
  if (num(info.nr_map_ids) && maps.length) t.printf(`  map_ids ${maps.join(',')}`);
  emitPinnedPlain(t, c.pinned, id);
  if (num(info.btf_id)) t.printf(`\n\tbtf_id ${num(info.btf_id)}`);
  emitRefsPlain(t, c.refs, id);
  t.printf('\n');
}

function printJson(t: Tool, info: Info, c: ShowCtx): void {
  const j = t.json!;
  const id = num(info.id);
  j.startObject();
  j.uintField('id', id);
  const typeStr = progTypeStr(info.type);
  if (typeStr) j.stringField('type', typeStr); else j.uintField('type', num(info.type));
  if (info.name) j.stringField('name', String(info.name));
  j.name('tag');
  j.printf(`"${String(info.tag)}"`);
  j.boolField('gpl_compatible', !!info.gpl_compatible);
  if (num(info.run_time_ns)) { j.uintField('run_time_ns', num(info.run_time_ns)); j.uintField('run_cnt', num(info.run_cnt)); }
  if (num(info.recursion_misses)) j.uintField('recursion_misses', num(info.recursion_misses));
  if (num(info.load_time)) {
    j.name('loaded_at');
    j.printf(bootTime(t, num(info.load_time)));
    j.uintField('uid', num(info.created_by_uid));
  }
  j.boolField('orphaned', false);
  j.uintField('bytes_xlated', num(info.xlated_prog_len));
  j.boolField('jited', !!num(info.jited_prog_len));
  if (num(info.jited_prog_len)) j.uintField('bytes_jited', num(info.jited_prog_len));
  j.intField('bytes_memlock', progMemlock(num(info.xlated_prog_len)));
  const maps = Array.isArray(info.map_ids) ? info.map_ids as number[] : [];
  if (num(info.nr_map_ids) && maps.length) {
    j.name('map_ids');
    j.startArray();
    for (const m of maps) j.uint(m);
    j.endArray();
  }
  if (num(info.btf_id)) j.intField('btf_id', num(info.btf_id));
  emitPinnedJson(t, c.pinned, id);
  emitRefsJson(t, c.refs, id);
  j.endObject();
}

function showProg(t: Tool, fd: number, c: ShowCtx): number {
  const info = progInfoOf(t, fd);
  if (!info) { t.perr(`can't get prog info: ${t.strerror()}`); return -1; }
  if (t.json) printJson(t, info, c); else printPlain(t, info, c);
  return 0;
}

function doShow(a: Args): number {
  const t = a.tool;
  const c: ShowCtx = { pinned: t.showPinned ? buildPinnedTable(t, 'prog') : null, refs: buildRefsTable(t, 'prog') };
  if (a.argc === 2) {
    const fds = progParseFds(a);
    if (!fds || fds.length < 1) return -1;
    if (t.json && fds.length > 1) t.json.startArray();
    let err = 0;
    for (let i = 0; i < fds.length; i++) {
      err = showProg(t, fds[i]!, c);
      t.close(fds[i]!);
      if (err) { for (const fd of fds.slice(i + 1)) t.close(fd); break; }
    }
    if (t.json && fds.length > 1) t.json.endArray();
    return err;
  }
  if (a.argc) return a.bad();
  t.json?.startArray();
  let id = 0;
  let err = 0;
  for (;;) {
    const attr: Info = { start_id: id };
    if (t.bpf('BPF_PROG_GET_NEXT_ID', attr)) {
      if (t.errno !== 2) { t.perr(`can't get next program: ${t.strerror()}${t.errno === 22 ? ' -- kernel too old?' : ''}`); err = -1; }
      break;
    }
    id = num(attr.next_id);
    const fd = t.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: id });
    if (fd < 0) {
      if (t.errno === 2) continue;
      t.perr(`can't get prog by id (${id}): ${t.strerror()}`);
      err = -1;
      break;
    }
    err = showProg(t, fd, c);
    t.close(fd);
    if (err) break;
  }
  t.json?.endArray();
  return err;
}

function doPin(a: Args): number {
  const err = doPinAny(a, progParseFd);
  if (!err) a.tool.json?.null();
  return err;
}

function help(t: Tool): number {
  if (t.json) { t.json.null(); return 0; }
  t.eprintf(
    'Usage: bpftool prog { show | list } [PROG]\n'
    + '       bpftool prog pin   PROG FILE\n'
    + '       bpftool prog { load | loadall } OBJ  PATH \\\n'
    + '                         [type TYPE] [{ offload_dev | xdpmeta_dev } NAME] \\\n'
    + '                         [map { idx IDX | name NAME } MAP]\\\n'
    + '                         [pinmaps MAP_DIR]\n'
    + '                         [autoattach]\n'
    + '                         [kernel_btf BTF_FILE]\n'
    + '       bpftool prog help\n'
    + '\n'
    + `       ${HELP_SPEC_MAP}\n`
    + `       ${HELP_SPEC_PROGRAM}\n`
    + `       ${HELP_SPEC_OPTIONS} |\n`
    + '                    {-f|--bpffs} | {-m|--mapcompat} | {-n|--nomount} }\n'
    + '\n'
    + '       (the playground\'s bpftool: dump, attach, detach, run, profile and tracelog are not available)\n');
  return 0;
}

export function doProg(a: Args): number {
  const h = (): number => help(a.tool);
  return cmdSelect(a, [
    { cmd: 'show', fn: doShow }, { cmd: 'list', fn: doShow }, { cmd: 'help', fn: h }, { cmd: 'dump', fn: null },
    { cmd: 'pin', fn: doPin }, { cmd: 'load', fn: (x) => doLoad(x, true) }, { cmd: 'loadall', fn: (x) => doLoad(x, false) },
    { cmd: 'attach', fn: null }, { cmd: 'detach', fn: null }, { cmd: 'tracelog', fn: null }, { cmd: 'run', fn: null },
    { cmd: 'profile', fn: null },
  ], h);
}

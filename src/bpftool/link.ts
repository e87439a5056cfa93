/**
 * `bpftool link { show | list | pin | detach | help }` (bpftool v7.7.0 src/link.c).
 */
import { attachTypeStr, linkTypeStr, progTypeStr } from '../libbpf/names';
import { buildPinnedTable, buildRefsTable, doPinAny, emitPinnedJson, emitPinnedPlain, emitRefsJson, emitRefsPlain,
  ifName, openObjPinnedAny, parseId, type ObjRef } from './common';
import { Args, cmdSelect, HELP_SPEC_LINK, HELP_SPEC_OPTIONS, isPrefix, type Tool } from './tool';

type Info = Record<string, unknown>;
const sub = (info: Info, k: string): Info => (info[k] && typeof info[k] === 'object' ? info[k] as Info : {});
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

interface ShowCtx { pinned: Map<number, string[]> | null; refs: Map<number, ObjRef[]> }

/** `link_parse_fd`. */
export function linkParseFd(a: Args): number {
  const t = a.tool;
  if (isPrefix(a.cur, 'id')) {
    a.next();
    const id = parseId(a.cur);
    if (id === null) { t.perr(`can't parse ${a.cur} as ID`); return -1; }
    a.next();
    const fd = t.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: id });
    if (fd < 0) t.perr(`failed to get link with ID ${id}: ${t.strerror()}`);
    return fd;
  }
  if (isPrefix(a.cur, 'pinned')) {
    a.next();
    const path = a.cur;
    a.next();
    return openObjPinnedAny(t, path, 'link');
  }
  t.perr(`expected 'id' or 'pinned', got: '${a.cur}'?`);
  return -1;
}

function attachTypeName(v: unknown): string {
  return attachTypeStr(v) ?? String(num(v));
}

function ifindexPlain(t: Tool, idx: number): string {
  if (!idx) return '(detached)';
  const name = ifName(t, idx);
  return name ? `${name}(${idx})` : '(unknown)';
}

function progInfo(t: Tool, id: number): Info | null {
  const fd = t.bpf('BPF_PROG_GET_FD_BY_ID', { prog_id: id });
  if (fd < 0) return null;
  const attr: Info = { bpf_fd: fd, info: {} };
  const err = t.bpf('BPF_OBJ_GET_INFO_BY_FD', attr);
  if (err) t.perr(`can't get prog info: ${t.strerror()}`);
  t.close(fd);
  return err ? null : attr.info as Info;
}

function showPlain(t: Tool, info: Info, c: ShowCtx): number {
  const type = info.type;
  const typeStr = linkTypeStr(type);
  t.printf(`${num(info.id)}: ${typeStr ? `${typeStr}  ` : `type ${num(type)}  `}`);
  t.printf(typeStr === 'struct_ops' ? `map ${num(sub(info, 'struct_ops').map_id)}  ` : `prog ${num(info.prog_id)}  `);
  switch (typeStr) {
    case 'raw_tracepoint': {
      const rt = sub(info, 'raw_tracepoint');
      t.printf(`\n\ttp '${str(rt.tp_name)}'  `);
      if (num(rt.cookie)) t.printf(`cookie ${num(rt.cookie)}  `);
      break;
    }
    case 'tracing': {
      const p = progInfo(t, num(info.prog_id));
      if (!p) return -1;
      const tr = sub(info, 'tracing');
      t.printf(`\n\tprog_type ${progTypeStr(p.type) ?? num(p.type)}  attach_type ${attachTypeName(tr.attach_type)}  `);
      if (num(tr.target_obj_id) || num(tr.target_btf_id)) t.printf(`\n\ttarget_obj_id ${num(tr.target_obj_id)}  target_btf_id ${num(tr.target_btf_id)}  `);
      if (num(tr.cookie)) t.printf(`\n\tcookie ${num(tr.cookie)}  `);
      break;
    }
    case 'cgroup': {
      const cg = sub(info, 'cgroup');
      t.printf(`\n\tcgroup_id ${num(cg.cgroup_id)}  attach_type ${attachTypeName(cg.attach_type)}  `);
      break;
    }
    case 'iter': {
      const it = sub(info, 'iter');
      t.printf(`target_name ${str(it.target_name)}  `);
      break;
    }
    case 'netns': {
      const ns = sub(info, 'netns');
      t.printf(`\n\tnetns_ino ${num(ns.netns_ino)}  attach_type ${attachTypeName(ns.attach_type)}  `);
      break;
    }
    case 'tcx': case 'netkit': {
      const x = sub(info, typeStr);
      t.printf(`\n\tifindex ${ifindexPlain(t, num(x.ifindex))}  attach_type ${attachTypeName(x.attach_type)}  `);
      break;
    }
    case 'xdp':
      t.printf(`\n\tifindex ${ifindexPlain(t, num(sub(info, 'xdp').ifindex))}  `);
      break;
    default:
      break;
  }
  emitPinnedPlain(t, c.pinned, num(info.id));
  emitRefsPlain(t, c.refs, num(info.id));
  t.printf('\n');
  return 0;
}

function ifindexJson(t: Tool, idx: number): void {
  t.json!.stringField('devname', idx ? ifName(t, idx) ?? '(unknown)' : '(detached)');
  t.json!.uintField('ifindex', idx);
}

function attachTypeJson(t: Tool, v: unknown): void {
  const s = attachTypeStr(v);
  if (s) t.json!.stringField('attach_type', s); else t.json!.uintField('attach_type', num(v));
}

function showJson(t: Tool, info: Info, c: ShowCtx): number {
  const j = t.json!;
  j.startObject();
  j.uintField('id', num(info.id));
  const typeStr = linkTypeStr(info.type);
  if (typeStr) j.stringField('type', typeStr); else j.uintField('type', num(info.type));
  j.uintField('prog_id', num(info.prog_id));
  switch (typeStr) {
    case 'raw_tracepoint': {
      const rt = sub(info, 'raw_tracepoint');
      j.stringField('tp_name', str(rt.tp_name));
      j.uintField('cookie', num(rt.cookie));
      break;
    }
    case 'tracing': {
      const p = progInfo(t, num(info.prog_id));
      if (!p) return -1;
      const tr = sub(info, 'tracing');
      const pt = progTypeStr(p.type);
      if (pt) j.stringField('prog_type', pt); else j.uintField('prog_type', num(p.type));
      attachTypeJson(t, tr.attach_type);
      j.uintField('target_obj_id', num(tr.target_obj_id));
      j.uintField('target_btf_id', num(tr.target_btf_id));
      j.uintField('cookie', num(tr.cookie));
      break;
    }
    case 'cgroup':
      j.uintField('cgroup_id', num(sub(info, 'cgroup').cgroup_id));
      attachTypeJson(t, sub(info, 'cgroup').attach_type);
      break;
    case 'iter':
      j.stringField('target_name', str(sub(info, 'iter').target_name));
      break;
    case 'netns':
      j.uintField('netns_ino', num(sub(info, 'netns').netns_ino));
      attachTypeJson(t, sub(info, 'netns').attach_type);
      break;
    case 'tcx': case 'netkit':
      ifindexJson(t, num(sub(info, typeStr).ifindex));
      attachTypeJson(t, sub(info, typeStr).attach_type);
      break;
    case 'xdp':
      ifindexJson(t, num(sub(info, 'xdp').ifindex));
      break;
    case 'struct_ops':
      j.uintField('map_id', num(sub(info, 'struct_ops').map_id));
      break;
    default:
      break;
  }
  emitPinnedJson(t, c.pinned, num(info.id));
  emitRefsJson(t, c.refs, num(info.id));
  j.endObject();
  return 0;
}

/** `do_show_link`: info (asked twice for the types with a string), print, close. */
function showLink(t: Tool, fd: number, c: ShowCtx): number {
  let attr: Info = { bpf_fd: fd, info: {} };
  if (t.bpf('BPF_OBJ_GET_INFO_BY_FD', attr)) {
    t.perr(`can't get link info: ${t.strerror()}`);
    t.close(fd);
    return -1;
  }
  const type = linkTypeStr((attr.info as Info).type);
  if (type === 'raw_tracepoint' || type === 'iter') {
    attr = { bpf_fd: fd, info: {} }; // again, with a buffer for the name
    t.bpf('BPF_OBJ_GET_INFO_BY_FD', attr);
  }
  if (t.json) showJson(t, attr.info as Info, c); else showPlain(t, attr.info as Info, c);
  t.close(fd);
  return 0;
}

function doShow(a: Args): number {
  const t = a.tool;
  const c: ShowCtx = { pinned: t.showPinned ? buildPinnedTable(t, 'link') : null, refs: buildRefsTable(t, 'link') };
  if (a.argc === 2) {
    const fd = linkParseFd(a);
    if (fd < 0) return fd;
    showLink(t, fd, c);
    // bpftool 7.3+ ends with `return errno == ENOENT ? 0 : -1` and errno is stale here:
    // observed exit status 255 after a successful `link show id N` on 6.18.
    return -1;
  }
  if (a.argc) return a.bad();
  t.json?.startArray();
  let id = 0;
  let ret = 0;
  for (;;) {
    const attr: Info = { start_id: id };
    if (t.bpf('BPF_LINK_GET_NEXT_ID', attr)) {
      if (t.errno !== 2) { t.perr(`can't get next link: ${t.strerror()}${t.errno === 22 ? ' -- kernel too old?' : ''}`); ret = -1; }
      break;
    }
    id = num(attr.next_id);
    const fd = t.bpf('BPF_LINK_GET_FD_BY_ID', { link_id: id });
    if (fd < 0) {
      if (t.errno === 2) continue;
      t.perr(`can't get link by id (${id}): ${t.strerror()}`);
      ret = -1;
      break;
    }
    if (showLink(t, fd, c)) { ret = -1; break; }
  }
  t.json?.endArray();
  return ret;
}

function doPin(a: Args): number {
  const err = doPinAny(a, linkParseFd);
  if (!err) a.tool.json?.null();
  return err;
}

function doDetach(a: Args): number {
  const t = a.tool;
  if (a.argc !== 2) {
    t.perr('link specifier is invalid or missing\n');
    return 1;
  }
  const fd = linkParseFd(a);
  if (fd < 0) return 1;
  const r = t.bpf('BPF_LINK_DETACH', { link_fd: fd });
  t.close(fd);
  if (r < 0) {
    t.perr(`failed link detach: ${t.strerror(r)}`);
    return 1;
  }
  t.json?.null();
  return 0;
}

function help(t: Tool): number {
  if (t.json) { t.json.null(); return 0; }
  t.eprintf(
    'Usage: bpftool link { show | list }   [LINK]\n'
    + '       bpftool link pin        LINK  FILE\n'
    + '       bpftool link detach     LINK\n'
    + '       bpftool link help\n'
    + '\n'
    + `       ${HELP_SPEC_LINK}\n`
    + `       ${HELP_SPEC_OPTIONS} |\n`
    + '                    {-f|--bpffs} | {-n|--nomount} }\n');
  return 0;
}

export function doLink(a: Args): number {
  const h = (): number => help(a.tool);
  return cmdSelect(a, [
    { cmd: 'show', fn: doShow }, { cmd: 'list', fn: doShow }, { cmd: 'help', fn: h },
    { cmd: 'pin', fn: doPin }, { cmd: 'detach', fn: doDetach },
  ], h);
}

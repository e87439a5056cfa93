/**
 * `bpftool iter` (bpftool v7.7.0 src/iter.c): `pin OBJ PATH [map MAP]` opens and loads the
 * object (BPF C source from `options.files`), attaches its first program as an iterator
 * (with the map as `iter_info` when given), pins the link at PATH and lets go of
 * everything else: the pin is all that keeps the iterator.
 */
import { mountBpffsForFile, openObjectFile } from './common';
import { mapParseFd } from './map';
import { Args, cmdSelect, HELP_SPEC_MAP, HELP_SPEC_OPTIONS, isPrefix, type Tool } from './tool';

const BPF_F_RDONLY = 1 << 3;

function doPin(a: Args): number {
  const t = a.tool;
  if (!a.req(2)) t.usage();
  const objfile = a.get();
  const path = a.get();
  let mapFd = -1;
  let linkInfo: Record<string, unknown> | undefined;
  if (a.argc && isPrefix(a.cur, 'map')) {
    a.next();
    if (!a.req(2)) { t.perr('incorrect map spec'); return -1; }
    mapFd = mapParseFd(a, BPF_F_RDONLY);
    if (mapFd < 0) return -1;
    linkInfo = { map: { map_fd: mapFd } };
  }
  const lib = t.lib;
  const closeMap = (): void => { if (mapFd >= 0) t.close(mapFd); };
  const obj = openObjectFile(t, objfile);
  if (!obj) { t.perr(`can't open objfile ${objfile}`); closeMap(); return -1; }
  const done = (err: number): number => { lib.bpf_object__close(obj); closeMap(); return err; };
  if (lib.bpf_object__load(obj)) { t.perr(`can't load objfile ${objfile}`); return done(-1); }
  const prog = lib.bpf_object__next_program(obj, null);
  if (!prog) { t.perr(`can't find bpf program in objfile ${objfile}`); return done(-1); }
  const link = lib.bpf_program__attach_iter(prog, linkInfo ? { link_info: linkInfo, link_info_len: 16 } : {});
  if (!link) { t.perr(`attach_iter failed for program ${prog.name}`); return done(-1); }
  let err = mountBpffsForFile(t, path);
  if (!err) {
    err = lib.bpf_link__pin(link, path);
    if (err) t.perr(`pin_iter failed for program ${prog.name} to path ${path}`);
  }
  lib.bpf_link__destroy(link);
  return done(err);
}

function help(t: Tool): number {
  t.eprintf(
    'Usage: bpftool iter pin OBJ PATH [map MAP]\n'
    + '       bpftool iter help\n'
    + '\n'
    + `       ${HELP_SPEC_MAP}\n`
    + `       ${HELP_SPEC_OPTIONS} }\n`);
  return 0;
}

export function doIter(a: Args): number {
  const h = (): number => help(a.tool);
  return cmdSelect(a, [{ cmd: 'help', fn: h }, { cmd: 'pin', fn: doPin }], h);
}

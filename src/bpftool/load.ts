/**
 * `bpftool prog load` / `loadall` (bpftool v7.7.0 src/prog.c `load_with_options`): open the
 * object with libbpf (BPF C source from `options.files`), load every program, pin the first
 * one (or all), optionally attach them and pin their links instead, optionally pin maps.
 */
import { progTypeByName } from '../libbpf/sections';
import type { BpfObject } from '../libbpf/index';
import type { BpfProgram } from '../libbpf/object';
import { createAndMountBpffsDir, mountBpffsForFile, openObjectFile, parseId } from './common';
import { mapParseFd } from './map';
import { isPrefix, type Args, type Tool } from './tool';

/** `get_prog_type_by_name`: silent first, then again printing libbpf's debug lines. */
function progTypeFor(t: Tool, name: string): { type: string; eat: string | null } | null {
  const r = progTypeByName(name);
  if ('def' in r) return { type: `BPF_PROG_TYPE_${r.def.progType}`, eat: r.def.attachType ? `BPF_${r.def.attachType}` : null };
  for (const line of r.debug) t.eprintf(`${line}\n`);
  return null;
}

/** `auto_attach_program`: attach and pin the link, or fall back to pinning the program. */
function autoAttach(t: Tool, prog: BpfProgram, path: string): number {
  const lib = t.lib;
  const link = lib.bpf_program__attach(prog);
  if (!link) {
    t.pinfo(`Program ${prog.name} does not support autoattach, falling back to pinning`);
    return t.bpf('BPF_OBJ_PIN', { bpf_fd: prog.fd, pathname: path });
  }
  const err = lib.bpf_link__pin(link, path);
  lib.bpf_link__destroy(link);
  return err;
}

function autoAttachAll(t: Tool, obj: BpfObject, path: string): number {
  const progs = obj.data.programs;
  for (let i = 0; i < progs.length; i++) {
    const err = autoAttach(t, progs[i]!, `${path}/${progs[i]!.name}`);
    if (err) {
      for (let j = i - 1; j >= 0; j--) t.lib.bpf_program__unpin(progs[j]!, `${path}/${progs[j]!.name}`);
      return err;
    }
  }
  return 0;
}

export function doLoad(a: Args, firstOnly: boolean): number {
  const t = a.tool;
  if (!a.req(2)) return -1;
  const file = a.get();
  const pinfile = a.get();
  let common: { type: string; eat: string | null } | null = null;
  const replace: { idx: number; name: string | null; fd: number }[] = [];
  let pinmaps: string | null = null;
  let autoattach = false;
  const closeReplace = (): void => { for (const r of replace) t.close(r.fd); };
  while (a.argc) {
    if (isPrefix(a.cur, 'type')) {
      a.next();
      if (common) { t.perr('program type already specified'); closeReplace(); return -1; }
      if (!a.req(1)) { closeReplace(); return -1; }
      const r = progTypeByName(a.cur);
      common = 'def' in r ? { type: `BPF_PROG_TYPE_${r.def.progType}`, eat: r.def.attachType ? `BPF_${r.def.attachType}` : null }
        : progTypeFor(t, `${a.cur}/`);
      if (!common) { closeReplace(); return -1; }
      a.next();
    } else if (isPrefix(a.cur, 'map')) {
      a.next();
      if (!a.req(4)) { closeReplace(); return -1; }
      let idx = -1;
      let name: string | null = null;
      if (isPrefix(a.cur, 'idx')) {
        a.next();
        const v = parseId(a.cur);
        if (v === null) { t.perr(`can't parse ${a.cur} as IDX`); closeReplace(); return -1; }
        idx = v;
      } else if (isPrefix(a.cur, 'name')) {
        a.next();
        name = a.cur;
      } else {
        t.perr(`expected 'idx' or 'name', got: '${a.cur}'?`);
        closeReplace();
        return -1;
      }
      a.next();
      const fd = mapParseFd(a, 0);
      if (fd < 0) { closeReplace(); return -1; }
      replace.push({ idx, name, fd });
    } else if (isPrefix(a.cur, 'pinmaps')) {
      a.next();
      if (!a.req(1)) { closeReplace(); return -1; }
      pinmaps = a.get();
    } else if (isPrefix(a.cur, 'autoattach')) {
      autoattach = true;
      a.next();
    } else if (isPrefix(a.cur, 'kernel_btf')) {
      a.next();
      if (!a.req(1)) { closeReplace(); return -1; }
      a.get();
    } else {
      t.perr(`expected no more arguments, 'type', 'map', 'offload_dev', 'xdpmeta_dev', 'pinmaps', 'autoattach', or 'kernel_btf', got: '${a.cur}'?`);
      closeReplace();
      return -1;
    }
  }
  const lib = t.lib;
  const obj = openObjectFile(t, file, { relaxed_maps: t.relaxedMaps });
  if (!obj) { t.perr('failed to open object file'); closeReplace(); return -1; }
  const fail = (): number => { lib.bpf_object__close(obj); closeReplace(); return -1; };
  for (const p of obj.data.programs) {
    const pt = common ?? progTypeFor(t, p.secName);
    if (!pt) return fail();
    lib.bpf_program__set_type(p, pt.type);
    lib.bpf_program__set_expected_attach_type(p, pt.eat ?? 0);
  }
  const maps = obj.data.maps;
  for (const r of replace) {
    if (r.name === null) continue;
    r.idx = maps.findIndex((m) => m.name === r.name);
    if (r.idx < 0) { t.perr(`unable to find map '${r.name}'`); return fail(); }
  }
  replace.sort((x, y) => x.idx - y.idx);
  for (let k = 0; k < replace.length; k++) {
    const r = replace[k]!;
    if (k > 0 && replace[k - 1]!.idx === r.idx) { t.perr(`replacement for map idx ${r.idx} specified more than once`); return fail(); }
    const m = maps[r.idx];
    if (!m) { t.perr(`map idx '${r.idx}' not used`); return fail(); }
    const fd = t.kernel.dup(t.pid, r.fd);
    if (fd < 0) { t.perr(`unable to set up map reuse: ${fd}`); return fail(); }
    m.fd = fd;
    m.reused = true;
  }
  if (lib.bpf_object__load(obj)) { t.perr('failed to load object file'); return fail(); }
  if ((firstOnly ? mountBpffsForFile(t, pinfile) : createAndMountBpffsDir(t, pinfile))) return fail();
  if (firstOnly) {
    const prog = lib.bpf_object__next_program(obj, null);
    if (!prog) { t.perr("object file doesn't contain any bpf program"); return fail(); }
    const err = autoattach ? autoAttach(t, prog, pinfile) : t.bpf('BPF_OBJ_PIN', { bpf_fd: prog.fd, pathname: pinfile });
    if (err) { t.perr(`failed to pin program ${prog.secName}`); return fail(); }
  } else {
    const err = autoattach ? autoAttachAll(t, obj, pinfile) : lib.bpf_object__pin_programs(obj, pinfile);
    if (err) { t.perr('failed to pin all programs'); return fail(); }
  }
  if (pinmaps) {
    let err = createAndMountBpffsDir(t, pinmaps);
    if (!err) {
      err = lib.bpf_object__pin_maps(obj, pinmaps);
      if (err) t.perr('failed to pin all maps');
    }
    if (err) {
      if (firstOnly) t.kernel.unlink(t.pid, pinfile); else lib.bpf_object__unpin_programs(obj, pinfile);
      return fail();
    }
  }
  t.json?.null();
  lib.bpf_object__close(obj);
  closeReplace();
  return 0;
}

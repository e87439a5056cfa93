/**
 * `bpf_object__open_*`: from a parsed BPF C source to libbpf's view of the object file —
 * programs typed by the section table, `.maps` maps, internal maps for global data with
 * libbpf's names, the license. Mirrors `bpf_object__elf_collect`, `bpf_object__init_maps`,
 * `bpf_object_init_progs` (libbpf v1.7.0 src/libbpf.c).
 */
import { uapi } from '../kernel/index';
import { placeGlobals, reachable, type Placed } from './layout';
import type { MapField } from './cparser';
import type { ParsedFunc, ParsedSource, ParsedVar } from './parse';
import { findSecDef, secDefUapi, type SecDef } from './sections';
import { alignUp } from './ctypes';
import { LIBBPF_ONLY_ATTACH_TYPES } from './names';

export const EOPNOTSUPP = 95;
export const EINVAL = 22;

export type LibbpfMapType = 'user' | 'data' | 'bss' | 'rodata';

export interface BpfMap {
  /** `bpf_map__name`. */
  name: string;
  /** The name the kernel gets (internal maps: libbpf's shortened name). */
  kname: string;
  realName: string;
  libbpfType: LibbpfMapType;
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  mapFlags: number;
  numaNode: number;
  mapExtra: number;
  pinning: number;
  pinPath: string | null;
  pinned: boolean;
  /** Found pinned at load and used instead of creating one. */
  reused: boolean;
  fd: number;
  autocreate: boolean;
  /** Where the definition is (user maps and named globals). */
  line: number;
  col: number;
}

export interface BpfProgram {
  name: string;
  secName: string;
  secDef: SecDef | null;
  /** Program type and expected attach type as numbers (0 = unspec / none). */
  type: number;
  expectedAttachType: number;
  autoload: boolean;
  fd: number;
  /** Maps the program's code refers to, in the order of first reference. */
  mapRefs: BpfMap[];
  line: number;
  col: number;
}

export interface BpfObjectData {
  name: string;
  path: string;
  license: string;
  programs: BpfProgram[];
  maps: BpfMap[];
  state: 'open' | 'loaded';
  /** The source file diagnostics point into (`name.bpf.c`). */
  sourceName?: string;
}

/** An open failure: libbpf's messages and the errno (positive). */
export class OpenError {
  constructor(readonly errno: number, readonly messages: string[], readonly line = 0, readonly col = 0) {}
}

const pt = (name: string): number => (uapi.BPF_PROG_TYPE as readonly string[]).indexOf(name);
/** An expected attach type's value; libbpf 1.7 knows a few the model's uapi (6.18) lacks. */
const at = (name: string | null): number => {
  if (!name) return 0;
  const i = (uapi.BPF_ATTACH_TYPE as readonly string[]).indexOf(name);
  return i >= 0 ? i : LIBBPF_ONLY_ATTACH_TYPES[name] ?? -1;
};

/** `internal_map_name`. */
export function internalMapName(objName: string, realName: string): string {
  const sfx = Math.min(Math.max(7, realName.length), 15);
  const pfx = realName.slice(1).includes('.') ? 0 : Math.min(16 - sfx - 1, objName.length);
  return (objName.slice(0, pfx) + realName.slice(0, sfx)).replace(/[^A-Za-z0-9_.]/g, '_');
}

function newMap(name: string, kname: string, realName: string, libbpfType: LibbpfMapType, line: number, col: number): BpfMap {
  return { name, kname, realName, libbpfType, type: 0, keySize: 0, valueSize: 0, maxEntries: 0, mapFlags: 0, numaNode: 0,
    mapExtra: 0, pinning: 0, pinPath: null, pinned: false, reused: false, fd: -1, autocreate: true, line, col };
}

/** `parse_btf_map_def` for a `.maps` variable. */
function btfMap(v: ParsedVar, strict: boolean, pinRoot: string): BpfMap {
  const name = v.name;
  const m = newMap(name, name.slice(0, 15), name, 'user', v.loc.line, v.loc.col);
  const fields: MapField[] = v.type.mapFields ?? [];
  const warn = (msg: string, errno = EINVAL): never => { throw new OpenError(errno, [`libbpf: map '${name}': ${msg}`], v.loc.line, v.loc.col); };
  if (v.isStatic) warn('unsupported map linkage static.', EOPNOTSUPP);
  if (!v.type.mapFields) warn('unexpected def kind var.');
  let key = 0;
  let value = 0;
  fields.forEach((f, idx) => {
    switch (f.name) {
      case 'type': m.type = f.value; break;
      case 'max_entries': m.maxEntries = f.value; break;
      case 'map_flags': m.mapFlags = f.value; break;
      case 'numa_node': m.numaNode = f.value; break;
      case 'map_extra': m.mapExtra = f.value; break;
      case 'key_size': case 'value_size': {
        const cur = f.name === 'key_size' ? key : value;
        if (cur && cur !== f.value) warn(`conflicting ${f.name.replace('_size', '')} size ${cur} != ${f.value}.`);
        if (f.name === 'key_size') key = f.value; else value = f.value;
        break;
      }
      case 'key': case 'value': {
        const sz = f.type?.size ?? 0;
        const cur = f.name === 'key' ? key : value;
        if (cur && cur !== sz) warn(`conflicting ${f.name} size ${cur} != ${sz}.`);
        if (f.name === 'key') key = sz; else value = sz;
        break;
      }
      case 'values': {
        if (idx !== fields.length - 1) warn(`'values' member should be last.`);
        const t = uapi.BPF_MAP_TYPE[m.type] ?? '';
        if (!/OF_MAPS|PROG_ARRAY/.test(t)) warn('should be map-in-map or prog-array.', EOPNOTSUPP);
        if (value && value !== 4) warn(`conflicting value size ${value} != 4.`);
        value = 4;
        break;
      }
      case 'pinning':
        if (f.value !== 0 && f.value !== 1) warn(`invalid pinning value ${f.value}.`);
        m.pinning = f.value;
        if (f.value === 1) m.pinPath = `${pinRoot}/${name}`;
        break;
      default:
        if (strict) warn(`unknown field '${f.name}'.`, EOPNOTSUPP);
    }
  });
  if (!m.type) warn(`map type isn't specified.`);
  m.keySize = key;
  m.valueSize = value;
  if (uapi.BPF_MAP_TYPE[m.type] === 'BPF_MAP_TYPE_RINGBUF' || uapi.BPF_MAP_TYPE[m.type] === 'BPF_MAP_TYPE_USER_RINGBUF') {
    m.keySize = 0;
    m.valueSize = 0;
  }
  return m;
}

function sectionKind(sec: string): LibbpfMapType | null {
  if (sec === '.data' || sec.startsWith('.data.')) return 'data';
  if (sec === '.rodata' || sec.startsWith('.rodata.')) return 'rodata';
  if (sec === '.bss' || sec.startsWith('.bss.')) return 'bss';
  return null;
}

export interface OpenOptions {
  objName: string;
  path: string;
  /** bpftool -m: unknown map fields are ignored (debug message) instead of failing. */
  relaxedMaps?: boolean;
  pinRootPath?: string;
}

/** Build libbpf's object from the parsed source. `info` collects INFO/DEBUG messages. */
export function collectObject(src: ParsedSource, opts: OpenOptions, info: string[]): BpfObjectData {
  const { placed, funcs } = placeGlobals(src);
  let license = '';
  const strict = !opts.relaxedMaps;
  const maps: BpfMap[] = [];
  const byVar = new Map<string, BpfMap>();
  const mapsSec = placed.filter((p) => p.v && p.sec === '.maps');
  for (const p of mapsSec) {
    const m = btfMap(p.v!, strict, opts.pinRootPath ?? '/sys/fs/bpf');
    maps.push(m);
    byVar.set(p.v!.name, m);
  }
  for (const it of src.items) {
    if (it.kind === 'var' && it.v.sec === 'license') license = (it.v.initString ?? '').slice(0, 63);
    if (it.kind === 'var' && it.v.sec === 'maps') throw new OpenError(EOPNOTSUPP, [`libbpf: elf: legacy map definitions in 'maps' section are not supported by libbpf v1.0+`], it.v.loc.line, it.v.loc.col);
  }
  // Data sections, in the order of their first variable (ELF section order).
  const sections = new Map<string, { items: Placed[]; size: number }>();
  let rodataStr = 0;
  for (const p of placed) {
    if (p.sec === '.maps' || p.sec === 'license' || p.sec === 'version') continue;
    const s = sections.get(p.sec) ?? { items: [], size: 0 };
    s.size = alignUp(s.size, p.align) + p.size;
    s.items.push(p);
    sections.set(p.sec, s);
  }
  const progFuncs = src.items.flatMap((it) => (it.kind === 'func' && it.f.sec ? [it.f] : []));
  const strs = new Set<string>();
  for (const f of progFuncs) for (const g of reachable(f, funcs)) for (const s of g.strings) strs.add(s);
  for (const s of strs) rodataStr += s.length + 1;
  if (rodataStr) sections.set('.rodata.str1.1', { items: [], size: rodataStr });
  let secIdx = 3 + new Set(progFuncs.map((f) => f.sec)).size * 2;
  for (const [sec, s] of sections) {
    secIdx++;
    const kind = sectionKind(sec);
    if (!kind) { info.push(`libbpf: elf: skipping unrecognized data section(${secIdx}) ${sec}`); continue; }
    if (s.size === 0) continue;
    const isCustom = sec.slice(1).includes('.');
    const kname = internalMapName(opts.objName, sec);
    const name = isCustom && kind !== 'bss' ? sec : kname;
    const first = s.items.find((p) => p.v)?.v;
    const m = newMap(name, kname.slice(0, 15), sec, kind, first?.loc.line ?? 0, first?.loc.col ?? 0);
    m.type = uapi.BPF_MAP_TYPE.indexOf('BPF_MAP_TYPE_ARRAY');
    m.keySize = 4;
    m.valueSize = s.size;
    m.maxEntries = 1;
    m.mapFlags = kind === 'rodata' ? uapi.FLAG_VALUES.BPF_F_RDONLY_PROG : 0;
    if (s.items.some((p) => !p.isStatic)) m.mapFlags |= uapi.FLAG_VALUES.BPF_F_MMAPABLE;
    maps.push(m);
    for (const p of s.items) if (p.v) byVar.set(p.v.name, m);
    if (sec === '.rodata.str1.1') byVar.set('\0str', m);
  }
  const rodata = maps.find((m) => m.realName === '.rodata');
  const programs = progFuncs.map((f) => program(f, funcs, byVar, rodata ?? null, info));
  // Grouped by section: sections in the order of their first program.
  const secOrder = [...new Set(programs.map((p) => p.secName))];
  programs.sort((a, b) => secOrder.indexOf(a.secName) - secOrder.indexOf(b.secName));
  return { name: opts.objName, path: opts.path, license, programs, maps, state: 'open' };
}

function program(f: ParsedFunc, funcs: Map<string, ParsedFunc>, byVar: Map<string, BpfMap>, rodata: BpfMap | null,
  info: string[]): BpfProgram {
  let secName = f.sec!;
  const autoload = !secName.startsWith('?');
  if (!autoload) secName = secName.slice(1);
  if (f.isStatic) throw new OpenError(EOPNOTSUPP, [`libbpf: sec '${f.sec}': program '${f.name}' is static and not supported`], f.loc.line, f.loc.col);
  const def = findSecDef(secName);
  if (!def) info.push(`libbpf: prog '${f.name}': unrecognized ELF section name '${secName}'`);
  const u = def ? secDefUapi(def) : null;
  const mapRefs: BpfMap[] = [];
  const add = (m: BpfMap | undefined): void => { if (m && !mapRefs.includes(m)) mapRefs.push(m); };
  for (const g of reachable(f, funcs)) {
    for (const use of g.uses) {
      if ('fmt' in use) add(rodata ?? undefined);
      else add(byVar.get(use.ref));
    }
    if (g.strings.length) add(byVar.get('\0str'));
  }
  return {
    name: f.name, secName, secDef: def, type: u ? pt(u.progType) : 0,
    expectedAttachType: at(u?.attachType ?? null),
    autoload, fd: -1, mapRefs, line: f.loc.line, col: f.loc.col,
  };
}

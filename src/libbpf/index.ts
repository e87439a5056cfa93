/**
 * The libbpf API on the kernel model (contract: shared/spec/kernel-api.md §2), acting as one
 * process, with libbpf 1.0's conventions: functions returning a pointer return `null` and
 * set `errno` (positive); functions returning `int` return `-errno`.
 */
import { uapi, type Kernel } from '../kernel/index';
import { attachAuto, attachFd, attachIter, attachRawTracepoint, attachTrace, type IterAttachOpts } from './attach';
import { basename, LibbpfCore, type PrintFn } from './core';
import { BpfLink, linkDestroy, linkDetach, linkOpen, linkPin, linkUnpin, linkUpdateProgram } from './link';
import { objectLoad, preparePinPath } from './load';
import { collectObject, OpenError, type BpfMap, type BpfObjectData, type BpfProgram } from './object';
import { parseSource, SourceError } from './parse';
import { objectPinMaps, objectPinPrograms, objectUnpinPrograms, programPin, programUnpin } from './pin';

export type { BpfMap, BpfProgram } from './object';
export { BpfLink } from './link';
export type { Diagnostic, PrintFn, PrintLevel } from './core';
export { errstr } from './core';
export { SECTION_DEFS, findSecDef, progTypeByName, type SecDef } from './sections';
export { attachTypeStr, linkTypeStr, mapTypeStr, progTypeStr } from './names';

/** An opened object (`struct bpf_object *`). */
export class BpfObject {
  constructor(readonly data: BpfObjectData) {}
  get name(): string { return this.data.name; }
}

export interface OpenMemOptions {
  /** `bpf_object_open_opts.pin_root_path` (default `/sys/fs/bpf`). */
  pin_root_path?: string;
  /** `relaxed_maps`: ignore unknown members of map definitions. */
  relaxed_maps?: boolean;
}

/** libbpf's name for an object opened from a path: the base name up to its first dot, at
 * most 15 characters (`test_link_pinning.bpf.o` -> `test_link_pinni`). */
export function objectNameOf(path: string): string {
  return basename(path).split('.')[0]!.slice(0, 15);
}

const ENOENT = 2;

export class Libbpf extends LibbpfCore {
  constructor(kernel: Kernel, pid: number) { super(kernel, pid); }

  libbpf_set_print(fn: PrintFn | null): PrintFn | null { return this.setPrint(fn); }
  libbpf_get_error(p: unknown): number { return p ? 0 : -this.errno; }

  /**
   * Open a BPF C source as the object clang would make of it. `name` is the object file's
   * path or name as `bpf_object__open_file` takes it (`test_link_pinning.bpf.o` ->
   * object name `test_link_pinni`, maps `test_lin.bss`); omitted, libbpf's default name
   * for a memory buffer. Source errors are reported as clang reports them.
   */
  bpf_object__open_mem(source: string, name?: string, opts: OpenMemOptions = {}): BpfObject | null {
    if (typeof source !== 'string' || source.length === 0) return this.errPtr(-22);
    const path = name ?? `${(0x55d0c1a0 + source.length * 16).toString(16)}-${source.length.toString(16)}`;
    const sourceName = (name ?? 'source.bpf.c').replace(/\.o$/, '.c');
    try {
      const parsed = parseSource(source);
      const info: string[] = [];
      const data = collectObject(parsed, {
        objName: name ? objectNameOf(name) : path.slice(0, 15), path, relaxedMaps: opts.relaxed_maps, pinRootPath: opts.pin_root_path,
      }, info);
      for (const m of info) {
        if (m.includes('unrecognized ELF section')) this.debug(m); else this.info(m);
      }
      for (const p of data.programs) {
        if (!p.secDef) this.diagnostics.push({ file: sourceName, line: p.line, col: p.col, severity: 'warning',
          message: `SEC("${p.secName}"): libbpf has no such section name; program '${p.name}' will fail to load` });
      }
      data.sourceName = sourceName;
      return new BpfObject(data);
    } catch (e) {
      if (e instanceof SourceError) {
        this.pr('warn', `${sourceName}:${e.line}:${e.col}: error: ${e.why}`, true);
        this.diagnostics.push({ file: sourceName, line: e.line, col: e.col, severity: 'error', message: e.why });
        return this.errPtr(-22);
      }
      if (e instanceof OpenError) {
        for (const m of e.messages) this.warn(m);
        if (e.line) this.diagnostics.push({ file: sourceName, line: e.line, col: e.col, severity: 'error', message: e.messages.join('\n').replace(/^libbpf: /gm, '') });
        return this.errPtr(-e.errno);
      }
      throw e;
    }
  }

  bpf_object__load(obj: BpfObject): number { return objectLoad(this, obj.data); }
  bpf_object__close(obj: BpfObject | null): void {
    if (!obj) return;
    for (const m of obj.data.maps) if (m.fd >= 0) { this.close(m.fd); m.fd = -1; }
    for (const p of obj.data.programs) if (p.fd >= 0) { this.close(p.fd); p.fd = -1; }
  }
  bpf_object__name(obj: BpfObject): string { return obj.data.name; }
  bpf_object__find_program_by_name(obj: BpfObject, name: string): BpfProgram | null {
    return obj.data.programs.find((p) => p.name === name) ?? this.errPtr(-ENOENT);
  }
  bpf_object__find_map_by_name(obj: BpfObject, name: string): BpfMap | null {
    return obj.data.maps.find((m) => m.name === name) ?? this.errPtr(-ENOENT);
  }
  bpf_object__next_program(obj: BpfObject, prev: BpfProgram | null): BpfProgram | null {
    const ps = obj.data.programs;
    return (prev ? ps[ps.indexOf(prev) + 1] : ps[0]) ?? null;
  }
  bpf_object__prev_program(obj: BpfObject, next: BpfProgram | null): BpfProgram | null {
    const ps = obj.data.programs;
    return (next ? ps[ps.indexOf(next) - 1] : ps[ps.length - 1]) ?? null;
  }
  bpf_object__next_map(obj: BpfObject, prev: BpfMap | null): BpfMap | null {
    const ms = obj.data.maps;
    return (prev ? ms[ms.indexOf(prev) + 1] : ms[0]) ?? null;
  }
  bpf_object__pin_programs(obj: BpfObject, path: string): number { return objectPinPrograms(this, obj.data, path); }
  bpf_object__unpin_programs(obj: BpfObject, path: string): number { return objectUnpinPrograms(this, obj.data, path); }
  bpf_object__pin_maps(obj: BpfObject, path: string | null): number { return objectPinMaps(this, obj.data, path); }

  bpf_program__name(p: BpfProgram): string { return p.name; }
  bpf_program__section_name(p: BpfProgram): string { return p.secName; }
  bpf_program__fd(p: BpfProgram): number { return p.fd >= 0 ? p.fd : this.err(-ENOENT); }
  bpf_program__autoload(p: BpfProgram): boolean { return p.autoload; }
  bpf_program__set_autoload(p: BpfProgram, on: boolean): number { p.autoload = on; return 0; }
  /** The program type, as its uapi name. */
  bpf_program__type(p: BpfProgram): string | number { return uapi.BPF_PROG_TYPE[p.type] ?? p.type; }
  bpf_program__set_type(p: BpfProgram, type: string | number): number {
    const v = typeof type === 'number' ? type : (uapi.BPF_PROG_TYPE as readonly string[]).indexOf(type);
    if (v < 0) return this.err(-22);
    p.type = v;
    return 0;
  }
  /** The expected attach type, as its uapi name; `0` when none is set. */
  bpf_program__expected_attach_type(p: BpfProgram): string | number {
    return p.expectedAttachType === 0 ? 0 : uapi.BPF_ATTACH_TYPE[p.expectedAttachType] ?? p.expectedAttachType;
  }
  bpf_program__set_expected_attach_type(p: BpfProgram, t: string | number): number {
    const v = typeof t === 'number' ? t : (uapi.BPF_ATTACH_TYPE as readonly string[]).indexOf(t);
    if (v < 0) return this.err(-22);
    p.expectedAttachType = v;
    return 0;
  }
  bpf_program__pin(p: BpfProgram, path: string): number { return programPin(this, p, path); }
  bpf_program__unpin(p: BpfProgram, path: string): number { return programUnpin(this, p, path); }

  bpf_program__attach(p: BpfProgram): BpfLink | null { return attachAuto(this, p); }
  bpf_program__attach_raw_tracepoint(p: BpfProgram, tp: string): BpfLink | null { return attachRawTracepoint(this, p, tp); }
  bpf_program__attach_trace(p: BpfProgram): BpfLink | null { return attachTrace(this, p); }
  bpf_program__attach_lsm(p: BpfProgram): BpfLink | null { return attachTrace(this, p); }
  bpf_program__attach_iter(p: BpfProgram, opts?: IterAttachOpts): BpfLink | null { return attachIter(this, p, opts); }
  bpf_program__attach_cgroup(p: BpfProgram, cgroupFd: number): BpfLink | null { return attachFd(this, p, { fd: cgroupFd }, 'cgroup'); }
  bpf_program__attach_netns(p: BpfProgram, netnsFd: number): BpfLink | null { return attachFd(this, p, { fd: netnsFd }, 'netns'); }
  bpf_program__attach_xdp(p: BpfProgram, ifindex: number): BpfLink | null { return attachFd(this, p, { ifindex }, 'xdp'); }
  bpf_program__attach_tcx(p: BpfProgram, ifindex: number): BpfLink | null {
    if (!ifindex) {
      this.warn(`prog '${p.name}': target netdevice ifindex cannot be zero`);
      return this.errPtr(-22);
    }
    return attachFd(this, p, { ifindex }, 'tcx');
  }

  bpf_map__name(m: BpfMap): string { return m.name; }
  bpf_map__type(m: BpfMap): string | number { return uapi.BPF_MAP_TYPE[m.type] ?? m.type; }
  bpf_map__key_size(m: BpfMap): number { return m.keySize; }
  bpf_map__value_size(m: BpfMap): number { return m.valueSize; }
  bpf_map__max_entries(m: BpfMap): number { return m.maxEntries; }
  bpf_map__map_flags(m: BpfMap): number { return m.mapFlags; }
  bpf_map__fd(m: BpfMap): number { return m.fd >= 0 ? m.fd : -1; }
  bpf_map__is_pinned(m: BpfMap): boolean { return m.pinned; }
  bpf_map__pin_path(m: BpfMap): string | null { return m.pinPath; }

  bpf_link__fd(l: BpfLink): number { return l.fd; }
  bpf_link__pin_path(l: BpfLink): string | null { return l.pinPath; }
  bpf_link__pin(l: BpfLink, path: string): number { return linkPin(this, l, path); }
  bpf_link__unpin(l: BpfLink): number { return linkUnpin(this, l); }
  bpf_link__open(path: string): BpfLink | null { return linkOpen(this, path); }
  bpf_link__destroy(l: BpfLink | null): number { return linkDestroy(this, l); }
  bpf_link__disconnect(l: BpfLink): void { l.disconnected = true; }
  bpf_link__detach(l: BpfLink): number { return linkDetach(this, l); }
  bpf_link__update_program(l: BpfLink, p: BpfProgram): number { return linkUpdateProgram(this, l, p); }

  /** `make_parent_dir` + `check_path`, as `bpf_link__pin` and friends use them. */
  check_pin_path(path: string): number { return preparePinPath(this, path); }
}

export function createLibbpf(kernel: Kernel, pid: number): Libbpf {
  return new Libbpf(kernel, pid);
}

/**
 * `bpf_object__load` (libbpf v1.7.0 `bpf_object_load`): create the maps, then load the
 * programs in object order, each through the kernel's `bpf()` as the process.
 *
 * What real libbpf also does and the model cannot take, left out on purpose: BPF token
 * creation, feature probes (throw-away loads whose fds are closed at once), loading the
 * object's BTF and writing internal maps' initial values (`BPF_MAP_UPDATE_ELEM`; `.rodata`
 * is then frozen, `BPF_MAP_FREEZE`, as libbpf does). `BPF_PROG_BIND_MAP` of `.rodata` after each load (5.10+) is
 * folded into the load's `fd_array`, which leaves the program holding the same maps in the
 * same order (`map_ids` end with the `.rodata` map).
 */
import { KERNEL_FUNCS, TRACEPOINTS, parseVersion, uapi } from '../kernel/index';
import { errstr, dirname, type LibbpfCore } from './core';
import type { BpfMap, BpfObjectData, BpfProgram } from './object';
import { SEC_ATTACH_BTF, SEC_SLEEPABLE, SEC_USDT, SEC_XDP_FRAGS } from './sections';

const EINVAL = 22;
const ENOENT = 2;
const ESRCH = 3;
const EEXIST = 17;
const BPF_LOG_BUF_SIZE = 0xffffffff >>> 8;

export function kernelVersion(c: LibbpfCore): number {
  return parseVersion(c.kernel.version) ?? 618;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** BPF iterator targets of a 6.18 vmlinux (`bpf_iter_<name>` functions in its BTF). */
const ITER_TARGETS = new Set(['task', 'task_file', 'task_vma', 'bpf_map', 'bpf_map_elem', 'bpf_prog', 'bpf_link',
  'bpf_sk_storage_map', 'cgroup', 'tcp', 'udp', 'unix', 'netlink', 'ipv6_route', 'sockmap', 'ksym', 'kmem_cache', 'dmabuf']);

/** `find_kernel_btf_id` against the model's vmlinux BTF (its tracepoints and functions). */
function findKernelBtf(prog: BpfProgram, name: string): boolean {
  const eat = uapi.BPF_ATTACH_TYPE[prog.expectedAttachType];
  if (eat === 'BPF_TRACE_RAW_TP') return hasOwn(TRACEPOINTS, name);
  if (eat === 'BPF_LSM_MAC' || eat === 'BPF_LSM_CGROUP') return hasOwn(KERNEL_FUNCS, `bpf_lsm_${name}`);
  if (eat === 'BPF_TRACE_ITER') return ITER_TARGETS.has(name);
  return hasOwn(KERNEL_FUNCS, name.replace(/^[^:]*:/, ''));
}

/** `bpf_map__pin` / `bpf_program__pin` path handling: `make_parent_dir` then `check_path`. */
export function preparePinPath(c: LibbpfCore, path: string): number {
  const dir = dirname(path);
  const r = c.kernel.mkdir(c.pid, dir);
  if (r < 0 && r !== -EEXIST) {
    c.warn(`failed to mkdir ${path}: ${errstr(r)}`);
    return r;
  }
  if (!c.isBpffs(dir)) {
    c.warn(`specified path ${path} is not on BPF FS`);
    return -EINVAL;
  }
  return 0;
}

function mapPin(c: LibbpfCore, m: BpfMap): number {
  const err = preparePinPath(c, m.pinPath!);
  if (err) return err;
  const r = c.bpf('BPF_OBJ_PIN', { bpf_fd: m.fd, pathname: m.pinPath });
  if (r < 0) {
    c.warn(`failed to pin map: ${errstr(r)}`);
    return r;
  }
  m.pinned = true;
  c.debug(`pinned map '${m.pinPath}'`);
  return 0;
}

/** `bpf_object__reuse_map`: 0 (reused or nothing pinned there) or -errno. */
function reuseMap(c: LibbpfCore, m: BpfMap): number {
  const fd = c.bpf('BPF_OBJ_GET', { pathname: m.pinPath });
  if (fd < 0) {
    if (fd === -ENOENT) { c.debug(`found no pinned map to reuse at '${m.pinPath}'`); return 0; }
    c.warn(`couldn't retrieve pinned map '${m.pinPath}': ${errstr(fd)}`);
    return fd;
  }
  const attr: Record<string, unknown> = { bpf_fd: fd, info: {} };
  const r = c.bpf('BPF_OBJ_GET_INFO_BY_FD', attr);
  const info = (attr.info ?? {}) as Record<string, unknown>;
  const same = r === 0 && uapi.BPF_MAP_TYPE.indexOf(info.type as (typeof uapi.BPF_MAP_TYPE)[number]) === m.type
    && info.key_size === m.keySize && info.value_size === m.valueSize && info.max_entries === m.maxEntries
    && info.map_flags === m.mapFlags && (info.map_extra ?? 0) === m.mapExtra;
  if (!same) {
    c.warn(`couldn't reuse pinned map at '${m.pinPath}': parameter mismatch`);
    c.close(fd);
    return -EINVAL;
  }
  // libbpf dups the fd onto the map's placeholder fd and closes this one; the model has no
  // placeholder fds (no memfd_create/dup2), so the map keeps this fd.
  m.fd = fd;
  m.pinned = true;
  m.reused = true;
  c.debug(`reused pinned map at '${m.pinPath}'`);
  return 0;
}

function createMaps(c: LibbpfCore, obj: BpfObjectData): number {
  for (let i = 0; i < obj.maps.length; i++) {
    const m = obj.maps[i]!;
    if (!m.autocreate) { c.debug(`map '${m.name}': skipped auto-creating...`); continue; }
    let err = 0;
    let retried = false;
    for (;;) {
      if (m.pinPath) {
        err = reuseMap(c, m);
        if (err) { c.warn(`map '${m.name}': error reusing pinned map`); break; }
        if (retried && m.fd < 0) { c.warn(`map '${m.name}': cannot find pinned map`); err = -ENOENT; break; }
      }
      if (m.fd < 0) {
        const attr: Record<string, unknown> = { map_type: uapi.BPF_MAP_TYPE[m.type] ?? m.type, key_size: m.keySize,
          value_size: m.valueSize, max_entries: m.maxEntries, map_flags: m.mapFlags, map_name: m.kname };
        if (m.numaNode) attr.numa_node = m.numaNode;
        if (m.mapExtra) attr.map_extra = m.mapExtra;
        const fd = c.bpf('BPF_MAP_CREATE', attr);
        if (fd < 0) { err = fd; break; }
        m.fd = fd;
        c.debug(`map '${m.name}': created successfully, fd=${fd}`);
        // bpf_object__populate_internal_map: .rodata is frozen as read-only from the syscall side
        if (m.libbpfType === 'rodata') {
          const r = c.bpf('BPF_MAP_FREEZE', { map_fd: fd });
          if (r < 0) { c.warn(`map '${m.name}': failed to freeze as read-only: ${errstr(r)}`); err = r; break; }
        }
      }
      if (m.pinPath && !m.pinned) {
        err = mapPin(c, m);
        if (err === -EEXIST && !retried) { retried = true; continue; }
        if (err) c.warn(`map '${m.name}': failed to auto-pin at '${m.pinPath}': ${errstr(err)}`);
      }
      break;
    }
    if (err) {
      c.warn(`map '${m.name}': failed to create: ${errstr(err)}`);
      if (m.line) c.diagnostics.push({ file: obj.sourceName ?? '', line: m.line, col: m.col, severity: 'error', message: c.lastWarn.replace(/^libbpf: /, '') });
      for (let j = 0; j <= i; j++) { const o = obj.maps[j]!; if (o.fd >= 0) { c.close(o.fd); o.fd = -1; } }
      return err;
    }
  }
  return 0;
}

/** `libbpf_prepare_prog_load` plus the checks of `bpf_object_load_prog`: the attr, or -errno. */
function progLoadAttr(c: LibbpfCore, obj: BpfObjectData, prog: BpfProgram): Record<string, unknown> | number {
  const typeName = uapi.BPF_PROG_TYPE[prog.type];
  if (prog.type === 0) {
    c.warn(`prog '${prog.name}': missing BPF prog type, check ELF section name '${prog.secName}'`);
    return -EINVAL;
  }
  if (typeName === 'BPF_PROG_TYPE_STRUCT_OPS') {
    c.warn(`prog '${prog.name}': SEC("struct_ops") program isn't referenced anywhere, did you forget to use it?`);
    return -EINVAL;
  }
  const v = kernelVersion(c);
  const flags = prog.secDef?.flags ?? 0;
  let eat = prog.expectedAttachType;
  let progFlags = 0;
  if (flags & SEC_SLEEPABLE) progFlags |= uapi.FLAG_VALUES.BPF_F_SLEEPABLE;
  if (typeName === 'BPF_PROG_TYPE_XDP' && flags & SEC_XDP_FRAGS) progFlags |= uapi.FLAG_VALUES.BPF_F_XDP_HAS_FRAGS;
  if (flags & SEC_USDT && v >= 606) eat = prog.expectedAttachType = uapi.BPF_ATTACH_TYPE.indexOf('BPF_TRACE_UPROBE_MULTI');
  let target: string | null = null;
  if (flags & SEC_ATTACH_BTF) {
    const slash = prog.secName.indexOf('/');
    let err = 0;
    if (slash < 0) {
      c.warn(`prog '${prog.name}': no BTF-based attach target is specified, use bpf_program__set_attach_target()`);
      err = -EINVAL;
    } else if (typeName === 'BPF_PROG_TYPE_EXT') {
      c.warn(`prog '${prog.name}': attach program FD is not set`);
      err = -EINVAL;
    } else {
      target = prog.secName.slice(slash + 1);
      if (!findKernelBtf(prog, target)) {
        c.warn(`prog '${prog.name}': failed to find kernel BTF type ID of '${target}': ${errstr(-ESRCH)}`);
        err = -ESRCH;
      }
    }
    if (err) {
      c.warn(`prog '${prog.name}': failed to prepare load attributes: ${errstr(err)}`);
      return err;
    }
  }
  const fdArray = prog.mapRefs.map((m) => m.fd).filter((fd) => fd >= 0);
  if (v >= 510) {
    // BPF_PROG_BIND_MAP of every .rodata* map after the load, as part of the load here.
    for (const m of obj.maps) if (m.libbpfType === 'rodata' && m.fd >= 0 && !fdArray.includes(m.fd)) fdArray.push(m.fd);
  }
  const attr: Record<string, unknown> = {
    prog_type: typeName, expected_attach_type: uapi.BPF_ATTACH_TYPE[eat] ?? eat, prog_name: prog.name.slice(0, 15),
    license: obj.license, kern_version: (Math.floor(v / 100) << 16) | ((v % 100) << 8),
  };
  if (progFlags) attr.prog_flags = progFlags;
  if (target !== null) attr.attach_func_name = target;
  if (fdArray.length) attr.fd_array = fdArray;
  return attr;
}

function loadProg(c: LibbpfCore, obj: BpfObjectData, prog: BpfProgram): number {
  const attr = progLoadAttr(c, obj, prog);
  if (typeof attr === 'number') return attr;
  let fd = c.bpf('BPF_PROG_LOAD', { ...attr });
  if (fd >= 0) { prog.fd = fd; return 0; }
  // Retry once with a verifier log (libbpf's own buffer) to say why.
  fd = c.bpf('BPF_PROG_LOAD', { ...attr, log_level: 1, log_size: BPF_LOG_BUF_SIZE });
  if (fd >= 0) { prog.fd = fd; return 0; }
  c.warn(`prog '${prog.name}': BPF program load failed: ${errstr(fd)}`);
  return fd;
}

export function objectLoad(c: LibbpfCore, obj: BpfObjectData): number {
  if (obj.state === 'loaded') {
    c.warn(`object '${obj.name}': load can't be attempted twice`);
    return c.err(-EINVAL);
  }
  const unload = (): void => {
    // bpf_object_unpin: the maps this load pinned (not the reused ones).
    for (const m of obj.maps) if (m.pinned && !m.reused && m.pinPath) { c.kernel.unlink(c.pid, m.pinPath); m.pinned = false; }
    for (const m of obj.maps) if (m.fd >= 0) { c.close(m.fd); m.fd = -1; }
    for (const p of obj.programs) if (p.fd >= 0) { c.close(p.fd); p.fd = -1; }
  };
  let err = createMaps(c, obj);
  if (err) {
    unload();
    obj.state = 'loaded';
    return c.err(err);
  }
  for (const prog of obj.programs) {
    if (!prog.autoload) { c.debug(`prog '${prog.name}': skipped loading`); continue; }
    err = loadProg(c, obj, prog);
    if (err) {
      const why = c.lastWarn.replace(/^libbpf: /, '');
      c.warn(`prog '${prog.name}': failed to load: ${errstr(err)}`);
      c.diagnostics.push({ file: obj.sourceName ?? '', line: prog.line, col: prog.col, severity: 'error', message: why });
      break;
    }
  }
  obj.state = 'loaded';
  if (err) {
    unload();
    c.warn(`failed to load object '${obj.path}'`);
    return c.err(err);
  }
  return 0;
}

/**
 * Pinning programs and maps (libbpf v1.7.0 `bpf_program__pin`, `bpf_object__pin_programs`,
 * `bpf_object__pin_maps`), as `bpftool prog load`/`loadall` use them.
 */
import { errstr, type LibbpfCore } from './core';
import { preparePinPath } from './load';
import type { BpfMap, BpfObjectData, BpfProgram } from './object';

const EINVAL = 22;
const ENOENT = 2;
const EEXIST = 17;

export function programPin(c: LibbpfCore, prog: BpfProgram, path: string): number {
  if (prog.fd < 0) {
    c.warn(`prog '${prog.name}': can't pin program that wasn't loaded`);
    return c.err(-EINVAL);
  }
  const err = preparePinPath(c, path);
  if (err) return c.err(err);
  const r = c.bpf('BPF_OBJ_PIN', { bpf_fd: prog.fd, pathname: path });
  if (r < 0) {
    c.warn(`prog '${prog.name}': failed to pin at '${path}': ${errstr(r)}`);
    return c.err(r);
  }
  c.debug(`prog '${prog.name}': pinned at '${path}'`);
  return 0;
}

export function programUnpin(c: LibbpfCore, prog: BpfProgram, path: string): number {
  if (prog.fd < 0) {
    c.warn(`prog '${prog.name}': can't unpin program that wasn't loaded`);
    return c.err(-EINVAL);
  }
  if (!c.isBpffs(path.replace(/\/[^/]*$/, '') || '/')) {
    c.warn(`specified path ${path} is not on BPF FS`);
    return c.err(-EINVAL);
  }
  const r = c.kernel.unlink(c.pid, path);
  if (r < 0) return c.err(r);
  c.debug(`prog '${prog.name}': unpinned from '${path}'`);
  return 0;
}

export function objectPinPrograms(c: LibbpfCore, obj: BpfObjectData, path: string): number {
  if (obj.state !== 'loaded') {
    c.warn('object not yet loaded; load it first');
    return c.err(-ENOENT);
  }
  const ps = obj.programs;
  for (let i = 0; i < ps.length; i++) {
    const err = programPin(c, ps[i]!, `${path}/${ps[i]!.name}`);
    if (err) {
      for (let j = i - 1; j >= 0; j--) programUnpin(c, ps[j]!, `${path}/${ps[j]!.name}`);
      return c.err(err);
    }
  }
  return 0;
}

export function objectUnpinPrograms(c: LibbpfCore, obj: BpfObjectData, path: string): number {
  for (const p of obj.programs) {
    const err = programUnpin(c, p, `${path}/${p.name}`);
    if (err) return c.err(err);
  }
  return 0;
}

/** `bpf_map__pin(map, path)`. */
export function mapPinAt(c: LibbpfCore, m: BpfMap, path: string | null): number {
  if (m.fd < 0) {
    c.warn(`map '${m.name}': can't pin BPF map without FD (was it created?)`);
    return c.err(-EINVAL);
  }
  if (m.pinPath) {
    if (path && path !== m.pinPath) {
      c.warn(`map '${m.name}' already has pin path '${m.pinPath}' different from '${path}'`);
      return c.err(-EINVAL);
    }
    if (m.pinned) { c.debug(`map '${m.name}' already pinned at '${m.pinPath}'; not re-pinning`); return 0; }
  } else {
    if (!path) { c.warn(`missing a path to pin map '${m.name}' at`); return c.err(-EINVAL); }
    if (m.pinned) { c.warn(`map '${m.name}' already pinned`); return c.err(-EEXIST); }
    m.pinPath = path;
  }
  const err = preparePinPath(c, m.pinPath);
  if (err) return c.err(err);
  const r = c.bpf('BPF_OBJ_PIN', { bpf_fd: m.fd, pathname: m.pinPath });
  if (r < 0) {
    c.warn(`failed to pin map: ${errstr(r)}`);
    return c.err(r);
  }
  m.pinned = true;
  c.debug(`pinned map '${m.pinPath}'`);
  return 0;
}

/** `bpf_object__pin_maps`: every map at `path/<name>` with dots made underscores. */
export function objectPinMaps(c: LibbpfCore, obj: BpfObjectData, path: string | null): number {
  for (let i = 0; i < obj.maps.length; i++) {
    const m = obj.maps[i]!;
    if (!m.autocreate) continue;
    let pin: string | null = null;
    if (path) pin = `${path}/${m.name}`.replace(/\./g, '_');
    else if (!m.pinPath) continue;
    const err = mapPinAt(c, m, pin);
    if (err) {
      for (let j = i - 1; j >= 0; j--) {
        const o = obj.maps[j]!;
        if (o.pinPath && o.pinned) { c.kernel.unlink(c.pid, o.pinPath); o.pinned = false; }
      }
      return c.err(err);
    }
  }
  return 0;
}

/**
 * `struct bpf_link` and its API (libbpf v1.7.0): a small user-space record around a link fd
 * — the fd, the path it was pinned at or opened from, and the `disconnected` mark. The
 * kernel link lives as long as something references it; the record's fd is one reference.
 */
import { errstr, type LibbpfCore } from './core';
import { preparePinPath } from './load';
import type { BpfProgram } from './object';

const EINVAL = 22;
const EBUSY = 16;

export class BpfLink {
  /** `pin_path`: where it was pinned or opened from; null if none. */
  pinPath: string | null = null;
  disconnected = false;
  /** Freed by `bpf_link__destroy` (using it afterwards is a use-after-free in C). */
  destroyed = false;
  constructor(public fd: number) {}
}

/** `bpf_link__pin`. */
export function linkPin(c: LibbpfCore, link: BpfLink, path: string): number {
  if (link.pinPath) return c.err(-EBUSY);
  const err = preparePinPath(c, path);
  if (err) return c.err(err);
  link.pinPath = path;
  const r = c.bpf('BPF_OBJ_PIN', { bpf_fd: link.fd, pathname: path });
  if (r < 0) {
    link.pinPath = null;
    return c.err(r);
  }
  c.debug(`link fd=${link.fd}: pinned at ${path}`);
  return 0;
}

/** `bpf_link__unpin`: `unlink(2)` of the stored path. */
export function linkUnpin(c: LibbpfCore, link: BpfLink): number {
  if (!link.pinPath) return c.err(-EINVAL);
  const r = c.kernel.unlink(c.pid, link.pinPath);
  if (r < 0) return c.err(r); // -errno straight from unlink(2); the path is kept
  c.debug(`link fd=${link.fd}: unpinned from ${link.pinPath}`);
  link.pinPath = null;
  return 0;
}

/** `bpf_link__open`: `BPF_OBJ_GET` of a pinned link (no type check, as libbpf). */
export function linkOpen(c: LibbpfCore, path: string): BpfLink | null {
  const fd = c.bpf('BPF_OBJ_GET', { pathname: path });
  if (fd < 0) {
    c.warn(`failed to open link at ${path}: ${fd}`);
    return c.errPtr(fd);
  }
  const link = new BpfLink(fd);
  link.pinPath = path;
  return link;
}

/** `bpf_link__destroy`: runs the detach callback (close the fd) unless disconnected;
 * never unpins. */
export function linkDestroy(c: LibbpfCore, link: BpfLink | null | undefined): number {
  if (!link) return 0;
  let err = 0;
  if (!link.disconnected && !link.destroyed) err = c.close(link.fd);
  link.destroyed = true;
  link.pinPath = null;
  return c.err(err);
}

/** `bpf_link__detach`: `BPF_LINK_DETACH`; the fd stays open. */
export function linkDetach(c: LibbpfCore, link: BpfLink): number {
  const r = c.bpf('BPF_LINK_DETACH', { link_fd: link.fd });
  return r < 0 ? c.err(r) : 0;
}

/** `bpf_link__update_program`: `BPF_LINK_UPDATE` with flags 0. */
export function linkUpdateProgram(c: LibbpfCore, link: BpfLink, prog: BpfProgram): number {
  if (prog.fd < 0) {
    c.warn(`prog '${prog.name}': can't use BPF program without FD (was it loaded?)`);
    return c.err(-EINVAL);
  }
  const r = c.bpf('BPF_LINK_UPDATE', { link_fd: link.fd, new_prog_fd: prog.fd });
  return r < 0 ? c.err(r) : 0;
}

export { errstr };

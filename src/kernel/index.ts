/**
 * The kernel model's public API (contract: shared/spec/kernel-api.md §1). Pure TypeScript:
 * no React, DOM or browser API; loads in plain Node (`npx tsx`).
 */
import { Kernel, type KernelOptions } from './kernel';

export { Kernel, type KernelOptions } from './kernel';
export type { ApplyResult, BpfAttr, KernelCall, KernelCallName } from './call';
export { KERNEL_CALL_NAMES } from './call';
export { Errno, errnoName, strerror, type ErrnoName } from './errno';
export type { KernelEvent, KernelEventKind } from './log';
export type * from './snapshot';
export { NEWEST_VERSION, OLDEST_VERSION, NOTABLE_VERSIONS, parseVersion } from './version';
export { TRACEPOINTS, KERNEL_FUNCS, ITER_TARGETS } from './btf';
export { canonicalInsns, canonicalRetval } from './insns';
export * as uapi from './uapi';

export function createKernel(options?: KernelOptions): Kernel {
  return new Kernel(options);
}

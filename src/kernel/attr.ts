/**
 * Reading a model `bpf_attr`: uapi field names, enum values as names or numbers, flag
 * fields as a number or an array of flag names. Anything that could not be encoded as
 * the real union fails the way the kernel fails bad bytes: -EINVAL.
 *
 * `CHECK_ATTR` (kernel/bpf/syscall.c): each command reads a prefix of the union; a
 * non-zero byte after its last field is -EINVAL. Here: a field the command does not read
 * (on this release) must be absent or zero.
 */
import { Errno } from './errno';
import type { BpfAttr } from './call';
import { FLAG_FIELDS, FLAG_VALUES, type FlagName } from './uapi';
import { fail, show, type KernelState } from './state';

/** A field of a command's attr, and the release that added it (default: always there). */
export interface FieldSpec { name: string; since?: number; out?: boolean }

export function isZero(v: unknown, seen = new Set<object>()): boolean {
  if (v === undefined || v === null || v === 0 || v === '' || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') {
    if (seen.has(v)) return true; // a cycle adds no bytes
    seen.add(v);
    return Object.values(v as object).every((x) => isZero(x, seen));
  }
  return false;
}

/** A nested struct of the attr (`link_create.tracing`): its fields, or {} when absent. */
export function subAttr(attr: BpfAttr, field: string): BpfAttr {
  const v = attr[field];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) fail(Errno.EINVAL, 'copy_from_bpfptr', `attr.${field} must be an object`);
  return v as BpfAttr;
}

/** `CHECK_ATTR(CMD)`: fields this command does not read must be zero. */
export function checkAttr(k: KernelState, cmd: string, attr: BpfAttr, fields: readonly FieldSpec[]): void {
  for (const key of Object.keys(attr)) {
    const spec = fields.find((f) => f.name === key);
    if (spec && (!spec.since || k.since(spec.since))) continue;
    if (isZero(attr[key])) continue;
    fail(Errno.EINVAL, 'CHECK_ATTR', spec
      ? `${cmd}: field "${key}" does not exist before ${Math.floor(spec.since! / 100)}.${spec.since! % 100}; its bytes must be zero`
      : `${cmd}: field "${key}" is not part of this command's attr; its bytes must be zero`);
  }
}

/** `put_user`/`copy_to_user` of an out-parameter: EFAULT when the attr cannot be written
 * (a frozen object), as the kernel's copy to read-only memory fails. */
export function putUser(attr: BpfAttr, field: string, value: unknown): void {
  if (!Reflect.set(attr, field, value)) fail(Errno.EFAULT, 'copy_to_user', `attr.${field} cannot be written`);
}

/** An unsigned 32-bit field (fds, ids, sizes). Absent is 0. */
export function u32(attr: BpfAttr, field: string): number {
  const v = attr[field];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff)
    fail(Errno.EINVAL, 'copy_from_bpfptr', `attr.${field} must be a 32-bit integer, got ${show(v)}`);
  return v;
}

/** An fd field: the u32 as the kernel's `int`/`u32` fd argument; negative values stay
 * negative (they name no open file). */
export function fdField(attr: BpfAttr, field: string): number {
  const v = u32(attr, field);
  return v > 0x7fffffff ? v - 0x100000000 : v;
}

/** A u64 field (cookies): any safe integer. */
export function u64(attr: BpfAttr, field: string): number {
  const v = attr[field];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    fail(Errno.EINVAL, 'copy_from_bpfptr', `attr.${field} must be a non-negative integer`);
  return v;
}

/** An enum field given as a uapi name or a number. Unknown names are -EINVAL. */
export function enumField(attr: BpfAttr, field: string, table: readonly string[]): number {
  const v = attr[field];
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  if (typeof v === 'string') {
    const i = table.indexOf(v);
    if (i >= 0) return i;
  }
  return fail(Errno.EINVAL, 'copy_from_bpfptr', `attr.${field}: unknown value ${show(v)}`);
}

/** A flags field: a number, or an array of the flag names this field takes. */
export function flagsField(attr: BpfAttr, field: string): number {
  const v = attr[field];
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  if (Array.isArray(v)) {
    const allowed = FLAG_FIELDS[field] ?? [];
    let n = 0;
    for (const name of v) {
      if (typeof name === 'number' && Number.isInteger(name) && name >= 0) { n |= name; continue; }
      if (typeof name !== 'string' || !allowed.includes(name as FlagName))
        fail(Errno.EINVAL, 'copy_from_bpfptr', `attr.${field}: ${show(name)} is not a flag of this field`);
      n |= FLAG_VALUES[name as FlagName];
    }
    return n >>> 0;
  }
  return fail(Errno.EINVAL, 'copy_from_bpfptr', `attr.${field} must be a number or an array of flag names`);
}

/** A user string (pointer fields: names, paths). Absent is NULL (returns null). */
export function strField(attr: BpfAttr, field: string): string | null {
  const v = attr[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') fail(Errno.EFAULT, 'strncpy_from_user', `attr.${field} must be a string`);
  return v;
}

/** An array of fds (`fd_array` / `map_fds`). */
export function fdArray(attr: BpfAttr, field: string): number[] {
  const v = attr[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(Errno.EFAULT, 'copy_from_bpfptr', `attr.${field} must be an array of fds`);
  return v.map((x) => {
    if (typeof x !== 'number' || !Number.isInteger(x)) fail(Errno.EINVAL, 'copy_from_bpfptr', `attr.${field} holds a non-integer`);
    return x;
  });
}

/** `bpf_obj_name_cpy`: at most 15 characters of [A-Za-z0-9_.]. */
export function objName(attr: BpfAttr, field: string): string {
  const v = attr[field];
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string') fail(Errno.EINVAL, 'bpf_obj_name_cpy', `attr.${field} must be a string`);
  if (v.length > 15) fail(Errno.EINVAL, 'bpf_obj_name_cpy', `"${v}" has no NUL within 16 bytes (at most 15 characters)`);
  if (!/^[A-Za-z0-9_.]*$/.test(v)) fail(Errno.EINVAL, 'bpf_obj_name_cpy', `"${v}": only letters, digits, "_" and "." are allowed`);
  return v;
}

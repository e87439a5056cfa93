/**
 * libbpf's names for uapi enum values (`libbpf_bpf_prog_type_str`, `..._attach_type_str`,
 * `..._map_type_str`, `..._link_type_str`): the uapi name without its prefix, lower case.
 * The model reports enum values as uapi names (strings) or numbers; both are accepted.
 */
import { uapi } from '../kernel/index';

/** Extra names libbpf 1.7 knows beyond the model's uapi tables. */
const EXTRA_MAP_TYPES: Record<number, string> = { 34: 'insn_array' };

function toIndex(table: readonly string[], v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const i = table.indexOf(v);
    return i >= 0 ? i : null;
  }
  return null;
}

function libbpfName(table: readonly string[], prefix: string, v: unknown, extra: Record<number, string> = {}): string | null {
  const i = toIndex(table, v);
  if (i === null) return null;
  const name = table[i];
  if (name === undefined) return extra[i] ?? null;
  return name.slice(prefix.length).toLowerCase();
}

export function progTypeStr(v: unknown): string | null {
  return libbpfName(uapi.BPF_PROG_TYPE, 'BPF_PROG_TYPE_', v);
}
export function attachTypeStr(v: unknown): string | null {
  return libbpfName(uapi.BPF_ATTACH_TYPE, 'BPF_', v);
}
export function mapTypeStr(v: unknown): string | null {
  return libbpfName(uapi.BPF_MAP_TYPE, 'BPF_MAP_TYPE_', v, EXTRA_MAP_TYPES);
}
export function linkTypeStr(v: unknown): string | null {
  return libbpfName(uapi.BPF_LINK_TYPE, 'BPF_LINK_TYPE_', v);
}

/** The numeric value of an enum reported as a uapi name or a number (-1 if unknown). */
export function enumValue(table: readonly string[], v: unknown): number {
  return toIndex(table, v) ?? -1;
}
export const progTypeValue = (v: unknown): number => enumValue(uapi.BPF_PROG_TYPE, v);
export const attachTypeValue = (v: unknown): number => enumValue(uapi.BPF_ATTACH_TYPE, v);
export const mapTypeValue = (v: unknown): number => enumValue(uapi.BPF_MAP_TYPE, v);
export const linkTypeValue = (v: unknown): number => enumValue(uapi.BPF_LINK_TYPE, v);

/** uapi values libbpf 1.7's headers have and Linux 6.18 (the model's newest) lacks. */
export const LIBBPF_ONLY_ATTACH_TYPES: Record<string, number> = { BPF_TRACE_FSESSION: 58 };

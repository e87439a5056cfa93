/**
 * Minimal reader of the running kernel's BTF (/sys/kernel/btf/vmlinux): type names to ids,
 * enum values and struct member offsets. Used to resolve `attach_func_name` to the
 * `attach_btf_id` of this kernel, and by the tests to check the uapi tables against it.
 */
import { readFileSync } from 'node:fs';

const KIND = { INT: 1, PTR: 2, ARRAY: 3, STRUCT: 4, UNION: 5, ENUM: 6, FWD: 7, TYPEDEF: 8,
  VOLATILE: 9, CONST: 10, RESTRICT: 11, FUNC: 12, FUNC_PROTO: 13, VAR: 14, DATASEC: 15,
  FLOAT: 16, DECL_TAG: 17, TYPE_TAG: 18, ENUM64: 19 } as const;

export interface BtfType { id: number; kind: number; name: string; size: number; type: number;
  members?: { name: string; type: number; bitOffset: number }[]; enumValues?: { name: string; value: number }[] }

export interface Btf {
  types: BtfType[];
  /** The id of the first type with this kind and name, or 0. */
  find(kind: 'FUNC' | 'TYPEDEF' | 'STRUCT' | 'UNION' | 'ENUM', name: string): number;
}

export function parseBtf(buf: Buffer): Btf {
  if (buf.readUInt16LE(0) !== 0xeb9f) throw new Error('not BTF');
  const hdrLen = buf.readUInt32LE(4);
  const typeOff = hdrLen + buf.readUInt32LE(8);
  const typeLen = buf.readUInt32LE(12);
  const strOff = hdrLen + buf.readUInt32LE(16);
  const str = (off: number): string => {
    const start = strOff + off;
    const end = buf.indexOf(0, start);
    return buf.toString('latin1', start, end);
  };
  const types: BtfType[] = [{ id: 0, kind: 0, name: '', size: 0, type: 0 }];
  let p = typeOff;
  const endTypes = typeOff + typeLen;
  while (p < endTypes) {
    const nameOff = buf.readUInt32LE(p);
    const info = buf.readUInt32LE(p + 4);
    const sizeOrType = buf.readUInt32LE(p + 8);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    const kflag = info >>> 31;
    const t: BtfType = { id: types.length, kind, name: str(nameOff), size: sizeOrType, type: sizeOrType };
    p += 12;
    switch (kind) {
      case KIND.INT: p += 4; break;
      case KIND.ARRAY: p += 12; break;
      case KIND.STRUCT: case KIND.UNION:
        t.members = [];
        for (let i = 0; i < vlen; i++, p += 12) {
          const off = buf.readUInt32LE(p + 8);
          t.members.push({ name: str(buf.readUInt32LE(p)), type: buf.readUInt32LE(p + 4),
            bitOffset: kflag ? off & 0xffffff : off });
        }
        break;
      case KIND.ENUM:
        t.enumValues = [];
        for (let i = 0; i < vlen; i++, p += 8) {
          t.enumValues.push({ name: str(buf.readUInt32LE(p)), value: buf.readInt32LE(p + 4) >>> 0 });
        }
        break;
      case KIND.ENUM64:
        t.enumValues = [];
        for (let i = 0; i < vlen; i++, p += 12) {
          t.enumValues.push({ name: str(buf.readUInt32LE(p)),
            value: buf.readUInt32LE(p + 4) + buf.readUInt32LE(p + 8) * 2 ** 32 });
        }
        break;
      case KIND.FUNC_PROTO: p += 8 * vlen; break;
      case KIND.VAR: p += 4; break;
      case KIND.DATASEC: p += 12 * vlen; break;
      case KIND.DECL_TAG: p += 4; break;
      default: break;
    }
    types.push(t);
  }
  const index = new Map<string, number>();
  for (const t of types) {
    const key = `${t.kind}:${t.name}`;
    if (t.name && !index.has(key)) index.set(key, t.id);
  }
  return {
    types,
    find: (kind, name) => index.get(`${KIND[kind]}:${name}`) ?? 0,
  };
}

let cached: Btf | undefined;
/** The running kernel's vmlinux BTF, parsed once per Node process. */
export function vmlinuxBtf(path = '/sys/kernel/btf/vmlinux'): Btf {
  cached ??= parseBtf(readFileSync(path));
  return cached;
}

/**
 * A small protocol-buffers reader: the few messages an Anki package holds as protobuf
 * (the package's `meta`, its media map, and in schema 18 the note types', decks' and
 * deck presets' config blobs; see proto/anki/*.proto). Fields are read by number; unknown
 * ones are skipped. Pure.
 */

export type Field =
  | { wire: 0; value: number }
  | { wire: 1; bytes: Uint8Array }
  | { wire: 2; bytes: Uint8Array }
  | { wire: 5; bytes: Uint8Array };

export class ProtobufError extends Error {}

/** The fields of a message, by number, in order of appearance. */
export function decodeMessage(buf: Uint8Array): Map<number, Field[]> {
  const out = new Map<number, Field[]>();
  let p = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= buf.byteLength) throw new ProtobufError('truncated varint');
      const b = buf[p++] as number;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new ProtobufError('varint too long');
  };
  while (p < buf.byteLength) {
    const key = varint();
    const num = Math.floor(key / 8);
    const wire = key % 8;
    let f: Field;
    if (wire === 0) f = { wire, value: varint() };
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (p + n > buf.byteLength) throw new ProtobufError('truncated field');
      f = { wire, bytes: buf.subarray(p, p + n) };
      p += n;
    } else if (wire === 2) {
      const n = varint();
      if (p + n > buf.byteLength) throw new ProtobufError('truncated field');
      f = { wire, bytes: buf.subarray(p, p + n) };
      p += n;
    } else throw new ProtobufError(`unsupported wire type ${wire}`);
    const list = out.get(num);
    if (list) list.push(f);
    else out.set(num, [f]);
  }
  return out;
}

const utf8 = new TextDecoder();

export function int(m: Map<number, Field[]>, n: number, dflt = 0): number {
  const f = m.get(n)?.at(-1);
  return f?.wire === 0 ? f.value : dflt;
}

/** An int64 field read as a signed number (varints of negative values are 10 bytes). */
export function sint64(m: Map<number, Field[]>, n: number, dflt = 0): number {
  const v = int(m, n, dflt);
  return v >= 2 ** 63 ? v - 2 ** 64 : v;
}

export function str(m: Map<number, Field[]>, n: number, dflt = ''): string {
  const f = m.get(n)?.at(-1);
  return f?.wire === 2 ? utf8.decode(f.bytes) : dflt;
}

export function bytesOf(m: Map<number, Field[]>, n: number): Uint8Array | null {
  const f = m.get(n)?.at(-1);
  return f?.wire === 2 ? f.bytes : null;
}

export function message(m: Map<number, Field[]>, n: number): Map<number, Field[]> | null {
  const b = bytesOf(m, n);
  return b ? decodeMessage(b) : null;
}

export function messages(m: Map<number, Field[]>, n: number): Map<number, Field[]>[] {
  return (m.get(n) ?? []).flatMap((f) => (f.wire === 2 ? [decodeMessage(f.bytes)] : []));
}

function f32(b: Uint8Array, at = 0): number {
  return new DataView(b.buffer, b.byteOffset + at, 4).getFloat32(0, true);
}

/** A float field, or null when absent. */
export function float(m: Map<number, Field[]>, n: number): number | null {
  const f = m.get(n)?.at(-1);
  return f?.wire === 5 ? f32(f.bytes) : null;
}

/** A repeated float field, packed (proto3's default) or not. */
export function floats(m: Map<number, Field[]>, n: number): number[] {
  const out: number[] = [];
  for (const f of m.get(n) ?? []) {
    if (f.wire === 5) out.push(f32(f.bytes));
    else if (f.wire === 2)
      for (let i = 0; i + 4 <= f.bytes.byteLength; i += 4) out.push(f32(f.bytes, i));
  }
  return out;
}

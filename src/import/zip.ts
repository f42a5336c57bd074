/**
 * Reading a zip archive from its bytes: the central directory (with ZIP64), and one
 * member at a time, stored or deflated, checked against its CRC-32 and a size limit.
 * An Anki package is such a zip (Anki writes it with the Rust `zip` crate; see
 * rslib/src/import_export/package/colpkg/export.rs). Pure.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { UserError } from '../errors.js';
import { formatBytes } from './limits.js';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A 64-bit little-endian integer as a number (exact below 2^53). */
function u64(v: DataView, at: number): number {
  return v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32;
}

function findEocd(v: DataView): number {
  const min = Math.max(0, v.byteLength - 22 - 0xffff);
  for (let i = v.byteLength - 22; i >= min; i--) if (v.getUint32(i, true) === EOCD) return i;
  return -1;
}

/**
 * The members of a zip archive, by name. `what` names the file in messages. Throws a
 * `UserError` when the bytes are not a zip archive, or its directory is damaged.
 */
export function readZipDirectory(bytes: Uint8Array, what: string): Map<string, ZipEntry> {
  const v = view(bytes);
  const notZip = () =>
    new UserError(`${what} is not a zip archive, so not an Anki package (.apkg or .colpkg)`);
  if (bytes.byteLength < 22) throw notZip();
  const eocd = findEocd(v);
  if (eocd < 0) throw notZip();
  let count = v.getUint16(eocd + 10, true);
  let cdSize = v.getUint32(eocd + 12, true);
  let cdOffset = v.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || v.getUint32(loc, true) !== EOCD64_LOCATOR) throw notZip();
    const rec = u64(v, loc + 8);
    if (rec + 56 > bytes.byteLength || v.getUint32(rec, true) !== EOCD64) throw notZip();
    count = u64(v, rec + 32);
    cdSize = u64(v, rec + 40);
    cdOffset = u64(v, rec + 48);
  }
  const damaged = () =>
    new UserError(`${what} is a damaged zip archive (its directory of members cannot be read)`);
  if (cdOffset + cdSize > bytes.byteLength) throw damaged();
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.byteLength || v.getUint32(p, true) !== CENTRAL) throw damaged();
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    let localOffset = v.getUint32(p + 42, true);
    const nameStart = p + 46;
    if (nameStart + nameLen + extraLen > bytes.byteLength) throw damaged();
    const name = decoder.decode(bytes.subarray(nameStart, nameStart + nameLen));
    // ZIP64: the sizes and offset that do not fit 32 bits, in that order.
    let x = nameStart + nameLen;
    const extraEnd = x + extraLen;
    while (x + 4 <= extraEnd) {
      const id = v.getUint16(x, true);
      const len = v.getUint16(x + 2, true);
      if (id === 0x0001) {
        let q = x + 4;
        if (size === 0xffffffff && q + 8 <= x + 4 + len) {
          size = u64(v, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff && q + 8 <= x + 4 + len) {
          compressedSize = u64(v, q);
          q += 8;
        }
        if (localOffset === 0xffffffff && q + 8 <= x + 4 + len) localOffset = u64(v, q);
      }
      x += 4 + len;
    }
    entries.set(name, { name, method, flags, crc, compressedSize, size, localOffset });
    p = extraEnd + commentLen;
  }
  return entries;
}

/**
 * The bytes of one member, at most `limit` of them (a member that declares or inflates to
 * more is refused: `tooLarge` gives the sentence). Checked against its CRC-32.
 */
export function readZipEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  what: string,
  limit: number,
  tooLarge: (size: number) => string,
): Uint8Array {
  const v = view(bytes);
  const damaged = (why: string) =>
    new UserError(`${what}: the member "${entry.name}" of the zip archive is damaged (${why})`);
  if (entry.size > limit) throw new UserError(tooLarge(entry.size));
  if (entry.flags & 1) throw new UserError(`${what}: the member "${entry.name}" is encrypted`);
  const p = entry.localOffset;
  if (p + 30 > bytes.byteLength || v.getUint32(p, true) !== LOCAL) throw damaged('no header');
  const start = p + 30 + v.getUint16(p + 26, true) + v.getUint16(p + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.byteLength) throw damaged('it is cut short');
  const raw = bytes.subarray(start, end);
  let out: Uint8Array;
  if (entry.method === 0) out = raw;
  else if (entry.method === 8) {
    try {
      out = inflateRawSync(raw, { maxOutputLength: Math.max(1, limit) });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw new UserError(tooLarge(limit + 1));
      throw damaged('its compressed data is invalid');
    }
  } else
    throw new UserError(
      `${what}: the member "${entry.name}" uses compression method ${entry.method}, which is not supported (only stored and deflated members are)`,
    );
  if (out.byteLength !== entry.size)
    throw damaged(
      `${formatBytes(out.byteLength)} instead of the ${formatBytes(entry.size)} it declares`,
    );
  if (crc32(out) >>> 0 !== entry.crc >>> 0) throw damaged('its checksum does not match');
  return out;
}

/**
 * Zstandard decompression with fzstd (pure JavaScript, decompression only): Anki writes
 * the collection, the media map and each media file of a current package as zstd
 * streams without a content size (rslib/src/import_export/package/colpkg/export.rs,
 * `zstd_copy`; package/media.rs, `MediaCopier`). The output is capped: a stream that
 * would decompress to more than `limit` bytes is stopped there. Pure.
 */
import { Decompress } from 'fzstd';
import { UserError } from '../errors.js';

const MAGIC = 0xfd2fb528;
/** Input is pushed in pieces of this size, so that the cap is checked as output grows. */
const CHUNK = 1 << 20;

export function isZstd(bytes: Uint8Array): boolean {
  return (
    bytes.byteLength >= 4 &&
    new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === MAGIC
  );
}

/** Decompresses `bytes`; `what` names the data in messages, `tooLarge` gives the sentence at the cap. */
export function unzstd(
  bytes: Uint8Array,
  what: string,
  limit: number,
  tooLarge: (size: number) => string,
): Uint8Array {
  if (!isZstd(bytes))
    throw new UserError(
      `${what} is not zstd-compressed data as Anki writes it (the package is damaged)`,
    );
  const parts: Uint8Array[] = [];
  let total = 0;
  let over = false;
  const d = new Decompress((chunk) => {
    total += chunk.byteLength;
    if (total > limit) over = true;
    else parts.push(chunk);
  });
  try {
    for (let i = 0; i < bytes.byteLength && !over; i += CHUNK) {
      const end = Math.min(bytes.byteLength, i + CHUNK);
      d.push(bytes.subarray(i, end), end === bytes.byteLength);
    }
  } catch {
    throw new UserError(`${what} has a corrupt zstd frame (the package is damaged)`);
  }
  if (over) throw new UserError(tooLarge(total));
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

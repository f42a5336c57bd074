/**
 * How large a package may be. An Anki collection is read whole into memory (sql.js holds
 * the database in WebAssembly memory), so the sizes are checked before anything is
 * decompressed: from the file's size, the zip directory's declared sizes, and the bytes a
 * decompressor has produced so far (a zip or zstd "bomb" is stopped at the limit).
 */
export const LIMITS = {
  /** The package file itself. */
  packageBytes: 2 * 1024 ** 3,
  /** The collection database, uncompressed. */
  collectionBytes: 1024 ** 3,
  /** One media file, uncompressed. */
  mediaFileBytes: 512 * 1024 ** 2,
  /** All media files together, uncompressed. */
  mediaBytes: 8 * 1024 ** 3,
  /** The media map (`media`). */
  mediaMapBytes: 64 * 1024 ** 2,
} as const;

export type Limits = { [K in keyof typeof LIMITS]: number };

/** A size for a sentence: 1.5 GB, 340 MB, 12 kB. */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} kB`;
  return `${n} bytes`;
}

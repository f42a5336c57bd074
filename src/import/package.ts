/**
 * An Anki package (.apkg, .colpkg) from its bytes: which collection to read, the
 * collection itself, and the media files. Follows rslib/src/import_export/package/:
 * `meta` (protobuf `PackageMetadata`, meta.rs) names the collection: version 1
 * `collection.anki2`, 2 `collection.anki21` (both schema 11), 3 `collection.anki21b`
 * (schema 18, zstd-compressed); without `meta`, `collection.anki21` when present, else
 * `collection.anki2`. A version-3 package also holds a dummy `collection.anki2` that only
 * says to update Anki (colpkg/export.rs, `write_dummy_collection`): it is never read.
 * The `media` map is JSON `{"0": "name"}` in versions 1 and 2, and in version 3 protobuf
 * `MediaEntries` (its position is the zip member's name), zstd-compressed like every media
 * file (media.rs). Pure.
 */
import { UserError } from '../errors.js';
import { harmless } from './text.js';
import { readCollection } from './collection.js';
import { formatBytes, LIMITS, type Limits } from './limits.js';
import type { AnkiMedia, AnkiPackage, Revlog } from './model.js';
import { decodeMessage, int, messages, ProtobufError, str } from './protobuf.js';
import { openReadOnly, type SqlJs } from './sqlite.js';
import { readZipDirectory, readZipEntry, type ZipEntry } from './zip.js';
import { unzstd } from './zstd.js';

const COLLECTION_FILES = {
  1: 'collection.anki2',
  2: 'collection.anki21',
  3: 'collection.anki21b',
} as const;

/** Why a media file name could not stay inside the deck's media folder, or null when it can. */
export function unsafeMediaName(name: string): string | null {
  if (name === '' || name === '.' || name === '..') return 'it is not a file name';
  if (/[/\\]/.test(name)) return 'it holds a path separator';
  // eslint-disable-next-line no-control-regex -- control characters are the point
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it holds control characters';
  if (Buffer.byteLength(name) > 255) return 'it is longer than 255 bytes';
  return null;
}

function packageVersion(zip: Map<string, ZipEntry>, bytes: Uint8Array, what: string): 1 | 2 | 3 {
  const meta = zip.get('meta');
  if (!meta) return zip.has('collection.anki21') ? 2 : 1;
  const raw = readZipEntry(
    bytes,
    meta,
    what,
    1024,
    () => `${what}: its "meta" member is too large`,
  );
  let version: number;
  try {
    version = int(decodeMessage(raw), 1);
  } catch {
    throw new UserError(
      `${what}: its "meta" member is damaged (it is not the package metadata Anki writes)`,
    );
  }
  if (version === 1 || version === 2 || version === 3) return version;
  throw new UserError(
    `${what} was written by a newer Anki (package version ${version}) than this sre-cards reads (1 to 3); update sre-cards, or export from Anki with "Support older Anki versions" ticked`,
  );
}

/**
 * Reads a collection's review log elsewhere (`revlog-reader.ts`): given the database's
 * bytes (sql.js holds them here: not to be changed), it starts the read and gives back
 * how to wait for the log, or null when it cannot start it (the log is then read here).
 */
export type ReviewLogElsewhere = (db: Uint8Array, what: string) => (() => Revlog) | null;

/**
 * Reads a package. `what` names it in messages (its file name). With `elsewhere`, the
 * review log is read there while the rest is read here (see `readCollection`).
 */
export function readPackage(
  bytes: Uint8Array,
  what: string,
  SQL: SqlJs,
  limits: Limits = LIMITS,
  elsewhere?: ReviewLogElsewhere | null,
): AnkiPackage {
  if (bytes.byteLength > limits.packageBytes)
    throw new UserError(
      `${what} is too large to import (${formatBytes(bytes.byteLength)}; at most ${formatBytes(limits.packageBytes)})`,
    );
  const zip = readZipDirectory(bytes, what);
  const version = packageVersion(zip, bytes, what);
  const collectionFile = COLLECTION_FILES[version];
  const entry = zip.get(collectionFile);
  if (!entry) {
    const has = [...zip.keys()].some((n) => /^collection\.anki2/.test(n));
    throw new UserError(
      has
        ? `${what} has no ${collectionFile}, which its metadata names, so it cannot be imported`
        : `${what} is a zip archive without an Anki collection in it (no collection.anki2, .anki21 or .anki21b), so not an Anki package`,
    );
  }
  const tooLarge = (size: number) =>
    `${what} is too large to import: its collection takes ${size > limits.collectionBytes ? `over ${formatBytes(limits.collectionBytes)}` : formatBytes(size)} uncompressed, and at most ${formatBytes(limits.collectionBytes)} is supported`;
  let dbBytes = readZipEntry(bytes, entry, what, limits.collectionBytes, tooLarge);
  if (version === 3)
    dbBytes = unzstd(dbBytes, `the collection in ${what}`, limits.collectionBytes, tooLarge);
  const db = openReadOnly(SQL, dbBytes, what);
  let collection;
  try {
    collection = readCollection(db, what, elsewhere ? () => elsewhere(dbBytes, what) : undefined);
  } finally {
    db.close();
  }
  let media: AnkiMedia[];
  try {
    media = readMediaMap(zip, bytes, version, what, limits);
  } catch (e) {
    // A review log read elsewhere that cannot be read is told first, as when read here.
    void collection.revlog;
    throw e;
  }
  let mediaTotal = 0;
  const readMedia = (m: AnkiMedia): Uint8Array => {
    const e = zip.get(m.member);
    if (!e)
      throw new UserError(
        `${what}: the media file "${m.name}" is listed but missing from the package`,
      );
    const big = (size: number) =>
      `${what}: the media file "${m.name}" is too large to import (${size > limits.mediaFileBytes ? `over ${formatBytes(limits.mediaFileBytes)}` : formatBytes(size)})`;
    let data = readZipEntry(bytes, e, what, limits.mediaFileBytes, big);
    if (version === 3)
      data = unzstd(data, `the media file "${m.name}" in ${what}`, limits.mediaFileBytes, big);
    mediaTotal += data.byteLength;
    if (mediaTotal > limits.mediaBytes)
      throw new UserError(
        `${what} is too large to import: its media files take over ${formatBytes(limits.mediaBytes)}`,
      );
    return data;
  };
  return { version, collectionFile, collection, media, readMedia };
}

function readMediaMap(
  zip: Map<string, ZipEntry>,
  bytes: Uint8Array,
  version: 1 | 2 | 3,
  what: string,
  limits: Limits,
): AnkiMedia[] {
  const entry = zip.get('media');
  // Older AnkiDroid versions wrote packages without a media map (package/media.rs).
  if (!entry) return [];
  const big = () => `${what}: its media map is too large`;
  let raw = readZipEntry(bytes, entry, what, limits.mediaMapBytes, big);
  const out: AnkiMedia[] = [];
  if (version === 3) {
    raw = unzstd(raw, `the media map of ${what}`, limits.mediaMapBytes, big);
    let entries;
    try {
      entries = messages(decodeMessage(raw), 1);
    } catch (e) {
      if (e instanceof ProtobufError)
        throw new UserError(`${what}: its media map is damaged (it is not the list Anki writes)`);
      throw e;
    }
    entries.forEach((m, i) => out.push({ name: str(m, 1), member: String(i) }));
  } else {
    let map: unknown;
    try {
      map = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      throw new UserError(`${what}: its media map is damaged (it is not valid JSON)`);
    }
    if (typeof map !== 'object' || map === null || Array.isArray(map))
      throw new UserError(`${what}: its media map is damaged (it is not a JSON object)`);
    for (const [member, name] of Object.entries(map as Record<string, unknown>))
      out.push({ name: String(name), member });
  }
  for (const m of out) {
    const why = unsafeMediaName(m.name);
    if (why)
      throw new UserError(
        `${what}: the media file name "${harmless(m.name)}" is refused, as ${why}: it could be written outside the deck's media folder`,
      );
  }
  return out;
}

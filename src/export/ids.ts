/**
 * Anki's ids for our notes, cards and decks, derived from our permanent ids so that
 * every export gives the same numbers, and note GUIDs as Anki writes them (64 bits in
 * base 91). Pure.
 */
import { hash } from 'node:crypto';

/** Anki's base-91 alphabet: letters, digits, then printable ASCII without quotes, backslash and separators. */
const BASE91 =
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~';

/** A number in Anki's base 91, most significant digit first (as its `guid64()`). */
export function base91(n: bigint): string {
  if (n === 0n) return BASE91[0] ?? 'a';
  let s = '';
  const radix = BigInt(BASE91.length);
  while (n > 0n) {
    s = (BASE91[Number(n % radix)] ?? '') + s;
    n /= radix;
  }
  return s;
}

/**
 * A note's GUID, from the deck's name and the note's permanent id: the same note has
 * the same GUID in every export, whatever its text, so Anki updates it instead of
 * adding a copy.
 */
export function noteGuid(deck: string, noteId: string): string {
  const digest = hash('sha256', `sre-cards\x1f${deck}\x1f${noteId}`, 'buffer');
  return base91(digest.readBigUInt64BE(0));
}

/**
 * Ids are millisecond timestamps in Anki, and its importer rejects ids later than
 * tomorrow: ours fall in a fixed past window (mid-2017 to late 2021).
 */
export const ID_BASE = 1_500_000_000_000;
export const ID_SPAN = 2 ** 37;

/**
 * A 53-bit hash of a string (cyrb53: two multiplicative 32-bit lanes). Ids need spread,
 * not secrecy, and this is many times faster than a digest for 100 000 keys.
 */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function idHash(namespace: string, key: string): number {
  return hash53(`${namespace}\x1f${key}`) % ID_SPAN;
}

/**
 * Stable integer ids for a set of keys. Each key's id comes from a hash of the key;
 * the rare clash is settled by taking the next free number, keys in sorted order, so
 * the same set always gets the same ids.
 */
export function allocateIds(
  keys: Iterable<string>,
  namespace: string,
  reserved: Iterable<number> = [],
): Map<string, number> {
  const unique = [...new Set(keys)];
  const reservedIds = [...reserved];
  // With no clash, every key gets its own hash's number in any order: the keys are
  // sorted (for 100 000 keys, a good part of the work) only to settle a clash.
  const fast = new Set<number>(reservedIds);
  const direct = new Map<string, number>();
  for (const key of unique) {
    const id = ID_BASE + idHash(namespace, key);
    if (fast.has(id)) break;
    fast.add(id);
    direct.set(key, id);
  }
  if (direct.size === unique.length) return direct;
  const sorted = unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const used = new Set<number>(reservedIds);
  const ids = new Map<string, number>();
  for (const key of sorted) {
    let offset = idHash(namespace, key);
    while (used.has(ID_BASE + offset)) offset = (offset + 1) % ID_SPAN;
    used.add(ID_BASE + offset);
    ids.set(key, ID_BASE + offset);
  }
  return ids;
}

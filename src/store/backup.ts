/**
 * Rolling backups: a copy of the last good snapshot, taken by a writer when it opens the
 * collection (never by read-only commands), at most one per study day, the newest N kept
 * (the `backups` setting). A backup is a snapshot like any other: with the event log it
 * gives the whole collection back (`sre-cards doctor --repair` uses them).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isAtomicTmp, writeFileAtomic } from './fsio.js';
import type { DataPaths } from './paths.js';

/** `.snap` (schema 2 on), `.json` (schema 1): a backup keeps its file's format. */
const DAILY_RE = /^collection-(\d{4}-\d{2}-\d{2})\.(snap|json)$/;

export interface Backup {
  path: string;
  name: string;
  /** The study day it was taken on (YYYY-MM-DD). */
  day: string;
}

export function backupName(day: string, ext = '.snap'): string {
  return `collection-${day}${ext}`;
}

/** The daily backups, newest first. Reads only. */
export function listBackups(paths: DataPaths): Backup[] {
  let names: string[];
  try {
    names = readdirSync(paths.backups);
  } catch {
    return [];
  }
  const out: Backup[] = [];
  for (const name of names) {
    const m = DAILY_RE.exec(name);
    if (m) out.push({ path: join(paths.backups, name), name, day: m[1] as string });
  }
  return out.sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
}

/**
 * Takes today's backup of the snapshot if there is none yet, then keeps the newest
 * `keep` (0 keeps none). Returns the backup written, or null. The snapshot must have been
 * read and found good first: a damaged file is never backed up.
 */
export function takeDailyBackup(paths: DataPaths, day: string, keep: number): string | null {
  let written: string | null = null;
  const target = join(paths.backups, backupName(day, extname(paths.snapshot)));
  const taken = listBackups(paths).some((b) => b.day === day);
  if (keep > 0 && existsSync(paths.snapshot) && !taken) {
    mkdirSync(paths.backups, { recursive: true });
    writeFileAtomic(target, readFileSync(paths.snapshot));
    written = target;
  }
  pruneBackups(paths, keep);
  return written;
}

/** Removes daily backups beyond the newest `keep`, and temporary files of interrupted ones. */
export function pruneBackups(paths: DataPaths, keep: number): void {
  for (const b of listBackups(paths).slice(Math.max(0, keep))) removeQuietly(b.path);
  let names: string[];
  try {
    names = readdirSync(paths.backups);
  } catch {
    return;
  }
  for (const n of names) if (isAtomicTmp(n)) removeQuietly(join(paths.backups, n));
}

/** Keeps a copy of a snapshot written by an older schema before it is migrated. */
export function keepBeforeMigration(paths: DataPaths, schema: number): string {
  const target = join(paths.backups, `collection-schema${schema}${extname(paths.snapshot)}`);
  if (!existsSync(target)) {
    mkdirSync(paths.backups, { recursive: true });
    writeFileAtomic(target, readFileSync(paths.snapshot));
  }
  return target;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone, or the folder is read-only: the next writer tries again
  }
}

/**
 * Writing a planned import: the deck folder's files and media are staged in a folder
 * beside the deck folder (same file system), fsynced, then moved into place by rename:
 * a new deck folder in one rename, the files of an existing one each by its own. Until
 * `commit`, nothing is visible; `rollBack` puts the deck folder back as it was.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncDir } from '../store/fsio.js';
import { MEDIA_DIR } from './html.js';
import type { AnkiMedia, AnkiPackage } from './model.js';
import type { PlannedFile } from './plan.js';

function writeDurably(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, 'w', 0o644);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface Staged {
  /** Media files copied, and those already in the folder with the same bytes. */
  mediaWritten: number;
  mediaKept: number;
  /** Media files already in the folder with other bytes: kept as they are. */
  mediaConflicts: string[];
  commit(): void;
  rollBack(): void;
  discard(): void;
}

export function stage(
  deckDir: string,
  files: readonly PlannedFile[],
  pkg: AnkiPackage,
  media: readonly AnkiMedia[],
): Staged {
  const fresh = !existsSync(deckDir) || readdirSync(deckDir).length === 0;
  const tmp = join(dirname(deckDir), `.${basename(deckDir)}.import-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(dirname(deckDir), { recursive: true });
  mkdirSync(join(tmp, MEDIA_DIR), { recursive: true });
  const result = { mediaWritten: 0, mediaKept: 0, mediaConflicts: [] as string[] };
  const moves: [string, string][] = [];
  try {
    for (const f of files) {
      writeDurably(join(tmp, f.path), f.text);
      moves.push([join(tmp, f.path), join(deckDir, f.path)]);
    }
    for (const m of media) {
      const data = pkg.readMedia(m);
      const target = join(deckDir, MEDIA_DIR, m.name);
      if (existsSync(target)) {
        if (Buffer.compare(readFileSync(target), Buffer.from(data)) === 0) result.mediaKept++;
        else result.mediaConflicts.push(m.name);
        continue;
      }
      writeDurably(join(tmp, MEDIA_DIR, m.name), data);
      moves.push([join(tmp, MEDIA_DIR, m.name), target]);
      result.mediaWritten++;
    }
    fsyncDir(tmp);
    fsyncDir(join(tmp, MEDIA_DIR));
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const previous = new Map<string, string | null>();
  let committed = false;
  return {
    ...result,
    commit() {
      if (fresh) {
        if (existsSync(deckDir)) rmdirSync(deckDir);
        if (result.mediaWritten === 0) rmdirSync(join(tmp, MEDIA_DIR));
        renameSync(tmp, deckDir);
        fsyncDir(dirname(deckDir));
      } else {
        mkdirSync(join(deckDir, MEDIA_DIR), { recursive: true });
        for (const [from, to] of moves) {
          previous.set(to, existsSync(to) ? readFileSync(to, 'utf8') : null);
          renameSync(from, to);
        }
        fsyncDir(deckDir);
        fsyncDir(join(deckDir, MEDIA_DIR));
        rmSync(tmp, { recursive: true, force: true });
      }
      committed = true;
    },
    rollBack() {
      if (!committed) return this.discard();
      if (fresh) rmSync(deckDir, { recursive: true, force: true });
      else
        for (const [path, text] of previous) {
          if (text === null) rmSync(path, { force: true });
          else writeDurably(path, text);
        }
    },
    discard() {
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

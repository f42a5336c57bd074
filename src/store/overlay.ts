/**
 * The overlay files of the data folder: `overlays/NAME.md`, your fixes to notes of the
 * built-in deck NAME (replacing them by id; see deck/overlay.ts), and `overlays/NAME.json`,
 * for each note copied there, the hash and text of the built-in note it was copied from,
 * so that `deck check` can say when that note changed since.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  headingLine,
  noteHash,
  noteText,
  overlayHeader,
  parseOverlay,
  type Overlay,
} from '../deck/overlay.js';
import type { Deck, Note } from '../deck/types.js';
import { readErrorText } from '../errors.js';
import { writeFileAtomic } from './fsio.js';

/** The built-in note an overlay note was copied from. */
export interface OverlayBase {
  hash: string;
  front: string;
  back: string;
  /** When it was copied (ISO). */
  at: string;
}

export interface OverlayFiles {
  file: string;
  bases: string;
}

export function overlayFiles(dir: string, deck: string): OverlayFiles {
  const name = encodeURIComponent(deck);
  return { file: join(dir, `${name}.md`), bases: join(dir, `${name}.json`) };
}

/** The overlay's size and time, for the deck's sync key; null when there is none. */
export function overlayStamp(dir: string, deck: string): string | null {
  try {
    const st = statSync(overlayFiles(dir, deck).file);
    return `${st.size} ${st.mtimeMs}`;
  } catch {
    return null;
  }
}

/** Reads a deck's overlay; null when there is none. An unreadable file is an error of it. */
export function readOverlay(dir: string, deck: Deck): (Overlay & { file: string }) | null {
  const { file } = overlayFiles(dir, deck.name);
  if (!existsSync(file)) return null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { file, notes: [], orphans: [], errors: [{ file, line: 1, message: readErrorText(e) }] };
  }
  return { file, ...parseOverlay(file, text, deck) };
}

export function readBases(dir: string, deck: string): Record<string, OverlayBase> {
  try {
    const v = JSON.parse(readFileSync(overlayFiles(dir, deck).bases, 'utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, OverlayBase>)
      : {};
  } catch {
    return {};
  }
}

/**
 * Where to edit a built-in note: its heading in the overlay, copied there first (with
 * the built-in note's hash recorded) when it is not there yet.
 */
export function overlayNote(
  dir: string,
  base: Deck,
  note: Note,
  now: Date,
): { file: string; line: number } {
  const { file, bases } = overlayFiles(dir, base.name);
  mkdirSync(dir, { recursive: true });
  const text = existsSync(file) ? readFileSync(file, 'utf8') : overlayHeader(base.name);
  const at = headingLine(text, note.id);
  if (at !== null) return { file, line: at };
  const sep = text === '' || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  const next = text + sep + noteText(base, note);
  const recorded = readBases(dir, base.name);
  recorded[note.id] = {
    hash: noteHash(note),
    front: note.front,
    back: note.back,
    at: now.toISOString(),
  };
  writeFileAtomic(bases, JSON.stringify(recorded, null, 1) + '\n');
  writeFileAtomic(file, next);
  return { file, line: headingLine(next, note.id) ?? 1 };
}

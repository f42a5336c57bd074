/**
 * `texts/NAME.json`: the text of every card of deck NAME as the collection last took it
 * in, and what changed then (cards edited, with their text before and after; added;
 * retired), so that a session can say how many cards changed and `deck check` can show
 * them. Written by writers when a deck's sources changed; it holds only texts, never
 * progress: deleting it loses only the diffs of the last change.
 */
import { closeSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Card } from '../deck/types.js';
import type { SyncChanges } from '../core/sync.js';
import { writeFileAtomic } from './fsio.js';

export interface CardText {
  front: string;
  back: string;
}

export interface DeckChange {
  /** When the change was taken in (ISO). */
  at: string;
  edited: { id: string; before: CardText | null; after: CardText }[];
  added: string[];
  retired: string[];
  restored: string[];
}

interface TextsFile {
  format: 1;
  deck: string;
  /** id → [hash, front, back]. */
  cards: Record<string, [string, string, string]>;
  last?: DeckChange;
}

const path = (dir: string, deck: string) => join(dir, `${encodeURIComponent(deck)}.json`);

function read(dir: string, deck: string): TextsFile | null {
  try {
    const v = JSON.parse(readFileSync(path(dir, deck), 'utf8')) as TextsFile;
    return v && v.format === 1 && v.cards && typeof v.cards === 'object' ? v : null;
  } catch {
    return null;
  }
}

/** The texts of the cards as last taken in, by id; empty when none were recorded. */
export function recordedTexts(dir: string, deck: string): Map<string, CardText> {
  const f = read(dir, deck);
  const out = new Map<string, CardText>();
  for (const [id, [, front, back]] of Object.entries(f?.cards ?? {})) out.set(id, { front, back });
  return out;
}

/** The last change taken in, if recorded. */
export function lastChange(dir: string, deck: string): DeckChange | null {
  return read(dir, deck)?.last ?? null;
}

/** A change with the texts before (from the record) and after (from the cards). */
export function describeChange(
  dir: string,
  deck: string,
  changes: SyncChanges,
  cards: ReadonlyMap<string, Card>,
  at: Date,
): DeckChange {
  const before = changes.edited.length ? recordedTexts(dir, deck) : new Map<string, CardText>();
  return {
    at: at.toISOString(),
    edited: changes.edited.map((id) => {
      const c = cards.get(id);
      return {
        id,
        before: before.get(id) ?? null,
        after: { front: c?.front ?? '', back: c?.back ?? '' },
      };
    }),
    added: changes.added,
    retired: changes.retired,
    restored: changes.restored,
  };
}

/** Records a deck's texts as taken in now, with the change that brought them (if any). */
export function recordTexts(
  dir: string,
  deck: string,
  cards: readonly Card[],
  change: DeckChange | null,
): void {
  const prev = change ? null : read(dir, deck);
  const file: TextsFile = {
    format: 1,
    deck,
    cards: Object.fromEntries(cards.map((c) => [c.id, [c.hash, c.front, c.back]])),
    ...(change ? { last: change } : prev?.last ? { last: prev.last } : {}),
  };
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(path(dir, deck), JSON.stringify(file));
}

/**
 * Whether the deck's texts were ever recorded: the file is there and begins as
 * `recordTexts` writes it (written whole or not at all, so its first bytes tell; reading
 * it all costs a fifth of a second at 100k cards, on every take-in that changed no card).
 */
export function hasTexts(dir: string, deck: string): boolean {
  const head = Buffer.alloc(HEAD.length);
  let fd: number | null = null;
  try {
    fd = openSync(path(dir, deck), 'r');
    return readSync(fd, head, 0, head.length, 0) === head.length && head.toString() === HEAD;
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** How a texts file begins (`JSON.stringify` keeps the order of `TextsFile`'s fields). */
const HEAD = '{"format":1,"deck":';

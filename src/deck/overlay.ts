/**
 * Overlays: your fixes to notes of a deck you cannot edit in place (the built-in deck
 * lives inside the installed package, which may be read-only and is replaced on
 * update). An overlay is a card file of notes in the usual syntax; each replaces the
 * deck's note of the same id, keeping that note's day, title and file topics, so its
 * cards keep their ids and their history. Pure, but for nothing: the store reads and
 * writes the files.
 */
import { textHash } from './cards.js';
import { parseCardFile } from './parse.js';
import type { Deck, DeckError, Note } from './types.js';
import { noteBlock } from './write.js';

/** The text an overlay file starts with. */
export function overlayHeader(deckName: string): string {
  return `---
title: Your fixes to the built-in deck ${deckName}
---
<!--
Each note below replaces the note of deck ${deckName} with the same id: its cards keep
their ids and their history, and its day, title and file topics stay the built-in
note's. Delete a note here to go back to the built-in text. \`sre-cards deck check\`
says when the built-in note changed since you copied it.
-->
`;
}

/** A note's content as a hash: tells when the built-in note an overlay copied has changed. */
export function noteHash(n: Note): string {
  return textHash(
    n.kind,
    n.front,
    n.back,
    n.type ? `${n.type.ci ? 'ci' : ''}:${n.type.text}` : '',
    n.source ?? '',
    n.planLine ?? '',
    n.topics.join(','),
  );
}

/** The file topics of the deck day a note was written in. */
function fileTopics(deck: Deck, note: Note): string[] {
  return deck.days.find((d) => d.file === note.file)?.topics ?? [];
}

export interface Overlay {
  /** The notes that replace the deck's, in the overlay's order. */
  notes: Note[];
  /** Notes of the overlay the deck does not have (they replace nothing). */
  orphans: { id: string; line: number }[];
  errors: DeckError[];
}

/**
 * Reads an overlay's text against its deck. `file` names the overlay in errors and in
 * the notes' `file` (where `e` opens the editor).
 */
export function parseOverlay(file: string, text: string, deck: Deck): Overlay {
  const byId = new Map(deck.notes.map((n) => [n.id, n]));
  const anyTopic = deck.topics[0]?.id;
  const errors: DeckError[] = [];
  const parsed = parseCardFile(
    file,
    text,
    {
      deckName: deck.name,
      topics: new Set(deck.topics.map((t) => t.id)),
      noteInfo: (id) => {
        const base = byId.get(id);
        if (base)
          return { day: base.day, title: base.dayTitle, fileTopics: fileTopics(deck, base) };
        // A note the deck does not have is set aside below; a topic keeps it from a
        // second error.
        return { day: null, title: '', fileTopics: anyTopic ? [anyTopic] : [] };
      },
    },
    errors,
  );
  const notes: Note[] = [];
  const orphans: Overlay['orphans'] = [];
  const seen = new Set<string>();
  for (const n of parsed?.notes ?? []) {
    if (seen.has(n.id)) {
      errors.push({ file, line: n.line, message: `note "${n.id}" is in the overlay twice` });
      continue;
    }
    seen.add(n.id);
    const base = byId.get(n.id);
    if (!base) orphans.push({ id: n.id, line: n.line });
    else if (base.kind !== n.kind && (base.kind === 'cloze' || n.kind === 'cloze'))
      errors.push({
        file,
        line: n.line,
        message: `note "${n.id}" is a ${base.kind} note in deck ${deck.name}: an overlay keeps its kind (its cards' ids depend on it)`,
      });
    else notes.push(n);
  }
  return { notes: errors.length ? [] : notes, orphans, errors };
}

/** The deck with the overlay's notes in place of its own, in the same order. */
export function applyOverlay(deck: Deck, notes: readonly Note[]): Deck {
  if (notes.length === 0) return deck;
  const byId = new Map(notes.map((n) => [n.id, n]));
  return { ...deck, notes: deck.notes.map((n) => byId.get(n.id) ?? n) };
}

/**
 * A note written in the deck format, to copy into an overlay: its own topics only (the
 * file's come from the note it replaces).
 */
export function noteText(deck: Deck, n: Note): string {
  const own = new Set(fileTopics(deck, n));
  return noteBlock({
    id: n.id,
    kind: n.kind,
    front: n.front,
    back: n.back,
    ...(n.type ? { type: n.type } : {}),
    topics: n.topics.filter((t) => !own.has(t)),
    source: n.source,
    line: n.planLine,
  });
}

/** The line of note `id`'s heading in a card file's text (1-based), or null. */
export function headingLine(text: string, id: string): number | null {
  const lines = text.split(/\r?\n/);
  let fence = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (/^\s*(```|~~~)/.test(l)) fence = !fence;
    else if (!fence && /^##\s+/.test(l) && l.slice(2).trim() === id) return i + 1;
  }
  return null;
}

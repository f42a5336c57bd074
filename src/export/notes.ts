/**
 * From our cards to Anki's notes: which note each card belongs to, its note type, its
 * fields as HTML, its tags, its deck in the `Title::Day N · Title` hierarchy, its GUID
 * and ids, and its new-card position in plan order. Shared by the package and the text
 * export. Pure.
 */
import { planOrder, type StudyCard } from '../core/queue.js';
import type { Deck, Note } from '../deck/types.js';
import { escapeHtml, markdownToHtml } from './html.js';
import { allocateIds, noteGuid } from './ids.js';
import { noteTypeOf, type NoteTypeDef } from './notetypes.js';

export interface ExportSource {
  /** The cards to export: live cards, already filtered. */
  cards: readonly StudyCard[];
  /** Every live card of the collection, so ids and positions do not depend on the filter. */
  allCards: readonly StudyCard[];
  /** Every deck of the collection by name: the notes' text and the decks' titles. */
  decks: ReadonlyMap<string, Deck>;
}

export interface ExportNote {
  /** Our deck's name and the note's permanent id. */
  deck: string;
  note: Note;
  def: NoteTypeDef;
  id: number;
  guid: string;
  /** The Anki deck its cards go to. */
  ankiDeck: string;
  /** The fields in the note type's order, as HTML. */
  fields: string[];
  /** Tags, sorted: `day::61`, `topic::networking::dns`. */
  tags: string[];
  /** When the collection first saw the note's current text (ms): the newest `mod` of its cards. */
  mod: number;
  /** Its place in the plan (1-based): the due position of its new cards. */
  position: number;
  /** Its exported cards, by ordinal. */
  cards: StudyCard[];
}

export interface ExportDeck {
  id: number;
  name: string;
}

export interface CollectedNotes {
  /** In plan order. */
  notes: ExportNote[];
  /** The Anki decks the notes use, parents included, by name. */
  decks: ExportDeck[];
  /** Anki card ids by our card id. */
  cardIds: ReadonlyMap<string, number>;
}

const noteKey = (deck: string, note: string) => `${deck}\x1f${note}`;

/** A deck-name component: no `::` (it would nest), single spaces. */
function deckComponent(text: string): string {
  return text.replace(/:{2,}/g, ':').replace(/\s+/g, ' ').trim();
}

/** A tag component: no spaces or quotes, which Anki's tags cannot hold. */
function tagComponent(text: string): string {
  return text.trim().replace(/[\s"]+/g, '_');
}

/** Top-level Anki deck names by our deck name: the deck's title, made unique when two share one. */
export function deckTitles(decks: ReadonlyMap<string, Deck>): Map<string, string> {
  const titles = new Map<string, string>();
  // Anki's own `Default` deck is in every collection: a deck of that title is told apart.
  const count = new Map<string, number>([['default', 1]]);
  for (const [name, d] of decks) {
    const t = deckComponent(d.title) || deckComponent(name) || 'sre-cards';
    titles.set(name, t);
    count.set(t.toLowerCase(), (count.get(t.toLowerCase()) ?? 0) + 1);
  }
  for (const [name, t] of titles)
    if ((count.get(t.toLowerCase()) ?? 0) > 1) titles.set(name, `${t} (${deckComponent(name)})`);
  return titles;
}

/** The Anki deck of a note: `Title::Day 61 · Day title`, or the title for notes without a day. */
export function ankiDeckName(title: string, note: Pick<Note, 'day' | 'dayTitle'>): string {
  if (note.day === null) return title;
  const dayTitle = deckComponent(note.dayTitle);
  return `${title}::Day ${note.day}${dayTitle ? ` · ${dayTitle}` : ''}`;
}

/** A note's tags: `day::N` and one `topic::a::b` per topic (`/` becomes Anki's `::`), sorted. */
export function noteTags(note: Pick<Note, 'day' | 'topics'>): string[] {
  const tags = new Set<string>();
  if (note.day !== null) tags.add(`day::${note.day}`);
  for (const t of note.topics) {
    const parts = t.split('/').map(tagComponent).filter(Boolean);
    if (parts.length) tags.add(`topic::${parts.join('::')}`);
  }
  return [...tags].sort();
}

/** A note's fields, in its note type's order, as HTML. */
export function noteFields(note: Note): string[] {
  if (note.kind === 'typein')
    return [
      markdownToHtml(note.front),
      escapeHtml(note.type?.text ?? ''),
      markdownToHtml(note.back),
      note.source ? markdownToHtml(note.source) : '',
      note.planLine ?? '',
    ];
  return [
    markdownToHtml(note.front),
    markdownToHtml(note.back),
    note.source ? markdownToHtml(note.source) : '',
    note.planLine ?? '',
  ];
}

/**
 * Collects the notes card by card (so that a caller can pause between cards): first the
 * ids, positions and which cards are exported, which are cheap, then each note's fields.
 */
export class NoteCollector {
  /** The chosen cards in plan order: the whole plan's order, filtered. */
  readonly chosen: readonly StudyCard[];
  /** Anki card ids by our card id (every live card). */
  readonly cardIds: ReadonlyMap<string, number>;
  private readonly byKey = new Map<string, Note>();
  private readonly positions = new Map<string, number>();
  private readonly noteIds: Map<string, number>;
  private readonly titles: Map<string, string>;
  private readonly deckNames = new Set<string>();
  private readonly notes = new Map<string, ExportNote>();

  constructor(private readonly src: ExportSource) {
    for (const [name, deck] of src.decks)
      for (const n of deck.notes) this.byKey.set(noteKey(name, n.id), n);
    // Positions, ids and deck ids come from the whole collection, whatever is exported.
    const all = [...src.allCards].sort((a, b) => planOrder(a.card, b.card));
    for (const { card } of all) {
      const k = noteKey(card.deck, card.note);
      if (!this.positions.has(k)) this.positions.set(k, this.positions.size + 1);
    }
    this.noteIds = allocateIds(this.positions.keys(), 'note');
    this.cardIds = allocateIds(
      all.map((sc) => sc.card.id),
      'card',
    );
    this.titles = deckTitles(src.decks);
    const wanted = new Set(src.cards.map((sc) => sc.card.id));
    this.chosen = wanted.size === all.length ? all : all.filter((sc) => wanted.has(sc.card.id));
  }

  /** The note a chosen card belongs to, or null when it has none (it is not exported). */
  private noteOf(sc: StudyCard): { key: string; note: Note; id: number } | null {
    const key = noteKey(sc.card.deck, sc.card.note);
    const note = this.byKey.get(key);
    const id = this.noteIds.get(key);
    return note && id !== undefined ? { key, note, id } : null;
  }

  /** Anki card ids of the cards exported (those of the notes), by our card id. */
  exportedIds(): Map<string, number> {
    const ids = new Map<string, number>();
    for (const sc of this.chosen) {
      const cid = this.cardIds.get(sc.card.id);
      if (cid !== undefined && this.noteOf(sc)) ids.set(sc.card.id, cid);
    }
    return ids;
  }

  /** Characters of the exported notes' text (before HTML), and how many notes. */
  textSize(): { chars: number; notes: number } {
    const seen = new Set<string>();
    let chars = 0;
    for (const sc of this.chosen) {
      const n = this.noteOf(sc);
      if (!n || seen.has(n.key)) continue;
      seen.add(n.key);
      const { front, back, source, planLine } = n.note;
      chars += front.length + back.length + (source?.length ?? 0) + (planLine?.length ?? 0);
    }
    return { chars, notes: seen.size };
  }

  /** Adds a chosen card (in plan order) to its note. */
  add(sc: StudyCard): void {
    const found = this.noteOf(sc);
    if (!found) return;
    const { key, note, id } = found;
    let n = this.notes.get(key);
    if (!n) {
      const title = this.titles.get(sc.card.deck) ?? deckComponent(sc.card.deck);
      const ankiDeck = ankiDeckName(title, note);
      this.deckNames.add(title);
      this.deckNames.add(ankiDeck);
      n = {
        deck: sc.card.deck,
        note,
        def: noteTypeOf(note),
        id,
        guid: noteGuid(sc.card.deck, note.id),
        ankiDeck,
        fields: noteFields(note),
        tags: noteTags(note),
        mod: 0,
        position: this.positions.get(key) ?? this.positions.size + 1,
        cards: [],
      };
      this.notes.set(key, n);
    }
    n.cards.push(sc);
    n.mod = Math.max(n.mod, Date.parse(sc.rec.mod) || 0);
  }

  result(): CollectedNotes {
    for (const n of this.notes.values()) n.cards.sort((a, b) => a.card.ord - b.card.ord);
    const allDeckNames = new Set<string>();
    for (const [name, deck] of this.src.decks) {
      const title = this.titles.get(name) ?? deckComponent(name);
      allDeckNames.add(title);
      for (const note of deck.notes) allDeckNames.add(ankiDeckName(title, note));
    }
    const deckIds = allocateIds(allDeckNames, 'deck', [1]);
    const decks: ExportDeck[] = [...this.deckNames]
      .sort()
      .map((name) => ({ name, id: deckIds.get(name) ?? 0 }))
      .filter((d) => d.id !== 0);
    return { notes: [...this.notes.values()], decks, cardIds: this.cardIds };
  }
}

export function collectNotes(src: ExportSource): CollectedNotes {
  const c = new NoteCollector(src);
  for (const sc of c.chosen) c.add(sc);
  return c.result();
}

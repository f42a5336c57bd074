/** The seven lines of a day of the study plan. */
export const PLAN_LINES = [
  'focus',
  'learn',
  'deep-dive',
  'lab',
  'coding',
  'design',
  'story',
] as const;
export type PlanLine = (typeof PLAN_LINES)[number];

export type NoteKind = 'basic' | 'reversible' | 'cloze' | 'typein';

/** The exact text a type-in note asks for, and whether case matters when comparing. */
export interface TypeAnswer {
  text: string;
  /** Compare without regard to case (`Type-ci:`). */
  ci: boolean;
}

export interface Topic {
  id: string;
  description: string;
}

/** What a note and each of its cards have alike: the plan day and line, topics, source, text. */
interface Content {
  kind: NoteKind;
  day: number | null;
  dayTitle: string;
  planLine: PlanLine | null;
  /** File topics first, then the note's own, without repeats. */
  topics: string[];
  source: string | null;
  /** A note's: basic: question; reversible: term; cloze: the text with deletions. A card's: its front. */
  front: string;
  /**
   * A note's: basic: answer; reversible: definition; cloze: the extra text (may be empty);
   * type-in: the explanation (may be empty). A card's: what its reveal shows.
   */
  back: string;
  /** type-in: the text to type, compared with what is typed. */
  type?: TypeAnswer;
}

/** One note as written in a source file. A note gives one or more cards. */
export interface Note extends Content {
  id: string;
  /** Source file, relative to the deck folder, and the line of the note's heading. */
  file: string;
  line: number;
}

/** One line of a day's checklist: what a strong candidate can state, and the notes that cover it. */
export interface ChecklistItem {
  text: string;
  notes: string[];
  line: number;
}

export interface DeckDay {
  day: number | null;
  title: string;
  topics: string[];
  file: string;
  /** What the day claims to cover (`<!-- checklist … -->` in its file); absent when it has none. */
  checklist?: ChecklistItem[];
}

/** A parsed, valid deck: what the build writes as JSON. */
export interface Deck {
  format: 1;
  name: string;
  title: string;
  topics: Topic[];
  days: DeckDay[];
  notes: Note[];
}

/** One reviewable card, derived from a note. */
export interface Card extends Content {
  id: string;
  note: string;
  deck: string;
  /** Ordinal within the note, from 0 (reverse card: 1; cloze cN: N-1). */
  ord: number;
  /** Short hash of the card's text: tells when it was edited. */
  hash: string;
  /** Order of introduction within its deck (plan order). */
  position: number;
}

export interface DeckError {
  file: string;
  line: number;
  message: string;
}

/** `file:line: message`; `file: message` for a problem of the whole file or folder (line 0). */
export function formatDeckError(e: DeckError): string {
  return e.line > 0 ? `${e.file}:${e.line}: ${e.message}` : `${e.file}: ${e.message}`;
}

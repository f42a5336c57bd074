/**
 * From Anki notes to notes of the deck format. Note types map by what they are (their
 * stock kind, else their name, else their shape), whatever their language:
 *
 * | Anki note type | deck format |
 * |---|---|
 * | Basic | `Q:` front, `A:` back (further fields appended to the back) |
 * | Basic (and reversed card) | `Term:` front, `Definition:` back |
 * | Basic (optional reversed card) | `Term:`/`Definition:` when the note has its reverse card, else `Q:`/`A:` |
 * | Basic (type in the answer), or any one-template type asking `{{type:Field}}` | `Q:` front, `Type:` the field |
 * | Cloze (any note type of the cloze kind) | `C:` the cloze field, `Extra:` the others |
 * | sre-cards' own SRE types (from `export anki`) | their kind back, with `source:` and `line:` |
 * | any other | its first field as `Q:`, the others as `A:` |
 *
 * Pure.
 */
import { createHash } from 'node:crypto';
import { clozeNumbers, validateCloze } from '../deck/cloze.js';
import { REVERSE_SUFFIX } from '../deck/cards.js';
import { PLAN_LINES, type NoteKind, type PlanLine } from '../deck/types.js';
import { LINE_FIELD, NOTE_TYPES, SOURCE_FIELD } from '../export/notetypes.js';
import { htmlToMarkdown, htmlToPlain } from './html.js';
import type { AnkiCard, AnkiNote, AnkiNoteType } from './model.js';

/**
 * A note's permanent id here: `anki-` and the first 12 hex digits of the SHA-1 of its
 * GUID. The GUID is what Anki matches notes by on import, so the same note gets the same
 * id from every package, and importing again finds it.
 */
export function noteIdFor(guid: string): string {
  return `anki-${createHash('sha1').update(guid, 'utf8').digest('hex').slice(0, 12)}`;
}

/** What a note type maps to. */
export type Mapping =
  | { kind: 'basic'; front: number; back: number[]; how: string }
  | { kind: 'reversible'; front: number; back: number; optional: number | null; how: string }
  | { kind: 'typein'; front: number; type: number; back: number[]; how: string }
  | { kind: 'cloze'; text: number; extra: number[]; how: string }
  | { kind: 'sre'; sre: NoteKind; how: string };

const STOCK_NAME =
  /^(basic|basic \(and reversed card\)|basic \(optional reversed card\)|basic \(type in the answer\)|cloze)(?:[-+][0-9a-z]{1,8})?$/i;

const others = (n: number, skip: number[]) =>
  Array.from({ length: n }, (_, i) => i).filter((i) => !skip.includes(i));

/** The mapping of a note type (its label, `how`, is for the summary). */
export function mapNoteType(nt: AnkiNoteType): Mapping {
  const n = nt.fields.length;
  const sre = Object.values(NOTE_TYPES).find(
    (d) =>
      d.id === nt.id || (d.name === nt.name && d.fields.join('\x1f') === nt.fields.join('\x1f')),
  );
  if (sre && nt.fields.length === sre.fields.length)
    return { kind: 'sre', sre: sre.kind, how: sre.name };
  const field = (name: string) => nt.fields.findIndex((f) => f === name);
  const q = nt.templates[0]?.qfmt ?? '';
  if (nt.cloze && nt.stockKind !== 'image-occlusion' && !q.includes('{{image-occlusion:')) {
    const m = /\{\{cloze:([^}]+)\}\}/.exec(q);
    const text = Math.max(0, m ? field((m[1] ?? '').trim()) : 0);
    return { kind: 'cloze', text, extra: others(n, [text]), how: 'Cloze' };
  }
  const byName = STOCK_NAME.exec(nt.name.trim())?.[1]?.toLowerCase();
  const stock =
    nt.stockKind ??
    (byName === 'basic'
      ? 'basic'
      : byName === 'basic (and reversed card)'
        ? 'reversed'
        : byName === 'basic (optional reversed card)'
          ? 'optional-reversed'
          : byName === 'basic (type in the answer)'
            ? 'typing'
            : null);
  const typed = /\{\{type:(?:[a-z]+:)*([^}]+)\}\}/.exec(q);
  if (n >= 2 && (stock === 'reversed' || stock === 'optional-reversed')) {
    return {
      kind: 'reversible',
      front: 0,
      back: 1,
      optional: stock === 'optional-reversed' ? 2 : null,
      how: stock === 'reversed' ? 'Basic (and reversed card)' : 'Basic (optional reversed card)',
    };
  }
  if (n >= 2 && (stock === 'typing' || (nt.templates.length === 1 && typed))) {
    const type = typed ? field((typed[1] ?? '').trim()) : 1;
    const t = type > 0 ? type : 1;
    return {
      kind: 'typein',
      front: 0,
      type: t,
      back: others(n, [0, t]),
      how: 'Basic (type in the answer)',
    };
  }
  if (n >= 1 && stock === 'basic')
    return { kind: 'basic', front: 0, back: others(n, [0]), how: 'Basic' };
  return { kind: 'basic', front: 0, back: others(n, [0]), how: 'other (first field as the front)' };
}

/** A note in the deck format, with the Anki cards its cards continue. */
export interface MappedNote {
  id: string;
  kind: NoteKind;
  front: string;
  back: string;
  type?: string;
  source: string | null;
  line: PlanLine | null;
  /** Our card id → the Anki card it comes from. */
  cards: Map<string, AnkiCard>;
  /** Anki cards that have no card here (templates beyond those the kind makes). */
  leftOut: AnkiCard[];
  /** How the note type was mapped. */
  how: string;
}

/** Why a note cannot be written in the deck format, or the note. */
export type MapResult = { note: MappedNote } | { problem: string };

const joinFields = (parts: string[]) => parts.filter((p) => p.trim() !== '').join('\n\n');

/** Maps one note (its cards sorted by ord). */
export function mapNote(
  note: AnkiNote,
  nt: AnkiNoteType,
  mapping: Mapping,
  cards: AnkiCard[],
  media: ReadonlySet<string>,
  usedMedia: Set<string>,
): MapResult {
  const id = noteIdFor(note.guid);
  const md = (i: number) => htmlToMarkdown(note.fields[i] ?? '', media, usedMedia);
  // A note has few cards (one or two but for clozes): searching them beats making a map.
  const byOrd = (ord: number) => {
    let found: AnkiCard | undefined;
    for (const c of cards) if (c.ord === ord) found = c;
    return found;
  };
  const take = (ids: [string, number][]): { map: Map<string, AnkiCard>; left: AnkiCard[] } => {
    const map = new Map<string, AnkiCard>();
    const used: AnkiCard[] = [];
    for (const [cid, ord] of ids) {
      const c = byOrd(ord);
      if (c) {
        map.set(cid, c);
        used.push(c);
      }
    }
    return { map, left: cards.filter((c) => !used.includes(c)) };
  };
  let kind: NoteKind;
  let front: string;
  let back: string;
  let type: string | undefined;
  let source: string | null = null;
  let line: PlanLine | null = null;
  if (mapping.kind === 'sre') {
    kind = mapping.sre;
    const f = (name: string) => {
      const i = nt.fields.indexOf(name);
      return i >= 0 ? i : -1;
    };
    front = md(0);
    if (kind === 'typein') {
      type = htmlToPlain(note.fields[1] ?? '');
      back = md(2);
    } else back = md(1);
    const s = f(SOURCE_FIELD);
    source = s >= 0 ? md(s).replace(/\n+/g, ' ') || null : null;
    const l = f(LINE_FIELD);
    const lv = l >= 0 ? htmlToPlain(note.fields[l] ?? '').trim() : '';
    line = (PLAN_LINES as readonly string[]).includes(lv) ? (lv as PlanLine) : null;
  } else if (mapping.kind === 'basic') {
    kind = 'basic';
    front = md(mapping.front);
    back = joinFields(mapping.back.map(md));
  } else if (mapping.kind === 'reversible') {
    front = md(mapping.front);
    back = md(mapping.back);
    const hasReverse = byOrd(1) !== undefined;
    kind = mapping.optional === null || hasReverse ? 'reversible' : 'basic';
    if (kind === 'basic' && mapping.optional !== null)
      back = joinFields([back, ...others(note.fields.length, [0, 1, mapping.optional]).map(md)]);
  } else if (mapping.kind === 'typein') {
    kind = 'typein';
    front = md(mapping.front);
    type = htmlToPlain(note.fields[mapping.type] ?? '');
    back = joinFields(mapping.back.map(md));
  } else {
    kind = 'cloze';
    front = md(mapping.text);
    back = joinFields(mapping.extra.map(md));
  }
  // A type-in answer is one line; any other comes as a basic note with it as the back.
  if (kind === 'typein' && (!type || type.includes('\n') || type.trim() === '')) {
    kind = 'basic';
    back = joinFields([type ?? '', back]);
    type = undefined;
  }
  if (front.trim() === '') return { problem: 'its front is empty once its HTML is read as text' };
  if (kind === 'reversible' && back.trim() === '') kind = 'basic';
  if ((kind === 'basic' || kind === 'reversible') && back.trim() === '') back = '(empty)';
  if (kind === 'cloze') {
    const problems = validateCloze(front);
    if (problems.length) return { problem: `its cloze text is malformed: ${problems[0]}` };
    if (clozeNumbers(front).length === 0)
      return { problem: 'its cloze text has no deletion such as {{c1::text}}' };
  }
  let taken;
  if (kind === 'reversible')
    taken = take([
      [id, 0],
      [id + REVERSE_SUFFIX, 1],
    ]);
  else if (kind === 'cloze') taken = take(clozeNumbers(front).map((n) => [`${id}:c${n}`, n - 1]));
  else {
    const first = Math.min(...cards.map((c) => c.ord));
    taken = take([[id, Number.isFinite(first) ? first : 0]]);
  }
  // Made as one literal, of one shape (`type` undefined but for type-in notes): spreading
  // a base and an optional key gave the notes several shapes, each read slowly after.
  const mapped: MappedNote = {
    id,
    source,
    line,
    how: mapping.how,
    kind,
    front,
    back,
    type,
    cards: taken.map,
    leftOut: taken.left,
  };
  return { note: mapped };
}

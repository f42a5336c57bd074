/**
 * The import plan: from an Anki package (read by `package.ts`) to what the import will
 * write: the deck folder's files (path → text), the media to copy, the events to append
 * (answers and resets through `history.ts`, suspensions, burials, and one closing event
 * that gives each card its state in Anki), the deck presets' FSRS settings, and the
 * summary with everything left out and why. Nothing here touches a disk: the command
 * stages the plan and commits it. Pure.
 */
import { createHash } from 'node:crypto';
import type { NewEvent } from '../core/model.js';
import { NEW_STATE, type SchedState } from '../core/scheduler.js';
import {
  settingsForDeck,
  validateSettings,
  type DeckSettings,
  type Settings,
} from '../core/settings.js';
import type { Moved } from '../core/reschedule.js';
import { studyDay, studyDayNumber, type DayClock } from '../core/time.js';
import { deckCards } from '../deck/cards.js';
import { parseDeck, type SourceFile } from '../deck/parse.js';
import { formatDeckError, type Deck, type Note } from '../deck/types.js';
import { UserError } from '../errors.js';
import { trace } from '../trace.js';
import {
  ankiState,
  countSteps,
  historyEvents,
  sameState,
  type Entry,
  type FinalContext,
  type HistoryCount,
  type MemorySource,
} from './history.js';
import { harmless } from './text.js';
import { algorithm } from './memory.js';
import { presetSettings, sameFsrs, withPreset, type ImportedSettings } from './presets.js';
import type { AnkiCard, AnkiDeckConfig, AnkiMedia, AnkiNote, AnkiPackage } from './model.js';
import { mapNote, mapNoteType, type Mapping, type MappedNote } from './notes.js';
import { cardFile, deckFile, noteBlock, oneLine } from './render.js';
import type { ReplayChunk } from './replay.js';
import type { ReplayWork } from './replay-pool.js';

/** What is already there: the deck folder (when it exists) and the collection's cards. */
export interface Existing {
  /** The folder's Markdown sources; empty when the folder is new. */
  files: SourceFile[];
  /** The deck the folder is registered as in the collection, or null. */
  registered: string | null;
  /** Every card id the collection has (any deck, retired ones too). */
  cards: ReadonlySet<string>;
}

export interface PlanInput {
  pkg: AnkiPackage;
  /** The package's file name (for names and messages). */
  fileName: string;
  /** The deck folder, absolute. */
  deckDir: string;
  /** The deck's name, when the folder does not name one yet. */
  deckName: string;
  existing: Existing;
  settings: Settings;
  clock: DayClock;
  now: Date;
  /**
   * Take the FSRS parameters and desired retention of the deck preset most of the
   * package's cards use as the deck's own settings (`--with-settings`).
   */
  withSettings?: boolean;
  /** Told how many of the notes to add have their events made, now and then. */
  progress?: (done: number, total: number) => void;
  /**
   * Given the card histories to replay as soon as they are known, before the files are
   * made, the deck read back and the states computed: the caller may start replaying
   * them meanwhile (`replay-pool.ts`). The plan's `replay.early` then says whether they
   * are still the histories to replay (a deck that reads back with other cards changes them).
   */
  onReplay?: (work: ReplayWork) => void;
}

export type { ImportedSettings };

export interface PlannedFile {
  /** Relative to the deck folder. */
  path: string;
  text: string;
  /** It replaces a file of the folder (new notes appended, new topics added). */
  replaces: boolean;
}

export interface LeftOut {
  reason: string;
  count: number;
  examples: string[];
}

export interface ImportSummary {
  file: string;
  collection: string;
  schema: number;
  deck: { name: string; title: string; path: string; reimport: boolean };
  decks: { name: string; file: string; notes: number; cards: number }[];
  notes: {
    inPackage: number;
    added: number;
    unchanged: number;
    /** Notes whose text here differs from the package's: kept as they are here. */
    edited: string[];
    byType: Record<string, number>;
  };
  cards: {
    added: number;
    new: number;
    learning: number;
    review: number;
    relearning: number;
    suspended: number;
    buried: number;
    leech: number;
    flagged: number;
    /** Notes marked (their `marked` tag). */
    marked: number;
  };
  memory: Record<Exclude<MemorySource, 'none'>, number>;
  reviewLog: {
    entries: number;
    answers: number;
    resets: number;
    cram: number;
    manual: number;
    /** Entries of cards that are not imported (already here, left out, or of no card). */
    notImported: number;
  };
  media: { files: number; referenced: number };
  leftOut: LeftOut[];
  /** The FSRS settings of the preset most of the package's cards use, and what the deck takes of them. */
  settings: (ImportedSettings & { deck: DeckSettings | null }) | null;
}

export interface ImportPlan {
  deckName: string;
  deckDir: string;
  title: string;
  /** The deck is new to the collection (a deck-add goes with the events). */
  register: boolean;
  files: PlannedFile[];
  media: AnkiMedia[];
  /** The deck as the folder will hold it. */
  deck: Deck;
  /** Its cards' ids. */
  cardIds: ReadonlySet<string>;
  /**
   * The events to append, made as they are taken (the first answers' states are computed
   * then). With `settingsAfter`, the first is the change of settings; `moved` are the
   * cards of the deck already in the collection that the change reschedules.
   */
  events: (moved?: Moved) => Generator<NewEvent, void, void>;
  /** How many events `events` gives. */
  eventCount: number;
  /** The same events in three parts, for replaying the histories elsewhere (`replay-pool.ts`). */
  opening: (moved?: Moved) => NewEvent[];
  /** The cards whose histories are replayed, and chunks of them. */
  replay: {
    count: number;
    chunk: (from: number, to: number) => ReplayChunk;
    /** They are the histories given to `onReplay`, in the same order: its replay serves. */
    early: boolean;
  };
  /** The events after the histories, given the state each replayed card ends in, in order. */
  closing: (finals: readonly SchedState[]) => NewEvent[];
  /** The settings once the deck has the preset's as its own (`withSettings`), or null when they stay. */
  settingsAfter: Settings | null;
  summary: ImportSummary;
}

/** A name as a topic or file segment: lower-case ASCII words joined by `-`. */
export function slug(text: string, max = 48): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = s.length > max ? s.slice(0, max).replace(/-+$/, '') : s;
  return cut;
}

const shortHash = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex').slice(0, 6);
const segment = (s: string) => slug(s) || `x${shortHash(s)}`;

/**
 * Anki's day 0 as a study day: the local date of `crt` at the collection's creation
 * offset (v2 scheduler), else at its last local offset (rslib/src/scheduler/timing.rs,
 * `sched_timing_today`). A review card due on day X is due on that date plus X.
 */
export function ankiDay0(crtSecs: number, offsetWest: number | null): string {
  return new Date(crtSecs * 1000 - (offsetWest ?? 0) * 60_000).toISOString().slice(0, 10);
}

/** Topics from `::` names (decks, tags): one path each, parents declared too. */
class Topics {
  /** Topic id → description. */
  readonly list = new Map<string, string>();
  private readonly byKey = new Map<string, string>();
  private readonly owner = new Map<string, string>();
  add(kind: string, name: string): string {
    const parts = name
      .split('::')
      .map((p) => p.trim())
      .filter(Boolean);
    let path = '';
    let key = '';
    for (const part of parts) {
      key = key ? `${key}::${part}` : part;
      const k = key.toLowerCase();
      let id = this.byKey.get(k);
      if (!id) {
        const base = path ? `${path}/${segment(part)}` : segment(part);
        id = base;
        // Another name already gives this topic: this one is numbered.
        for (let i = 2; this.owner.has(id); i++) id = `${base}-${i}`;
        this.byKey.set(k, id);
        this.owner.set(id, k);
        this.list.set(id, `Anki ${kind} ${key}`);
      }
      path = id;
    }
    return path;
  }
}

const normalizeFront = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** Counts something left out (or changed), `n` times, with a few examples. */
function note(count: Map<string, LeftOut>, reason: string, example: string, n = 1): void {
  let l = count.get(reason);
  if (!l) count.set(reason, (l = { reason, count: 0, examples: [] }));
  l.count += n;
  if (l.examples.length < 3 && !l.examples.includes(example)) l.examples.push(example);
}

/** Checks what Anki itself would refuse: the package is inconsistent. */
function checkConsistency(pkg: AnkiPackage, what: string): void {
  const c = pkg.collection;
  const guids = new Map<string, number>();
  for (const n of c.notes) {
    const prev = guids.get(n.guid);
    if (prev !== undefined)
      throw new UserError(
        `${what} is inconsistent: notes ${prev} and ${n.id} share the GUID "${harmless(n.guid)}", which Anki uses to tell notes apart; nothing was imported`,
      );
    guids.set(n.guid, n.id);
    const nt = c.noteTypes.get(n.mid);
    if (!nt)
      throw new UserError(
        `${what} is inconsistent: note ${n.id} uses note type ${n.mid}, which the package does not have; nothing was imported`,
      );
    if (n.fields.length !== nt.fields.length)
      throw new UserError(
        `${what} is inconsistent: note ${n.id} has ${n.fields.length} field${n.fields.length === 1 ? '' : 's'}, but its note type "${oneLine(nt.name)}" has ${nt.fields.length}; nothing was imported`,
      );
  }
  const notes = new Set(c.notes.map((n) => n.id));
  for (const card of c.cards) {
    if (!notes.has(card.nid))
      throw new UserError(
        `${what} is inconsistent: card ${card.id} belongs to note ${card.nid}, which the package does not have; nothing was imported`,
      );
    for (const did of card.odid ? [card.did, card.odid] : [card.did])
      if (!c.decks.has(did))
        throw new UserError(
          `${what} is inconsistent: card ${card.id} is in deck ${did}, which the package does not have; nothing was imported`,
        );
  }
}

/**
 * A note's text as the folder has it and as the package gives it, the same but for how
 * its line breaks are written: a folder imported before breaks were kept as breaks
 * (`hardBreaks` in `html.ts`) has lines without the backslash and the indent.
 */
function sameText(had: string, made: string): boolean {
  if (had === made) return true;
  const loose = (s: string) => s.replace(/[ \t]*\\?$/gm, '').replace(/^[ \t]+/gm, '');
  return loose(had) === loose(made);
}

/** The card's home deck: its original deck while it sits in a filtered deck. */
const homeDeck = (c: AnkiCard) => (c.odid ? c.odid : c.did);

export function plan(input: PlanInput): ImportPlan {
  const { pkg, settings, clock, now } = input;
  const col = pkg.collection;
  const what = input.fileName;
  checkConsistency(pkg, what);
  const left = new Map<string, LeftOut>();

  // The folder as it is: parsed when it holds a deck.
  let existingDeck: Deck | null = null;
  if (input.existing.files.length) {
    const parsed = parseDeck(input.existing.files, input.deckDir);
    if (!parsed.deck)
      throw new UserError(
        `the deck folder ${input.deckDir} has ${parsed.errors.length} error(s) (first: ${formatDeckError(parsed.errors[0] ?? { file: '?', line: 0, message: '?' })}); fix them (\`sre-cards lint ${input.deckDir}\`) and import again; nothing was imported`,
      );
    existingDeck = parsed.deck;
  }
  const reimport = existingDeck !== null;
  const deckName = existingDeck?.name ?? input.deckName;

  // Notes and their cards.
  const cardsByNote = new Map<number, AnkiCard[]>();
  for (const c of col.cards) {
    const list = cardsByNote.get(c.nid);
    if (list) list.push(c);
    else cardsByNote.set(c.nid, [c]);
  }
  const mediaNames = new Set(pkg.media.map((m) => m.name));
  const usedMedia = new Set<string>();
  const mappings = new Map<number, Mapping>();
  for (const nt of col.noteTypes.values()) mappings.set(nt.id, mapNoteType(nt));
  interface Item {
    anki: AnkiNote;
    mapped: MappedNote;
    deckId: number;
    position: number;
  }
  const items: Item[] = [];
  const byType: Record<string, number> = {};
  const ourIds = new Map<string, number>();
  for (const n of col.notes) {
    const nt = col.noteTypes.get(n.mid);
    const mapping = mappings.get(n.mid);
    if (!nt || !mapping) continue;
    const cards = (cardsByNote.get(n.id) ?? []).sort((a, b) => a.ord - b.ord);
    if (cards.length === 0) {
      note(left, 'notes without any card', String(n.id));
      continue;
    }
    const r = mapNote(n, nt, mapping, cards, mediaNames, usedMedia);
    if ('problem' in r) {
      note(left, `notes that cannot be written in the deck format: ${r.problem}`, String(n.id));
      continue;
    }
    const clash = ourIds.get(r.note.id);
    if (clash !== undefined)
      throw new UserError(
        `${what}: notes ${clash} and ${n.id} would both get the id ${r.note.id}; nothing was imported`,
      );
    ourIds.set(r.note.id, n.id);
    byType[r.note.how] = (byType[r.note.how] ?? 0) + 1;
    for (const c of r.note.leftOut)
      note(
        left,
        'cards of templates the note kind does not make here (a note of another type gives one card)',
        String(c.id),
      );
    const first = cards[0] as AnkiCard;
    const newDue = cards.filter((c) => c.type === 0).map((c) => c.due);
    items.push({
      anki: n,
      mapped: r.note,
      deckId: homeDeck(first),
      position: newDue.length ? Math.min(...newDue) : Number.MAX_SAFE_INTEGER,
    });
  }

  trace('notes mapped');
  // Topics: the deck tree and the tags (hierarchical with ::). Anki's own tags `leech`
  // and `marked`, and the cards' flags, become the collection's leeches, marks and flags.
  const topics = new Topics();
  const deckTopic = new Map<number, string>();
  const usedDecks = [...new Set(items.map((i) => i.deckId))].map((id) => col.decks.get(id)!);
  const treeOrder = (a: string, b: string) => {
    const x = a.split('::').map((s) => s.toLowerCase());
    const y = b.split('::').map((s) => s.toLowerCase());
    for (let i = 0; i < Math.min(x.length, y.length); i++)
      if (x[i] !== y[i]) return (x[i] as string) < (y[i] as string) ? -1 : 1;
    return x.length - y.length;
  };
  usedDecks.sort((a, b) => treeOrder(a.name, b.name));
  for (const d of usedDecks) deckTopic.set(d.id, topics.add('deck', d.name));
  const noteTopics = new Map<Item, string[]>();
  const leechNotes = new Set<number>();
  const markedNotes = new Set<number>();
  for (const it of items) {
    const ts: string[] = [];
    for (const tag of it.anki.tags) {
      const low = tag.toLowerCase();
      if (low === 'leech') leechNotes.add(it.anki.id);
      else if (low === 'marked') markedNotes.add(it.anki.id);
      else ts.push(topics.add('tag', tag));
    }
    noteTopics.set(it, [...new Set(ts)].sort());
  }

  // Files: one per Anki deck, in deck-tree order; new notes in Anki's new-card order.
  const existingByTitle = new Map<string, string>();
  let maxNumber = 0;
  for (const day of existingDeck?.days ?? []) {
    existingByTitle.set(day.title, day.file);
    const m = /^(\d+)-/.exec(day.file);
    if (m) maxNumber = Math.max(maxNumber, Number(m[1]));
  }
  const existingNotes = new Map<string, Note>((existingDeck?.notes ?? []).map((n) => [n.id, n]));
  const fronts = new Map<string, string>();
  for (const n of existingDeck?.notes ?? [])
    for (const f of n.kind === 'reversible' ? [n.front, n.back] : [n.front])
      fronts.set(normalizeFront(f), n.id);
  const width = Math.max(3, String(usedDecks.length + maxNumber).length);
  const fileOf = new Map<
    number,
    {
      path: string;
      blocks: string[];
      replaces: boolean;
      title: string;
      notes: number;
      cards: number;
    }
  >();
  let counter = maxNumber;
  for (const d of usedDecks) {
    const ex = existingByTitle.get(oneLine(d.name));
    if (ex)
      fileOf.set(d.id, { path: ex, blocks: [], replaces: true, title: d.name, notes: 0, cards: 0 });
    else {
      counter++;
      const name = `${String(counter).padStart(width, '0')}-${d.name.split('::').map(segment).join('--').slice(0, 80).replace(/-+$/, '')}.md`;
      fileOf.set(d.id, {
        path: name,
        blocks: [],
        replaces: false,
        title: d.name,
        notes: 0,
        cards: 0,
      });
    }
  }
  items.sort((a, b) => a.position - b.position || a.anki.id - b.anki.id);
  const presetOf = (it: Item): AnkiDeckConfig | null => {
    const d = col.decks.get(it.deckId);
    return (
      (d?.configId !== null && d?.configId !== undefined
        ? col.deckConfigs.get(d.configId)
        : null) ??
      col.deckConfigs.get(1) ??
      null
    );
  };
  const logOf = new Map<number, { start: number; end: number }>();
  const r = col.revlog;
  for (let i = 0; i < r.length;) {
    const cid = r.cid[i] as number;
    let j = i;
    while (j < r.length && r.cid[j] === cid) j++;
    logOf.set(cid, { start: i, end: j });
    i = j;
  }
  // The deck's settings: with --with-settings, those of the preset most of the package's
  // cards use (a deck here has one set of settings; the cards of other presets say so).
  const presetUse = new Map<number, { cards: number; decks: Set<string> }>();
  for (const it of items) {
    const preset = presetOf(it);
    if (!preset) continue;
    let u = presetUse.get(preset.id);
    if (!u) presetUse.set(preset.id, (u = { cards: 0, decks: new Set() }));
    u.cards += it.mapped.cards.size;
    u.decks.add(oneLine(col.decks.get(it.deckId)?.name ?? ''));
  }
  const ranked = [...presetUse.entries()].sort((a, b) => b[1].cards - a[1].cards || a[0] - b[0]);
  const topPreset = col.deckConfigs.get(ranked[0]?.[0] ?? 1);
  const imported = topPreset ? presetSettings(topPreset) : null;
  let settingsAfter: Settings | null = null;
  let deckOwn: DeckSettings | null = null;
  // Told in the summary, and thrown, where the cards' are (`left` keeps the order).
  const settingsNotes: [string, string, number][] = [];
  let settingsProblems: string[] = [];
  if (input.withSettings && imported && topPreset) {
    for (const why of imported.refused) settingsNotes.push([why, oneLine(topPreset.name), 1]);
    for (const [id, use] of ranked.slice(1)) {
      const other = col.deckConfigs.get(id);
      if (!other || sameFsrs(presetSettings(other), imported)) continue;
      const reason = `cards of Anki decks with another preset, whose FSRS settings differ: the deck has one set of settings here, preset "${oneLine(topPreset.name)}"'s`;
      const decks = [...use.decks];
      settingsNotes.push([reason, decks[0] ?? '', use.cards]);
      for (const d of decks.slice(1)) settingsNotes.push([reason, d, 0]);
    }
    const own = withPreset(settings.deckSettings?.[deckName], imported);
    const after = { ...settings, deckSettings: { ...settings.deckSettings, [deckName]: own } };
    if (Object.keys(own).length && JSON.stringify(after) !== JSON.stringify(settings)) {
      settingsProblems = validateSettings(after);
      if (!settingsProblems.length) settingsAfter = after;
    }
    if (Object.keys(own).length) deckOwn = own;
  }
  const final = settingsAfter ?? settings;
  const deckSettings = settingsForDeck(final, deckName);
  /** A card whose history is made into events, with the state it ends in in Anki. */
  interface Job {
    cardId: string;
    span: { start: number; end: number } | undefined;
    target: SchedState;
  }
  /** Chunks of the jobs with a history, `from` to `to` (not included), to replay (`replay.ts`). */
  const chunkOf =
    (list: readonly Job[]) =>
    (from: number, to: number): ReplayChunk => {
      const part = list.slice(from, to);
      const offsets = new Int32Array(part.length + 1);
      part.forEach((j, k) => {
        offsets[k + 1] = (offsets[k] as number) + j.span!.end - j.span!.start;
      });
      const n = offsets[part.length] as number;
      const cols = {
        at: new Float64Array(n),
        ease: new Uint8Array(n),
        ivl: new Int32Array(n),
        factor: new Int32Array(n),
        time: new Int32Array(n),
        type: new Uint8Array(n),
      };
      // Copied entry by entry: a card has a few entries, fewer than a subarray's cost.
      const { at, ease, ivl, factor, time, type } = cols;
      part.forEach((j, k) => {
        let o = offsets[k] as number;
        for (let i = j.span!.start; i < j.span!.end; i++, o++) {
          at[o] = r.id[i] as number;
          ease[o] = r.ease[i] as number;
          ivl[o] = r.ivl[i] as number;
          factor[o] = r.factor[i] as number;
          time[o] = r.time[i] as number;
          type[o] = r.type[i] as number;
        }
      });
      return {
        settings: deckSettings,
        clock,
        deck: deckName,
        cards: part.map((j) => j.cardId),
        offsets,
        ...cols,
      };
    };

  // The histories to replay are known now (unless the deck read back differs): given to
  // `onReplay`, they can be replayed while the files are made and the states computed.
  let early: Job[] | null = null;
  if (input.onReplay && !settingsProblems.length) {
    early = [];
    for (const it of items) {
      if (existingNotes.has(it.mapped.id)) continue;
      for (const [cardId, card] of it.mapped.cards) {
        const span = logOf.get(card.id);
        if (span && !input.existing.cards.has(cardId))
          early.push({ cardId, span, target: NEW_STATE });
      }
    }
    input.onReplay({ count: early.length, chunk: chunkOf(early) });
  }
  const edited: string[] = [];
  let unchanged = 0;
  const added: Item[] = [];
  for (const it of items) {
    const m = it.mapped;
    const had = existingNotes.get(m.id);
    if (had) {
      const same =
        had.kind === m.kind &&
        sameText(had.front, m.front) &&
        sameText(had.back, m.back) &&
        (had.type?.text ?? undefined) === (m.type ?? undefined);
      if (same) unchanged++;
      else edited.push(m.id);
      continue;
    }
    // The deck format wants distinct fronts: a repeated one is told apart by a number.
    const faces = m.kind === 'reversible' ? (['front', 'back'] as const) : (['front'] as const);
    for (const side of faces) {
      let text = m[side];
      for (let i = 2; fronts.has(normalizeFront(text)); i++) text = `${m[side]} (${i})`;
      if (text !== m[side])
        note(
          left,
          'notes whose front repeats another note\'s: a number was added to it, " (2)"',
          m.id,
        );
      m[side] = text;
      fronts.set(normalizeFront(text), m.id);
    }
    const f = fileOf.get(it.deckId)!;
    f.blocks.push(
      noteBlock({
        id: m.id,
        kind: m.kind,
        front: m.front,
        back: m.back,
        ...(m.type !== undefined ? { type: m.type } : {}),
        topics: noteTopics.get(it) ?? [],
        source: m.source,
        line: m.line,
      }),
    );
    f.notes++;
    f.cards += m.cards.size;
    added.push(it);
  }

  // The files' text.
  const title =
    existingDeck?.title ??
    (() => {
      const tops = new Set(usedDecks.map((d) => d.name.split('::')[0] ?? d.name));
      return tops.size === 1 ? [...tops][0]! : input.fileName.replace(/\.(apkg|colpkg)$/i, '');
    })();
  const files: PlannedFile[] = [];
  const existingText = new Map(input.existing.files.map((f) => [f.path, f.text]));
  const topicList = [...topics.list.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  if (existingDeck) {
    const known = new Set(existingDeck.topics.map((t) => t.id));
    const missing = topicList.filter(([id]) => !known.has(id));
    if (missing.length) {
      const old = existingText.get('deck.md') ?? '';
      files.push({
        path: 'deck.md',
        text:
          (old.endsWith('\n') ? old : `${old}\n`) +
          missing.map(([id, d]) => `- ${id}: ${oneLine(d)}`).join('\n') +
          '\n',
        replaces: true,
      });
    }
  } else {
    files.push({
      path: 'deck.md',
      text: deckFile(
        deckName,
        title,
        `Imported from the Anki package ${input.fileName}: one file per Anki deck; the topics are its decks and tags.`,
        topicList.map(([id, description]) => ({ id, description })),
      ),
      replaces: false,
    });
  }
  for (const d of usedDecks) {
    const f = fileOf.get(d.id)!;
    if (f.blocks.length === 0) continue;
    if (f.replaces) {
      const old = existingText.get(f.path) ?? '';
      files.push({
        path: f.path,
        text: `${old.endsWith('\n') ? old : `${old}\n`}\n${f.blocks.join('\n')}`,
        replaces: true,
      });
    } else
      files.push({
        path: f.path,
        text: cardFile(f.title, [deckTopic.get(d.id)!], f.blocks),
        replaces: false,
      });
  }

  trace('files made');
  // The deck the folder will hold: parsed as the collection will read it.
  const planned = new Map(input.existing.files.map((f) => [f.path, f.text]));
  for (const f of files) planned.set(f.path, f.text);
  const { deck, errors } = parseDeck(
    [...planned.entries()].map(([path, text]) => ({ path, text })),
    input.deckDir,
  );
  if (!deck)
    throw new Error(
      `the deck written for ${what} does not read back: ${errors.slice(0, 3).map(formatDeckError).join('; ')}`,
    );
  const cardIds = new Set(deckCards(deck).map((c) => c.id));

  trace('deck parsed');
  // Events: the history of each card that is new to the collection, then its state.
  const day0 = ankiDay0(col.crt, col.creationOffset ?? col.localOffset);
  const entriesOf = (span: { start: number; end: number } | undefined): Entry[] => {
    const entries: Entry[] = [];
    if (span)
      for (let i = span.start; i < span.end; i++)
        entries.push({
          at: r.id[i] as number,
          ease: r.ease[i] as number,
          ivl: r.ivl[i] as number,
          factor: r.factor[i] as number,
          type: r.type[i] as number,
          time: r.time[i] as number,
          day: studyDayNumber(r.id[i] as number, clock),
        });
    return entries;
  };
  const count: HistoryCount = { answers: 0, resets: 0, cram: 0, manual: 0 };
  const memory = { fsrs: 0, history: 0, sm2: 0 };
  const cardCount = {
    added: 0,
    new: 0,
    learning: 0,
    review: 0,
    relearning: 0,
    suspended: 0,
    buried: 0,
    leech: 0,
    flagged: 0,
    marked: 0,
  };
  /** The cards whose history is made into events, with the state each ends in. */
  const jobs: Job[] = [];
  const closing: NewEvent[] = [];
  const at = now.toISOString();
  const today = studyDay(now, clock);
  let importedEntries = 0;
  for (const it of added) {
    const preset = presetOf(it);
    const alg = algorithm(preset?.fsrsParams?.length ? preset.fsrsParams : settings.weights);
    const ctx: FinalContext = {
      day0,
      clock,
      settings: settingsForDeck(settings, deckName),
      fsrsOn: col.fsrs,
      alg,
      config: preset,
    };
    const leechCards = new Set<string>();
    if (leechNotes.has(it.anki.id)) {
      const most = Math.max(...[...it.mapped.cards.values()].map((c) => c.lapses));
      for (const [id, c] of it.mapped.cards) if (c.lapses === most) leechCards.add(id);
    }
    let markPending = markedNotes.has(it.anki.id);
    for (const [cardId, card] of it.mapped.cards) {
      if (!cardIds.has(cardId) || input.existing.cards.has(cardId)) continue;
      cardCount.added++;
      const span = logOf.get(card.id);
      const entries = entriesOf(span);
      importedEntries += entries.length;
      const lastAnswer = countSteps(entries, count);
      const final = ankiState(card, entries, lastAnswer, ctx);
      const target = final?.state ?? NEW_STATE;
      if (final) memory[final.memory as keyof typeof memory]++;
      if (card.type > 0 && !final)
        note(
          left,
          'studied cards with no usable history or interval: they come in as new',
          String(card.id),
        );
      cardCount[target.state]++;
      if (entries.length || final) jobs.push({ cardId, span, target });
      const suspended = card.queue === -1;
      if (leechCards.has(cardId)) {
        cardCount.leech++;
        closing.push({ type: 'suspend', at, card: cardId, leech: { before: false } });
        if (!suspended) closing.push({ type: 'unsuspend', at, card: cardId });
      } else if (suspended) closing.push({ type: 'suspend', at, card: cardId });
      if (suspended) cardCount.suspended++;
      // Anki keeps the flag colour (1 red ... 7 purple) in the low three bits of `flags`.
      if (card.flags & 7) {
        cardCount.flagged++;
        closing.push({ type: 'flag', at, card: cardId, flag: card.flags & 7, prev: 0 });
      }
      // The `marked` tag marks the note: one mark on its first card marks them all.
      if (markPending) {
        markPending = false;
        cardCount.marked++;
        closing.push({ type: 'mark', at, card: cardId, marked: true });
      }
      if (card.queue === -2 || card.queue === -3) {
        if (studyDay(new Date(card.mod * 1000), clock) === today) {
          closing.push({ type: 'bury', at, card: cardId, day: today, prev: null });
          cardCount.buried++;
        } else
          note(
            left,
            'burials from an earlier day (Anki lifts them when the day turns)',
            String(card.id),
          );
      }
    }
  }
  trace('states made');

  // What the deck's settings left out or changed, in the summary after the cards'.
  for (const [reason, example, n] of settingsNotes) note(left, reason, example, n);
  if (settingsProblems.length)
    throw new Error(
      `the settings taken from ${what} are not valid: ${settingsProblems.join('; ')}`,
    );

  // Only the cards with a history have events to replay; the others stay new till the close.
  const replayed = jobs.filter((j) => j.span);
  const sameAsEarly =
    early !== null &&
    early.length === replayed.length &&
    early.every((e, k) => e.cardId === replayed[k]!.cardId && e.span === replayed[k]!.span);
  const eventCount =
    (settingsAfter ? 1 : 0) + count.answers + count.resets + (jobs.length ? 1 : 0) + closing.length;
  /** The change of settings, when the deck takes its preset's; `moved`: the cards already here it reschedules. */
  const opening = (movedBySettings?: Moved): NewEvent[] =>
    settingsAfter
      ? [
          {
            type: 'settings',
            at,
            before: { ...settings },
            after: { ...settingsAfter },
            ...(movedBySettings && Object.keys(movedBySettings).length
              ? { moved: movedBySettings }
              : {}),
          },
        ]
      : [];
  /**
   * After the histories (`finals`: the state each replayed card ends in, in order): one
   * settings event (settings unchanged) that gives each card the state it has in Anki,
   * then suspensions, burials, flags and marks.
   */
  const closingEvents = (finals: readonly SchedState[]): NewEvent[] => {
    const moved: Record<string, { before: SchedState; after: SchedState }> = {};
    let k = 0;
    jobs.forEach((job) => {
      const state = job.span ? (finals[k++] as SchedState) : NEW_STATE;
      if (!sameState(state, job.target)) moved[job.cardId] = { before: state, after: job.target };
    });
    return [
      ...(jobs.length
        ? [
            {
              type: 'settings' as const,
              at,
              before: { ...final },
              after: { ...final },
              ...(Object.keys(moved).length ? { moved } : {}),
            },
          ]
        : []),
      ...closing,
    ];
  };
  /** Every event in order, the histories replayed here, one card after another. */
  function* events(movedBySettings?: Moved): Generator<NewEvent, void, void> {
    yield* opening(movedBySettings);
    const finals: SchedState[] = [];
    const out: NewEvent[] = [];
    for (const [k, job] of replayed.entries()) {
      if (k % 1000 === 0) input.progress?.(k, replayed.length);
      out.length = 0;
      finals.push(historyEvents(job.cardId, entriesOf(job.span), deckSettings, clock, out));
      yield* out;
    }
    yield* closingEvents(finals);
  }

  const fileNotes = usedDecks.map((d) => {
    const f = fileOf.get(d.id)!;
    return { name: oneLine(d.name), file: f.path, notes: f.notes, cards: f.cards };
  });
  const summary: ImportSummary = {
    file: input.fileName,
    collection: pkg.collectionFile,
    schema: col.schema,
    deck: { name: deckName, title: oneLine(title), path: input.deckDir, reimport },
    decks: fileNotes,
    notes: { inPackage: col.notes.length, added: added.length, unchanged, edited, byType },
    cards: cardCount,
    memory,
    reviewLog: {
      entries: r.length,
      answers: count.answers,
      resets: count.resets,
      cram: count.cram,
      manual: count.manual,
      notImported: r.length - importedEntries,
    },
    media: { files: pkg.media.length, referenced: usedMedia.size },
    leftOut: [...left.values()],
    settings: imported ? { ...imported, deck: deckOwn } : null,
  };
  return {
    deckName,
    deckDir: input.deckDir,
    title,
    register: input.existing.registered === null,
    files,
    media: pkg.media,
    deck,
    cardIds,
    events,
    eventCount,
    opening,
    replay: { count: replayed.length, chunk: chunkOf(replayed), early: sameAsEarly },
    closing: closingEvents,
    settingsAfter,
    summary,
  };
}

/**
 * The deck's name for a package: its top-level Anki deck when all its notes are under
 * one (`SRE Interview Prep` gives `sre-interview-prep`), else the package's file name.
 */
export function defaultDeckName(pkg: AnkiPackage, fileName: string): string {
  const col = pkg.collection;
  const first = new Map<number, number>();
  for (const c of col.cards) {
    const d = c.odid ? c.odid : c.did;
    const prev = first.get(c.nid);
    if (prev === undefined) first.set(c.nid, d);
  }
  const tops = new Set<string>();
  for (const d of first.values()) {
    const name = col.decks.get(d)?.name;
    if (name) tops.add(name.split('::')[0] ?? name);
  }
  const base = tops.size === 1 ? [...tops][0]! : fileName.replace(/\.(apkg|colpkg)$/i, '');
  return slug(base, 40) || 'anki';
}

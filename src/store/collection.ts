/**
 * The collection on disk: a snapshot (lowdb) plus the event log past it, one writer at a
 * time. Opening reads the snapshot, syncs the decks, and replays the log's tail. Every
 * change is appended to the log and fsynced before it is applied; the snapshot is
 * rewritten now and then and when the collection is closed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { LowSync } from 'lowdb';
import { deckCards } from '../deck/cards.js';
import { BUILTIN_DECK, loadBuiltinDeck } from '../deck/builtin.js';
import { loadDeckFolder } from '../deck/read.js';
import { formatDeckError, type Card, type Deck } from '../deck/types.js';
import { UserError } from '../errors.js';
import {
  applyEvent,
  emptyState,
  MAX_ANSWER_MS,
  type AnswerEvent,
  type CollectionEvent,
  type CollectionState,
  type NewEvent,
  type UndoableEvent,
} from '../core/model.js';
import { matchesFilter, type Filter, type StudyCard } from '../core/queue.js';
import {
  answer as schedule,
  preview,
  type Preview,
  type RatingName,
  ratingValue,
} from '../core/scheduler.js';
import type { Settings } from '../core/settings.js';
import { syncDeck, type SyncReport } from '../core/sync.js';
import { studyDay, type DayClock } from '../core/time.js';
import { EventLog, readLog } from './eventlog.js';
import { acquireLock, type Lock } from './lock.js';
import { dataPaths, type DataPaths } from './paths.js';
import { openSnapshot } from './snapshot.js';

/** Snapshot after this many events, so that opening replays a short tail. */
export const SNAPSHOT_EVERY = 500;

export interface OpenOptions {
  dataDir: string;
  /** `write` takes the lock and may write; `read` never writes a byte. */
  mode: 'read' | 'write';
  /** Names the command in the lock file. */
  command?: string;
  now: Date;
  timeZone: string;
  /** The built-in deck; read from the package when not given. */
  builtin?: Deck;
}

export class Collection {
  readonly paths: DataPaths;
  state: CollectionState;
  /** The text of every card in the decks read, by id. */
  readonly cards = new Map<string, Card>();
  readonly decks = new Map<string, Deck>();
  /** Problems that did not stop opening (a user's deck that fails to parse). */
  readonly warnings: string[] = [];
  /** What syncing the decks changed at open. */
  readonly syncReport: SyncReport = { added: 0, edited: 0, retired: 0, restored: 0 };
  private readonly timeZone: string;
  private db: LowSync<CollectionState> | null = null;
  private log: EventLog | null = null;
  private lock: Lock | null = null;
  private undoStack: UndoableEvent[] = [];
  private sinceSnapshot = 0;
  private closed = false;

  private constructor(paths: DataPaths, timeZone: string) {
    this.paths = paths;
    this.timeZone = timeZone;
    this.state = emptyState();
  }

  static open(opts: OpenOptions): Collection {
    const c = new Collection(dataPaths(opts.dataDir), opts.timeZone);
    try {
      c.load(opts);
    } catch (e) {
      c.release();
      throw e;
    }
    return c;
  }

  private load(opts: OpenOptions): void {
    const write = opts.mode === 'write';
    if (write) {
      mkdirSync(this.paths.dir, { recursive: true });
      this.lock = acquireLock(this.paths.lock, opts.command ?? 'sre-cards');
    }
    let hadSnapshot = false;
    if (existsSync(this.paths.snapshot)) {
      this.db = openSnapshot(this.paths.snapshot, emptyState());
      this.state = this.db.data;
      hadSnapshot = true;
    }
    // Deck registrations live in the log: replaying first tells which decks to read.
    const tail = readLog(this.paths.log, this.state.logOffset, this.state.seq);
    for (const e of tail.events)
      if (e.type === 'deck-add' || e.type === 'deck-remove') applyEvent(this.state, e);
    this.loadDecks(opts);
    for (const [name, deck] of this.decks)
      this.addReport(syncDeck(this.state, name, deckCards(deck), opts.now));
    for (const e of tail.events) applyEvent(this.state, e);
    this.state.logOffset = tail.end;
    if (write) {
      this.log = EventLog.openForAppend(this.paths.log, tail);
      this.state.logOffset = this.log.offset;
      if (!this.db) this.db = openSnapshot(this.paths.snapshot, this.state);
      this.db.data = this.state;
      const changed =
        this.syncReport.added +
          this.syncReport.edited +
          this.syncReport.retired +
          this.syncReport.restored >
        0;
      if (!hadSnapshot || changed || tail.events.length > 0) this.snapshot();
    }
  }

  private addReport(r: SyncReport): void {
    this.syncReport.added += r.added;
    this.syncReport.edited += r.edited;
    this.syncReport.retired += r.retired;
    this.syncReport.restored += r.restored;
  }

  private loadDecks(opts: OpenOptions): void {
    const builtin = opts.builtin ?? loadBuiltinDeck();
    this.addDeckCards(builtin);
    for (const entry of Object.values(this.state.decks)) {
      if (!entry.path) continue;
      const { deck, errors } = loadDeckFolder(entry.path);
      if (!deck) {
        this.warnings.push(
          `deck "${entry.name}" (${entry.path}) was not read, its cards are kept as they were:\n  ${errors.map(formatDeckError).join('\n  ')}`,
        );
        continue;
      }
      const clash = deckCards(deck).find((c) => this.cards.has(c.id));
      if (clash) {
        this.warnings.push(
          `deck "${entry.name}" was not read: card id "${clash.id}" is also in deck "${this.cards.get(clash.id)?.deck}"`,
        );
        continue;
      }
      // The deck is known by the name it was added under.
      this.addDeckCards({ ...deck, name: entry.name });
    }
  }

  private addDeckCards(deck: Deck): void {
    this.decks.set(deck.name, deck);
    for (const card of deckCards(deck)) this.cards.set(card.id, card);
  }

  /** The clock that defines study days: the time zone and the rollover hour. */
  get clock(): DayClock {
    return { timeZone: this.timeZone, rolloverHour: this.state.settings.rolloverHour };
  }

  get settings(): Settings {
    return this.state.settings;
  }

  /** Live (not retired) cards matching a filter, with their records. */
  studyCards(filter: Filter): StudyCard[] {
    const out: StudyCard[] = [];
    for (const card of this.cards.values()) {
      const rec = this.state.cards[card.id];
      if (!rec || rec.retired || card.deck !== rec.deck) continue;
      if (!matchesFilter(card, filter)) continue;
      out.push({ card, rec });
    }
    return out;
  }

  /** A live card by id, or a clear error. */
  get(id: string): StudyCard {
    const card = this.cards.get(id);
    const rec = this.state.cards[id];
    if (!card || !rec || rec.retired)
      throw new UserError(`no card "${id}"; \`sre-cards list\` shows the card ids`);
    return { card, rec };
  }

  noteOf = (id: string): string | undefined => this.state.cards[id]?.note;

  preview(id: string, now: Date): Preview[] {
    return preview(this.get(id).rec.sched, now, this.settings, this.clock, id);
  }

  private writable(): EventLog {
    if (!this.log || this.closed) throw new Error('the collection is open read-only');
    return this.log;
  }

  /** Appends an event durably, then applies it. */
  private commit(e: NewEvent): CollectionEvent {
    const log = this.writable();
    const event = { ...e, seq: this.state.seq + 1 } as CollectionEvent;
    log.append(event);
    applyEvent(this.state, event);
    this.state.logOffset = log.offset;
    if (++this.sinceSnapshot >= SNAPSHOT_EVERY) this.snapshot();
    return event;
  }

  answer(id: string, rating: RatingName, now: Date, ms: number): AnswerEvent {
    const { rec } = this.get(id);
    if (rec.suspended)
      throw new UserError(
        `card "${id}" is suspended; \`sre-cards unsuspend ${id}\` brings it back`,
      );
    const clock = this.clock;
    const after = schedule(rec.sched, now, rating, this.settings, clock, id);
    const e = this.commit({
      type: 'answer',
      at: now.toISOString(),
      card: id,
      rating: ratingValue(rating),
      ms: Math.max(0, Math.min(MAX_ANSWER_MS, Math.round(ms))),
      day: studyDay(now, clock),
      tz: clock.timeZone,
      rollover: clock.rolloverHour,
      before: rec.sched,
      after,
    }) as AnswerEvent;
    this.undoStack.push(e);
    return e;
  }

  suspend(id: string, now: Date): boolean {
    const { rec } = this.get(id);
    if (rec.suspended) return false;
    this.undoStack.push(
      this.commit({ type: 'suspend', at: now.toISOString(), card: id }) as UndoableEvent,
    );
    return true;
  }

  unsuspend(id: string, now: Date): boolean {
    const { rec } = this.get(id);
    if (!rec.suspended) return false;
    this.undoStack.push(
      this.commit({ type: 'unsuspend', at: now.toISOString(), card: id }) as UndoableEvent,
    );
    return true;
  }

  /** Hides a card until the next study day. */
  bury(id: string, now: Date): void {
    const { rec } = this.get(id);
    const day = studyDay(now, this.clock);
    this.undoStack.push(
      this.commit({
        type: 'bury',
        at: now.toISOString(),
        card: id,
        day,
        prev: rec.buriedDay,
      }) as UndoableEvent,
    );
  }

  /** Undoes the last action of this session (answer, suspend, bury), restoring the exact state. */
  undo(now: Date): UndoableEvent | null {
    const target = this.undoStack.pop();
    if (!target) return null;
    this.commit({ type: 'undo', at: now.toISOString(), target });
    return target;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  /** Registers a user's deck folder. */
  addDeck(name: string, path: string, now: Date, deck: Deck): SyncReport {
    if (this.decks.has(name) || this.state.decks[name])
      throw new UserError(
        `a deck named "${name}" is already in the collection; \`sre-cards deck list\` shows them`,
      );
    const cards = deckCards({ ...deck, name });
    const clash = cards.find((c) => this.cards.has(c.id));
    if (clash)
      throw new UserError(
        `card id "${clash.id}" is already used by deck "${this.cards.get(clash.id)?.deck}"; ids must be unique across decks: rename the note in ${path}`,
      );
    this.commit({ type: 'deck-add', at: now.toISOString(), name, path });
    this.addDeckCards({ ...deck, name });
    const report = syncDeck(this.state, name, cards, now);
    this.snapshot();
    return report;
  }

  removeDeck(name: string, now: Date): number {
    const entry = this.state.decks[name];
    if (!entry) {
      if (name === BUILTIN_DECK)
        throw new UserError(
          `the built-in deck "${name}" cannot be removed; filter it out with --deck`,
        );
      throw new UserError(`no deck named "${name}"; \`sre-cards deck list\` shows them`);
    }
    const count = Object.values(this.state.cards).filter(
      (c) => c.deck === name && !c.retired,
    ).length;
    this.commit({ type: 'deck-remove', at: now.toISOString(), name, path: entry.path ?? '' });
    this.decks.delete(name);
    this.snapshot();
    return count;
  }

  /** Rewrites the snapshot (atomically) to cover every event so far. */
  snapshot(): void {
    if (!this.db || !this.log) return;
    this.state.logOffset = this.log.offset;
    this.db.data = this.state;
    this.db.write();
    this.sinceSnapshot = 0;
  }

  /** Saves the snapshot and lets go of the log and the lock. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    try {
      if (this.log) this.snapshot();
    } finally {
      this.release();
    }
  }

  private release(): void {
    this.closed = true;
    try {
      this.log?.close();
    } catch {
      // nothing left to save
    }
    this.log = null;
    this.lock?.release();
    this.lock = null;
  }
}

/**
 * The collection on disk: a snapshot (lowdb) plus the event log past it, one writer at a
 * time. Opening reads the snapshot, syncs the decks, and replays the log's tail. Every
 * change is appended to the log and fsynced before it is applied; the snapshot is
 * rewritten now and then and when the collection is closed.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { LowSync } from 'lowdb';
import { deckCards } from '../deck/cards.js';
import { BUILTIN_DECK, builtinDeckFile, loadBuiltinDeck } from '../deck/builtin.js';
import { applyOverlay } from '../deck/overlay.js';
import { formatDeckError, type Card, type Deck, type DeckError, type Note } from '../deck/types.js';
import { UserError, writeErrorText } from '../errors.js';
import {
  answerEvents,
  cramAnswerEvent,
  lastChanges,
  undoEvents,
  undoTargets,
} from '../core/answer.js';
import { keptAnswers, reviewLog } from '../core/reviewlog.js';
import type { LogRows } from '../core/logrows.js';
import { clockProblem, mergeLogs } from '../core/merge.js';
import {
  applyEvent,
  noteCards,
  rebuildCards,
  emptyState,
  SCHEMA_VERSION,
  type AnswerEvent,
  type CollectionEvent,
  type CollectionState,
  type NewEvent,
  type NoteCards,
  type SettingsEvent,
  type UndoableEvent,
} from '../core/model.js';
import { matchesFilter, type Filter, type StudyCard } from '../core/queue.js';
import { DueLoad } from '../core/loadbalance.js';
import { preview, type Preview, type RatingName, type SchedState } from '../core/scheduler.js';
import { dueDays, setDueState, type DueSpec } from '../core/setdue.js';
import { changesIntervals, movedDue, reschedule, type Moved } from '../core/reschedule.js';
import { settingsForDeck, validateSettings, type Settings } from '../core/settings.js';
import { hasChanges, syncChanges, syncDeck, type SyncReport } from '../core/sync.js';
import { describeChange, hasTexts, recordTexts, type DeckChange } from './decktexts.js';
import { studyDay, type DayClock } from '../core/time.js';
import { keepBeforeMigration, takeDailyBackup } from './backup.js';
import { deckCache, loadUserDeck, PARSER, userDeckKey } from './deckcache.js';
import { EventLog, readAllEvents, readLog } from './log/file.js';
import { encodeEvent } from './log/codec.js';
import { readLogRows } from './log/scan.js';
import { fileIo, fsyncDir, isAtomicTmp } from './fsio.js';
import { acquireLock, type Lock } from './lock.js';
import { dataPaths, type DataPaths } from './paths.js';
import { ensureDevice, migrateLegacyLog, readDevice, type DeviceInfo } from './device.js';
import { listLogFolder, readConflictCopies, readDeviceLog, type Cursor } from './log/devices.js';
import { selectEvents, type LogSource } from './log/select.js';
import { hostname } from 'node:os';
import { openSnapshot, type SnapshotFile } from './snapshot.js';
import { overlayNote, overlayStamp, readOverlay } from './overlay.js';
import { trace } from '../trace.js';
import { writeText } from '../text/bytes.js';

/** Snapshot after this many events, so that opening replays a short tail. */
export const SNAPSHOT_EVERY = 500;
/** With `snapshotWhenIdle`, a due snapshot waits for this long a pause in the changes. */
export const SNAPSHOT_IDLE_MS = 1500;

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
  /** Events between snapshots (default SNAPSHOT_EVERY). */
  snapshotEvery?: number;
  /**
   * Write a due snapshot at the next pause rather than inside the change that made it
   * due, so that an answer never waits for a whole-collection rewrite (the review
   * screen). Changes that keep coming without a pause still snapshot at 4 intervals.
   */
  snapshotWhenIdle?: boolean;
}

/** What other devices' events brought (see `Collection.pickUp`). */
export interface Arrival {
  /** Events taken in, and answers among them, by device id. */
  events: number;
  answers: Record<string, number>;
  /** Cards whose scheduling state, suspension or burial changed. */
  changed: string[];
  /** Devices whose log was refused (file:line: why), or whose clock looks wrong. */
  problems: string[];
}

/**
 * Events already encoded, as an import's replayed card histories come (see
 * `src/import/replay.ts`): each event's JSON without its closing brace, the writer adding
 * its sequence number; `apply` does to a state what the events do, in one go.
 */
export interface EncodedEvents {
  bytes: Uint8Array;
  /** Where each event's text ends in `bytes`. */
  ends: Int32Array;
  apply(state: CollectionState): void;
}

const SEQ_KEY = Buffer.from(',"seq":', 'latin1');

/** Writes `,"seq":N}` and a newline at `at` (the digits by hand: a million lines); returns the end. */
function writeSeq(buf: Buffer, at: number, seq: number): number {
  SEQ_KEY.copy(buf, at);
  at += SEQ_KEY.length;
  let digits = 1;
  for (let x = seq; x >= 10; x = Math.floor(x / 10)) digits++;
  for (let i = digits - 1, n = seq; i >= 0; i--, n = Math.floor(n / 10))
    buf[at + i] = 48 + (n % 10);
  at += digits;
  buf[at++] = 0x7d; // }
  buf[at++] = 0x0a;
  return at;
}

export class Collection {
  paths: DataPaths;
  /** This data folder's device. */
  device: DeviceInfo = { id: 'local', name: 'this device' };
  state: CollectionState;
  /** The text of every card in the decks read, by id. */
  get cards(): Map<string, Card> {
    this.readDecks();
    return this.deckCards;
  }
  get decks(): Map<string, Deck> {
    this.readDecks();
    return this.deckMap;
  }
  private readonly deckCards = new Map<string, Card>();
  private readonly deckMap = new Map<string, Deck>();
  /**
   * Set when opening found every deck's sources as the cards were last synced with: the
   * decks are then read when first asked for (a sync, a setting, never needs them; at
   * 100k cards reading them is a fifth of a second and more in memory).
   */
  private decksDeferred: OpenOptions | null = null;
  /** Problems that did not stop opening (a user's deck that fails to parse). */
  readonly warnings: string[] = [];
  /**
   * Told of each problem found after opening (decks read when first asked for); the
   * ones found while opening are in `warnings`.
   */
  onWarning: ((warning: string) => void) | null = null;
  /** What syncing the decks changed at open. */
  readonly syncReport: SyncReport = { added: 0, edited: 0, retired: 0, restored: 0 };
  private readonly timeZone: string;
  private db: LowSync<CollectionState> | null = null;
  private log: EventLog | null = null;
  private lock: Lock | null = null;
  private undoStack: UndoableEvent[] = [];
  /** The whole log, once read (see `events`). */
  private allEvents: CollectionEvent[] | null = null;
  private sinceSnapshot = 0;
  private snapshotEvery = SNAPSHOT_EVERY;
  private snapshotWhenIdle = false;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Set when an append failed (disk full, read-only): nothing more is written. */
  private writeFailed: Error | null = null;
  private closed = false;
  /** The daily backup written at open, if any. */
  backupWritten: string | null = null;
  /** Review cards due by study day, for the load balancer: built when first needed, then kept up to date. */
  private dueLoad: DueLoad | null = null;

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
    if (opts.snapshotEvery !== undefined && opts.snapshotEvery >= 1)
      this.snapshotEvery = Math.floor(opts.snapshotEvery);
    this.snapshotWhenIdle = opts.snapshotWhenIdle ?? false;
    if (write) {
      mkdirSync(this.paths.dir, { recursive: true });
      this.lock = acquireLock(this.paths.lock, opts.command ?? 'sre-cards');
    }
    this.now = opts.now;
    let hadSnapshot = false;
    if (existsSync(this.paths.snapshot)) {
      this.db = openSnapshot(this.paths.snapshot, emptyState(), this.paths.snapshotOut);
      this.state = this.db.data;
      hadSnapshot = true;
    }
    trace('snapshot read');
    // The snapshot read well: a one-log collection's log may become this device's.
    if (write) {
      const { paths, device } = ensureDevice(this.paths.dir);
      this.paths = paths;
      this.device = device;
    } else {
      this.device = readDevice(this.paths) ?? { id: 'local', name: hostname() };
    }
    this.state.device = this.device.id;
    // Deck registrations live in the log: replaying first tells which decks to read.
    const tail = readLog(this.paths.log, this.state.logOffset, this.state.seq);
    for (const e of tail.events) e.dev = this.device.id;
    const peers = this.readPeers();
    const fresh = mergeLogs([tail.events, ...peers.lists]);
    for (const e of fresh)
      if (e.type === 'deck-add' || e.type === 'deck-remove') applyEvent(this.state, e);
    trace('logs read');
    if (this.decksUnchanged(opts)) this.decksDeferred = opts;
    else this.loadDecks(opts);
    trace('decks read');
    let syncedKeys = false;
    for (const [name, deck] of this.deckMap) {
      // A deck whose sources are those the cards were last synced with needs no sync
      // (at 100k cards a sync costs ~0.15 s of every start, even for the small built-in deck).
      let entry = this.state.decks[name];
      const key = this.deckKeys.get(name);
      if (entry && key && entry.synced === key) continue;
      if (this.unsynced.has(name)) continue;
      this.addReport(
        this.takeIn(name, this.deckCardLists.get(name) ?? deckCards(deck), opts.now, write),
      );
      if (key) {
        // The built-in deck gets an entry too (path null), to hold its key.
        entry ??= this.state.decks[name] = { name, path: null };
        entry.synced = key;
        syncedKeys = true;
      }
    }
    this.arrived = this.intake(fresh, peers.cursors, peers.problems);
    trace('decks synced, logs applied');
    for (const p of peers.problems) this.warn(p);
    this.state.logOffset = tail.end;
    if (write) {
      this.paths = migrateLegacyLog(this.paths.dir, this.device);
      this.log = EventLog.openForAppend(this.paths.log, tail);
      this.state.logOffset = this.log.offset;
      this.removeStaleTmp();
      const readSchema = this.db ? (this.db.adapter as SnapshotFile).readSchema : null;
      if (hadSnapshot) this.backUp(opts.now, readSchema);
      this.db ??= openSnapshot(this.paths.snapshotOut, this.state);
      this.db.data = this.state;
      const changed =
        this.syncReport.added +
          this.syncReport.edited +
          this.syncReport.retired +
          this.syncReport.restored >
        0;
      const migrated = readSchema !== null && readSchema < SCHEMA_VERSION;
      if (!hadSnapshot || changed || migrated || syncedKeys || fresh.length > 0) this.snapshot();
    }
    trace('collection open');
  }

  /** Today's backup of the snapshot just read (and, before a migration, the old file). */
  private backUp(now: Date, readSchema: number | null): void {
    if (readSchema !== null && readSchema < SCHEMA_VERSION)
      keepBeforeMigration(this.paths, readSchema);
    try {
      this.backupWritten = takeDailyBackup(
        this.paths,
        studyDay(now, this.clock),
        this.state.settings.backups,
      );
    } catch (e) {
      this.warn(
        `today's backup could not be written (${(e as Error).message}); the collection itself is intact`,
      );
    }
  }

  /** Removes temporary snapshot files left by a writer that died mid-write (this one holds the lock). */
  private removeStaleTmp(): void {
    const bases = ['collection.snap.tmp-', 'collection.json.tmp-'];
    for (const n of readdirSync(this.paths.dir)) {
      if (!bases.some((b) => n.startsWith(b)) || !isAtomicTmp(n)) continue;
      try {
        unlinkSync(join(this.paths.dir, n));
      } catch {
        // harmless: removed next time
      }
    }
  }

  private addReport(r: SyncReport): void {
    this.syncReport.added += r.added;
    this.syncReport.edited += r.edited;
    this.syncReport.retired += r.retired;
    this.syncReport.restored += r.restored;
  }

  /**
   * Other devices' logs past what the state covers: their new events (each log's in its
   * order), the cursors they bring the state to, and the logs refused.
   */
  private readPeers(): {
    lists: CollectionEvent[][];
    cursors: Record<string, Cursor>;
    problems: string[];
  } {
    const folder = listLogFolder(this.paths.logs);
    const lists: CollectionEvent[][] = [];
    const cursors: Record<string, Cursor> = {};
    const problems: string[] = [];
    const devices = new Set([...folder.logs.keys(), ...folder.conflicts.keys()]);
    for (const dev of devices) {
      if (dev === this.device.id) continue;
      const from: Cursor = this.state.peers?.[dev] ?? { seq: 0, offset: 0, line: 0 };
      const path = folder.logs.get(dev);
      const r = path
        ? readDeviceLog(dev, path, from)
        : { events: [], cursor: from, problem: null, partial: false };
      const events = r.events;
      const copies = folder.conflicts.get(dev);
      if (copies && !r.problem) events.push(...readConflictCopies(dev, copies, r.cursor.seq));
      if (r.problem)
        problems.push(
          `the log of device ${this.deviceName(dev)} is refused from ${r.problem}; its events before that are merged, and the other devices' too`,
        );
      const prevAt = this.peerLastAt.get(dev) ?? null;
      const clock = clockProblem(this.deviceName(dev), events, this.now, prevAt);
      if (clock) problems.push(clock);
      if (events.length === 0 && r.cursor.offset === from.offset) continue;
      const last = events[events.length - 1];
      if (last) this.peerLastAt.set(dev, last.at);
      lists.push(events);
      cursors[dev] = { ...r.cursor, seq: Math.max(r.cursor.seq, last?.seq ?? 0) };
    }
    return { lists, cursors, problems };
  }

  private readonly peerLastAt = new Map<string, string>();
  private now = new Date(0);

  /** A device's name as it gave it, with its id. */
  deviceName(dev: string): string {
    if (dev === this.device.id) return `${this.device.name} (${dev}, this device)`;
    const name = this.state.devices?.[dev];
    return name ? `${name} (${dev})` : dev;
  }

  /** Applies events in the merged order; cards they reach out of order are recomputed. */
  private takeInEvents(events: readonly CollectionEvent[]): void {
    const rebuild = new Set<string>();
    const notes = noteCards(this.state);
    for (const e of events) for (const id of applyEvent(this.state, e, notes)) rebuild.add(id);
    if (rebuild.size === 0) return;
    this.allEvents = null;
    rebuildCards(this.state, rebuild, this.eventsFor);
  }

  /**
   * Takes in what other devices added to their logs since the state last read them (a
   * sync, a synced folder). Writes the snapshot when something arrived (in write mode).
   */
  pickUp(now: Date): Arrival {
    this.now = now;
    const peers = this.readPeers();
    const fresh = mergeLogs(peers.lists);
    const joined: string[] = [];
    for (const e of fresh)
      if (e.type === 'deck-add' || e.type === 'deck-remove') {
        if (e.type === 'deck-add' && !this.state.decks[e.name]) joined.push(e.name);
        applyEvent(this.state, e);
      }
    // A deck another device added: its cards come in before the events that reach them
    // (an event for a card the collection does not know does nothing).
    if (joined.length) this.takeInJoined(joined, now);
    const a = this.intake(fresh, peers.cursors, peers.problems);
    if (fresh.length > 0 || Object.keys(peers.cursors).length > 0) {
      this.allEvents = null;
      this.dueLoad = null;
      if (this.log && !this.closed) this.snapshot();
    }
    // What opening took in counts too: it is news to whoever asks.
    const out: Arrival = {
      events: this.arrived.events + a.events,
      answers: { ...this.arrived.answers },
      changed: [...new Set([...this.arrived.changed, ...a.changed])],
      problems: a.problems,
    };
    for (const [d, n] of Object.entries(a.answers)) out.answers[d] = (out.answers[d] ?? 0) + n;
    this.arrived = { events: 0, answers: {}, changed: [], problems: [] };
    return out;
  }

  /** Reads decks that joined the collection from another device's log, and takes them in. */
  private takeInJoined(names: readonly string[], now: Date): void {
    this.readDecks();
    const write = this.log !== null && !this.closed;
    for (const name of names) {
      const entry = this.state.decks[name];
      if (!entry?.path) continue;
      // Read with the others when they were left unread, else read now.
      let deck = this.deckMap.get(name);
      let cards = this.deckCardLists.get(name);
      if (!deck) {
        const r = this.readUserDeck(entry, write);
        if (r.key) this.deckKeys.set(name, r.key);
        if ('errors' in r) {
          this.warn(r.errors.join('\n  '));
          continue;
        }
        this.addDeckCards(r.deck, r.cards);
        [deck, cards] = [r.deck, r.cards];
      }
      this.addReport(this.takeIn(name, cards ?? deckCards(deck), now, write));
      const key = this.deckKeys.get(name);
      if (key) entry.synced = key;
    }
  }

  /** What other devices' events brought at open, until `pickUp` reports it. */
  private arrived: Arrival = { events: 0, answers: {}, changed: [], problems: [] };

  /**
   * Takes in events (merged) with the positions they bring the other logs to, and says
   * what the other devices' events among them brought.
   */
  private intake(
    fresh: readonly CollectionEvent[],
    cursors: Record<string, Cursor>,
    problems: string[],
  ): Arrival {
    const arrival: Arrival = { events: 0, answers: {}, changed: [], problems };
    const touched = new Map<string, string>();
    const look = (id: string) => {
      const c = this.state.cards[id];
      if (c && !touched.has(id))
        touched.set(id, JSON.stringify([c.sched, c.suspended, c.buriedDay]));
    };
    for (const e of fresh) {
      if (e.dev === this.device.id) continue;
      arrival.events++;
      const t = e.type === 'undo' ? e.target : e;
      if ('card' in t && typeof t.card === 'string') look(t.card);
      if (t.type === 'settings') for (const id of Object.keys(t.moved ?? {})) look(id);
      const d = e.dev ?? '';
      if (e.type === 'answer') arrival.answers[d] = (arrival.answers[d] ?? 0) + 1;
    }
    // The positions first: a card recomputed reads every log up to them.
    this.state.peers = { ...this.state.peers, ...cursors };
    this.takeInEvents(fresh);
    for (const [id, before] of touched) {
      const c = this.state.cards[id];
      if (c && JSON.stringify([c.sched, c.suspended, c.buriedDay]) !== before)
        arrival.changed.push(id);
    }
    return arrival;
  }

  /**
   * Are all decks' sources those their cards were last synced with (so that opening has
   * nothing to take in from them)? Keys as `loadDecks` makes them, from file times alone.
   */
  private decksUnchanged(opts: OpenOptions): boolean {
    // A built-in deck given (as tests do) has no file to identify it.
    if (opts.builtin) return false;
    let key: string;
    try {
      const st = statSync(builtinDeckFile());
      key = `${PARSER} built-in ${st.size} ${st.mtimeMs}`;
    } catch {
      return false;
    }
    const stamp = overlayStamp(this.paths.overlays, BUILTIN_DECK);
    if (this.state.decks[BUILTIN_DECK]?.synced !== `${key}${stamp ? ` overlay ${stamp}` : ''}`)
      return false;
    for (const entry of Object.values(this.state.decks)) {
      if (!entry.path) continue;
      const k = userDeckKey(entry.path);
      if (k === null || entry.synced !== k) return false;
    }
    return true;
  }

  /** Reads the decks if opening left them for later. */
  private warn(warning: string): void {
    this.warnings.push(warning);
    this.onWarning?.(warning);
  }

  private readDecks(): void {
    const opts = this.decksDeferred;
    if (!opts) return;
    this.decksDeferred = null;
    this.loadDecks(opts);
  }

  private loadDecks(opts: OpenOptions): void {
    const builtin = opts.builtin ?? loadBuiltinDeck();
    this.builtinDeckRead = builtin;
    if (!opts.builtin) {
      // The built-in deck changes only with sre-cards itself: its file identifies it.
      try {
        const st = statSync(builtinDeckFile());
        this.builtinKey = `${PARSER} built-in ${st.size} ${st.mtimeMs}`;
      } catch {
        // read above; unreachable unless removed meanwhile: then it is synced every time
      }
    }
    const read = this.readBuiltin();
    if ('errors' in read) {
      this.warn(
        `the overlay ${read.file} was not read, the built-in text is shown and your fixes are kept as they are:\n  ${read.errors.map(formatDeckError).join('\n  ')}`,
      );
      this.unsynced.add(builtin.name);
      this.addDeckCards(builtin);
    } else {
      if (read.key) this.deckKeys.set(builtin.name, read.key);
      this.addDeckCards(read.deck, read.cards);
    }
    for (const entry of Object.values(this.state.decks)) {
      if (!entry.path) continue;
      const r = this.readUserDeck(entry, opts.mode === 'write');
      if (r.key) this.deckKeys.set(entry.name, r.key);
      if ('errors' in r) {
        this.warn(r.errors.join('\n  '));
        // The deck as it last read cleanly, not synced: nothing changes until it is fixed.
        const prev = r.previous?.deck;
        const cards = r.previous?.cards ?? null;
        if (prev && cards && !cards.some((c) => this.cards.has(c.id))) {
          this.unsynced.add(entry.name);
          this.addDeckCards(prev, cards);
        }
        continue;
      }
      this.addDeckCards(r.deck, r.cards);
    }
  }

  /**
   * What changed in each deck's sources since the collection last took them in (cards
   * edited, with their texts before and after; added; retired): found at open, and by
   * `reloadDecks`. A reader finds what a writer would take in (`deck check`).
   */
  readonly deckChanges = new Map<string, DeckChange>();
  /** The changes found at open in decks the collection had before: for the session's first line. */
  readonly openChanges: SyncReport = { added: 0, edited: 0, retired: 0, restored: 0 };

  /**
   * Syncs a deck's cards into the state, noting what changed; a writer records the texts
   * taken in (texts/NAME.json), with the change.
   */
  private takeIn(name: string, cards: Card[], now: Date, write: boolean): SyncReport {
    const changes = syncChanges(this.state, name, cards);
    const known =
      this.state.decks[name]?.synced !== undefined ||
      Object.values(this.state.cards).some((c) => c.deck === name);
    let change: DeckChange | null = null;
    if (hasChanges(changes) && known) {
      change = describeChange(this.paths.texts, name, changes, this.cards, now);
      this.deckChanges.set(name, change);
    }
    const report = syncDeck(this.state, name, cards, now);
    if (change && !this.log) {
      for (const k of ['added', 'edited', 'retired', 'restored'] as const)
        this.openChanges[k] += report[k];
    }
    if (write && (change || !hasTexts(this.paths.texts, name))) {
      try {
        recordTexts(this.paths.texts, name, cards, change);
      } catch {
        // only the diffs of this change are lost: the cards and their history are in the log
      }
    }
    return report;
  }

  /** The built-in deck before its overlay: what an edit of one of its notes starts from. */
  private builtinDeckRead!: Deck;
  private get builtinBase(): Deck {
    this.readDecks();
    return this.builtinDeckRead;
  }
  /** Identifies the installed built-in deck (null when it was given, as tests do). */
  private builtinKey: string | null = null;
  /** Decks read with problems this open: not synced, so their cards keep their texts' hashes. */
  private readonly unsynced = new Set<string>();

  /** The built-in deck with its overlay, or the overlay's errors. */
  private readBuiltin():
    { deck: Deck; cards: Card[]; key: string | null } | { errors: DeckError[]; file: string } {
    const base = this.builtinBase;
    const overlay = readOverlay(this.paths.overlays, base);
    if (overlay && overlay.errors.length) return { errors: overlay.errors, file: overlay.file };
    const deck = overlay ? applyOverlay(base, overlay.notes) : base;
    const stamp = overlayStamp(this.paths.overlays, base.name);
    const key = this.builtinKey && `${this.builtinKey}${stamp ? ` overlay ${stamp}` : ''}`;
    return { deck, cards: deckCards(deck), key };
  }

  /** A user's deck, from its sources (or their cache), or why it was not read. */
  private readUserDeck(
    entry: { name: string; path: string | null },
    write: boolean,
  ):
    | { deck: Deck; cards: Card[]; key: string | null }
    | {
        errors: string[];
        key: string | null;
        list: DeckError[];
        previous?: { deck: Deck; cards: Card[] };
      } {
    const path = entry.path ?? '';
    const read = loadUserDeck(entry.name, path, this.paths.cache, write);
    const { errors, key } = read;
    if (!read.deck)
      return {
        key,
        list: errors,
        previous: read.previous,
        errors: [
          `deck "${entry.name}" (${path}) has errors; ${read.previous ? 'its cards keep the text they had when it last read cleanly' : 'its cards are kept as they were'} until they are fixed:\n  ${errors.map(formatDeckError).join('\n  ')}`,
        ],
      };
    const { deck } = read;
    // The deck is known by the name it was added under. (A deck from the cache has that
    // name already, and reads its notes only when asked: spreading it would read them.)
    const named = deck.name === entry.name ? deck : { ...deck, name: entry.name };
    const cards = read.cards ?? deckCards(named);
    const clash = cards.find((c) => {
      const other = this.cards.get(c.id);
      return other !== undefined && other.deck !== entry.name;
    });
    if (clash) {
      const message = `card id "${clash.id}" is also in deck "${this.cards.get(clash.id)?.deck}"`;
      return {
        key,
        list: [{ file: path, line: 1, message }],
        errors: [`deck "${entry.name}" was not read: ${message}`],
      };
    }
    return { deck: named, cards, key };
  }

  /**
   * Reads the decks again (after an edit of their sources): cards edited keep their ids
   * and history, new ones are added, removed ones retired, and the snapshot covers it. A
   * deck that no longer parses keeps its previous text; its errors are returned.
   */
  reloadDecks(now: Date): { report: SyncReport; errors: DeckError[] } {
    const report: SyncReport = { added: 0, edited: 0, retired: 0, restored: 0 };
    const errors: DeckError[] = [];
    const fresh: { deck: Deck; cards: Card[]; key: string | null }[] = [];
    const b = this.readBuiltin();
    if ('errors' in b) errors.push(...b.errors);
    else fresh.push(b);
    for (const entry of Object.values(this.state.decks)) {
      if (!entry.path) continue;
      const r = this.readUserDeck(entry, this.log !== null);
      if ('errors' in r) errors.push(...r.list);
      else fresh.push(r);
    }
    for (const { deck, cards, key } of fresh) {
      const entry = this.state.decks[deck.name];
      const old = this.deckCardLists.get(deck.name) ?? [];
      for (const c of old) this.cards.delete(c.id);
      this.addDeckCards(deck, cards);
      if (key && entry?.synced === key) continue;
      const r = this.takeIn(deck.name, cards, now, this.log !== null);
      for (const k of ['added', 'edited', 'retired', 'restored'] as const) report[k] += r[k];
      if (key) (this.state.decks[deck.name] ??= { name: deck.name, path: null }).synced = key;
      this.unsynced.delete(deck.name);
    }
    this.dueLoad = null;
    if (this.log && !this.closed) this.snapshot();
    return { report, errors };
  }

  /**
   * The file and line to edit a card's note at: its source, or for the built-in deck its
   * copy in the overlay (made first when there is none).
   */
  editTarget(id: string, now: Date): { file: string; line: number; overlay: boolean } {
    const { card } = this.get(id);
    const note = this.noteOfCard(id);
    if (!note) throw new UserError(`the note of card "${id}" is not in its deck's sources`);
    const entry = this.state.decks[card.deck];
    if (entry?.path) return { file: join(entry.path, note.file), line: note.line, overlay: false };
    if (isAbsolute(note.file)) return { file: note.file, line: note.line, overlay: true };
    const base = this.builtinBase.notes.find((n) => n.id === note.id) ?? note;
    return { ...overlayNote(this.paths.overlays, this.builtinBase, base, now), overlay: true };
  }

  /** The built-in deck as installed, before its overlay. */
  get builtinDeck(): Deck {
    return this.builtinBase;
  }

  /** Each deck's cards, made once per open (at 100k cards making them is not free). */
  private readonly deckCardLists = new Map<string, Card[]>();
  /** Each user deck's sources, identified (see DeckEntry.synced). */
  private readonly deckKeys = new Map<string, string>();

  private addDeckCards(deck: Deck, cards: Card[] = deckCards(deck)): void {
    this.decks.set(deck.name, deck);
    this.deckCardLists.set(deck.name, cards);
    for (const card of cards) this.cards.set(card.id, card);
  }

  /** The clock that defines study days: the time zone and the rollover hour. */
  get clock(): DayClock {
    return { timeZone: this.timeZone, rolloverHour: this.state.settings.rolloverHour };
  }

  get settings(): Settings {
    return this.state.settings;
  }

  /** The decks that have cards in their sources (what `studyCards(NO_FILTER)` spans). */
  decksWithCards(): string[] {
    this.readDecks();
    return [...this.deckCardLists].filter(([, cards]) => cards.length > 0).map(([name]) => name);
  }

  /** Live (not retired) cards matching a filter, with their records. */
  studyCards(filter: Filter): StudyCard[] {
    const out: StudyCard[] = [];
    for (const card of this.cards.values()) {
      const rec = this.state.cards[card.id];
      if (!rec || rec.retired || card.deck !== rec.deck) continue;
      if (!matchesFilter(card, filter, rec)) continue;
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

  /** The note a card comes from, as its deck's sources hold it (with its file and line). */
  noteOfCard(id: string): Note | undefined {
    const card = this.cards.get(id);
    return card ? this.decks.get(card.deck)?.notes.find((n) => n.id === card.note) : undefined;
  }

  /** The settings a deck's cards are scheduled with (the deck's own over the others). */
  settingsFor(deck: string | undefined): Settings {
    return settingsForDeck(this.settings, deck);
  }

  /** What the load balancer sees when card `id` is scheduled at `now`. */
  private loadView(id: string, note: string, now: Date) {
    return { load: this.loadOf(now).view(id, note) };
  }

  /** The load of the days ahead, counted once a study day and kept up to date after. */
  private loadOf(now: Date): DueLoad {
    const today = studyDay(now, this.clock);
    if (this.dueLoad?.today !== today) this.dueLoad = new DueLoad(this.state, this.clock, today);
    return this.dueLoad;
  }

  /**
   * Counts now what the first answer of the day needs (the load of the days ahead, which
   * passes over every card), so that a session can do it while its first card is read.
   */
  prepareAnswers(now: Date): void {
    this.loadOf(now);
  }

  preview(id: string, now: Date): Preview[] {
    const { rec } = this.get(id);
    const settings = this.settingsFor(rec.deck);
    return preview(rec.sched, now, settings, this.clock, id, this.loadView(id, rec.note, now));
  }

  private writable(): EventLog {
    if (!this.log || this.closed) throw new Error('the collection is open read-only');
    return this.log;
  }

  /** Appends an event durably, then applies it. */
  private commit(e: NewEvent): CollectionEvent {
    const log = this.writable();
    const event = { ...e, seq: this.state.seq + 1 } as CollectionEvent;
    // An undo of this device's own event names it as its log does: by seq alone.
    if (event.type === 'undo' && event.target.dev === this.device.id) {
      const { dev: _dev, ...target } = event.target;
      event.target = target as UndoableEvent;
    }
    try {
      log.append(event);
    } catch (err) {
      // A full disk or a read-only folder: say so in words, keeping the code for callers.
      const text = writeErrorText(err);
      const failure = text
        ? Object.assign(new Error(text, { cause: err }), {
            code: (err as NodeJS.ErrnoException).code,
          })
        : (err as Error);
      this.writeFailed = failure;
      throw failure;
    }
    event.dev = this.device.id;
    this.allEvents?.push(event);
    const rebuild = applyEvent(this.state, event);
    if (rebuild.length) {
      rebuildCards(this.state, rebuild, this.eventsFor);
      this.dueLoad = null;
    } else if (this.dueLoad && !this.dueLoad.apply(event, this.state)) this.dueLoad = null;
    this.state.logOffset = log.offset;
    if (++this.sinceSnapshot >= this.snapshotEvery) this.snapshotSoon();
    return event;
  }

  /** A snapshot is due: write it now, or at the next pause in the changes (snapshotWhenIdle). */
  private snapshotSoon(): void {
    if (this.snapshotWhenIdle && this.sinceSnapshot < this.snapshotEvery * 4) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        this.trySnapshot();
      }, SNAPSHOT_IDLE_MS);
      this.idleTimer.unref();
      return;
    }
    this.trySnapshot();
  }

  /**
   * A snapshot that may fail quietly: every event is already in the log, so nothing is
   * lost; the next snapshot (at the latest on close) catches up.
   */
  private trySnapshot(): void {
    try {
      this.snapshot();
    } catch {
      // see above
    }
  }

  answer(id: string, rating: RatingName, now: Date, ms: number): AnswerEvent {
    const { rec } = this.get(id);
    if (rec.suspended)
      throw new UserError(
        `card "${id}" is suspended; \`sre-cards unsuspend ${id}\` brings it back`,
      );
    const settings = this.settingsFor(rec.deck);
    const load = this.loadView(id, rec.note, now);
    const events = answerEvents(rec, rating, now, ms, settings, this.clock, load);
    const committed = events.map((e) => this.commitUndoable(e));
    return committed[0] as AnswerEvent;
  }

  /** Logs a cram answer: the card's state and the day's counts stay as they are. */
  cramAnswer(id: string, rating: RatingName, now: Date, ms: number): AnswerEvent {
    const { rec } = this.get(id);
    return this.commitUndoable(cramAnswerEvent(rec, rating, now, ms, this.clock)) as AnswerEvent;
  }

  /** Commits a change a session can undo. */
  private commitUndoable(e: NewEvent): UndoableEvent {
    // Before the seq the log puts last (the log's reader takes the fields in order).
    const event = this.commit(
      this.group === null ? e : { ...e, group: this.group },
    ) as UndoableEvent;
    this.undoStack.push(event);
    return event;
  }

  /**
   * Changes the settings. When the change alters intervals (parameters, desired
   * retention, steps, maximum interval, fuzz, interview date), every card's answers are
   * replayed with the new settings and the cards that move are recorded in the same
   * event, so replaying the log gives the same state. Returns how many cards got a new
   * due date and how many changed at all.
   */
  updateSettings(
    after: Settings,
    now: Date,
    extra: Pick<SettingsEvent, 'plan'> = {},
  ): { due: number; changed: number } {
    const problems = validateSettings(after);
    if (problems.length) throw new UserError(problems.join('; '), 2);
    const before = this.settings;
    const moved = this.rescheduleFor(after);
    this.commit({
      type: 'settings',
      at: now.toISOString(),
      before: { ...before },
      after: { ...after },
      ...(Object.keys(moved).length ? { moved } : {}),
      ...extra,
    });
    this.snapshot();
    return { due: movedDue(moved), changed: Object.keys(moved).length };
  }

  /** The cards that settings `after` would reschedule (none when intervals stay as they are). Reads only. */
  rescheduleFor(after: Settings): Moved {
    return changesIntervals(this.settings, after)
      ? reschedule(this.state, this.events(), after)
      : {};
  }

  /** Every event of the log, in order: read on first use, then kept up to date. Read-only. */
  events(): readonly CollectionEvent[] {
    this.allEvents ??= this.readMerged();
    return this.allEvents;
  }

  /**
   * What of the merged logs can touch `cards` (for recomputing them): the whole of it
   * when it is read already, else only those lines parsed (`log/select.ts`).
   */
  private readonly eventsFor = (cards: ReadonlySet<string>): readonly CollectionEvent[] => {
    if (this.allEvents) return this.allEvents;
    const folder = listLogFolder(this.paths.logs);
    const sources: LogSource[] = [
      { dev: this.device.id, path: this.paths.log, upTo: Infinity, own: true },
    ];
    for (const [dev, cursor] of Object.entries(this.state.peers ?? {})) {
      if (dev === this.device.id) continue;
      const path = folder.logs.get(dev);
      // A conflicted copy adds events by sequence number: the whole read sorts that out.
      if (folder.conflicts.has(dev)) return this.events();
      if (path) sources.push({ dev, path, upTo: cursor.seq, own: false });
    }
    const selected = selectEvents(sources, cards);
    trace(selected ? `recompute: ${selected.length} events read` : 'recompute: logs read whole');
    return selected ?? this.events();
  };

  /** Every device's log as far as the state goes, merged (see `core/merge.ts`). */
  private readMerged(): CollectionEvent[] {
    const own = readAllEvents(this.paths.log);
    for (const e of own) e.dev = this.device.id;
    const lists = [own];
    const folder = listLogFolder(this.paths.logs);
    for (const [dev, cursor] of Object.entries(this.state.peers ?? {})) {
      if (dev === this.device.id) continue;
      const path = folder.logs.get(dev);
      const r = path
        ? readDeviceLog(dev, path, { seq: 0, offset: 0 })
        : { events: [] as CollectionEvent[], cursor: { seq: 0, offset: 0 } };
      const events = r.events.filter((e) => e.seq <= cursor.seq);
      const copies = folder.conflicts.get(dev);
      if (copies)
        events.push(
          ...readConflictCopies(dev, copies, r.cursor.seq).filter((e) => e.seq <= cursor.seq),
        );
      lists.push(events);
    }
    return mergeLogs(lists);
  }

  /** The answers that count (undone and cram answers left out), in order. */
  reviewLog(): AnswerEvent[] {
    return reviewLog(this.events());
  }

  /** Every answer not undone, cram answers included (marked `cram`), in order. */
  answers(): AnswerEvent[] {
    return keptAnswers(this.events());
  }

  /** One card's answers, undone ones left out (cram answers marked), in order. */
  history(cardId: string): AnswerEvent[] {
    return this.answers().filter((e) => e.card === cardId);
  }

  /**
   * The review log of the collection in `dataDir` in columns, read fast (a large log in
   * two worker threads), without opening it: a large export reads it while the
   * collection opens. Read-only.
   */
  static reviewRows(dataDir: string): Promise<LogRows> {
    return readLogRows(dataPaths(dataDir).log);
  }

  suspend(id: string, now: Date): boolean {
    const { rec } = this.get(id);
    if (rec.suspended) return false;
    this.commitUndoable({ type: 'suspend', at: now.toISOString(), card: id });
    return true;
  }

  unsuspend(id: string, now: Date): boolean {
    const { rec } = this.get(id);
    if (!rec.suspended) return false;
    this.commitUndoable({ type: 'unsuspend', at: now.toISOString(), card: id });
    return true;
  }

  /** Hides a card until the next study day. */
  bury(id: string, now: Date): void {
    const { rec } = this.get(id);
    const day = studyDay(now, this.clock);
    this.commitUndoable({
      type: 'bury',
      at: now.toISOString(),
      card: id,
      day,
      prev: rec.buriedDay,
    });
  }

  /**
   * Undoes the last action of this session (answer, suspend, bury), restoring the exact
   * state; a leech's suspension goes with the answer that caused it. Returns that action.
   */
  undo(now: Date): UndoableEvent | null {
    const targets = undoTargets(this.undoStack);
    for (const e of undoEvents(targets, now)) this.commit(e);
    return targets[targets.length - 1] ?? null;
  }

  /** The group of the changes being made together (see `together`), or null. */
  private group: number | null = null;

  /**
   * Runs `change`, whose changes to the cards an undo then takes back as one (a command
   * that forgets or moves several cards at once).
   */
  together<T>(change: () => T): T {
    if (this.group !== null) return change();
    this.group = this.state.seq + 1;
    try {
      return change();
    } finally {
      this.group = null;
    }
  }

  /** Makes a card new again (Anki's Forget), keeping its answer and lapse counts or not. */
  forget(id: string, now: Date, keepCounts: boolean): void {
    const { rec } = this.get(id);
    this.commitUndoable({
      type: 'reset',
      at: now.toISOString(),
      card: id,
      before: rec.sched,
      ...(keepCounts ? { keepCounts: true } : {}),
    });
  }

  /** Sets a card's flag (1-7) or clears it (0); false when it already had that flag. */
  setFlag(id: string, flag: number, now: Date): boolean {
    const { rec } = this.get(id);
    const prev = rec.flag ?? 0;
    if (prev === flag) return false;
    this.commitUndoable({ type: 'flag', at: now.toISOString(), card: id, flag, prev });
    return true;
  }

  /**
   * Sets a card due `spec` study days from now (Anki's Set due date); returns the day
   * count drawn and the new state. A new card is refused: it has no memory state yet.
   */
  setDue(
    ids: readonly string[],
    spec: DueSpec,
    now: Date,
  ): { card: string; days: number; after: SchedState }[] {
    // Every card checked before any is moved: one refused moves none.
    const moves = [...new Set(ids)].map((id) => {
      const { rec } = this.get(id);
      const days = dueDays(spec, id, now);
      const after = setDueState(rec.sched, days, spec.setInterval, now, this.clock);
      if (!after)
        throw new UserError(
          `card "${id}" is new: set-due moves cards you have studied (a new card has no memory state yet); review it, or leave it to the queue; no card was moved`,
        );
      return { card: id, days, before: rec.sched, after };
    });
    // One change for `undo`, however many cards.
    return this.together(() =>
      moves.map(({ card, days, before, after }) => {
        this.commitUndoable({ type: 'set-due', at: now.toISOString(), card, before, after });
        return { card, days, after };
      }),
    );
  }

  /** Marks the card's note (or unmarks it); false when it already was. */
  setMarked(id: string, marked: boolean, now: Date): boolean {
    const { rec } = this.get(id);
    if ((rec.marked ?? false) === marked) return false;
    this.commitUndoable({ type: 'mark', at: now.toISOString(), card: id, marked });
    return true;
  }

  /**
   * Undoes the last `n` changes of the log, whichever session made them (`sre-cards
   * undo`), latest first. Returns what each undo took back.
   */
  undoChanges(n: number, now: Date): UndoableEvent[][] {
    const groups = lastChanges(this.events(), n);
    for (const g of groups) for (const e of undoEvents(g, now)) this.commit(e);
    return groups;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  /** Names this device (a `device` event, so the other devices show the name). */
  nameDevice(name: string, now: Date): void {
    this.device = { ...this.device, name };
    this.commit({ type: 'device', at: now.toISOString(), name });
  }

  /**
   * Refuses cards of deck `name` whose ids another deck of the collection uses: an id
   * names one card of one deck. For an import, before anything is written.
   */
  checkIds(name: string, ids: Iterable<string>): void {
    for (const id of ids) {
      const other = this.cards.get(id);
      if (other !== undefined && other.deck !== name)
        throw new UserError(
          `card id "${id}" is already used by deck "${other.deck}"; ids must be unique across decks`,
        );
    }
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
    this.addDeckCards({ ...deck, name }, cards);
    const report = this.takeIn(name, cards, now, true);
    this.cached(name, path, deck, cards);
    this.snapshot();
    return report;
  }

  /**
   * Caches a deck whose cards were just taken in from `deck`, as its folder holds it (a deck
   * added, or written by an import): should the sources break before a writer reads them
   * again, its cards keep this text; unchanged, the next open need not read them.
   */
  private cached(
    name: string,
    path: string,
    deck: Deck,
    cards: Card[],
    made = deckCache(this.paths.cache, name, path, deck, cards),
  ): void {
    const key = made.write();
    const entry = this.state.decks[name];
    if (key && entry) entry.synced = key;
  }

  removeDeck(name: string, now: Date): number {
    const entry = this.state.decks[name];
    if (!entry || entry.path === null) {
      if (name === BUILTIN_DECK || entry)
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

  /**
   * Sets card states recomputed by replaying their answers (`sre-cards doctor --rebuild`),
   * as one logged event: a settings event that keeps the settings and moves the cards, so
   * replaying the log gives the same state.
   */
  applyReplayed(moved: Moved, now: Date): void {
    const s = { ...this.settings };
    this.commit({ type: 'settings', at: now.toISOString(), before: s, after: { ...s }, moved });
    this.snapshot();
  }

  // ---- Import: many events in one durable batch (src/cli/cmd/import.ts) ----------------

  /**
   * Appends `events` in one batch, after a deck-add when `deck.register` (a deck new to
   * the collection): all of them or none, even across a crash. The log is copied to a
   * temporary file beside it, the batch appended there (events are taken one at a time,
   * written and applied to a copy of the state) and fsynced once, and the copy renamed
   * over the log; only then does the copy of the state become the collection's, with the
   * deck's cards read from `deck.deck` (a registered deck is re-read: its folder has new
   * notes), and the snapshot is written. Returns how many events were appended.
   * `events` may come as they are made (an async generator), some of them encoded already.
   */
  async appendImport(
    deck: { name: string; path: string; deck: Deck; register: boolean },
    events: Iterable<NewEvent | EncodedEvents> | AsyncIterable<NewEvent | EncodedEvents>,
    now: Date,
  ): Promise<number> {
    const log = this.writable();
    if (deck.register && (this.decks.has(deck.name) || this.state.decks[deck.name]))
      throw new UserError(
        `a deck named "${deck.name}" is already in the collection; \`sre-cards deck list\` shows them`,
      );
    const named = { ...deck.deck, name: deck.name };
    const cards = deckCards(named);
    this.checkIds(
      deck.name,
      cards.map((c) => c.id),
    );
    // The deck's cache is made now, while the histories are still being replayed in the
    // import's workers, and written once the events are in (the last stretch has one core).
    const cache = deckCache(this.paths.cache, deck.name, deck.path, deck.deck, cards);
    const next = structuredClone(this.state);
    let seq = next.seq;
    const io = fileIo();
    const tmp = `${this.paths.log}.tmp-${process.pid}`;
    let fd: number | null = null;
    // Lines go into one buffer, written out whenever it fills: no string of the whole batch.
    let buf = Buffer.allocUnsafe(1 << 23);
    let used = 0;
    const flush = () => {
      for (let off = 0; off < used;) {
        const n = io.writeSync(fd as number, buf.subarray(off, used));
        if (n <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
        off += n;
      }
      used = 0;
    };
    const open = () => {
      if (fd === null) {
        if (existsSync(this.paths.log)) copyFileSync(this.paths.log, tmp);
        fd = io.openSync(tmp, 'a', 0o644);
      }
    };
    const addEncoded = (b: EncodedEvents) => {
      if (b.ends.length === 0) return;
      open();
      let from = 0;
      for (let k = 0; k < b.ends.length; k++) {
        const to = b.ends[k] as number;
        // The text, then `,"seq":N}` and the newline (at most 30 bytes).
        if (used + (to - from) + 30 > buf.length) {
          flush();
          if (to - from + 30 > buf.length) buf = Buffer.allocUnsafe(2 * (to - from + 30));
        }
        buf.set(b.bytes.subarray(from, to), used);
        used += to - from;
        used = writeSeq(buf, used, ++seq);
        from = to;
      }
      b.apply(next);
      next.seq = seq;
    };
    // Each mark reaches its note's cards: found in one grouping, made once the deck's
    // cards are in (events add none).
    let notes: NoteCards | null = null;
    const add = (e: NewEvent) => {
      const event = e as CollectionEvent;
      event.seq = ++seq;
      open();
      const line = encodeEvent(event) + '\n';
      if (used + 3 * line.length > buf.length) {
        flush();
        if (3 * line.length > buf.length) buf = Buffer.allocUnsafe(3 * line.length);
      }
      used += writeText(buf, line, used, 'utf8');
      event.dev = this.device.id;
      applyEvent(next, event, notes ?? undefined);
    };
    try {
      if (deck.register)
        add({ type: 'deck-add', at: now.toISOString(), name: deck.name, path: deck.path });
      // The deck's cards before their events: events of unknown cards do nothing.
      syncDeck(next, deck.name, cards, now);
      notes = noteCards(next);
      for await (const e of events) {
        if ('bytes' in e) addEncoded(e);
        else add(e);
      }
      if (fd !== null) {
        flush();
        io.fsyncSync(fd);
        io.closeSync(fd);
        fd = null;
        io.renameSync(tmp, this.paths.log);
      }
    } catch (err) {
      try {
        if (fd !== null) io.closeSync(fd);
      } catch {
        // closed already
      }
      try {
        unlinkSync(tmp);
      } catch {
        // never made
      }
      const text = writeErrorText(err);
      throw text
        ? Object.assign(new Error(text, { cause: err }), {
            code: (err as NodeJS.ErrnoException).code,
          })
        : err;
    }
    const appended = seq - this.state.seq;
    if (appended > 0) {
      fsyncDir(dirname(this.paths.log));
      log.close();
      this.log = EventLog.openForAppend(this.paths.log, { events: [], end: 0, torn: 0 });
    }
    this.state = next;
    // The whole log and the load index are read again when next needed.
    this.allEvents = null;
    this.dueLoad = null;
    this.addDeckCards(named, cards);
    this.state.logOffset = this.log?.offset ?? this.state.logOffset;
    this.cached(deck.name, deck.path, deck.deck, cards, cache);
    if (appended > 0) this.snapshot();
    return appended;
  }

  // ---- end of import ------------------------------------------------------------------

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
      // After a failed append the failure was reported already; the log holds every saved event.
      // Nothing changed since the last snapshot: no rewrite (at 100k cards it costs ~0.3 s).
      if (this.log && this.writeFailed) this.trySnapshot();
      else if (this.log && this.sinceSnapshot > 0) this.snapshot();
    } finally {
      this.release();
    }
  }

  private release(): void {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
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

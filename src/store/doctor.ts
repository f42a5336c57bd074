/**
 * Checking and repairing the collection on disk.
 *
 * `diagnose` reads only: it looks at the collection file, the event log (line by line,
 * in chunks), the snapshot's position in the log, the cards the log names, the lock and
 * the backups. `repair` fixes what it found: a damaged log keeps every readable event,
 * a damaged collection file is replaced by the newest good backup (or rebuilt from the
 * log alone when there is none), a wrong log position is found again by sequence number.
 * Nothing is deleted: every file it replaces is first kept beside it, and it says where.
 */
import { copyFileSync, existsSync, linkSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import type { CollectionEvent, CollectionState } from '../core/model.js';
import { replayStates, type Moved } from '../core/reschedule.js';
import { reviewLog } from '../core/reviewlog.js';
import { NEW_STATE, type SchedState } from '../core/scheduler.js';
import { SCHED_KEYS } from '../core/scheduler.js';
import type { Settings } from '../core/settings.js';
import { listBackups } from './backup.js';
import { isTornTail, parseLine } from './log/codec.js';
import { logLines } from './log/file.js';
import { fileIo, fsyncDir, isAtomicTmp, writeAll, writeFileAtomic } from './fsio.js';
import { acquireLock, lockHolder } from './lock.js';
import type { DataPaths } from './paths.js';
import { readSnapshot, snapshotBytes, type CheckedSnapshot } from './snapshot.js';
import { plural } from '../text/plural.js';

export type Level = 'ok' | 'note' | 'problem';

export interface Finding {
  /** What was checked: collection, log, position, cards, lock, backups, files. */
  area: string;
  level: Level;
  text: string;
}

export interface SnapshotInfo {
  status: 'missing' | 'ok' | 'damaged' | 'newer';
  schema?: number;
  seq?: number;
  logOffset?: number;
  cards?: number;
  error?: string;
}

export interface LogInfo {
  status: 'missing' | 'ok' | 'damaged';
  size: number;
  events: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** Lines that are not events, or out of order: [line, why]. */
  bad: [number, string][];
  /** Runs of missing sequence numbers: [first, last]. */
  gaps: [number, number][];
  /** Bytes after the last newline. */
  tail: number;
  tornTail: boolean;
}

export interface Diagnosis {
  findings: Finding[];
  problems: number;
  snapshot: SnapshotInfo;
  log: LogInfo;
  /** The snapshot's log position is wrong (past the end, mid-line, or at another event). */
  positionWrong: boolean;
  /** Events past the snapshot: replayed when the collection opens. */
  pending: number;
  lock: { status: 'free' | 'held' | 'stale' | 'unreadable'; pid?: number; command?: string };
  backups: { name: string; ok: boolean; error?: string }[];
  strayFiles: string[];
}

const KB = 1024;
function size(n: number): string {
  return n < KB
    ? `${n} B`
    : n < KB * KB
      ? `${(n / KB).toFixed(0)} KB`
      : `${(n / KB / KB).toFixed(1)} MB`;
}

function runs(nums: readonly (string | number)[]): string {
  return nums.length <= 5
    ? nums.join(', ')
    : `${nums.slice(0, 5).join(', ')} and ${nums.length - 5} more`;
}

function readSnapshotInfo(path: string): { info: SnapshotInfo; snap: CheckedSnapshot | null } {
  if (!existsSync(path)) return { info: { status: 'missing' }, snap: null };
  try {
    const snap = readSnapshot(path);
    return {
      snap,
      info: {
        status: 'ok',
        schema: snap.schema,
        seq: snap.state.seq,
        logOffset: snap.state.logOffset,
        cards: Object.keys(snap.state.cards).length,
      },
    };
  } catch (e) {
    const msg = (e as Error).message;
    return {
      snap: null,
      info: { status: /newer sre-cards/.test(msg) ? 'newer' : 'damaged', error: msg },
    };
  }
}

/** Card ids an event names (an undo names its target's card). */
function cardOf(e: CollectionEvent): string | null {
  const t = e.type === 'undo' ? e.target : e;
  return 'card' in t && typeof t.card === 'string' ? t.card : null;
}

/** Where the collection file's position falls in the log (see `checkPosition`). */
interface LogScan {
  named: Set<string>;
  /** Events ending at or before the snapshot's position must be covered by it, the others not. */
  maxBefore: number;
  minAfter: number;
  onBoundary: boolean;
  /** Events past the snapshot. */
  pending: number;
}

/** What the checks read, and what they find. */
interface Checking {
  paths: DataPaths;
  snapshot: SnapshotInfo;
  snap: CheckedSnapshot | null;
  log: LogInfo;
  scan: LogScan;
  add: (area: string, level: Level, text: string) => void;
  positionWrong: boolean;
  lock: Diagnosis['lock'];
  backups: Diagnosis['backups'];
  strayFiles: string[];
}

/** The checks, in the order doctor reports them. */
const CHECKS = [
  checkCollection,
  checkLog,
  checkPosition,
  checkCards,
  checkLock,
  checkBackups,
  checkFiles,
];

/** Checks the collection. Reads only: never writes, never takes the lock. */
export function diagnose(paths: DataPaths): Diagnosis {
  const findings: Finding[] = [];
  const { info: snapshot, snap } = readSnapshotInfo(paths.snapshot);
  const { log, scan } = scanLog(paths, snap);
  const c: Checking = {
    paths,
    snapshot,
    snap,
    log,
    scan,
    add: (area, level, text) => findings.push({ area, level, text }),
    positionWrong: false,
    lock: { status: 'free' },
    backups: [],
    strayFiles: [],
  };
  for (const check of CHECKS) check(c);
  return {
    findings,
    problems: findings.filter((f) => f.level === 'problem').length,
    snapshot,
    log,
    positionWrong: c.positionWrong,
    pending: scan.pending,
    lock: c.lock,
    backups: c.backups,
    strayFiles: c.strayFiles,
  };
}

/**
 * Reads every line of the log once: what it holds, the cards it names, and where the
 * collection file's position falls among its events.
 */
function scanLog(paths: DataPaths, snap: CheckedSnapshot | null): { log: LogInfo; scan: LogScan } {
  const log: LogInfo = {
    status: 'missing',
    size: 0,
    events: 0,
    firstSeq: null,
    lastSeq: null,
    bad: [],
    gaps: [],
    tail: 0,
    tornTail: false,
  };
  const scan: LogScan = {
    named: new Set<string>(),
    maxBefore: 0,
    minAfter: Number.POSITIVE_INFINITY,
    onBoundary: snap ? snap.state.logOffset === 0 : false,
    pending: 0,
  };
  if (existsSync(paths.log)) {
    log.status = 'ok';
    log.size = statSync(paths.log).size;
    const it = logLines(paths.log);
    let r = it.next();
    let last = 0;
    while (!r.done) {
      const line = r.value;
      if (line.text.trim() !== '') {
        const parsed = parseLine(line.text);
        if ('problem' in parsed) log.bad.push([line.no, parsed.problem]);
        else {
          const e = parsed.event;
          if (e.seq <= last) log.bad.push([line.no, `event ${e.seq} is out of order`]);
          else {
            if (e.seq > last + 1 && last > 0) log.gaps.push([last + 1, e.seq - 1]);
            last = e.seq;
            log.events++;
            log.firstSeq ??= e.seq;
            log.lastSeq = e.seq;
            const card = cardOf(e);
            if (card !== null) scan.named.add(card);
            if (snap && line.end <= snap.state.logOffset) scan.maxBefore = e.seq;
            else if (snap) {
              scan.minAfter = Math.min(scan.minAfter, e.seq);
              if (e.seq > snap.state.seq) scan.pending++;
            }
          }
        }
      }
      if (snap && line.end === snap.state.logOffset) scan.onBoundary = true;
      r = it.next();
    }
    const tail = r.value;
    log.tail = tail.length;
    log.tornTail = tail.length > 0 && isTornTail(tail);
    if (tail.length > 0 && !log.tornTail)
      log.bad.push([0, 'the last line is not an event and has no line end']);
    if (log.bad.length) log.status = 'damaged';
  }
  return { log, scan };
}

/** The collection file: readable, its schema, how far into the log it goes. */
function checkCollection(c: Checking): void {
  const { paths, snapshot, snap, log, add } = c;
  if (snapshot.status === 'ok' && snap) {
    const migrated = snap.schema < snap.state.schema;
    add(
      'collection',
      'ok',
      `${paths.snapshot}: schema ${snap.schema}${migrated ? ` (migrated to ${snap.state.schema} by the next writer)` : ''}, ${snapshot.cards} cards, covers the log up to event ${snap.state.seq}`,
    );
  } else if (snapshot.status === 'missing') {
    add(
      'collection',
      log.status === 'missing' ? 'ok' : 'note',
      log.status === 'missing'
        ? `${paths.snapshot}: not created yet (a new collection)`
        : `${paths.snapshot}: missing; the next writer rebuilds it from the event log`,
    );
  } else {
    add('collection', 'problem', snapshot.error ?? 'unreadable');
  }
}

/** The event log: every line an event, in order; a torn tail; gaps. */
function checkLog(c: Checking): void {
  const { paths, snap, log, add } = c;
  if (log.status === 'missing') {
    add(
      'log',
      snap && snap.state.logOffset > 0 ? 'problem' : 'ok',
      snap && snap.state.logOffset > 0
        ? `${paths.log} is missing, but the collection file says it held ${snap.state.seq} events`
        : `${paths.log}: no events yet`,
    );
  } else {
    const badText = log.bad
      .slice(0, 3)
      .map(([n, why]) => (n > 0 ? `line ${n}: ${why}` : why))
      .join('; ');
    if (log.bad.length)
      add(
        'log',
        'problem',
        `${paths.log} is damaged: ${log.bad.length} bad line${log.bad.length === 1 ? '' : 's'} (${badText}${log.bad.length > 3 ? '; …' : ''}); ${plural(log.events, 'event')} ${log.events === 1 ? 'is' : 'are'} readable`,
      );
    else
      add(
        'log',
        'ok',
        `${paths.log}: ${plural(log.events, 'event')}${log.events ? ` (${log.firstSeq}-${log.lastSeq})` : ''}, ${size(log.size)}`,
      );
    if (log.tornTail)
      add(
        'log',
        'note',
        `the last line is cut short (${log.tail} bytes, an interrupted write that was never acknowledged); the next writer trims it`,
      );
    if (log.firstSeq !== null && log.firstSeq > 1)
      add(
        'log',
        'note',
        `the log starts at event ${log.firstSeq}: events 1-${log.firstSeq - 1} are not in it`,
      );
    if (log.gaps.length)
      add(
        'log',
        'note',
        `sequence numbers skip ${log.gaps.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ')} (events lost to damage earlier; the others are intact)`,
      );
  }
}

/** The collection file's position in the log: at a line end, between the events it covers and the others. */
function checkPosition(c: Checking): void {
  const { snap, log, scan, add } = c;
  if (snap) {
    const { logOffset, seq } = snap.state;
    if (logOffset > log.size) {
      c.positionWrong = true;
      add(
        'position',
        'problem',
        `the collection file covers ${logOffset} bytes of the log, but the log has ${log.size}: the log lost its end (events after ${log.lastSeq ?? 0})`,
      );
    } else if (!scan.onBoundary) {
      c.positionWrong = true;
      add(
        'position',
        'problem',
        `the collection file's log position (byte ${logOffset}) is not at a line end`,
      );
    } else if ((scan.maxBefore > seq || scan.minAfter <= seq) && log.bad.length === 0) {
      c.positionWrong = true;
      add(
        'position',
        'problem',
        `the collection file covers events up to ${seq}, but its log position (byte ${logOffset}) is ${scan.maxBefore > seq ? `after event ${scan.maxBefore}` : `before event ${scan.minAfter}`}`,
      );
    } else {
      if (log.lastSeq !== null && seq > log.lastSeq)
        add(
          'position',
          'note',
          `the collection file covers events up to ${seq}, past the log's last (${log.lastSeq}): those events' history is lost, their effect is kept`,
        );
      add(
        'position',
        'ok',
        scan.pending === 0
          ? 'the collection file is up to date with the log'
          : `${scan.pending} event${scan.pending === 1 ? '' : 's'} past the collection file, replayed when it opens`,
      );
    }
  }
}

/** The cards the log names are in the collection. */
function checkCards(c: Checking): void {
  const { snap, log, scan, add } = c;
  if (snap && log.events > 0) {
    const missing = [...scan.named].filter((id) => !snap.state.cards[id]);
    add(
      'cards',
      missing.length ? 'note' : 'ok',
      missing.length
        ? `${missing.length} card${missing.length === 1 ? '' : 's'} named in the log ${missing.length === 1 ? 'is' : 'are'} not in the collection (${runs(missing)}); their events are kept and ignored`
        : `every card the log names (${scan.named.size}) is in the collection`,
    );
  }
}

/** Who holds the lock. */
function checkLock(c: Checking): void {
  const { paths, add } = c;
  let lock: Diagnosis['lock'] = { status: 'free' };
  if (existsSync(paths.lock)) {
    const h = lockHolder(paths.lock);
    if (!h) lock = { status: 'unreadable' };
    else
      lock = {
        status: h.alive ? 'held' : 'stale',
        pid: h.pid,
        ...(h.command ? { command: h.command } : {}),
      };
  }
  add(
    'lock',
    'ok',
    lock.status === 'free'
      ? 'free'
      : lock.status === 'held'
        ? `held by pid ${lock.pid}${lock.command ? ` (${lock.command})` : ''}: a session is open`
        : lock.status === 'stale'
          ? `left by pid ${lock.pid}, which is gone; the next writer takes it over`
          : 'unreadable (half written); the next writer takes it over',
  );
  c.lock = lock;
}

/** The backups read. */
function checkBackups(c: Checking): void {
  const { paths, add } = c;
  const backups = listBackups(paths).map((b) => {
    try {
      readSnapshot(b.path);
      return { name: b.name, ok: true };
    } catch (e) {
      return { name: b.name, ok: false, error: (e as Error).message };
    }
  });
  const badBackups = backups.filter((b) => !b.ok);
  add(
    'backups',
    badBackups.length ? 'note' : 'ok',
    backups.length === 0
      ? 'none yet (a writer takes one a study day)'
      : `${backups.length} in ${paths.backups}, newest ${backups[0]?.name}` +
          (badBackups.length
            ? `; unreadable: ${badBackups.map((b) => b.name).join(', ')} (repair skips them)`
            : ', all readable'),
  );
  c.backups = backups;
}

/** Temporary files of interrupted writes. */
function checkFiles(c: Checking): void {
  let strayFiles: string[] = [];
  try {
    strayFiles = readdirSync(c.paths.dir).filter((n) => isAtomicTmp(n));
  } catch {
    // no folder yet
  }
  if (strayFiles.length)
    c.add(
      'files',
      'note',
      `${strayFiles.length} temporary file${strayFiles.length === 1 ? '' : 's'} of interrupted writes (${runs(strayFiles)}); the next writer removes them`,
    );
  c.strayFiles = strayFiles;
}

/** A free name beside `path` for keeping a file aside: `NAME.damaged-20260301-090000`. */
export function asideName(path: string, tag: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
  let name = `${path}.${tag}-${stamp}`;
  for (let i = 2; existsSync(name); i++) name = `${path}.${tag}-${stamp}-${i}`;
  return name;
}

/** Keeps a copy of `path` under `aside` (a hard link when possible, else a copy). The original stays. */
function keepCopy(path: string, aside: string): void {
  try {
    linkSync(path, aside);
  } catch {
    copyFileSync(path, aside);
  }
  fsyncDir(dirname(path));
}

/** Moves `path` aside (rename): it is no longer used, and kept. */
function moveAside(path: string, aside: string): void {
  fileIo().renameSync(path, aside);
  fsyncDir(dirname(path));
}

/** Writes the log's readable, in-order events to a new log that replaces it atomically. */
function salvageLog(path: string): { kept: number; dropped: number } {
  const tmp = `${path}.tmp-${process.pid}`;
  const io = fileIo();
  const fd = io.openSync(tmp, 'w', 0o644);
  let kept = 0;
  let dropped = 0;
  try {
    let last = 0;
    let batch: string[] = [];
    let batchLen = 0;
    const it = logLines(path);
    for (let r = it.next(); !r.done; r = it.next()) {
      const { text } = r.value;
      if (text.trim() === '') continue;
      const parsed = parseLine(text);
      if ('problem' in parsed || parsed.event.seq <= last) {
        dropped++;
        continue;
      }
      last = parsed.event.seq;
      kept++;
      batch.push(text);
      batchLen += text.length;
      if (batchLen > 4 << 20) {
        writeAll(fd, batch.join('\n') + '\n');
        batch = [];
        batchLen = 0;
      }
    }
    if (batch.length) writeAll(fd, batch.join('\n') + '\n');
    io.fsyncSync(fd);
  } finally {
    io.closeSync(fd);
  }
  io.renameSync(tmp, path);
  fsyncDir(dirname(path));
  return { kept, dropped };
}

/** The byte offset just past the last event with sequence number ≤ `seq` (0 when none). */
export function offsetAfterSeq(path: string, seq: number): number {
  if (!existsSync(path) || seq <= 0) return 0;
  let offset = 0;
  const it = logLines(path);
  for (let r = it.next(); !r.done; r = it.next()) {
    const { text, end } = r.value;
    if (text.trim() === '') continue;
    const parsed = parseLine(text);
    if ('problem' in parsed) continue;
    if (parsed.event.seq > seq) break;
    offset = end;
  }
  return offset;
}

export interface RepairResult {
  /** What was done, as sentences. */
  actions: string[];
  /** Files kept aside (never deleted). */
  keptAside: string[];
  /** True when a fresh collection file must be made from the log (no good backup). */
  fromLogAlone: boolean;
}

/**
 * Repairs what `diagnose` found, holding the lock. The caller then opens the collection
 * as a writer, which replays the log past the repaired (or missing) collection file.
 */
export function repair(paths: DataPaths, now: Date): RepairResult {
  const lock = acquireLock(paths.lock, 'doctor --repair');
  try {
    return repairLocked(paths, now);
  } finally {
    lock.release();
  }
}

/** `repair` for a caller that holds the lock already. */
export function repairLocked(paths: DataPaths, now: Date): RepairResult {
  const d = diagnose(paths);
  const out: RepairResult = { actions: [], keptAside: [], fromLogAlone: false };
  if (d.snapshot.status === 'newer')
    throw new UserError(
      `${d.snapshot.error ?? 'the collection was written by a newer sre-cards'}; doctor cannot repair it either`,
    );

  // 1. The log: keep every readable event, in order; the damaged file is kept aside.
  let logRewritten = false;
  if (d.log.status === 'damaged') {
    const aside = asideName(paths.log, 'damaged', now);
    keepCopy(paths.log, aside);
    out.keptAside.push(aside);
    const { kept, dropped } = salvageLog(paths.log);
    logRewritten = true;
    out.actions.push(
      `event log: kept ${kept} readable events, left out ${dropped} bad line${dropped === 1 ? '' : 's'}; the damaged log is kept as ${aside}`,
    );
  }

  // 2. The collection file.
  const snapOk = d.snapshot.status === 'ok';
  if (d.snapshot.status === 'damaged') {
    const aside = asideName(paths.snapshot, 'damaged', now);
    moveAside(paths.snapshot, aside);
    out.keptAside.push(aside);
    out.actions.push(`collection file: the damaged file was moved to ${aside}`);
    const good = newestGoodBackup(paths);
    if (good) {
      installSnapshot(paths, good.snap);
      out.actions.push(
        `collection file: restored from the backup ${good.path} (up to event ${good.snap.state.seq}); the events after it are replayed from the log`,
      );
    } else {
      out.fromLogAlone = true;
      out.actions.push(
        'collection file: no readable backup; the collection is rebuilt from the event log alone',
      );
    }
  } else if (snapOk && (d.positionWrong || logRewritten)) {
    // The state is good; only its position in the log is wrong (or the log was rewritten).
    const snap = readSnapshot(paths.snapshot);
    const before = snap.state.logOffset;
    const aside = asideName(paths.snapshot, 'before-repair', now);
    keepCopy(paths.snapshot, aside);
    out.keptAside.push(aside);
    installSnapshot(paths, snap);
    const after = readSnapshot(paths.snapshotOut).state.logOffset;
    if (before !== after || d.positionWrong)
      out.actions.push(
        `collection file: its log position was set again from event ${snap.state.seq} (byte ${before} -> ${after}); the previous file is kept as ${aside}`,
      );
  } else if (d.snapshot.status === 'missing' && d.log.status !== 'missing') {
    out.fromLogAlone = true;
    out.actions.push('collection file: missing; it is rebuilt from the event log');
  }
  return out;
}

/** The newest backup that reads cleanly. */
function newestGoodBackup(paths: DataPaths): { path: string; snap: CheckedSnapshot } | null {
  for (const b of listBackups(paths)) {
    try {
      return { path: b.path, snap: readSnapshot(b.path) };
    } catch {
      // damaged too: try an older one
    }
  }
  return null;
}

/** Writes a snapshot as the collection file, its log position found by its sequence number. */
function installSnapshot(paths: DataPaths, snap: CheckedSnapshot): void {
  const state = snap.state;
  state.logOffset = offsetAfterSeq(paths.log, state.seq);
  writeFileAtomic(paths.snapshotOut, snapshotBytes(state));
  // A schema 1 file is superseded (kept aside, or moved aside as damaged, above).
  if (paths.snapshot !== paths.snapshotOut) rmSync(paths.snapshot, { force: true });
}

export interface FieldDiff {
  field: keyof SchedState;
  stored: string | number | null;
  replayed: string | number | null;
}

export interface Rebuild {
  /** Answers replayed (undone and cram answers left out). */
  answers: number;
  /** Cards with at least one replayed answer or reset. */
  cards: number;
  /** Cards whose stored state differs from the replay. */
  moved: Moved;
  diffs: { id: string; fields: FieldDiff[] }[];
  /** Why the log cannot be trusted for a rebuild (events missing), or null. */
  incomplete: string | null;
}

/**
 * Recomputes every card's state by replaying its answers through FSRS (each with its own
 * instant and study-day clock, with the current settings), and compares it with the
 * stored state. A card with no answer in the log replays to a new card. Pure.
 */
export function replayCollection(
  state: CollectionState,
  events: readonly CollectionEvent[],
  settings: Settings,
): Rebuild {
  let incomplete: string | null = null;
  let expect = 1;
  for (const e of events) {
    if (e.seq !== expect) {
      incomplete = `events ${expect}${e.seq - 1 > expect ? `-${e.seq - 1}` : ''} are missing from the log`;
      break;
    }
    expect++;
  }
  if (!incomplete && state.seq > expect - 1)
    incomplete = `events ${expect}-${state.seq} are missing from the log`;
  const replayed = replayStates(events, settings, (id) => state.cards[id]?.deck);
  const answers = reviewLog(events).length;
  const moved: Moved = {};
  const diffs: Rebuild['diffs'] = [];
  for (const [id, rec] of Object.entries(state.cards)) {
    const after = replayed.get(id) ?? { ...NEW_STATE };
    const fields: FieldDiff[] = [];
    for (const f of SCHED_KEYS)
      if (rec.sched[f] !== after[f])
        fields.push({ field: f, stored: rec.sched[f], replayed: after[f] });
    if (fields.length) {
      moved[id] = { before: rec.sched, after };
      diffs.push({ id, fields });
    }
  }
  return { answers, cards: replayed.size, moved, diffs, incomplete };
}

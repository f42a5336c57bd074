/**
 * The large-export paths of `export anki --with-progress`: the event log read from its
 * bytes (against the log's own parser, line by line, on odd and damaged lines too), the
 * database built in two halves and merged (against the one-piece build), and the real
 * binary's worker threads (against the same command run on one thread).
 */
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { run as exportCmd } from '../src/cli/cmd/export.js';
import type { Env } from '../src/cli/context.js';
import type { CollectionEvent } from '../src/core/model.js';
import { buildAnkiPackage, buildAnkiPackageWhile } from '../src/export/anki/index.js';
import {
  collectionBytes,
  estimateBytes,
  loadSqlJs,
  notesAndCardsBytes,
  RevlogHalf,
  SPLIT_REVIEWS,
} from '../src/export/apkg.js';
import { joined, readRows, withoutUndone, type LogRows } from '../src/core/logrows.js';
import { scanLine, scanLogRows, scanned, isoInstant } from '../src/store/log/scan.js';
import { NO_FILTER } from '../src/core/queue.js';
import { eachEvent, readAllEvents } from '../src/store/log/file.js';
import { cleanup, cli, openMini, seededRandom, tempDir, logFile } from './helpers.js';

afterAll(cleanup);

const T = new Date('2026-03-02T09:00:00Z');
const minutes = (n: number) => new Date(T.getTime() + n * 60_000);

/** A log written by the collection: answers over a few weeks, cram answers, an undo, a suspension. */
function realLog(): { dir: string; lines: string[] } {
  const dir = tempDir();
  const col = openMini(dir, T);
  const ids = ['one-basic', 'one-rev', 'one-rev:rev', 'one-cloze:c1', 'one-cloze:c2', 'two-a'];
  const ratings = ['again', 'hard', 'good', 'easy'] as const;
  const random = seededRandom(7);
  let t = 0;
  for (let i = 0; i < 60; i++) {
    t += Math.floor(random() * 3000);
    const id = ids[i % ids.length] as string;
    const rating = ratings[Math.floor(random() * 4)] ?? 'good';
    col.answer(id, rating, minutes(t), Math.floor(random() * 20_000));
    if (i === 20) col.undo(minutes(t + 1));
    if (i === 30) col.cramAnswer('two-b', 'good', minutes(t + 2), 3000);
    if (i === 40) col.suspend('two-b', minutes(t + 3));
  }
  col.close();
  const lines = readFileSync(logFile(dir), 'utf8').trimEnd().split('\n');
  return { dir, lines };
}

/** The rows as plain values (typed arrays as arrays), or the error met. */
function outcome(read: () => LogRows): unknown {
  try {
    const r = read();
    const plain = (c: LogRows['before']) => ({
      state: [...c.state],
      days: [...c.days],
      due: [...c.due],
      last: [...c.last],
    });
    return {
      ...r,
      card: [...r.card],
      seq: [...r.seq],
      at: [...r.at],
      ease: [...r.ease],
      ms: [...r.ms],
      difficulty: [...r.difficulty],
      before: plain(r.before),
      after: plain(r.after),
    };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The fast reader and the log's own parser give the same rows, or the same error. */
function expectSameReading(path: string, chunk?: number): unknown {
  const slow = outcome(() => readRows(eachEvent(path)));
  const fast = outcome(() => scanLogRows(path, undefined, chunk));
  expect(fast).toEqual(slow);
  return slow;
}

describe('reading the log from its bytes', () => {
  const { dir, lines } = realLog();
  const path = join(dir, 'variant.jsonl');
  const answerAt = lines.findIndex((l) => l.includes('"type":"answer"') && !l.includes('cram'));

  it('takes every answer line the collection writes whole, with the same rows as the parser', () => {
    const b = Buffer.from(lines.join('\n') + '\n');
    const line = scanned();
    let start = 0;
    let taken = 0;
    for (const text of lines) {
      const end = start + Buffer.byteLength(text);
      const event = JSON.parse(text) as CollectionEvent;
      const whole = scanLine(b, start, end, line);
      expect(whole, text).toBe(event.type === 'answer');
      if (whole && event.type === 'answer') {
        taken++;
        expect([line.seq, line.at, line.rating, line.ms, line.cram]).toEqual([
          event.seq,
          Date.parse(event.at),
          event.rating,
          event.ms,
          event.cram ?? false,
        ]);
        expect(b.toString('latin1', line.cardStart, line.cardEnd)).toBe(event.card);
        expect(line.after.difficulty).toBe(event.after.difficulty);
        expect(line.before.stability).toBe(event.before.stability);
      }
      start = end + 1;
    }
    expect(taken).toBeGreaterThan(50);
    writeFileSync(path, lines.join('\n') + '\n');
    const rows = expectSameReading(path) as { length: number; undone: number[] };
    expect(rows.length).toBe(60);
    expect(rows.undone).toHaveLength(1);
  });

  it('reads instants as Date.parse does, and refuses other forms', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor((random() * 2 - 0.5) * 4e12);
      const iso = new Date(ms).toISOString();
      const b = Buffer.from(iso);
      expect(isoInstant(b, 0, b.length)).toBe(ms);
    }
    for (const s of [
      '2026-02-30T10:00:00.000Z',
      '2026-13-01T10:00:00.000Z',
      '2026-03-01T10:00:00Z',
      '2026-03-01 10:00:00.000Z',
      '2026-03-01T24:00:00.000Z',
    ])
      expect(isoInstant(Buffer.from(s), 0, s.length), s).toBeNaN();
  });

  // Lines a person or another version might have written: each must read as the parser reads it.
  const answer = JSON.parse(lines[answerAt] ?? '{}') as Record<string, unknown>;
  const variants: Record<string, (e: Record<string, unknown>) => string> = {
    'keys in another order': (e) => JSON.stringify(Object.fromEntries(Object.entries(e).reverse())),
    'an unknown field': (e) => JSON.stringify({ ...e, note: 'x' }),
    'an escape in the card id': (e) =>
      JSON.stringify(e).replace(
        `"card":"${String(e.card)}"`,
        `"card":"${String(e.card).replace('-', '\\u002d')}"`,
      ),
    'a card id not in ASCII': (e) => JSON.stringify({ ...e, card: 'карта-1' }),
    'an empty card id': (e) => JSON.stringify({ ...e, card: '' }),
    'numbers with exponents and many digits': (e) =>
      JSON.stringify(e)
        .replace(`"ms":${String(e.ms)}`, `"ms":${String(e.ms)}.000e0`)
        .replace(/"stability":([\d.]+)/, '"stability":$10000000000000001'),
    'white space between fields': (e) => JSON.stringify(e).replaceAll(',"', ', "'),
    'a Windows line ending': (e) => JSON.stringify(e) + '\r',
    'an instant without milliseconds': (e) =>
      JSON.stringify({ ...e, at: String(e.at).replace(/\.\d{3}Z$/, 'Z') }),
    'the 30th of February': (e) => JSON.stringify({ ...e, at: '2026-02-30T10:00:00.000Z' }),
    'cram set to false': (e) => JSON.stringify({ ...e, cram: false }),
    'a field twice': (e) => JSON.stringify(e).replace('"ms":', '"ms":5,"ms":'),
    'a reset': (e) =>
      JSON.stringify({ type: 'reset', at: e.at, card: e.card, before: e.after, seq: e.seq }),
    'a reset with a rating': (e) =>
      JSON.stringify({
        type: 'reset',
        at: e.at,
        card: e.card,
        before: e.after,
        rating: 3,
        seq: e.seq,
      }),
    'a blank line': () => '   ',
    // Damaged: each must give the parser's error, at the same line.
    'rating 5': (e) => JSON.stringify({ ...e, rating: 5 }),
    'rollover 24': (e) => JSON.stringify({ ...e, rollover: 24 }),
    'an unknown time zone': (e) => JSON.stringify({ ...e, tz: 'Mars/Olympus' }),
    'a stability out of range': (e) =>
      JSON.stringify({ ...e, after: { ...(e.after as object), stability: 40000 } }),
    'negative scheduled days': (e) =>
      JSON.stringify({ ...e, after: { ...(e.after as object), scheduledDays: -1 } }),
    'a missing field': (e) => JSON.stringify({ ...e, day: undefined }),
    'a fractional count': (e) =>
      JSON.stringify({ ...e, before: { ...(e.before as object), reps: 1.5 } }),
    'sequence number 0': (e) => JSON.stringify({ ...e, seq: 0 }),
    'an event out of order': (e) => JSON.stringify({ ...e, seq: 1 }),
    'a raw tab in a string': (e) => JSON.stringify(e).replace('"day":"', '"day":"\t'),
    'a leading zero': (e) => JSON.stringify(e).replace('"rollover":', '"rollover":0'),
    'a cut line': (e) => JSON.stringify(e).slice(0, 100),
  };
  for (const [name, make] of Object.entries(variants))
    it(`reads a line with ${name} as the parser does`, () => {
      const copy = [...lines];
      copy[answerAt] = make(answer);
      writeFileSync(path, copy.join('\n') + '\n');
      expectSameReading(path);
    });

  it('reads lines with random bytes changed as the parser does (fuzz)', () => {
    const random = seededRandom(11);
    const alphabet = Buffer.from('{}[]",:.-+eE0123456789 \\tnulfase\x00\xff');
    for (let round = 0; round < 300; round++) {
      const copy = lines.map((l) => Buffer.from(l));
      const k = Math.floor(random() * copy.length);
      const line = copy[k] as Buffer;
      for (let j = 0; j < 1 + Math.floor(random() * 3); j++)
        line[Math.floor(random() * line.length)] = alphabet[
          Math.floor(random() * alphabet.length)
        ] as number;
      writeFileSync(path, Buffer.concat(copy.flatMap((l) => [l, Buffer.from('\n')])));
      expectSameReading(path);
    }
  });

  it('reads many lines of one card id, the empty one too, as the parser does', () => {
    const answer = JSON.parse(lines[answerAt] ?? '{}') as Record<string, unknown>;
    const many = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({ ...answer, card: i % 3 === 0 ? '' : `c${i % 7}`, seq: i + 1 }),
    );
    writeFileSync(path, many.join('\n') + '\n');
    const rows = expectSameReading(path) as { cards: string[]; length: number };
    expect(rows.length).toBe(3000);
    expect(rows.cards).toContain('');
  });

  it('reads lines across buffer boundaries, a torn last line, and a log in two stretches', () => {
    writeFileSync(path, lines.join('\n') + '\n' + (lines[3] ?? '').slice(0, 40));
    const whole = expectSameReading(path, 97) as LogRows;
    // A line longer than the buffer makes it grow.
    expectSameReading(path, 16);
    writeFileSync(path, lines.join('\n') + '\n');
    const size = statSync(path).size;
    const mid = Buffer.from(lines.slice(0, 30).join('\n') + '\n').length;
    const two = joined(
      scanLogRows(path, { start: 0, end: mid }),
      scanLogRows(path, { start: mid, end: size }),
    );
    expect(outcome(() => two)).toEqual(outcome(() => scanLogRows(path)));
    expect((whole as unknown as { length: number }).length).toBe(60);
  });
});

/** Table by table, the database's content (rows, schema, statistics) as digests. */
async function contents(bytes: Uint8Array): Promise<Record<string, string>> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(bytes);
  try {
    const out: Record<string, string> = {};
    for (const q of [
      'SELECT * FROM col',
      'SELECT * FROM notes ORDER BY id',
      'SELECT * FROM cards ORDER BY id',
      'SELECT * FROM revlog ORDER BY id',
      'SELECT * FROM sqlite_stat1',
      'SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name',
      'PRAGMA integrity_check',
      'SELECT id FROM cards INDEXED BY ix_cards_sched ORDER BY did, queue, due, id',
      'SELECT id FROM revlog INDEXED BY ix_revlog_cid WHERE cid > 0 ORDER BY cid, id',
      'SELECT id FROM notes INDEXED BY ix_notes_csum WHERE csum >= 0 ORDER BY csum, id',
    ]) {
      const stmt = db.prepare(q);
      const h = createHash('sha256');
      let n = 0;
      while (stmt.step()) {
        h.update(JSON.stringify(stmt.get()));
        n++;
      }
      stmt.free();
      out[q] = `${n} ${h.digest('hex')}`;
    }
    return out;
  } finally {
    db.close();
  }
}

describe('building the database in two halves', () => {
  it('gives the same tables, indexes and statistics as building it in one piece', async () => {
    const { dir } = realLog();
    const now = minutes(100_000);
    const col = openMini(dir, now, { mode: 'read' });
    const cards = col.studyCards(NO_FILTER);
    const input = {
      cards,
      allCards: cards,
      decks: col.decks,
      settings: col.settings,
      clock: col.clock,
      now,
      withProgress: true,
    };
    const path = logFile(dir);
    // As a large export has it: the review log still to be made, from the log's rows.
    const rows = withoutUndone(scanLogRows(path));
    const pkg = await buildAnkiPackageWhile(input, Promise.resolve(rows));
    const job = pkg.revlogJob;
    if (!job) throw new Error('no review log job');
    expect(job.count).toBeGreaterThan(50);
    const one = await contents(await collectionBytes(pkg));
    const half = await RevlogHalf.build(job, estimateBytes(pkg));
    const two = await contents(half.merge(pkg.col, await notesAndCardsBytes(pkg)));
    expect(two).toEqual(one);
    expect(one['PRAGMA integrity_check']).toBe(
      `1 ${createHash('sha256').update('["ok"]').digest('hex')}`,
    );
    expect(one['SELECT * FROM revlog ORDER BY id']).toMatch(new RegExp(`^${job.count} `));
    // And the review log made from the job is the one made from the events.
    const fromEvents = buildAnkiPackage({ ...input, events: eachEvent(path) });
    expect(await contents(await collectionBytes(fromEvents))).toEqual(one);
  });
});

describe('the real binary on a large log', () => {
  it('reads the log and builds the database in worker threads, with the same package as one thread', async () => {
    const dir = tempDir();
    const env = { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
    const first = cli(['answer', '--stdin'], env, 'd61-ha-vs-ft good\nd61-ha-vs-ft again\n');
    expect(first.status, first.stderr).toBe(0);
    const log = logFile(dir);
    const template = readAllEvents(log).filter((e) => e.type === 'answer');
    const ids = (JSON.parse(cli(['list', '--json'], env).stdout) as { id: string }[]).map(
      (c) => c.id,
    );
    // Enough answers for both worker paths (a log of several megabytes, past SPLIT_REVIEWS).
    const n = SPLIT_REVIEWS + 4000;
    let seq = Math.max(...readAllEvents(log).map((e) => e.seq));
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const e = template[i % template.length] as CollectionEvent & { type: 'answer' };
      const at = new Date(Date.parse('2026-03-01T09:10:00Z') + i * 60_000).toISOString();
      lines.push(JSON.stringify({ ...e, at, card: ids[(i * 7) % ids.length], seq: ++seq }));
    }
    appendFileSync(log, lines.join('\n') + '\n');
    expect(statSync(log).size).toBeGreaterThan(4 << 20);

    const out = join(dir, 'threads.apkg');
    const r = cli(
      ['export', 'anki', '--with-progress', '--out', out],
      { ...env, SRE_CARDS_TRACE: '1' },
      undefined,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`with progress (${n + 2} reviews)`);
    // The trace shows the two halves of the database joined: the split build ran.
    expect(r.stderr).toMatch(/^trace \d+ halves joined$/m);

    const inThread = join(dir, 'one-thread.apkg');
    const sink = { write: () => true } as unknown as NodeJS.WritableStream;
    const e: Env = {
      now: () => new Date(env.SRE_CARDS_NOW),
      timeZone: 'UTC',
      dataDir: dir,
      stdout: sink,
      stderr: sink,
    };
    expect(await exportCmd(['anki', '--with-progress', '--out', inThread], e)).toBe(0);
    const unzip = (f: string) => unzipSync(readFileSync(f))['collection.anki2'] as Uint8Array;
    expect(await contents(unzip(out))).toEqual(await contents(unzip(inThread)));
  }, 120_000);
});

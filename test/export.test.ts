/**
 * `sre-cards export`: the packages the real binary writes, opened with SQLite (sql.js)
 * and checked note by note and card by card; the review log after a scripted week of
 * answers; the refusals; the text file.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type initSqlJs from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerEvent } from '../src/core/model.js';
import { daysBetween, studyDay, type DayClock } from '../src/core/time.js';
import { loadSqlJs } from '../src/export/apkg.js';
import { noteGuid } from '../src/export/ids.js';
import { Collection } from '../src/store/collection.js';
import { readAllEvents, undoneSeqs } from '../src/store/eventlog.js';
import { cleanup, cli, tempDir, writeDeckFolder } from './helpers.js';

type Database = initSqlJs.Database;
type Row = Record<string, number | string | null>;

afterAll(cleanup);

const DECK = 'sre-61-90';
const T0 = '2026-03-01T09:00:00Z';

function env(dir: string, now = T0, extra: Record<string, string> = {}): Record<string, string> {
  return { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now, ...extra };
}

function run(args: string[], e: Record<string, string>) {
  const r = cli(args, e);
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r;
}

interface CardJson {
  id: string;
  note: string;
  deck: string;
  day: number | null;
  state: string;
  due: string | null;
  stability: number | null;
  difficulty: number | null;
  reps: number;
  lapses: number;
  suspended: boolean;
}

function list(dir: string, now: string, args: string[] = []): CardJson[] {
  return JSON.parse(run(['list', '--json', ...args], env(dir, now)).stdout) as CardJson[];
}

interface Package {
  db: Database;
  members: string[];
  media: string;
  col: Row;
  conf: Record<string, unknown>;
  models: Record<string, Record<string, unknown>>;
  decks: Record<string, Record<string, unknown>>;
  dconf: Record<string, Record<string, unknown>>;
}

const opened: Database[] = [];
afterAll(() => {
  for (const db of opened.splice(0)) db.close();
});

async function openPackage(file: string): Promise<Package> {
  const zip = unzipSync(readFileSync(file));
  const collection = zip['collection.anki21'] ?? zip['collection.anki2'];
  if (!collection) throw new Error(`${file} has no collection`);
  const SQL = await loadSqlJs();
  const db = new SQL.Database(collection);
  opened.push(db);
  const col = rows(db, 'SELECT * FROM col')[0] ?? {};
  const json = (k: string) => JSON.parse(String(col[k])) as Record<string, never>;
  return {
    db,
    members: Object.keys(zip).sort(),
    media: strFromU8(zip.media ?? new Uint8Array()),
    col,
    conf: json('conf'),
    models: json('models'),
    decks: json('decks'),
    dconf: json('dconf'),
  };
}

function rows(db: Database, sql: string): Row[] {
  const stmt = db.prepare(sql);
  const out: Row[] = [];
  while (stmt.step()) out.push(stmt.getAsObject() as Row);
  stmt.free();
  return out;
}

/** Anki's field stripping, written out independently of the exporter (and checked against Anki's own values below). */
function ankiStrip(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function csumOf(firstField: string): number {
  return parseInt(createHash('sha1').update(ankiStrip(firstField)).digest('hex').slice(0, 8), 16);
}

/** Everything the issue asks of every package: notes, note types, cards, decks, tags. */
function checkPackage(p: Package): void {
  const notes = rows(p.db, 'SELECT * FROM notes');
  const cards = rows(p.db, 'SELECT * FROM cards');
  expect(notes.length).toBeGreaterThan(0);
  const guids = new Set<string>();
  const noteById = new Map<number, Row>();
  for (const n of notes) {
    const model = p.models[String(n.mid)];
    expect(model, `note ${n.id}: mid ${n.mid} is in col.models`).toBeDefined();
    const fields = String(n.flds).split('\x1f');
    expect(fields.length, `note ${n.id}: field count`).toBe((model?.flds as unknown[]).length);
    expect(n.csum, `note ${n.id}: csum`).toBe(csumOf(fields[0] ?? ''));
    expect(String(n.sfld), `note ${n.id}: sfld`).toBe(ankiStrip(fields[0] ?? ''));
    expect(String(n.sfld).length).toBeGreaterThan(0);
    expect(n.tags, `note ${n.id}: tags`).toMatch(/^ (\S+ )+$/);
    expect(n.usn).toBe(-1);
    expect(n.flags).toBe(0);
    expect(n.data).toBe('');
    expect(String(n.flds)).not.toMatch(/\n/);
    guids.add(String(n.guid));
    noteById.set(Number(n.id), n);
  }
  expect(guids.size, 'GUIDs are unique').toBe(notes.length);
  const seen = new Set<string>();
  const withCards = new Set<number>();
  for (const c of cards) {
    const n = noteById.get(Number(c.nid));
    expect(n, `card ${c.id}: its note exists`).toBeDefined();
    expect(p.decks[String(c.did)], `card ${c.id}: its deck is in col.decks`).toBeDefined();
    const model = p.models[String(n?.mid)] as Record<string, unknown>;
    const ord = Number(c.ord);
    if (model.type === 1) {
      const text = String(n?.flds).split('\x1f')[0] ?? '';
      expect(text, `card ${c.id}: cloze ord ${ord} matches a deletion`).toContain(
        `{{c${ord + 1}::`,
      );
    } else {
      expect(ord).toBeGreaterThanOrEqual(0);
      expect(ord).toBeLessThan((model.tmpls as unknown[]).length);
    }
    const key = `${c.nid}/${ord}`;
    expect(seen.has(key), `one card per note and ordinal: ${key}`).toBe(false);
    seen.add(key);
    withCards.add(Number(c.nid));
    expect([c.usn, c.odue, c.odid, c.flags]).toEqual([-1, 0, 0, 0]);
  }
  expect(withCards.size, 'every note has cards').toBe(notes.length);
  // Anki's importer refuses ids (millisecond timestamps) later than tomorrow.
  const tomorrow = Number(p.col.mod) + 86_400_000;
  for (const table of ['notes', 'cards', 'revlog'])
    expect(Number(rows(p.db, `SELECT max(id) AS m FROM ${table}`)[0]?.m ?? 0), table).toBeLessThan(
      tomorrow,
    );
  expect(p.members).toEqual(['collection.anki2', 'media']);
  expect(p.media).toBe('{}');
  expect(p.col.ver).toBe(11);
  expect(p.col.tags).toBe('{}');
  expect(p.conf.schedVer).toBe(2);
  for (const d of Object.values(p.decks))
    expect(p.dconf[String(d.conf)], `deck ${d.name}: options group`).toBeDefined();
}

const ordOf = (id: string) =>
  id.endsWith(':rev') ? 1 : /:c(\d+)$/.test(id) ? Number(/:c(\d+)$/.exec(id)?.[1]) - 1 : 0;

/** The Anki card of one of ours: found through its note's GUID and its ordinal. */
function ankiCard(db: Database, card: CardJson): Row {
  const guid = noteGuid(card.deck, card.note).replace(/'/g, "''");
  const found = rows(
    db,
    `SELECT c.* FROM cards c JOIN notes n ON n.id = c.nid WHERE n.guid = '${guid}' AND c.ord = ${ordOf(card.id)}`,
  );
  expect(found, `Anki card for ${card.id}`).toHaveLength(1);
  return found[0] as Row;
}

describe('export anki: the whole deck', () => {
  let dir: string;
  let file: string;
  let p: Package;
  let cards: CardJson[];

  beforeAll(async () => {
    dir = join(tempDir(), 'data');
    file = join(tempDir(), 'sre-cards.apkg');
    const r = run(['export', 'anki', '--out', file], env(dir));
    expect(r.stdout).toMatch(/wrote .*sre-cards\.apkg: 552 notes, \d+ cards in \d+ decks/);
    p = await openPackage(file);
    cards = list(dir, T0);
  });

  it('passes every check of notes, note types and cards, and writes nothing to the collection', () => {
    checkPackage(p);
    expect(existsSync(dir)).toBe(false);
    const notes = new Set(cards.map((c) => c.note));
    expect(rows(p.db, 'SELECT count(*) AS n FROM notes')[0]?.n).toBe(notes.size);
    expect(rows(p.db, 'SELECT count(*) AS n FROM cards')[0]?.n).toBe(cards.length);
    expect(rows(p.db, 'SELECT count(*) AS n FROM revlog')[0]?.n).toBe(0);
  });

  it('has our three note types, with fixed ids, names and fields', () => {
    const types = Object.values(p.models)
      .map((m) => ({
        id: m.id,
        name: m.name,
        type: m.type,
        fields: (m.flds as { name: string }[]).map((f) => f.name),
        templates: (m.tmpls as { name: string }[]).map((t) => t.name),
      }))
      .sort((a, b) => String(a.id).localeCompare(String(b.id)));
    expect(types).toEqual([
      {
        id: '1704067200001',
        name: 'SRE Basic',
        type: 0,
        fields: ['Front', 'Back', 'Source', 'Plan line'],
        templates: ['Card 1'],
      },
      {
        id: '1704067200002',
        name: 'SRE Basic (and reversed card)',
        type: 0,
        fields: ['Front', 'Back', 'Source', 'Plan line'],
        templates: ['Card 1', 'Card 2'],
      },
      {
        id: '1704067200003',
        name: 'SRE Cloze',
        type: 1,
        fields: ['Text', 'Extra', 'Source', 'Plan line'],
        templates: ['Cloze'],
      },
    ]);
  });

  it('puts cards in a deck per day under the deck title, and tags topics and days', () => {
    const names = Object.values(p.decks).map((d) => String(d.name));
    expect(names).toContain('Default');
    expect(names).toContain('SRE Interview Prep');
    expect(names).toContain('SRE Interview Prep::Day 61 · HA vs fault tolerance');
    const days = names.filter((n) => n.startsWith('SRE Interview Prep::'));
    expect(days).toHaveLength(30);
    for (const n of days) expect(n).toMatch(/^SRE Interview Prep::Day (6[1-9]|[78]\d|90) · \S/);
    const ha = ankiCard(p.db, cards.find((c) => c.id === 'd61-ha-vs-ft') as CardJson);
    expect(p.decks[String(ha.did)]?.name).toBe(
      'SRE Interview Prep::Day 61 · HA vs fault tolerance',
    );
    const note = rows(p.db, `SELECT * FROM notes WHERE id = ${ha.nid}`)[0] as Row;
    expect(note.tags).toBe(' day::61 topic::reliability::availability ');
    expect(note.guid).toBe(noteGuid(DECK, 'd61-ha-vs-ft'));
  });

  it('turns card Markdown into safe HTML fields', () => {
    const note = (id: string) =>
      rows(
        p.db,
        `SELECT flds FROM notes WHERE guid = '${noteGuid(DECK, id).replace(/'/g, "''")}'`,
      )[0]?.flds as string;
    const [front, back, source, line] = note('d61-ha-vs-ft').split('\x1f');
    expect(front).toBe(
      'What is the difference between high availability (HA) and fault tolerance (FT)?',
    );
    // The source's line breaks inside the paragraph are spaces, not <br>.
    expect(back).toMatch(/^<b>HA<\/b> keeps downtime short .* blip .* <b>FT<\/b> masks/);
    expect(back).not.toContain('<br>');
    expect(source).toBe('');
    expect(line).toBe('focus');
    expect(note('d61-hidden-spofs').split('\x1f')[1]).toMatch(
      /^<ul><li>a single primary database .*<\/li><li>DNS or service discovery<\/li>.*<\/ul>$/,
    );
    const probes = note('d61-liveness-vs-readiness').split('\x1f');
    expect(probes[2]).toBe('Kubernetes docs, "Configure Liveness, Readiness and Startup Probes"');
    const all = rows(p.db, 'SELECT flds FROM notes').map((r) => String(r.flds));
    expect(all.some((f) => f.includes('<pre><code>'))).toBe(true);
    for (const f of all) expect(f).not.toMatch(/<(?!\/?(b|code|pre|ul|ol|li|br)>)/);
  });

  it('makes every card new, due in plan order (day by day), siblings together', () => {
    const byDay = new Map<number, number[]>();
    for (const c of cards) {
      const a = ankiCard(p.db, c);
      expect([a.type, a.queue, a.ivl, a.reps, a.lapses, a.left, a.data]).toEqual([
        0,
        0,
        0,
        0,
        0,
        0,
        '',
      ]);
      const list = byDay.get(c.day ?? 0) ?? [];
      list.push(Number(a.due));
      byDay.set(c.day ?? 0, list);
    }
    const days = [...byDay.keys()].sort((a, b) => a - b);
    for (let i = 1; i < days.length; i++)
      expect(Math.min(...(byDay.get(days[i] as number) ?? []))).toBeGreaterThan(
        Math.max(...(byDay.get(days[i - 1] as number) ?? [])),
      );
    const fwd = ankiCard(p.db, cards.find((c) => c.id === 'd61-spof') as CardJson);
    const rev = ankiCard(p.db, cards.find((c) => c.id === 'd61-spof:rev') as CardJson);
    expect(rev.due).toBe(fwd.due);
    expect(p.conf.nextPos).toBe(new Set(cards.map((c) => c.note)).size + 1);
    expect(Object.keys(p.dconf)).toEqual(['1']);
  });

  it('keeps GUIDs, ids and note mods across exports, whatever the filter', async () => {
    // A collection that has been saved: its cards' first-seen times are on disk.
    const saved = tempDir();
    run(['suspend', 'd61-spof'], env(saved, T0));
    run(['unsuspend', 'd61-spof'], env(saved, T0));
    const exportAt = async (now: string, args: string[] = []) => {
      const f = join(tempDir(), 'x.apkg');
      run(['export', 'anki', '--out', f, ...args], env(saved, now));
      return openPackage(f);
    };
    const a = await exportAt('2026-03-02T10:00:00Z');
    const b = await exportAt('2026-03-05T10:00:00Z');
    const notes = (db: Database) =>
      rows(db, 'SELECT id, guid, mid, mod, flds, tags FROM notes ORDER BY id');
    const cardRows = (db: Database) =>
      rows(db, 'SELECT id, nid, did, ord, mod, due FROM cards ORDER BY id');
    expect(notes(b.db)).toEqual(notes(a.db));
    expect(cardRows(b.db)).toEqual(cardRows(a.db));
    expect(b.col.crt).toBe(a.col.crt);
    expect(new Set(notes(a.db).map((n) => n.mod))).toEqual(new Set([Date.parse(T0) / 1000]));
    // The same ids, GUIDs and positions as the export of the collection never saved.
    const strip = (r: Row[]) => r.map(({ mod: _mod, ...rest }) => rest);
    expect(strip(notes(a.db))).toEqual(strip(notes(p.db)));
    expect(strip(cardRows(a.db))).toEqual(strip(cardRows(p.db)));
    const d = await exportAt('2026-03-05T10:00:00Z', ['--day', '61']);
    checkPackage(d);
    const few = notes(d.db);
    expect(few.length).toBe(new Set(cards.filter((c) => c.day === 61).map((c) => c.note)).size);
    for (const n of few) expect(n.tags).toMatch(/ day::61 /);
    expect(few).toEqual(notes(a.db).filter((n) => few.some((f) => f.id === n.id)));
    expect(cardRows(d.db)).toEqual(cardRows(a.db).filter((c) => few.some((n) => n.id === c.nid)));
  });
});

describe('export anki --with-progress after a scripted week of reviews', () => {
  let dir: string;
  let p: Package;
  let cards: CardJson[];
  let undoneAt: number;
  const NOW = '2026-03-07T12:00:00Z';
  const clock: DayClock = { timeZone: 'UTC', rolloverHour: 4 };

  beforeAll(async () => {
    dir = tempDir();
    const day61 = list(dir, T0, ['--day', '61']);
    const day62 = list(dir, T0, ['--day', '62']);
    const first = ['good', 'good', 'again', 'easy', 'hard', 'good', 'good', 'again'];
    first.forEach((r, i) => run(['answer', (day61[i] as CardJson).id, r], env(dir, T0)));
    run(['suspend', (day62[0] as CardJson).id], env(dir, T0));
    run(['suspend', (day61[7] as CardJson).id], env(dir, '2026-03-01T09:05:00Z'));
    // Later steps the same day, then a review every day for a week.
    for (let d = 0; d < 7; d++) {
      const times =
        d === 0
          ? ['2026-03-01T09:12:00Z', '2026-03-01T09:30:00Z']
          : [`2026-03-0${d + 1}T09:00:00Z`];
      for (const now of times) {
        const due = list(dir, now, ['--day', '61-62']).filter(
          (c) => c.due !== null && !c.suspended && Date.parse(c.due) <= Date.parse(now),
        );
        due.forEach((c, i) => run(['answer', c.id, i === 1 ? 'hard' : 'good'], env(dir, now)));
      }
      if (d > 0)
        run(['answer', (day62[d] as CardJson).id, 'good'], env(dir, `2026-03-0${d + 1}T09:30:00Z`));
    }
    // A lapse and a new card started shortly before the export.
    const lapse = list(dir, '2026-03-07T11:00:00Z', ['--day', '61']).find(
      (c) => c.state === 'review' && !c.suspended,
    ) as CardJson;
    run(['answer', lapse.id, 'again'], env(dir, '2026-03-07T11:00:00Z'));
    run(['answer', (day61[9] as CardJson).id, 'good'], env(dir, '2026-03-07T11:00:00Z'));
    // An answer taken back with undo leaves no trace in the review log.
    const col = Collection.open({
      dataDir: dir,
      mode: 'write',
      now: new Date('2026-03-07T10:00:00Z'),
      timeZone: 'UTC',
    });
    col.answer((day62[6] as CardJson).id, 'easy', new Date('2026-03-07T10:00:07Z'), 4000);
    col.undo(new Date('2026-03-07T10:00:09Z'));
    col.close();
    undoneAt = Date.parse('2026-03-07T10:00:07Z');
    const file = join(tempDir(), 'progress.apkg');
    const r = run(['export', 'anki', '--with-progress', '--out', file], env(dir, NOW));
    expect(r.stdout).toMatch(/with progress \(\d+ reviews\)/);
    p = await openPackage(file);
    cards = list(dir, NOW);
  }, 120_000);

  it('passes every check of notes, note types and cards', () => {
    checkPackage(p);
  });

  it("carries each card's FSRS state: type, queue, due, interval, reps, lapses, memory", () => {
    const crtDay = studyDay(new Date(Number(p.col.crt) * 1000), clock);
    expect(new Date(Number(p.col.crt) * 1000).toISOString()).toBe('2026-03-01T04:00:00.000Z');
    const states = new Set<string>();
    for (const c of cards) {
      const a = ankiCard(p.db, c);
      states.add(c.state);
      if (c.state === 'new') {
        expect(a.type).toBe(0);
        expect(a.queue).toBe(c.suspended ? -1 : 0);
        expect(a.data).toBe('');
        continue;
      }
      const type = { learning: 1, review: 2, relearning: 3 }[c.state];
      expect(a.type, c.id).toBe(type);
      const dueMs = Date.parse(c.due ?? '');
      if (c.state === 'review') {
        expect(a.queue).toBe(c.suspended ? -1 : 2);
        expect(a.due, `${c.id} due day`).toBe(
          daysBetween(crtDay, studyDay(new Date(dueMs), clock)),
        );
        expect(Number(a.ivl)).toBeGreaterThanOrEqual(1);
      } else {
        expect(a.queue).toBe(c.suspended ? -1 : 1);
        expect(a.due, `${c.id} due (s)`).toBe(Math.floor(dueMs / 1000));
      }
      expect(a.factor).toBe(2500);
      expect([a.reps, a.lapses]).toEqual([c.reps, c.lapses]);
      const data = JSON.parse(String(a.data)) as Record<string, number>;
      expect(Object.keys(data)).toEqual(['s', 'd', 'dr', 'lrt']);
      expect(data.s).toBeCloseTo(c.stability ?? 0, 3);
      expect(data.d).toBeCloseTo(c.difficulty ?? 0, 3);
      expect(data.dr).toBe(0.9);
      const log = JSON.parse(run(['show', c.id, '--json'], env(dir, NOW)).stdout).log as {
        at: string;
      }[];
      expect(data.lrt).toBe(Math.floor(Date.parse(log[log.length - 1]?.at ?? '') / 1000));
    }
    expect([...states].sort()).toEqual(['learning', 'new', 'relearning', 'review']);
    expect(cards.filter((c) => c.suspended).length).toBe(2);
  });

  it('writes the review log: one row per answer kept, unique ms ids, ease, intervals, factor, kind', () => {
    const events = readAllEvents(join(dir, 'events.jsonl'));
    const undone = undoneSeqs(events);
    const answers = events.filter(
      (e): e is AnswerEvent => e.type === 'answer' && !undone.has(e.seq),
    );
    const revlog = rows(p.db, 'SELECT * FROM revlog ORDER BY id');
    expect(revlog).toHaveLength(answers.length);
    expect(new Set(revlog.map((r) => r.id)).size).toBe(revlog.length);
    const byCard = new Map(cards.map((c) => [c.id, c]));
    const used = new Set<number>();
    for (const e of answers) {
      const cid = ankiCard(p.db, byCard.get(e.card) as CardJson).id;
      const at = Date.parse(e.at);
      const row = revlog.find(
        (r) =>
          r.cid === cid && Number(r.id) >= at && Number(r.id) < at + 50 && !used.has(Number(r.id)),
      );
      expect(row, `revlog row for ${e.card} at ${e.at}`).toBeDefined();
      if (!row) continue;
      used.add(Number(row.id));
      expect(row.ease).toBe(e.rating);
      expect(row.usn).toBe(-1);
      expect(row.type).toBe({ new: 0, learning: 0, review: 1, relearning: 2 }[e.before.state]);
      expect(row.factor).toBe(Math.round(((e.after.difficulty - 1) / 9 + 0.1) * 1000));
      if (e.after.state === 'review') expect(row.ivl).toBe(e.after.scheduledDays);
      else expect(row.ivl).toBe(-Math.round((Date.parse(e.after.due ?? '') - at) / 1000));
      expect(Number(row.ivl)).not.toBe(0);
      if (e.before.state === 'new') expect(row.lastIvl).toBe(0);
      if (e.before.state === 'review') expect(row.lastIvl).toBe(e.before.scheduledDays);
      expect([1, 2, 3, 4]).toContain(row.ease);
    }
    expect(revlog.some((r) => Number(r.id) >= undoneAt && Number(r.id) < undoneAt + 1000)).toBe(
      false,
    );
    expect(revlog.some((r) => Number(r.ivl) > 0)).toBe(true);
    expect(revlog.some((r) => Number(r.ivl) < 0)).toBe(true);
    expect(revlog.some((r) => r.type === 1 && r.ease === 1)).toBe(true);
  });

  it('brings the options along: schedVer 2, our steps and desired retention', () => {
    expect(p.conf.schedVer).toBe(2);
    expect(p.conf.rollover).toBe(4);
    expect(p.conf.creationOffset).toBe(0);
    const ours = Object.values(p.dconf).find((c) => c.name === 'SRE Cards') as Record<
      string,
      unknown
    >;
    expect(ours).toBeDefined();
    expect(ours.desiredRetention).toBe(0.9);
    expect((ours.new as Record<string, unknown>).delays).toEqual([1, 10]);
    expect((ours.lapse as Record<string, unknown>).delays).toEqual([10]);
    for (const d of Object.values(p.decks))
      expect(d.conf, String(d.name)).toBe(d.name === 'Default' ? 1 : ours.id);
  });

  it('counts review days as Anki will: a card due today has the day number of today', () => {
    // Anki's day count (rslib scheduler/timing.rs, v2 with creationOffset and rollover).
    const now = Date.parse(NOW) / 1000;
    const local = (s: number, westMins: number) => new Date((s - westMins * 60) * 1000);
    const created = local(Number(p.col.crt), Number(p.conf.creationOffset));
    const current = local(now, Number(p.conf.localOffset));
    const rolloverPassed = current.getUTCHours() >= Number(p.conf.rollover);
    const ankiToday =
      daysBetween(created.toISOString().slice(0, 10), current.toISOString().slice(0, 10)) -
      (rolloverPassed ? 0 : 1);
    const crtDay = studyDay(new Date(Number(p.col.crt) * 1000), clock);
    expect(ankiToday).toBe(daysBetween(crtDay, studyDay(new Date(NOW), clock)));
    expect(ankiToday).toBe(6);
  });
});

describe('export anki --with-progress across a daylight-saving change', () => {
  it("counts due days in the user's study days, as Anki counts them from crt and its offset", async () => {
    const dir = tempDir();
    const ny = { TZ: 'America/New_York' };
    const clock: DayClock = { timeZone: 'America/New_York', rolloverHour: 4 };
    // Friday 6 March 2026, 09:00 in New York (EST, UTC-5); clocks go forward on Sunday the 8th.
    run(['answer', 'd61-spof', 'easy'], env(dir, '2026-03-06T14:00:00Z', ny));
    run(['answer', 'd61-resilience', 'good'], env(dir, '2026-03-06T14:00:00Z', ny));
    run(['answer', 'd61-resilience', 'good'], env(dir, '2026-03-06T14:10:00Z', ny));
    const now = '2026-03-09T14:00:00Z'; // 10:00 EDT
    const file = join(tempDir(), 'dst.apkg');
    run(['export', 'anki', '--with-progress', '--out', file], env(dir, now, ny));
    const p = await openPackage(file);
    checkPackage(p);
    expect(new Date(Number(p.col.crt) * 1000).toISOString()).toBe('2026-03-06T09:00:00.000Z');
    expect(p.conf.creationOffset).toBe(300);
    expect(p.conf.localOffset).toBe(240);
    const crtDay = studyDay(new Date(Number(p.col.crt) * 1000), clock);
    const cards = list(dir, now, ['--day', '61']).filter((c) => c.state === 'review');
    expect(cards.map((c) => c.id).sort()).toEqual(['d61-resilience', 'd61-spof']);
    for (const c of cards) {
      const a = ankiCard(p.db, c);
      expect(a.due, c.id).toBe(daysBetween(crtDay, studyDay(new Date(c.due ?? ''), clock)));
    }
    // Anki's own day count for the moment of the export, from crt, creationOffset and rollover.
    const local = (s: number, westMins: number) => new Date((s - westMins * 60) * 1000);
    const created = local(Number(p.col.crt), Number(p.conf.creationOffset));
    const current = local(Date.parse(now) / 1000, Number(p.conf.localOffset));
    const today =
      daysBetween(created.toISOString().slice(0, 10), current.toISOString().slice(0, 10)) -
      (current.getUTCHours() >= Number(p.conf.rollover) ? 0 : 1);
    expect(today).toBe(3);
    expect(today).toBe(daysBetween(crtDay, studyDay(new Date(now), clock)));
  });
});

describe('export anki: refusals and options', () => {
  it('refuses collection.apkg and an existing file (exit 1, a sentence), and replaces with --force', () => {
    const dir = tempDir();
    const out = tempDir();
    const col = cli(['export', 'anki', '--out', join(out, 'Collection.apkg')], env(dir));
    expect(col.status).toBe(1);
    expect(col.stderr).toMatch(/collection\.apkg as a whole collection .* choose another name/);
    expect(existsSync(join(out, 'Collection.apkg'))).toBe(false);
    const file = join(out, 'mine.apkg');
    writeFileSync(file, 'keep me');
    const again = cli(['export', 'anki', '--out', file], env(dir));
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/mine\.apkg already exists; pass --force to replace it/);
    expect(again.stderr).not.toMatch(/at .*\.js/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(cli(['export', 'anki', '--out', file, '--force'], env(dir)).status).toBe(0);
    expect(readFileSync(file).subarray(0, 2).toString()).toBe('PK');
    const tsv = join(out, 'notes.txt');
    writeFileSync(tsv, 'keep');
    expect(cli(['export', 'tsv', '--out', tsv], env(dir)).status).toBe(1);
    expect(readFileSync(tsv, 'utf8')).toBe('keep');
  });

  it('writes the default name in the current folder, or inside a folder given to --out', () => {
    const dir = tempDir();
    const out = tempDir();
    expect(cli(['export', 'anki', '--out', out, '--json'], env(dir)).status).toBe(0);
    expect(existsSync(join(out, 'sre-cards.apkg'))).toBe(true);
    const r = cli(['export', 'tsv', '--out', out, '--json', '--day', '61'], env(dir));
    expect(JSON.parse(r.stdout)).toMatchObject({
      file: join(out, 'sre-cards.txt'),
      format: 'tsv',
    });
  });

  it('exits 2 with a usage line for bad arguments', () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [['export'], /missing format/],
      [['export', 'csv'], /format must be anki or tsv/],
      [['export', 'tsv', '--with-progress'], /--with-progress needs an Anki package/],
      [['export', 'anki', '--stock-types'], /--stock-types is for the text file/],
      [['export', 'anki', '--out', 'x.zip'], /--out must name a \.apkg file/],
      [['export', 'anki', '--topic', 'astrology'], /unknown topic "astrology"/],
      [['export', 'anki', '--day', '12'], /day 12 is out of range/],
    ];
    for (const [args, msg] of cases) {
      const r = cli(args, env(dir));
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).toMatch(/usage: sre-cards export/);
    }
  });

  it("updates a note's mod only when its text changed, keeping its GUID", async () => {
    const dir = tempDir();
    const src = writeDeckFolder(join(tempDir(), 'mini'));
    run(['deck', 'add', src], env(dir, '2026-03-01T09:00:00Z'));
    const one = join(tempDir(), 'one.apkg');
    run(['export', 'anki', '--deck', 'mini', '--out', one], env(dir, '2026-03-02T09:00:00Z'));
    const text = readFileSync(join(src, 'day-2.md'), 'utf8');
    writeFileSync(join(src, 'day-2.md'), text.replace('A: A.', 'A: A, edited.'));
    // Any command that writes records what it saw: the edit, at this time.
    run(['answer', 'one-basic', 'good'], env(dir, '2026-03-03T09:00:00Z'));
    const two = join(tempDir(), 'two.apkg');
    run(['export', 'anki', '--deck', 'mini', '--out', two], env(dir, '2026-03-04T09:00:00Z'));
    const a = await openPackage(one);
    const b = await openPackage(two);
    checkPackage(b);
    const notes = (p: Package) =>
      new Map(rows(p.db, 'SELECT guid, mod, flds FROM notes').map((n) => [n.guid, n]));
    const before = notes(a);
    const after = notes(b);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const edited = noteGuid('mini', 'two-a');
    for (const [guid, n] of after) {
      const old = before.get(guid) as Row;
      if (guid === edited) {
        expect(n.mod).toBe(Date.parse('2026-03-03T09:00:00Z') / 1000);
        expect(String(n.flds)).toContain('A, edited.');
      } else {
        expect(n.mod).toBe(old.mod);
        expect(n.flds).toBe(old.flds);
      }
    }
    expect(Object.values(b.decks).map((d) => d.name)).toContain('Mini Deck::Day 2 · Second');
  });
});

describe('export tsv', () => {
  /** Splits a line as Anki's CSV reader does (tabs, double-quoted fields). */
  function splitLine(line: string): string[] {
    const out: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let v = '';
        i++;
        for (;;) {
          const q = line.indexOf('"', i);
          if (line[q + 1] === '"') {
            v += line.slice(i, q + 1);
            i = q + 2;
          } else {
            v += line.slice(i, q);
            i = q + 1;
            break;
          }
        }
        out.push(v);
        i++;
      } else {
        const t = line.indexOf('\t', i);
        const end = t === -1 ? line.length : t;
        out.push(line.slice(i, end));
        i = end + 1;
      }
    }
    return out;
  }

  it("writes Anki's headers and one note a line: GUID, note type, deck, fields, tags, as in the package", async () => {
    const dir = tempDir();
    const out = tempDir();
    run(['export', 'tsv', '--out', join(out, 'notes.txt')], env(dir));
    run(['export', 'anki', '--out', join(out, 'notes.apkg')], env(dir));
    const lines = readFileSync(join(out, 'notes.txt'), 'utf8').split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '#separator:tab',
      '#html:true',
      '#guid column:1',
      '#notetype column:2',
      '#deck column:3',
      '#tags column:8',
    ]);
    expect(lines[lines.length - 1]).toBe('');
    const body = lines.slice(6, -1).map(splitLine);
    const p = await openPackage(join(out, 'notes.apkg'));
    const notes = new Map(rows(p.db, 'SELECT * FROM notes').map((n) => [String(n.guid), n]));
    expect(body).toHaveLength(notes.size);
    for (const cols of body) {
      expect(cols).toHaveLength(8);
      const n = notes.get(cols[0] as string) as Row;
      expect(n, `note ${cols[0]}`).toBeDefined();
      expect(cols[1]).toBe(p.models[String(n.mid)]?.name);
      const card = rows(p.db, `SELECT did FROM cards WHERE nid = ${n.id} LIMIT 1`)[0] as Row;
      expect(cols[2]).toBe(p.decks[String(card.did)]?.name);
      expect(cols.slice(3, 7).join('\x1f')).toBe(n.flds);
      expect(cols[7]).toBe(String(n.tags).trim());
    }
  });

  it("names Anki's stock note types with --stock-types", () => {
    const dir = tempDir();
    const file = join(tempDir(), 'stock.txt');
    run(['export', 'tsv', '--stock-types', '--day', '61', '--out', file], env(dir));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[5]).toBe('#tags column:6');
    const types = new Set(lines.slice(6).map((l) => splitLine(l)[1]));
    expect([...types].sort()).toEqual(['Basic', 'Basic (and reversed card)', 'Cloze']);
    for (const l of lines.slice(6)) expect(splitLine(l)).toHaveLength(6);
  });
});

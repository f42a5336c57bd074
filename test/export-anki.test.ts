/**
 * The package builder on its own (pure): card states to Anki's type, queue, due and
 * `left`, learning steps that cross the study day, the review log's ids and kinds, and
 * what is left out of it.
 */
import { describe, expect, it } from 'vitest';
import type { AnswerEvent, CardRecord, CollectionEvent } from '../src/core/model.js';
import type { StudyCard } from '../src/core/queue.js';
import { answer, NEW_STATE, type RatingName, type SchedState } from '../src/core/scheduler.js';
import { DEFAULT_SETTINGS, type Settings } from '../src/core/settings.js';
import { studyDay, type DayClock } from '../src/core/time.js';
import { deckCards } from '../src/deck/cards.js';
import {
  buildAnkiPackage,
  creationTime,
  difficultyFactor,
  memoryData,
  stepMinutes,
  type AnkiPackage,
  type CardRow,
} from '../src/export/anki/index.js';
import { noteGuid } from '../src/export/ids.js';
import { miniDeck } from './helpers.js';

const clock: DayClock = { timeZone: 'UTC', rolloverHour: 4 };
const deck = miniDeck();
const FIRST_SEEN = '2026-03-01T08:00:00.000Z';

/** A scripted history: answers (some undone, some cram), then the package. */
function exportAfter(
  script: { card: string; rating: RatingName; at: string; undone?: boolean; cram?: boolean }[],
  opts: {
    suspended?: string[];
    settings?: Settings;
    now?: string;
    resets?: { card: string; at: string }[];
  } = {},
): { pkg: AnkiPackage; events: CollectionEvent[]; records: Map<string, CardRecord> } {
  const settings = opts.settings ?? DEFAULT_SETTINGS;
  const records = new Map<string, CardRecord>();
  const cards = deckCards({ ...deck, name: 'mini' });
  for (const c of cards)
    records.set(c.id, {
      id: c.id,
      note: c.note,
      deck: 'mini',
      sched: { ...NEW_STATE },
      suspended: (opts.suspended ?? []).includes(c.id),
      buriedDay: null,
      retired: false,
      hash: c.hash,
      mod: FIRST_SEEN,
    });
  const events: CollectionEvent[] = [];
  const undone = new Set<number>();
  let seq = 0;
  for (const s of script) {
    const rec = records.get(s.card) as CardRecord;
    const now = new Date(s.at);
    const after = answer(rec.sched, now, s.rating, settings, clock);
    const e: AnswerEvent = {
      type: 'answer',
      seq: ++seq,
      at: now.toISOString(),
      card: s.card,
      rating: (['again', 'hard', 'good', 'easy'].indexOf(s.rating) + 1) as 1 | 2 | 3 | 4,
      ms: 5000,
      day: studyDay(now, clock),
      tz: 'UTC',
      rollover: 4,
      before: rec.sched,
      after: s.cram ? rec.sched : after,
      ...(s.cram ? { cram: true } : {}),
    };
    events.push(e);
    if (s.undone) {
      events.push({ type: 'undo', seq: ++seq, at: s.at, target: e });
      undone.add(e.seq);
    } else if (!s.cram) rec.sched = after;
  }
  for (const r of opts.resets ?? []) {
    const rec = records.get(r.card) as CardRecord;
    events.push({ type: 'reset', seq: ++seq, at: r.at, card: r.card, before: rec.sched });
    rec.sched = { ...NEW_STATE };
  }
  const all: StudyCard[] = cards.map((card) => ({ card, rec: records.get(card.id) as CardRecord }));
  const pkg = buildAnkiPackage({
    cards: all,
    allCards: all,
    decks: new Map([['mini', deck]]),
    events,
    undone,
    settings,
    clock,
    now: new Date(opts.now ?? '2026-03-05T12:00:00Z'),
    withProgress: true,
  });
  return { pkg, events, records };
}

/** The Anki card of one of ours. */
function card(pkg: AnkiPackage, id: string): CardRow {
  const [noteId, suffix] = id.includes(':') ? id.split(':') : [id, ''];
  const guid = noteGuid('mini', noteId as string);
  const nid = pkg.notes.find((n) => n.guid === guid)?.id;
  const ord = suffix === 'rev' ? 1 : suffix?.startsWith('c') ? Number(suffix.slice(1)) - 1 : 0;
  const row = pkg.cards.find((c) => c.nid === nid && c.ord === ord);
  if (!row) throw new Error(`no card ${id}`);
  return row;
}

describe('building the package', () => {
  it('sets crt to the rollover hour of the first day the collection saw', () => {
    const { pkg } = exportAfter([]);
    expect(new Date(pkg.col.crt * 1000).toISOString()).toBe('2026-03-01T04:00:00.000Z');
    const tokyo = creationTime(
      [],
      [],
      { timeZone: 'Asia/Tokyo', rolloverHour: 4 },
      new Date('2026-03-01T18:30:00Z'),
    );
    // 03:30 on the 2nd in Tokyo is still the study day of the 1st: it began at 04:00 JST on the 1st.
    expect(tokyo.toISOString()).toBe('2026-02-28T19:00:00.000Z');
    expect(JSON.parse(pkg.col.conf)).toMatchObject({ rollover: 4, creationOffset: 0, schedVer: 2 });
  });

  it('maps learning, review, relearning and suspended cards to Anki type, queue, due and left', () => {
    const { pkg, records } = exportAfter(
      [
        { card: 'one-basic', rating: 'again', at: '2026-03-01T09:00:00Z' },
        { card: 'one-rev', rating: 'good', at: '2026-03-01T09:00:00Z' },
        { card: 'one-rev', rating: 'good', at: '2026-03-01T09:10:00Z' },
        { card: 'two-a', rating: 'easy', at: '2026-03-01T09:00:00Z' },
        { card: 'two-a', rating: 'again', at: '2026-03-05T11:00:00Z' },
        { card: 'two-b', rating: 'easy', at: '2026-03-01T09:00:00Z' },
      ],
      { suspended: ['two-b'] },
    );
    const learning = card(pkg, 'one-basic');
    expect(learning).toMatchObject({
      type: 1,
      queue: 1,
      ivl: 0,
      left: 2002,
      factor: 2500,
      reps: 1,
    });
    expect(learning.due).toBe(Date.parse('2026-03-01T09:01:00Z') / 1000);
    const review = card(pkg, 'one-rev');
    const revSched = records.get('one-rev')?.sched as SchedState;
    expect(review).toMatchObject({ type: 2, queue: 2, left: 0, ivl: revSched.scheduledDays });
    // Day 0 is 1 March: the review is due that many days later.
    expect(review.due).toBe(revSched.scheduledDays);
    const relearning = card(pkg, 'two-a');
    expect(relearning).toMatchObject({ type: 3, queue: 1, left: 1001, lapses: 1, reps: 2 });
    expect(relearning.ivl).toBeGreaterThanOrEqual(1);
    expect(relearning.due).toBe(Date.parse('2026-03-05T11:10:00Z') / 1000);
    expect(card(pkg, 'two-b')).toMatchObject({ type: 2, queue: -1 });
    const fresh = card(pkg, 'one-cloze:c2');
    expect(fresh).toMatchObject({ type: 0, queue: 0, data: '' });
    expect(card(pkg, 'one-cloze:c1').due).toBe(fresh.due);
    expect(card(pkg, 'one-basic').data).toBe(
      memoryData(records.get('one-basic')?.sched as SchedState, 0.9),
    );
  });

  it('keeps a learning step that crosses the rollover as a day-learning card, due by day', () => {
    const settings = { ...DEFAULT_SETTINGS, learningSteps: ['1m', '1h'] };
    // Good at 03:30 (before the 04:00 rollover): the 1 h step is due on the next study day.
    const { pkg } = exportAfter(
      [
        { card: 'one-basic', rating: 'good', at: '2026-03-02T03:30:00Z' },
        { card: 'two-a', rating: 'good', at: '2026-03-02T12:00:00Z' },
      ],
      { settings },
    );
    expect(card(pkg, 'one-basic')).toMatchObject({ type: 1, queue: 3, due: 1, left: 1001 });
    expect(card(pkg, 'two-a')).toMatchObject({ type: 1, queue: 1 });
    const log = pkg.revlog.map((r) => [r.ease, r.ivl, r.lastIvl, r.type]);
    expect(log).toEqual([
      [3, 1, 0, 0],
      [3, -3600, 0, 0],
    ]);
    expect(stepMinutes(['1m', '10m', '2h', '1d'])).toEqual([1, 10, 120, 1440]);
  });

  it('logs answers with unique ms ids, leaving out undone and cram answers, and resets as manual rows', () => {
    const { pkg } = exportAfter(
      [
        { card: 'one-basic', rating: 'good', at: '2026-03-01T09:00:00Z' },
        { card: 'one-rev', rating: 'good', at: '2026-03-01T09:00:00Z' },
        { card: 'two-a', rating: 'hard', at: '2026-03-01T09:00:00Z', undone: true },
        { card: 'two-b', rating: 'easy', at: '2026-03-01T09:05:00Z', cram: true },
        { card: 'one-basic', rating: 'good', at: '2026-03-01T09:10:00Z' },
        { card: 'one-basic', rating: 'again', at: '2026-03-03T09:00:00Z' },
      ],
      { resets: [{ card: 'one-rev', at: '2026-03-04T09:00:00Z' }] },
    );
    const t0 = Date.parse('2026-03-01T09:00:00Z');
    expect(pkg.revlog.map((r) => r.id)).toEqual([
      t0,
      t0 + 1,
      Date.parse('2026-03-01T09:10:00Z'),
      Date.parse('2026-03-03T09:00:00Z'),
      Date.parse('2026-03-04T09:00:00Z'),
    ]);
    const basic = card(pkg, 'one-basic').id;
    const rows = pkg.revlog.map((r) => ({ ...r, who: r.cid === basic ? 'basic' : 'rev' }));
    expect(rows.map((r) => [r.who, r.ease, r.type, r.time])).toEqual([
      ['basic', 3, 0, 5000],
      ['rev', 3, 0, 5000],
      ['basic', 3, 0, 5000],
      ['basic', 1, 1, 5000],
      ['rev', 0, 4, 0],
    ]);
    // The lapse: from a review interval (days) to a relearning step (seconds).
    expect(rows[3]?.ivl).toBe(-600);
    expect(rows[3]?.lastIvl).toBe(rows[2]?.ivl);
    expect(rows[2]?.lastIvl).toBe(-600);
    expect(rows[4]).toMatchObject({ ivl: 0, lastIvl: -600, factor: 0 });
    for (const r of pkg.revlog.filter((x) => x.ease > 0))
      expect(r.factor).toBeGreaterThanOrEqual(100);
    expect(difficultyFactor(1)).toBe(100);
    expect(difficultyFactor(10)).toBe(1100);
    expect(card(pkg, 'one-rev')).toMatchObject({ type: 0, queue: 0, data: '' });
  });

  it('tags leeches with progress, and makes every card new without it', () => {
    const { pkg, records } = exportAfter([
      { card: 'two-a', rating: 'good', at: '2026-03-01T09:00:00Z' },
    ]);
    (records.get('two-a') as CardRecord).leech = true;
    const cards = deckCards({ ...deck, name: 'mini' }).map((c) => ({
      card: c,
      rec: records.get(c.id) as CardRecord,
    }));
    const input = {
      cards,
      allCards: cards,
      decks: new Map([['mini', deck]]),
      events: [],
      undone: new Set<number>(),
      settings: DEFAULT_SETTINGS,
      clock,
      now: new Date('2026-03-05T12:00:00Z'),
    };
    const withProgress = buildAnkiPackage({ ...input, withProgress: true });
    const guid = noteGuid('mini', 'two-a');
    expect(withProgress.notes.find((n) => n.guid === guid)?.tags).toBe(
      ' day::2 leech topic::networking ',
    );
    const plain = buildAnkiPackage({ ...input, withProgress: false });
    expect(plain.notes.find((n) => n.guid === guid)?.tags).toBe(' day::2 topic::networking ');
    expect(plain.cards.every((c) => c.type === 0 && c.queue === 0 && c.data === '')).toBe(true);
    expect(plain.revlog).toEqual([]);
    expect(Object.keys(JSON.parse(plain.col.dconf))).toEqual(['1']);
    expect(pkg.notes).toHaveLength(5);
  });
});

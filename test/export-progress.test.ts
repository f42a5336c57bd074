/** `sre-cards export`: a package with progress: FSRS state, the review log, options, day numbers, across a DST change. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerEvent } from '../src/core/model.js';
import { daysBetween, studyDay, type DayClock } from '../src/core/time.js';
import { Collection } from '../src/store/collection.js';
import { undoneSeqs } from '../src/core/reviewlog.js';
import { readAllEvents } from '../src/store/log/file.js';
import { cleanup, tempDir, logFile } from './helpers.js';

import type { CardJson, Package } from './package-helpers.js';
import {
  T0,
  env,
  run,
  list,
  openPackage,
  rows,
  checkPackage,
  ankiCard,
} from './package-helpers.js';

afterAll(cleanup);

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
    const events = readAllEvents(logFile(dir));
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

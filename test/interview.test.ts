import { afterEach, describe, expect, it } from 'vitest';
import { leadDay, newCardPacing, pacingText, predictedRetentionOn } from '../src/core/interview.js';
import { buildQueue, NO_FILTER } from '../src/core/queue.js';
import {
  answer,
  interviewCapDay,
  NEW_STATE,
  preview,
  type SchedState,
} from '../src/core/scheduler.js';
import { DEFAULT_SETTINGS, type Settings } from '../src/core/settings.js';
import { studyDay, type DayClock } from '../src/core/time.js';
import { Session } from '../src/session/session.js';
import { cleanup, cli, openMini, tempDir } from './helpers.js';

afterEach(cleanup);

const UTC: DayClock = { timeZone: 'UTC', rolloverHour: 4 };
const T = new Date('2026-03-01T09:00:00Z');
const base: Settings = { ...DEFAULT_SETTINGS, fuzz: false };
const withDate = (d: string, more: Partial<Settings> = {}): Settings => ({
  ...base,
  interviewDate: d,
  ...more,
});

/** A review card answered Easy as a new card at T (8 days without a cap). */
function easyCard(settings: Settings, clock = UTC, at = T): SchedState {
  return answer({ ...NEW_STATE }, at, 'easy', settings, clock);
}

describe('interview cap on intervals', () => {
  it('cuts an interval that would run past the date so the card is due on the eve', () => {
    const free = easyCard(base);
    expect(free.state).toBe('review');
    expect(free.scheduledDays).toBe(8);
    const capped = easyCard(withDate('2026-03-05'));
    expect(interviewCapDay(withDate('2026-03-05'))).toBe('2026-03-04');
    expect(studyDay(new Date(capped.due ?? ''), UTC)).toBe('2026-03-04');
    expect(capped.scheduledDays).toBe(3);
    // Memory state is FSRS's; only the interval is cut.
    expect(capped.stability).toBe(free.stability);
    expect(capped.difficulty).toBe(free.difficulty);
  });

  it('gives the same capped outcome in the button preview as in the answer', () => {
    const s = withDate('2026-03-05');
    const learning = answer({ ...NEW_STATE }, T, 'good', s, UTC);
    const later = new Date('2026-03-01T09:10:00Z');
    const p = preview(learning, later, s, UTC);
    for (const b of p) expect(b.next).toEqual(answer(learning, later, b.rating, s, UTC));
    const easy = p.find((b) => b.rating === 'easy');
    expect(studyDay(new Date(easy?.next.due ?? ''), UTC) <= '2026-03-04').toBe(true);
    expect(easy?.label).toBe('3d');
  });

  it('leaves intervals that end before the eve alone, and cards answered on the eve or later', () => {
    const far = easyCard(withDate('2026-06-01'));
    expect(far.scheduledDays).toBe(8);
    // Answered on the eve: the review before the interview is this one.
    const eve = new Date('2026-03-04T09:00:00Z');
    const onEve = easyCard(withDate('2026-03-05'), UTC, eve);
    expect(onEve.scheduledDays).toBe(8);
    // Answered after the interview: no cap any more.
    const after = easyCard(withDate('2026-02-20'));
    expect(after.scheduledDays).toBe(8);
  });

  it('never makes an interval shorter than a day, and works with the maximum interval', () => {
    const dayBeforeEve = new Date('2026-03-03T09:00:00Z');
    const c = easyCard(withDate('2026-03-05'), UTC, dayBeforeEve);
    expect(c.scheduledDays).toBe(1);
    expect(studyDay(new Date(c.due ?? ''), UTC)).toBe('2026-03-04');
    const max = easyCard(withDate('2026-03-20', { maximumInterval: 2 }));
    expect(max.scheduledDays).toBe(2);
  });

  it('counts study days in the user time zone and rollover hour', () => {
    const ny: DayClock = { timeZone: 'America/New_York', rolloverHour: 4 };
    // 02:30 local on 2 March still belongs to study day 1 March.
    const at = new Date('2026-03-02T07:30:00Z');
    expect(studyDay(at, ny)).toBe('2026-03-01');
    const c = easyCard(withDate('2026-03-05'), ny, at);
    expect(studyDay(new Date(c.due ?? ''), ny)).toBe('2026-03-04');
    expect(c.scheduledDays).toBe(3);
  });

  it('a later review keeps to the cap: a card cannot skip past the date', () => {
    const s = withDate('2026-03-20');
    let c = easyCard(s);
    for (let i = 0; i < 6 && c.due && studyDay(new Date(c.due), UTC) < '2026-03-19'; i++)
      c = answer(c, new Date(c.due), 'easy', s, UTC);
    expect(studyDay(new Date(c.due ?? ''), UTC) <= '2026-03-19').toBe(true);
  });
});

describe('new-card pacing toward the interview', () => {
  it('raises the day limit so every card is introduced by the lead day, and says so', () => {
    const col = openMini(tempDir(), T);
    col.updateSettings(
      { ...col.settings, newPerDay: 1, interviewDate: '2026-03-05', interviewLeadDays: 2 },
      T,
    );
    expect(leadDay(col.settings)).toBe('2026-03-03');
    const p = newCardPacing(col.state, T, col.clock);
    // 7 unseen cards over 3 study days (1st, 2nd, 3rd of March): 3 a day.
    expect(p).toMatchObject({ unseen: 7, daysLeft: 3, limit: 3, normal: 1, raised: true });
    expect(pacingText(p!)).toBe(
      'New-card limit raised from 1 to 3 today, to introduce the 7 unseen cards by 2026-03-03, 2 days before the interview on 2026-03-05.',
    );
    const q = buildQueue(col.state, col.studyCards(NO_FILTER), T, col.clock);
    expect(q.new).toHaveLength(3);
    // The limit holds for the whole day as cards are introduced.
    col.answer('one-basic', 'good', T, 1000);
    expect(newCardPacing(col.state, T, col.clock)?.limit).toBe(3);
    const q2 = buildQueue(col.state, col.studyCards(NO_FILTER), T, col.clock);
    expect(q2.new).toHaveLength(2);
    const session = new Session(col, NO_FILTER, () => T);
    expect(session.pacing()?.raised).toBe(true);
    col.close();
  });

  it('keeps the normal limit when it is enough, and never lowers it', () => {
    const col = openMini(tempDir(), T);
    col.updateSettings({ ...col.settings, newPerDay: 5, interviewDate: '2026-04-30' }, T);
    const p = newCardPacing(col.state, T, col.clock);
    expect(p).toMatchObject({ limit: 5, raised: false, unseen: 7 });
    expect(pacingText(p!)).toMatch(
      /^On pace: the 7 unseen cards will all be introduced by 2026-04-23/,
    );
    col.close();
  });

  it('offers every card left once the lead day has passed, and stops on the interview day', () => {
    const col = openMini(tempDir(), T);
    col.updateSettings(
      { ...col.settings, newPerDay: 1, interviewDate: '2026-03-05', interviewLeadDays: 3 },
      T,
    );
    // Two cards studied on earlier days (a constructed history), then day 3 March.
    col.answer('two-a', 'easy', T, 1000);
    col.answer('two-b', 'easy', T, 1000);
    const day3 = new Date('2026-03-03T09:00:00Z');
    expect(newCardPacing(col.state, day3, col.clock)).toMatchObject({
      unseen: 5,
      daysLeft: 1,
      limit: 5,
      raised: true,
    });
    const onTheDay = new Date('2026-03-05T09:00:00Z');
    expect(newCardPacing(col.state, onTheDay, col.clock)).toBeNull();
    const q = buildQueue(col.state, col.studyCards(NO_FILTER), onTheDay, col.clock);
    expect(q.new).toHaveLength(1);
    col.close();
  });

  it('leaves suspended and retired cards out of the plan, and is off without a date', () => {
    const col = openMini(tempDir(), T);
    expect(newCardPacing(col.state, T, col.clock)).toBeNull();
    col.updateSettings(
      { ...col.settings, newPerDay: 0, interviewDate: '2026-03-05', interviewLeadDays: 4 },
      T,
    );
    col.suspend('one-cloze:c1', T);
    expect(newCardPacing(col.state, T, col.clock)).toMatchObject({ unseen: 6, limit: 6 });
    col.close();
  });

  it('`due` reports the pacing in text and JSON', () => {
    const dir = tempDir();
    const env = { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
    let r = cli(['config', 'set', 'interview-date', '2026-03-20'], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/New-card limit raised from 20 to \d+ today/);
    r = cli(['due'], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /raised from 20 to \d+ today, to introduce the \d+ unseen cards by 2026-03-13, 7 days before the interview on 2026-03-20/,
    );
    r = cli(['due', '--json'], env);
    const j = JSON.parse(r.stdout);
    expect(j.pacing).toMatchObject({ leadDay: '2026-03-13', daysLeft: 13, normal: 20 });
    expect(j.pacing.limit).toBe(Math.ceil(j.pacing.unseen / 13));
    expect(j.new).toBeLessThanOrEqual(j.pacing.limit);
    expect(j.new).toBeGreaterThan(20);
    // Without a date, the JSON is as before.
    cli(['config', 'unset', 'interview-date'], env);
    expect(Object.keys(JSON.parse(cli(['due', '--json'], env).stdout))).toEqual([
      'new',
      'learning',
      'review',
    ]);
  });
});

describe('setting the date reschedules cards past it', () => {
  it('pulls a due date past the eve back to the eve, counting the card as moved', () => {
    const col = openMini(tempDir(), T);
    col.answer('one-basic', 'easy', T, 1000);
    col.answer('two-a', 'again', T, 1000);
    const r = col.updateSettings({ ...col.settings, interviewDate: '2026-03-05' }, T);
    expect(r.due).toBe(1);
    const due = col.state.cards['one-basic']?.sched.due ?? '';
    expect(studyDay(new Date(due), col.clock)).toBe('2026-03-04');
    // Lifting the date puts it back.
    const back = col.updateSettings({ ...col.settings, interviewDate: null }, T);
    expect(back.due).toBe(1);
    expect(col.state.cards['one-basic']?.sched.scheduledDays).toBeGreaterThan(3);
    col.close();
  });
});

describe('predicted retention on the interview day', () => {
  it('carries studied cards through their reviews and reads recall on the day', () => {
    const s = withDate('2026-03-30');
    const card = easyCard(s);
    const f = predictedRetentionOn([card, { ...NEW_STATE }], '2026-03-30', T, s, UTC);
    expect(f.studied).toBe(1);
    expect(f.unseen).toBe(1);
    expect(f.retention).toBeGreaterThan(0.8);
    expect(f.retention).toBeLessThanOrEqual(1);
    // Without the reviews in between, recall on the day is lower.
    expect(f.ifNoReviews).toBeLessThan(f.retention!);
    expect(f.ifNoReviews).toBeGreaterThan(0);
  });

  it('is null with nothing studied, and equals the idle figure when no review falls before the day', () => {
    const s = withDate('2026-03-05');
    expect(predictedRetentionOn([{ ...NEW_STATE }], '2026-03-05', T, s, UTC).retention).toBeNull();
    const card = easyCard(base);
    const f = predictedRetentionOn([card], '2026-03-03', T, s, UTC);
    expect(f.retention).toBeCloseTo(f.ifNoReviews!, 10);
  });
});

describe('stats on the interview day', () => {
  it('adds the predicted retention on the day to the stats JSON and view', () => {
    const dir = tempDir();
    const env = (now: string) => ({ SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now });
    const ids = (
      JSON.parse(cli(['list', '--json'], env('2026-03-01T09:00:00Z')).stdout) as { id: string }[]
    ).map((c) => c.id);
    expect(JSON.parse(cli(['stats', '--json'], env('2026-03-01T09:00:00Z')).stdout).interview).toBe(
      undefined,
    );
    cli(['config', 'set', 'interview-date', '2026-03-31'], env('2026-03-01T09:00:00Z'));
    for (const id of ids.slice(0, 3))
      expect(cli(['answer', id, 'easy'], env('2026-03-01T09:00:00Z')).status).toBe(0);
    const j = JSON.parse(cli(['stats', '--json'], env('2026-03-02T09:00:00Z')).stdout);
    expect(j.interview).toMatchObject({ day: '2026-03-31', studied: 3, unseen: ids.length - 3 });
    expect(j.interview.retention).toBeGreaterThan(0.85);
    expect(j.interview.ifNoReviews).toBeLessThan(j.interview.retention);
    const text = cli(['stats'], env('2026-03-02T09:00:00Z')).stdout;
    expect(text).toMatch(/Interview +Tue 31 Mar 2026, in 29 days\n/);
    expect(text).toMatch(
      /predicted recall \d+% if every review is done on time, \d+% with none\n +\d+ cards not yet introduced/,
    );
  });
});

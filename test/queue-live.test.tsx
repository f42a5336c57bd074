import { render } from 'ink-testing-library';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildQueue, NO_FILTER, queueCounts, type Filter } from '../src/core/queue.js';
import { Session } from '../src/session/session.js';
import { Collection } from '../src/store/collection.js';
import { ReviewApp } from '../src/ui/ReviewApp.js';
import {
  cleanup,
  cli,
  miniDeck,
  openMini,
  seededRandom,
  tempDir,
  writeDeckFolder,
} from './helpers.js';

afterEach(cleanup);

const T = new Date('2026-03-01T09:00:00Z');
const MINI: Filter = { topics: [], days: null, decks: ['mini'] };

/** Types keys, then waits until the screen has settled. */
async function press(app: ReturnType<typeof render>, keys: string) {
  app.stdin.write(keys);
  let last = app.lastFrame();
  for (let i = 0, still = 0; i < 200 && still < 4; i++) {
    await new Promise((r) => setTimeout(r, 15));
    const f = app.lastFrame();
    still = f === last ? still + 1 : 0;
    last = f;
  }
}

/** The header's counts. */
function header(app: ReturnType<typeof render>) {
  const m = /New (\d+) · Learning (\d+) · Due (\d+)/.exec(app.lastFrame() ?? '');
  if (!m) throw new Error(`no counts on screen:\n${app.lastFrame()}`);
  return { new: Number(m[1]), learning: Number(m[2]), review: Number(m[3]) };
}

function dueJson(dir: string, args: string[] = []) {
  const r = cli(['due', '--json', ...args], {
    SRE_CARDS_DATA_DIR: dir,
    SRE_CARDS_NOW: T.toISOString(),
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { new: number; learning: number; review: number };
}

describe('the live queue agrees with `due` at every moment', () => {
  it('a fresh collection, then Space 3 b s: the header says what `due` says', async () => {
    const dir = tempDir();
    const col = Collection.open({ dataDir: dir, mode: 'write', now: T, timeZone: 'UTC' });
    const session = new Session(col, NO_FILTER, () => T);
    const app = render(<ReviewApp session={session} label="SRE" now={() => T} />);
    await press(app, '');
    expect(header(app)).toEqual(dueJson(dir));
    for (const k of [' 3', 'b', 's']) {
      await press(app, k);
      expect(header(app), `after ${k}`).toEqual(dueJson(dir));
    }
    expect(header(app)).toEqual({ new: 19, learning: 1, review: 0 });
    for (let i = 0; i < 3; i++) {
      await press(app, 'u');
      expect(header(app), `after undo ${i + 1}`).toEqual(dueJson(dir));
    }
    app.unmount();
    col.close();
  });

  it('after a bury, a suspension, a sibling hidden by an answer, and undo', async () => {
    const dir = tempDir();
    const folder = writeDeckFolder(join(tempDir(), 'mini'));
    const yesterday = { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: '2026-02-28T09:00:00Z' };
    for (const args of [
      ['deck', 'add', folder],
      ['config', 'set', 'new-per-day', '3'],
      // Yesterday's learning card: today it is due, and its sibling is a new card.
      ['answer', 'one-rev', 'good'],
    ]) {
      const r = cli(args, yesterday);
      expect(r.status, r.stderr).toBe(0);
    }
    const col = Collection.open({ dataDir: dir, mode: 'write', now: T, timeZone: 'UTC' });
    const session = new Session(col, MINI, () => T);
    const app = render(<ReviewApp session={session} label="Mini" now={() => T} />);
    await press(app, '');
    const same = (why: string) =>
      expect(header(app), why).toEqual(dueJson(dir, ['--deck', 'mini']));
    same('at the start');
    expect(session.next()?.card.id).toBe('one-rev');
    await press(app, ' 3'); // one-rev: its new sibling one-rev:rev is hidden for today
    same('after the sibling is hidden');
    await press(app, 'b');
    same('after a bury');
    await press(app, 's');
    same('after a suspension');
    await press(app, ' 4');
    same('after an answer');
    for (let i = 0; i < 4; i++) {
      await press(app, 'u');
      same(`after undo ${i + 1}`);
    }
    app.unmount();
    col.close();
  });

  it('equals a freshly built queue after every action of a random session', () => {
    const deck = miniDeck({
      'day-2.md': `---\nday: 2\ntitle: Two\ntopics: networking\n---\n${Array.from(
        { length: 12 },
        (_, i) => `\n## n${i}\nQ: Question ${i}?\nA: Answer ${i}.\n`,
      ).join('')}\n## rev2\nTerm: T2\nDefinition: D2.\n\n## cz\nC: {{c1::x}} {{c2::y}} {{c3::z}}\n`,
    });
    const rnd = seededRandom(7);
    const dir = tempDir();
    let t = new Date('2026-03-01T09:00:00Z');
    const col = openMini(dir, t, { deck });
    col.state.settings.newPerDay = 5;
    col.state.settings.reviewsPerDay = 3;
    for (let day = 0; day < 12; day++) {
      t = new Date(Date.UTC(2026, 2, 1 + day, 9));
      const now = { t };
      const s = new Session(col, NO_FILTER, () => now.t);
      for (let step = 0; step < 25; step++) {
        const card = s.next();
        const fresh = queueCounts(
          buildQueue(col.state, col.studyCards(NO_FILTER), now.t, col.clock),
        );
        expect(s.counts(), `day ${day} step ${step}`).toEqual(fresh);
        if (!card) break;
        const x = rnd();
        if (x < 0.1) s.bury(card.card.id);
        else if (x < 0.17) s.suspend(card.card.id);
        else if (x < 0.3) s.undo();
        else
          s.answer(
            card.card.id,
            (['again', 'hard', 'good', 'easy'] as const)[Math.floor(rnd() * 4)]!,
            1000,
          );
        now.t = new Date(now.t.getTime() + 60_000 * Math.floor(rnd() * 5));
      }
    }
    col.close();
  });
});

describe('sibling burying never starves a review', () => {
  /** one-cloze:c1 a review card due on 10 March; its sibling :c2 in learning since 1 March. */
  function setup() {
    const col = openMini(tempDir(), T);
    col.state.settings.fuzz = false;
    col.answer('one-cloze:c1', 'easy', T, 0); // 8 days: due 9 March
    col.answer('one-cloze:c2', 'again', T, 0); // learning, due a minute later
    return col;
  }

  it('shows the overdue review before its sibling in learning, which would hide it', () => {
    const col = setup();
    const day = new Date('2026-03-10T09:00:00Z');
    const s = new Session(col, NO_FILTER, () => day);
    expect(s.counts()).toMatchObject({ learning: 1, review: 1 });
    expect(s.next()?.card.id).toBe('one-cloze:c1');
    s.answer('one-cloze:c1', 'good', 1000);
    expect(s.next()?.card.id).toBe('one-cloze:c2');
    col.close();
  });

  it('hides a sibling only for the rest of the study day', () => {
    const col = setup();
    // 03:00 on 11 March is still the study day of 10 March.
    const now = { t: new Date('2026-03-11T03:00:00Z') };
    const s = new Session(col, NO_FILTER, () => now.t);
    expect(s.next()?.card.id).toBe('one-cloze:c1');
    // Answered first anyway (a script, or another session): c1 waits for tomorrow...
    col.answer('one-cloze:c2', 'again', now.t, 0);
    const s2 = new Session(col, NO_FILTER, () => now.t);
    expect(s2.counts().review).toBe(0);
    s2.answer('one-cloze:c2', 'good', 1000);
    // ...which starts at 04:00, in the same session.
    now.t = new Date('2026-03-11T04:30:00Z');
    expect(s2.counts()).toEqual(
      queueCounts(buildQueue(col.state, col.studyCards(NO_FILTER), now.t, col.clock)),
    );
    expect(s2.counts().review).toBe(1);
    expect(s2.next()?.card.id).toBe('one-cloze:c1');
    col.close();
  });
});

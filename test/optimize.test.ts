import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { default_w } from 'ts-fsrs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnswerEvent, CollectionEvent } from '../src/core/model.js';
import {
  hasLongTermReview,
  historyItems,
  MIN_TRAINING_ITEMS,
  reviewHistories,
} from '../src/core/optimize.js';
import { NEW_STATE } from '../src/core/scheduler.js';
import { readAllEvents } from '../src/store/log/file.js';
import { cleanup, cli, ROOT, tempDir, logFile } from './helpers.js';
import { syntheticLog, TRUE_WEIGHTS } from './optimize-synth.js';

/** Every training item of the log: one per answer after a card's first. */
const trainingItems = (events: Parameters<typeof reviewHistories>[0]) =>
  [...reviewHistories(events).values()].flatMap(historyItems);

afterEach(cleanup);

function ev(
  seq: number,
  card: string,
  rating: 1 | 2 | 3 | 4,
  day: string,
  more: Partial<AnswerEvent> = {},
): AnswerEvent {
  return {
    seq,
    type: 'answer',
    at: `${day}T09:00:00.000Z`,
    card,
    rating,
    ms: 1000,
    day,
    tz: 'UTC',
    rollover: 4,
    before: { ...NEW_STATE, state: seq === 1 || more.before ? 'new' : 'review' },
    after: { ...NEW_STATE },
    ...more,
  };
}

describe('training items from the log', () => {
  it('one item per answer after the first, with study days elapsed', () => {
    const h = [
      { rating: 3 as const, day: '2026-03-01' },
      { rating: 3 as const, day: '2026-03-01' },
      { rating: 1 as const, day: '2026-03-04' },
      { rating: 3 as const, day: '2026-03-04' },
      { rating: 3 as const, day: '2026-03-10' },
    ];
    const items = historyItems(h);
    expect(items).toHaveLength(4);
    expect(items[3]).toEqual([
      { rating: 3, deltaT: 0 },
      { rating: 3, deltaT: 0 },
      { rating: 1, deltaT: 3 },
      { rating: 3, deltaT: 0 },
      { rating: 3, deltaT: 6 },
    ]);
    expect(items.map(hasLongTermReview)).toEqual([false, true, true, true]);
  });

  it('leaves out undone and cram answers, starts over at a reset, and needs a first answer as new', () => {
    const events: CollectionEvent[] = [
      ev(1, 'a', 3, '2026-03-01', { before: { ...NEW_STATE } }),
      ev(2, 'a', 3, '2026-03-03'),
      ev(3, 'a', 1, '2026-03-05'),
      { seq: 4, type: 'undo', at: '2026-03-05T09:01:00Z', target: ev(3, 'a', 1, '2026-03-05') },
      ev(5, 'a', 4, '2026-03-06', { cram: true }),
      ev(6, 'b', 3, '2026-03-01'), // b's log starts mid-way (not as new): left out
      ev(7, 'c', 3, '2026-03-01', { before: { ...NEW_STATE } }),
      { seq: 8, type: 'reset', at: '2026-03-02T09:00:00Z', card: 'c', before: { ...NEW_STATE } },
      ev(9, 'c', 2, '2026-03-02', { before: { ...NEW_STATE } }),
      ev(10, 'c', 3, '2026-03-05'),
    ];
    const h = reviewHistories(events);
    expect([...h.keys()].sort()).toEqual(['a', 'c']);
    expect(h.get('a')).toEqual([
      { rating: 3, day: '2026-03-01' },
      { rating: 3, day: '2026-03-03' },
    ]);
    expect(h.get('c')).toEqual([
      { rating: 2, day: '2026-03-02' },
      { rating: 3, day: '2026-03-05' },
    ]);
    expect(trainingItems(events)).toEqual([
      [
        { rating: 3, deltaT: 0 },
        { rating: 3, deltaT: 2 },
      ],
      [
        { rating: 2, deltaT: 0 },
        { rating: 3, deltaT: 3 },
      ],
    ]);
  });
});

describe('the optimiser on a synthetic log from known parameters', () => {
  it('fits parameters that lower the log loss against the defaults', async () => {
    const b = await import('@open-spaced-repetition/binding');
    const events = syntheticLog({ cards: 150, perDay: 10, days: 45, seed: 11 });
    const items = trainingItems(events)
      .filter(hasLongTermReview)
      .map(
        (it) => new b.FSRSBindingItem(it.map((r) => new b.FSRSBindingReview(r.rating, r.deltaT))),
      );
    const train = items.filter((it) => it.includeLongTermReviews());
    expect(train.length).toBe(items.length);
    expect(train.length).toBeGreaterThan(MIN_TRAINING_ITEMS * 3);
    const scored = train.filter((it) => (it.current?.deltaT ?? 0) > 0);
    const fitted = await b.computeParameters(train, {
      enableShortTerm: true,
      numRelearningSteps: 1,
      timeout: 20,
    });
    expect(fitted).toHaveLength(21);
    const before = new b.FSRSBinding([...default_w]).evaluate(scored);
    const after = new b.FSRSBinding(fitted).evaluate(scored);
    expect(after.logLoss).toBeLessThan(before.logLoss);
    // The true parameters are better than the defaults too: the data carries their signal.
    const truth = new b.FSRSBinding(TRUE_WEIGHTS).evaluate(scored);
    expect(truth.logLoss).toBeLessThan(before.logLoss);
    // The learner remembers longer than the defaults assume: the fit moves that way.
    expect(fitted[2]!).toBeGreaterThan(default_w[2]!);
  });
});

/** A data folder whose log is the synthetic log (cards unknown to the deck keep their history). */
function dataDirWithLog(events: CollectionEvent[]): string {
  const dir = tempDir();
  writeFileSync(logFile(dir), events.map((e) => JSON.stringify(e) + '\n').join(''));
  return dir;
}

describe('sre-cards optimize', () => {
  const now = '2026-03-01T09:00:00Z';

  it('says how many more reviews are needed when there are too few', () => {
    const events = syntheticLog({ cards: 10, perDay: 10, days: 8, seed: 3 });
    const dir = dataDirWithLog(events);
    const have = trainingItems(events).filter(hasLongTermReview).length;
    expect(have).toBeGreaterThan(0);
    expect(have).toBeLessThan(MIN_TRAINING_ITEMS);
    const r = cli(['optimize'], { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `not enough reviews to optimise yet: ${have} usable so far, and ${MIN_TRAINING_ITEMS} are needed: ${MIN_TRAINING_ITEMS - have} more.`,
    );
    const empty = cli(['optimize'], { SRE_CARDS_DATA_DIR: tempDir(), SRE_CARDS_NOW: now });
    expect(empty.stderr).toContain(`0 usable so far`);
    expect(empty.stderr).toContain('answered on two different study days');
  });

  it('--dry-run compares before and after on the same answers and writes nothing', () => {
    const dir = dataDirWithLog(syntheticLog({ cards: 100, perDay: 10, days: 40, seed: 5 }));
    const log = logFile(dir);
    const size = statSync(log).size;
    const r = cli(['optimize', '--dry-run'], { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now });
    expect(r.stderr).toContain('fitting: 0%');
    expect(r.stderr).toContain('fitting: 100%');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^Fitting FSRS parameters to \d+ reviews of \d+ cards \(\d+ scored\)\./,
    );
    expect(r.stdout).toMatch(/log loss +RMSE \(bins\)/);
    expect(r.stdout).toMatch(/ default +0\.\d{4} +\d+\.\d\d%/);
    expect(r.stdout).toMatch(/ fitted +0\.\d{4} +\d+\.\d\d%/);
    expect(r.stdout).toContain('Dry run: nothing was saved');
    expect(r.stdout).toMatch(/Parameters: (\d+\.\d{4}, ){20}\d+\.\d{4}\n$/);
    expect(statSync(log).size).toBe(size);
    const j = JSON.parse(
      cli(['optimize', '--dry-run', '--json'], { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now })
        .stdout,
    );
    expect(j.after.logLoss).toBeLessThan(j.before.logLoss);
    expect(j).toMatchObject({ better: true, saved: false });
    expect(j.parameters).toHaveLength(21);
    expect(statSync(log).size).toBe(size);
  });

  it('saves better parameters as a settings event, and then keeps them', () => {
    const dir = dataDirWithLog(syntheticLog({ cards: 100, perDay: 10, days: 40, seed: 5 }));
    const env = { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now };
    const r = cli(['optimize', '--json'], env);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ better: true, saved: true, moved: 0 });
    const last = readAllEvents(logFile(dir)).at(-1);
    expect(last?.type).toBe('settings');
    expect(last?.type === 'settings' && last.after.weights).toEqual(j.parameters);
    expect(JSON.parse(cli(['config', 'get', 'parameters', '--json'], env).stdout)).toEqual({
      parameters: j.parameters,
    });
    // Fitting again from the saved parameters: the table calls them the current ones.
    const again = cli(['optimize', '--dry-run'], env);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/ current +0\.\d{4}/);
  });

  it('says clearly when the optimiser cannot be loaded, and the rest still works', () => {
    // The bundle and the deck, without node_modules: the native binding is missing.
    const pkg = join(tempDir(), 'sre-cards');
    mkdirSync(join(pkg, 'decks'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'decks', 'build'), join(pkg, 'decks', 'build'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), readFileSync(join(ROOT, 'package.json')));
    const dir = dataDirWithLog(syntheticLog({ cards: 100, perDay: 10, days: 40, seed: 5 }));
    const run = (args: string[]) =>
      spawnSync(process.execPath, [join(pkg, 'dist', 'sre-cards.js'), ...args], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          TZ: 'UTC',
          SRE_CARDS_DATA_DIR: dir,
          SRE_CARDS_NOW: now,
        },
        timeout: 20_000,
      });
    const r = run(['optimize']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^sre-cards: the FSRS optimiser \(@open-spaced-repetition\/binding\) could not be loaded on this machine .*run `npm install` in the sre-cards folder to install it\. Everything else works without it\n$/,
    );
    expect(run(['due']).status).toBe(0);
    expect(run(['config', 'get', 'fuzz']).stdout).toBe('on\n');
  });

  it('rejects extra arguments as usage errors', () => {
    const r = cli(['optimize', 'now'], { SRE_CARDS_DATA_DIR: tempDir() });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: sre-cards optimize [--dry-run] [--json]');
  });
});

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsEvent } from '../src/core/model.js';
import { buildQueue, NO_FILTER } from '../src/core/queue.js';
import { DEFAULT_SETTINGS, settingsForDeck, validateSettings } from '../src/core/settings.js';
import { readAllEvents } from '../src/store/log/file.js';
import { checkSettings } from '../src/store/validate.js';
import type { Collection } from '../src/store/collection.js';
import {
  cleanup,
  cli,
  DECK_MD,
  miniDeck,
  openMini,
  tempDir,
  writeDeckFolder,
  logFile,
} from './helpers.js';

afterEach(cleanup);

const at = (d: number, h = 9) => new Date(Date.UTC(2026, 2, 1 + d, h));

/** A second deck, "mine": three basic notes on day 1. */
const MINE = {
  'deck.md': DECK_MD.replace('name: mini', 'name: mine').replace('Mini Deck', 'My Deck'),
  'day-1.md': `---\nday: 1\ntitle: Mine\ntopics: reliability\n---\n${['m-a', 'm-b', 'm-c']
    .map((id) => `\n## ${id}\nline: focus\nQ: What is ${id}?\nA: It is ${id}.\n`)
    .join('')}`,
  'day-2.md': '',
};

function twoDecks(dir: string): Collection {
  const col = openMini(join(dir, 'data'), at(0));
  const folder = writeDeckFolder(join(dir, 'mine'), MINE);
  col.addDeck('mine', folder, at(0), miniDeck(MINE));
  return col;
}

/** Answers cards of both decks over a week, so that both have review cards. */
function study(col: Collection): void {
  for (const id of ['one-basic', 'two-a', 'm-a', 'm-b']) {
    col.answer(id, 'good', at(0), 1000);
    col.answer(id, 'good', at(0, 10), 1000);
  }
  for (const id of ['one-basic', 'm-a']) col.answer(id, 'good', at(3), 1000);
  col.answer('m-b', 'hard', at(3), 1000);
}

describe('settings of one deck', () => {
  it("apply to that deck's cards only, and a change reschedules that deck alone", () => {
    const dir = tempDir();
    const col = twoDecks(dir);
    study(col);
    const before = structuredClone(col.state.cards);
    const s = col.settings;
    const r = col.updateSettings(
      { ...s, deckSettings: { mine: { desiredRetention: 0.75 } } },
      at(4),
    );
    expect(r.due).toBeGreaterThan(0);
    const ev = readAllEvents(logFile(join(dir, 'data'))).at(-1) as SettingsEvent;
    const moved = Object.keys(ev.moved ?? {});
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((id) => col.state.cards[id]?.deck === 'mine')).toBe(true);
    for (const id of ['one-basic', 'two-a']) expect(col.state.cards[id]).toEqual(before[id]);
    // Lower retention for "mine": its review cards wait longer.
    for (const id of ['m-a', 'm-b'])
      expect(Date.parse(col.state.cards[id]!.sched.due!)).toBeGreaterThan(
        Date.parse(before[id]!.sched.due!),
      );
    expect(settingsForDeck(col.settings, 'mine').desiredRetention).toBe(0.75);
    expect(settingsForDeck(col.settings, 'mini').desiredRetention).toBe(0.9);
    // The previews and answers of the deck's cards use its own retention.
    const p = col.preview('m-c', at(4));
    col.answer('m-c', 'easy', at(4), 1000);
    expect(col.state.cards['m-c']?.sched).toEqual(p[3]?.next);
    const sched = (c: typeof col.state.cards) =>
      Object.fromEntries(Object.entries(c).map(([id, rec]) => [id, rec.sched]));
    const expected = sched(col.state.cards);
    col.close();
    // The log alone gives the same state: the override is a logged settings event.
    rmSync(join(dir, 'data', 'collection.snap'));
    const again = openMini(join(dir, 'data'), at(4), { mode: 'read' });
    expect(sched(again.state.cards)).toEqual(expected);
    expect(again.settings.deckSettings).toEqual({ mine: { desiredRetention: 0.75 } });
    again.close();
  });

  it("hold a deck to its own daily limits, counted across sessions, beside the collection's", () => {
    const dir = tempDir();
    const col = twoDecks(dir);
    col.updateSettings({ ...col.settings, deckSettings: { mine: { newPerDay: 1 } } }, at(0));
    const fresh = (t: Date) => buildQueue(col.state, col.studyCards(NO_FILTER), t, col.clock).new;
    const mine = (ids: string[]) => ids.filter((id) => id.startsWith('m-'));
    expect(mine(fresh(at(0)))).toEqual(['m-a']);
    expect(fresh(at(0)).length).toBe(6);
    col.answer('m-a', 'easy', at(0), 1000);
    expect(mine(fresh(at(0, 10)))).toEqual([]);
    // Undo gives the day's allowance back.
    col.undo(at(0, 10));
    expect(mine(fresh(at(0, 10)))).toEqual(['m-a']);
    col.answer('m-a', 'easy', at(0, 11), 1000);
    expect(col.state.days['2026-03-01']?.deckNew).toEqual({ mine: 1 });
    // The next study day, one more.
    expect(mine(fresh(at(1)))).toEqual(['m-b']);
    col.close();
  });

  it('are checked as the other settings are', () => {
    const ok = { ...DEFAULT_SETTINGS, deckSettings: { mine: { newPerDay: 5 } } };
    expect(validateSettings(ok)).toEqual([]);
    expect(
      checkSettings({ deckSettings: { mine: { newPerDay: -1, fuzz: false } } }) as string,
    ).toMatch(/deck "mine": new cards per day must be a whole number/);
    expect(checkSettings({ deckSettings: { mine: { fuzz: false } } })).toMatch(
      /deck "mine": "fuzz" is not a setting a deck can have/,
    );
    expect(checkSettings({ deckSettings: [1] })).toMatch(/settings of decks must be an object/);
  });
});

describe('sre-cards config --deck', () => {
  it('sets, shows, gets and unsets a deck setting; bare config says which deck overrides what', () => {
    const dir = tempDir();
    const env = { SRE_CARDS_DATA_DIR: join(dir, 'data'), SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
    const folder = writeDeckFolder(join(dir, 'mine'), MINE);
    expect(cli(['deck', 'add', folder], env).status).toBe(0);
    let r = cli(['config', '--deck', 'mine', 'set', 'desired-retention', '0.85'], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'desired-retention of deck mine: 0.9 -> 0.85\nRescheduled from your answers: 0 cards moved to a new due date.\n',
    );
    expect(cli(['config', '--deck', 'mine', 'set', 'new-per-day', '5'], env).status).toBe(0);
    r = cli(['config'], env);
    expect(r.stdout).toMatch(/desired-retention +0\.9 +0\.9\n/);
    expect(r.stdout).toContain(
      'Decks with their own settings (`config --deck NAME` shows one):\n  mine: desired-retention 0.85, new-per-day 5\n',
    );
    r = cli(['config', '--deck', 'mine'], env);
    expect(r.stdout).toMatch(/^KEY +VALUE +FROM\n/);
    expect(r.stdout).toMatch(/desired-retention +0\.85 +deck mine\n/);
    expect(r.stdout).toMatch(/reviews-per-day +200 +every deck\n/);
    expect(cli(['config', '--deck', 'mine', 'get', 'new-per-day'], env).stdout).toBe('5\n');
    expect(cli(['config', 'get', 'new-per-day'], env).stdout).toBe('20\n');
    const j = JSON.parse(cli(['config', '--json'], env).stdout);
    expect(j['desired-retention']).toEqual({ value: 0.9, default: 0.9, decks: { mine: 0.85 } });
    expect(j['fuzz']).toEqual({ value: true, default: true });
    r = cli(['config', '--deck', 'mine', 'unset', 'desired-retention', '--json'], env);
    expect(JSON.parse(r.stdout)).toMatchObject({
      key: 'desired-retention',
      deck: 'mine',
      value: 0.9,
      previous: 0.85,
      changed: true,
    });
    expect(JSON.parse(cli(['config', '--deck', 'mine', '--json'], env).stdout)).toMatchObject({
      'desired-retention': { value: 0.9, global: 0.9, own: false },
      'new-per-day': { value: 5, global: 20, own: true },
    });
  });

  it.each([
    [['--deck', 'mine', 'set', 'fuzz', 'off'], 'fuzz is one setting for every deck'],
    [['--deck', 'nope', 'set', 'new-per-day', '3'], 'unknown deck "nope"'],
    [['--deck'], '--deck takes the name of a deck'],
  ])('config %j is a usage error', (args, message) => {
    const dir = tempDir();
    const env = { SRE_CARDS_DATA_DIR: join(dir, 'data'), SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
    expect(cli(['deck', 'add', writeDeckFolder(join(dir, 'mine'), MINE)], env).status).toBe(0);
    const r = cli(['config', ...args], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

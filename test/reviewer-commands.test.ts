/** Anki's reviewer commands from the command line: forget, undo, flags and marks, search, card info. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, cleanup, tempDir, writeDeckFolder, logFile } from './helpers.js';
import { openPackage, rows } from './package-helpers.js';

afterAll(cleanup);

const T0 = '2026-03-01T09:00:00Z';
const env = (dir: string, now = T0) => ({ SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now });
const json = (dir: string, args: string[], now = T0) => {
  const r = cli([...args, '--json'], env(dir, now));
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

/** A collection with the mini deck added and a few answers. */
function collection(): string {
  const dir = tempDir();
  const deck = writeDeckFolder(tempDir());
  expect(cli(['deck', 'add', deck], env(dir)).status).toBe(0);
  return dir;
}

describe('forget', () => {
  it('makes a card new again, keeping its counts and its log, and undo brings it back', () => {
    const dir = collection();
    cli(['answer', 'one-basic', 'good'], env(dir));
    cli(['answer', 'one-basic', 'good'], env(dir, '2026-03-01T09:15:00Z'));
    const before = json(dir, ['show', 'one-basic']);
    expect(before.state).toBe('review');
    const r = cli(['forget', 'one-basic'], env(dir, '2026-03-02T09:00:00Z'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/forgot 1 card: new again, answer and lapse counts kept/);
    const after = json(dir, ['show', 'one-basic']);
    expect([after.state, after.reps, after.due, after.stability]).toEqual(['new', 2, null, null]);
    expect(after.log).toHaveLength(2);
    const reset = json(dir, ['forget', 'one-basic', '--reset-counts']);
    expect(reset).toEqual({ forgot: ['one-basic'], resetCounts: true });
    expect(json(dir, ['show', 'one-basic']).reps).toBe(0);
    // Two undos: the reset, then the forget.
    expect(cli(['undo', '2'], env(dir)).stdout).toMatch(
      /Undid 2 changes:\n {2}forget of one-basic/,
    );
    const back = json(dir, ['show', 'one-basic']);
    expect([back.state, back.reps, back.due]).toEqual(['review', 2, before.due]);
  });

  it('takes a filter instead of ids, and refuses neither or both with exit 2', () => {
    const dir = collection();
    cli(['answer', 'two-a', 'easy'], env(dir));
    expect(json(dir, ['forget', '--topic', 'networking']).forgot).toEqual(['two-a']);
    expect(cli(['forget'], env(dir)).status).toBe(2);
    expect(cli(['forget', 'two-a', '--topic', 'networking'], env(dir)).status).toBe(2);
    expect(cli(['forget', 'nope'], env(dir)).status).toBe(1);
  });

  it('forgets the cards of a filter as one change: one undo brings them all back', () => {
    const dir = collection();
    cli(['answer', 'one-basic', 'good'], env(dir));
    cli(['answer', 'one-rev', 'hard'], env(dir));
    cli(['answer', 'one-cloze:c1', 'easy'], env(dir));
    const before = json(dir, ['list', '--day', '1']) as { id: string; state: string }[];
    // Cards never answered (one-rev:rev, one-cloze:c2) have nothing to forget, even their counts.
    const forgot = json(dir, ['forget', '--day', '1', '--reset-counts'], '2026-03-02T09:00:00Z');
    expect(forgot.forgot).toEqual(['one-basic', 'one-rev', 'one-cloze:c1']);
    expect(json(dir, ['show', 'one-rev']).state).toBe('new');
    const undo = cli(['undo'], env(dir, '2026-03-02T09:01:00Z'));
    expect(undo.stdout).toMatch(/^Undid 1 change:\n( {2}forget of .*\n){3}$/);
    expect(json(dir, ['list', '--day', '1'])).toEqual(before);
    // The next undo takes back the answer before it, alone.
    expect(cli(['undo'], env(dir)).stdout).toMatch(
      /^Undid 1 change:\n {2}answer one-cloze:c1 easy/,
    );
    // The log, with its grouped resets, still reads as a review log.
    expect(cli(['stats', '--json'], env(dir)).status).toBe(0);
  });
});

describe('undo from the command line', () => {
  it('undoes changes of earlier sessions, several deep, latest first, and says what', () => {
    const dir = collection();
    cli(['answer', 'one-basic', 'good'], env(dir));
    cli(['suspend', 'two-a'], env(dir));
    cli(['flag', 'one-rev', '2'], env(dir));
    const r = cli(['undo', '2'], env(dir));
    expect(r.stdout).toBe(
      'Undid 2 changes:\n  flag 2 on one-rev (2026-03-01 09:00 UTC)\n  suspension of two-a (2026-03-01 09:00 UTC)\n',
    );
    expect(json(dir, ['show', 'two-a']).suspended).toBe(false);
    expect(json(dir, ['show', 'one-rev']).flag).toBe(0);
    expect(json(dir, ['undo'])).toEqual([
      { type: 'answer', card: 'one-basic', at: '2026-03-01T09:00:00.000Z' },
    ]);
    expect(json(dir, ['show', 'one-basic']).state).toBe('new');
    expect(cli(['undo'], env(dir)).stdout).toBe('Nothing to undo.\n');
    expect(cli(['undo', 'x'], env(dir)).status).toBe(2);
  });
});

describe('flags, marks and search as filters', () => {
  it('selects by --flag, --marked and --search (words, "phrases", -exclusions)', () => {
    const dir = collection();
    cli(['flag', 'one-basic', '1'], env(dir));
    cli(['flag', 'two-a', '4'], env(dir));
    cli(['mark', 'one-rev'], env(dir));
    const ids = (args: string[]) =>
      json(dir, ['list', '--deck', 'mini', ...args]).map((c: { id: string }) => c.id);
    expect(ids(['--flag', '1'])).toEqual(['one-basic']);
    expect(ids(['--flag', '1', '--flag', '4'])).toEqual(['one-basic', 'two-a']);
    // A mark is the note's: both cards of a reversible note carry it.
    expect(ids(['--marked'])).toEqual(['one-rev', 'one-rev:rev']);
    expect(ids(['--search', 'domain'])).toEqual(['one-rev', 'one-rev:rev']);
    expect(ids(['--search', '"name system"'])).toEqual(['one-rev', 'one-rev:rev']);
    expect(ids(['--search', 'FIRST'])).toEqual(['one-basic']);
    expect(ids(['--search', 'first -"is one"'])).toEqual([]);
    expect(json(dir, ['due', '--marked'])).toEqual({ new: 1, learning: 0, review: 0 });
    expect(cli(['list', '--flag', '9'], env(dir)).status).toBe(2);
    expect(cli(['list', '--search', '   '], env(dir)).status).toBe(2);
  });

  it('carries flags and the marked tag to Anki', async () => {
    const dir = collection();
    cli(['flag', 'one-basic', '3'], env(dir));
    cli(['mark', 'two-a'], env(dir));
    const out = join(tempDir(), 'x.apkg');
    expect(cli(['export', 'anki', '--deck', 'mini', '--out', out], env(dir)).status).toBe(0);
    const p = await openPackage(out);
    const flags = rows(p.db, 'SELECT flags FROM cards WHERE flags <> 0').map((r) => r.flags);
    expect(flags).toEqual([3]);
    const tags = rows(p.db, 'SELECT tags FROM notes').map((r) => String(r.tags));
    expect(tags.filter((t) => t.includes(' marked '))).toHaveLength(1);
  });
});

describe('card info', () => {
  it('shows dates, interval, memory, recall, time and each answer with its interval, and where it is written', () => {
    const dir = collection();
    cli(['answer', 'one-basic', 'good'], env(dir));
    cli(['answer', 'one-basic', 'good'], env(dir, '2026-03-01T09:12:00Z'));
    const j = json(dir, ['show', 'one-basic'], '2026-03-02T09:00:00Z');
    expect(j.info).toMatchObject({
      added: '2026-03-01T09:00:00.000Z',
      firstReview: '2026-03-01T09:00:00.000Z',
      latestReview: '2026-03-01T09:12:00.000Z',
      interval: 2,
      reps: 2,
      lapses: 0,
      file: 'day-1.md:7',
    });
    expect(
      j.info.log.map((l: { state: string; interval: string }) => [l.state, l.interval]),
    ).toEqual([
      ['new', '10m'],
      ['learning', '2d'],
    ]);
    expect(j.info.retrievability).toBeGreaterThan(0.9);
    const text = cli(['show', 'one-basic'], env(dir, '2026-03-02T09:00:00Z')).stdout;
    expect(text).toMatch(/interval: {3}2 days {3}recall now: 9\d\.\d%/);
    expect(text).toMatch(/written in: day-1\.md:7/);
    expect(text).toMatch(/2026-03-01 09:12:00 {3}good {4}learning {4}2d/);
    expect(readFileSync(logFile(dir), 'utf8').split('\n').length).toBeGreaterThan(2);
  });
});

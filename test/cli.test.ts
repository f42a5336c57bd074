import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAllEvents } from '../src/store/log/file.js';
import { BIN, cleanup, cli, tempDir, writeDeckFolder, logFile } from './helpers.js';

afterEach(cleanup);
const NOW = '2026-03-01T09:00:00Z';

function env(dir: string, now = NOW): Record<string, string> {
  return { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now };
}

describe('sre-cards CLI', () => {
  it('reports what is due without writing anything', () => {
    const dir = join(tempDir(), 'data');
    const r = cli(['due', '--json'], env(dir));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ new: 20, learning: 0, review: 0 });
    expect(existsSync(dir)).toBe(false);
  });

  it('lists cards as JSON with the documented keys', () => {
    const dir = tempDir();
    const r = cli(['list', '--day', '61', '--json'], env(dir));
    expect(r.status).toBe(0);
    const cards = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(cards.length).toBeGreaterThanOrEqual(15);
    expect(Object.keys(cards[0] ?? {}).sort()).toEqual(
      [
        'back',
        'buried',
        'day',
        'deck',
        'difficulty',
        'due',
        'flag',
        'front',
        'id',
        'lapses',
        'leech',
        'line',
        'marked',
        'note',
        'reps',
        'source',
        'stability',
        'state',
        'suspended',
        'topics',
      ].sort(),
    );
    expect(
      cards.every(
        (c) =>
          c.day === 61 &&
          c.state === 'new' &&
          c.due === null &&
          c.stability === null &&
          c.deck === 'sre-61-90',
      ),
    ).toBe(true);
  });

  it('answers a card through the same path as a session, and shows its log', () => {
    const dir = tempDir();
    const a = cli(['answer', 'd61-ha-vs-ft', 'good', '--json'], env(dir));
    expect(a.status).toBe(0);
    const card = JSON.parse(a.stdout);
    expect(card).toMatchObject({
      id: 'd61-ha-vs-ft',
      state: 'learning',
      due: '2026-03-01T09:10:00.000Z',
      reps: 1,
    });
    expect(card.log).toEqual([{ at: '2026-03-01T09:00:00.000Z', rating: 'good' }]);
    const due = cli(['due', '--json'], env(dir, '2026-03-01T09:30:00Z'));
    expect(JSON.parse(due.stdout)).toEqual({ new: 19, learning: 1, review: 0 });
    const show = cli(['show', 'd61-ha-vs-ft', '--json'], env(dir));
    expect(JSON.parse(show.stdout).log).toHaveLength(1);
  });

  it('keeps the order of events logged at one frozen instant', () => {
    const dir = tempDir();
    for (const r of ['good', 'again', 'good'])
      expect(cli(['answer', 'd62-anycast', r], env(dir)).status).toBe(0);
    const log = JSON.parse(cli(['show', 'd62-anycast', '--json'], env(dir)).stdout).log;
    expect(log.map((l: { rating: string }) => l.rating)).toEqual(['good', 'again', 'good']);
  });

  it('refuses suspended and unknown cards with a sentence, exit 1', () => {
    const dir = tempDir();
    expect(cli(['suspend', 'd61-ha-vs-ft'], env(dir)).status).toBe(0);
    const r = cli(['answer', 'd61-ha-vs-ft', 'good'], env(dir));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is suspended; `sre-cards unsuspend d61-ha-vs-ft` brings it back/);
    const u = cli(['answer', 'no-such-card', 'good'], env(dir));
    expect(u.status).toBe(1);
    expect(u.stderr).toMatch(/no card "no-such-card"/);
    expect(u.stderr).not.toMatch(/at .*\.js/);
  });

  it('exits 2 with a usage line for usage errors', () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [['--bogus'], /unknown option '--bogus'/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['due', '--topic', 'astrology'], /unknown topic "astrology"; known topics: .*networking/],
      [['due', '--day', '12'], /day 12 is out of range; the decks cover days 61-90/],
      [['due', '--day', 'x'], /--day takes a day or a range/],
      [['answer', 'd61-ha-vs-ft'], /missing rating/],
      [['answer', 'd61-ha-vs-ft', 'great'], /rating must be again, hard, good or easy/],
      [['show'], /missing CARD_ID/],
    ];
    for (const [args, msg] of cases) {
      const r = cli(args, env(dir));
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).toMatch(/usage: sre-cards/);
      expect(r.stdout).toBe('');
    }
  });

  it('rejects SRE_CARDS_NOW without an offset', () => {
    const r = cli(['due'], { SRE_CARDS_DATA_DIR: tempDir(), SRE_CARDS_NOW: '2026-03-01T09:00:00' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/SRE_CARDS_NOW must be an ISO instant with an offset or Z/);
  });

  it('needs a terminal for review, and points at answer', () => {
    const r = cli(['review'], env(tempDir()));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/needs a terminal.*sre-cards answer/);
  });

  it('gives help for every command, and the version', () => {
    for (const c of [
      'review',
      'due',
      'list',
      'show',
      'answer',
      'suspend',
      'unsuspend',
      'topics',
      'lint',
      'deck',
    ]) {
      const r = cli([c, '--help']);
      expect(r.status, c).toBe(0);
      expect(r.stdout).toMatch(/sre-cards/);
    }
    expect(cli(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(cli(['--help']).stdout).toMatch(/Commands:/);
    // `help COMMAND` is the command's --help.
    const help = cli(['help', 'due']);
    expect(help.status).toBe(0);
    expect(help.stdout).toBe(cli(['due', '--help']).stdout);
    expect(cli(['help', 'nope']).status).toBe(2);
  });

  it('names a deck folder that does not exist without a line number', () => {
    const r = cli(['lint', '/nonexistent-deck-folder']);
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/^\/nonexistent-deck-folder: no such folder$/m);
  });

  it('takes --data-dir before the command as after it', () => {
    const dir = tempDir();
    const now = { SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
    expect(cli(['--data-dir', dir, 'answer', 'd61-spof', 'good'], now).status).toBe(0);
    const due = cli([`--data-dir=${dir}`, 'due', '--json'], now);
    expect(due.status, due.stderr).toBe(0);
    expect(JSON.parse(due.stdout)).toMatchObject({ learning: 1 });
    expect(readAllEvents(logFile(dir)).map((e) => e.type)).toEqual(['answer']);
  });

  it('honours the time zone for the study day', () => {
    const dir = tempDir();
    // 02:00 in Tokyo on Mar 2 is still study day Mar 1; 05:00 is Mar 2.
    cli(['answer', 'd61-ha-vs-ft', 'easy'], {
      ...env(dir, '2026-03-01T08:00:00Z'),
      TZ: 'Asia/Tokyo',
    });
    const events = readAllEvents(logFile(dir));
    expect(events[0]).toMatchObject({ type: 'answer', day: '2026-03-01', tz: 'Asia/Tokyo' });
    cli(['answer', 'd61-resilience', 'easy'], {
      ...env(dir, '2026-03-01T17:00:00Z'),
      TZ: 'Asia/Tokyo',
    });
    cli(['answer', 'd61-spof', 'easy'], { ...env(dir, '2026-03-01T20:00:00Z'), TZ: 'Asia/Tokyo' });
    const days = readAllEvents(logFile(dir)).map((e) => (e.type === 'answer' ? e.day : ''));
    expect(days).toEqual(['2026-03-01', '2026-03-01', '2026-03-02']);
  });

  it("refuses a second writer with the holder's pid, while read-only commands still work", () => {
    const dir = tempDir();
    cli(['answer', 'd61-ha-vs-ft', 'good'], env(dir));
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: process.pid }));
    const w = cli(['answer', 'd61-spof', 'good'], env(dir));
    expect(w.status).toBe(1);
    expect(w.stderr).toMatch(new RegExp(`in use by another sre-cards \\(pid ${process.pid}\\)`));
    expect(cli(['due'], env(dir)).status).toBe(0);
    expect(cli(['list'], env(dir)).status).toBe(0);
    expect(cli(['show', 'd61-ha-vs-ft'], env(dir)).status).toBe(0);
    expect(cli(['topics'], env(dir)).status).toBe(0);
  });

  it('loses no acknowledged answer when killed between and during answers', async () => {
    const dir = tempDir();
    const ids = (
      JSON.parse(cli(['list', '--day', '61-62', '--json'], env(dir)).stdout) as { id: string }[]
    ).map((c) => c.id);
    const acknowledged: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = ids[i] as string;
      const child = spawn(process.execPath, [BIN, 'answer', id, 'good', '--json'], {
        env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...env(dir) },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      // Kill some mid-flight, at varying moments; let the others finish.
      const killAfter = i % 3 === 2 ? 20 + i * 7 : null;
      const timer = killAfter !== null ? setTimeout(() => child.kill('SIGKILL'), killAfter) : null;
      const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
      if (timer) clearTimeout(timer);
      if (code === 0 && out.includes(`"id":"${id}"`)) acknowledged.push(id);
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(8);
    const r = cli(['list', '--day', '61-62', '--json'], env(dir));
    expect(r.status).toBe(0);
    const byId = new Map(
      (JSON.parse(r.stdout) as { id: string; reps: number }[]).map((c) => [c.id, c]),
    );
    for (const id of acknowledged) expect(byId.get(id)?.reps, id).toBe(1);
    // And the collection still takes answers.
    expect(cli(['answer', ids[20] as string, 'good'], env(dir)).status).toBe(0);
  });

  it('lints a deck folder: errors as file:line and exit 1; clean exit 0', () => {
    const deckDir = writeDeckFolder(join(tempDir(), 'mydeck'));
    const ok = cli(['lint', deckDir]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/mini: 5 notes, 7 cards, no errors/);
    writeFileSync(
      join(deckDir, 'day-3.md'),
      '---\nday: 3\ntitle: x\ntopics: nope\n---\n## x\nQ: q?\nA:\n',
    );
    const bad = cli(['lint', deckDir]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/mydeck\/day-3\.md:4: unknown topic "nope"/);
    expect(bad.stderr).toMatch(/mydeck\/day-3\.md:8: empty A: in note "x"/);
  });

  it('adds a user deck beside the built-in one, re-reads it when it changes, and removes it keeping history', () => {
    const dir = tempDir();
    const deckDir = writeDeckFolder(join(tempDir(), 'mydeck'));
    const add = cli(['deck', 'add', deckDir], env(dir));
    expect(add.status, add.stderr).toBe(0);
    expect(cli(['deck', 'list'], env(dir)).stdout).toMatch(/mini\s+7 cards/);
    expect(JSON.parse(cli(['list', '--deck', 'mini', '--json'], env(dir)).stdout)).toHaveLength(7);
    expect(cli(['answer', 'two-a', 'easy'], env(dir)).status).toBe(0);
    writeFileSync(
      join(deckDir, 'day-9.md'),
      '---\nday: 9\ntitle: Nine\ntopics: reliability\n---\n## nine\nQ: Nine?\nA: 9\n',
    );
    expect(JSON.parse(cli(['list', '--deck', 'mini', '--json'], env(dir)).stdout)).toHaveLength(8);
    const rm = cli(['deck', 'remove', 'mini'], env(dir));
    expect(rm.stdout).toMatch(/removed deck "mini": 8 cards retired/);
    expect(cli(['list', '--deck', 'mini'], env(dir)).status).toBe(2);
    expect(cli(['deck', 'remove', 'sre-61-90'], env(dir)).stderr).toMatch(/cannot be removed/);
  });
});

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsEvent } from '../src/core/model.js';
import { readAllEvents } from '../src/store/log/file.js';
import { planChart } from '../src/ui/plan-notes.js';
import { cleanup, cli, fileTree, tempDir, logFile } from './helpers.js';

afterEach(cleanup);

const NOW = '2026-03-01T09:00:00Z';

function collection(): { dir: string; env: Record<string, string> } {
  const dir = join(tempDir(), 'data');
  const env = { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: NOW };
  expect(cli(['config', 'set', 'interview-date', '2026-03-29'], env).status).toBe(0);
  return { dir, env };
}

describe('sre-cards plan', () => {
  it('reports each setting, recommends one, charts its days, and writes nothing', () => {
    const { dir, env } = collection();
    const before = fileTree(dir);
    const r = cli(['plan', '--target', '0.9'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Plan to the interview on Sun 29 Mar 2026, in 28 days · 931 cards/);
    expect(r.stdout).toMatch(/Simulated \d+ times for each setting \(seed \d+\)/);
    for (const dr of ['0.70', '0.75', '0.80', '0.85', '0.90', '0.95', '0.97'])
      expect(r.stdout).toMatch(new RegExp(`^  ${dr.replace('.', '\\.')} .*\\d+m +\\d+%`, 'm'));
    expect(r.stdout).toMatch(/\[ *\d+(\.\d)?m +\d+%\]/);
    const flat = r.stdout.replace(/\s+/g, ' ');
    expect(flat).toMatch(
      /Recommended, the cheapest to reach 90%: desired retention 0\.\d\d, \d+ new cards a day/,
    );
    expect(flat).toMatch(/Now: desired retention 0\.90, \d+ new cards a day/);
    expect(r.stdout).toMatch(/^ {2}\d+ minutes in all up to Sun 29 Mar 2026 \(± \d+\)$/m);
    expect(r.stdout).toMatch(/^\d+ │.*█/m);
    expect(r.stdout).toMatch(/^ +0 └─+$/m);
    expect(r.stdout).toMatch(/^ +today +\+7 +\+14 +\+21$/m);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    // eslint-disable-next-line no-control-regex -- no colour: no escape sequences at all
    expect(r.stdout).not.toMatch(/\u001b/);
    expect(fileTree(dir)).toEqual(before);
    // A fixed seed: the same collection, the same answer.
    expect(cli(['plan', '--target', '0.9'], env).stdout).toBe(r.stdout);
    // 40 columns: every line fits.
    const narrow = cli(['plan'], { ...env, COLUMNS: '40' });
    expect(narrow.status).toBe(0);
    for (const l of narrow.stdout.split('\n')) expect(l.length).toBeLessThanOrEqual(40);
    expect(narrow.stdout).toMatch(/└─+/);
  }, 120_000);

  it('prints every figure as JSON, and a budget it cannot meet says so', () => {
    const { env } = collection();
    const j = JSON.parse(cli(['plan', '--json', '--minutes', '60'], env).stdout);
    expect(j).toMatchObject({
      today: '2026-03-01',
      interviewDate: '2026-03-29',
      readinessDay: '2026-03-29',
      cards: 931,
      unseen: 931,
      target: 0.9,
      minutes: 60,
      applied: false,
      current: { desiredRetention: 0.9 },
    });
    expect(j.runs).toBeGreaterThanOrEqual(4);
    expect(j.costs.own).toBe(0);
    const o = j.options[0];
    expect(o.reviews).toHaveLength(j.days);
    expect(o.minutes).toHaveLength(j.days);
    expect(Object.keys(o).sort()).toEqual(
      [
        'desiredRetention',
        'introduced',
        'minutes',
        'minutesPerDay',
        'newCards',
        'newPerDay',
        'peakMinutes',
        'readiness',
        'readinessSd',
        'retention',
        'reviews',
        'reviewsPerDay',
        'totalMinutes',
        'totalMinutesSd',
      ].sort(),
    );
    const rec = j.options.find(
      (x: { desiredRetention: number; newPerDay: number }) =>
        x.desiredRetention === j.recommended.desiredRetention &&
        x.newPerDay === j.recommended.newPerDay,
    );
    expect(rec.readiness).toBeGreaterThanOrEqual(0.9);
    expect(rec.minutesPerDay).toBeLessThanOrEqual(60);
    for (const x of j.options)
      if (x.readiness >= 0.9 && x.minutesPerDay <= 60)
        expect(x.totalMinutes).toBeGreaterThanOrEqual(rec.totalMinutes);
    const none = cli(['plan', '--minutes', '1'], env);
    expect(none.status).toBe(0);
    expect(none.stdout.replace(/\s+/g, ' ')).toMatch(
      /No setting reaches 90% within 1 minutes a day\. The closest: desired retention/,
    );
    const refused = cli(['plan', '--minutes', '1', '--apply'], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/nothing was applied/);
  }, 120_000);

  it('--apply sets the recommended setting, reschedules, and records the prediction', () => {
    const { dir, env } = collection();
    const j = JSON.parse(cli(['plan', '--json'], env).stdout);
    const r = cli(['plan', '--apply'], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^Applied: desired-retention 0\.9 -> 0\.\d+, new-per-day 20 -> \d+\./m,
    );
    expect(cli(['config', 'get', 'desired-retention'], env).stdout).toBe(
      `${j.recommended.desiredRetention}\n`,
    );
    expect(cli(['config', 'get', 'new-per-day'], env).stdout).toBe(`${j.recommended.newPerDay}\n`);
    const ev = readAllEvents(logFile(dir)).at(-1) as SettingsEvent;
    expect(ev.type).toBe('settings');
    expect(ev.plan).toMatchObject({
      day: '2026-03-01',
      deck: null,
      desiredRetention: j.recommended.desiredRetention,
      newPerDay: j.recommended.newPerDay,
      readinessDay: '2026-03-29',
    });
    expect(ev.plan?.perDay).toHaveLength(j.days);
    // stats sets the prediction beside what happens: nothing yet today.
    const s = JSON.parse(cli(['stats', '--json'], env).stdout);
    expect(s.plan).toMatchObject({ day: '2026-03-01', days: 0, today: { actual: { reviews: 0 } } });
    expect(s.plan.readiness.predicted).toBe(ev.plan?.readiness);
    // Two days later, after answering the day's new cards on the first day.
    const ids = (JSON.parse(cli(['due', '--json'], env).stdout) as { new: number }).new;
    expect(ids).toBe(j.recommended.newPerDay);
    const list = JSON.parse(cli(['list', '--json'], env).stdout) as { id: string }[];
    const lines = list
      .slice(0, 5)
      .map((c) => `${c.id} easy`)
      .join('\n');
    expect(cli(['answer', '--stdin'], env, lines + '\n').status).toBe(0);
    const later = { ...env, SRE_CARDS_NOW: '2026-03-03T09:00:00Z' };
    const s2 = JSON.parse(cli(['stats', '--json'], later).stdout);
    expect(s2.plan.days).toBe(2);
    expect(s2.plan.actual.newCards).toBe(2.5);
    expect(s2.plan.predicted.newCards).toBeGreaterThan(10);
    expect(s2.plan.readiness.now).toBeGreaterThan(0);
    const text = cli(['stats'], later).stdout;
    expect(text).toMatch(/^Plan {2}made Sun 1 Mar 2026: retention 0\.\d\d, \d+ new cards a day$/m);
    expect(text).toMatch(/^ {2}a day, 2 days +predicted {2}actual$/m);
    expect(text).toMatch(/^ {2}new cards +\d+ +2\.5$/m);
    expect(text).toMatch(/^ {2}recall on 29 Mar +\d+% +\d+% {2}projected now$/m);
  }, 120_000);

  it.each([
    [['--target', '2'], '--target takes a recall from 0.5 to 0.99'],
    [['--days', '0'], '--days takes a whole number from 1 to 365'],
    [['--minutes', 'lots'], '--minutes takes a whole number'],
    [['--deck', 'nope'], 'unknown deck "nope"'],
    [['extra'], 'unexpected argument "extra"'],
  ])('plan %j is a usage error', (args, message) => {
    const r = cli(['plan', ...args], {
      SRE_CARDS_DATA_DIR: join(tempDir(), 'd'),
      SRE_CARDS_NOW: NOW,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('usage: sre-cards plan');
  });
});

describe('the plan chart', () => {
  const week = [10, 20, 30, 40, 50, 60, 70];
  it('draws a bar a day, labelled with the busiest, two columns a day when they fit', () => {
    const lines = planChart(week, 80, 'minutes');
    // 60 of 70 is 41 eighths of six rows: five full rows and one eighth.
    expect(lines).toEqual([
      '70 │          ▁ █',
      '   │        ▂ █ █',
      '   │      ▃ █ █ █',
      '   │    ▅ █ █ █ █',
      '   │  ▆ █ █ █ █ █',
      '   │▇ █ █ █ █ █ █',
      ' 0 └──────────────',
      '    today',
    ]);
  });

  it('packs several days a column into a narrow terminal, and says so', () => {
    const days = Array.from({ length: 90 }, (_, i) => (i % 7 === 6 ? 0 : 10 + i));
    const lines = planChart(days, 40, 'minutes');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    expect(lines.at(-1)).toMatch(/a column is 3 days \(mean minutes\)/);
    expect(lines.at(-2)).toMatch(/^ +today +\+21/);
  });
});

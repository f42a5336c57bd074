import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deckCards, hasTopic } from '../src/deck/cards.js';
import { serializeDeck } from '../src/deck/build.js';
import { listItems } from '../src/deck/parse.js';
import { loadDeckFolder } from '../src/deck/read.js';
import { PLAN_LINES } from '../src/deck/types.js';
import { ROOT, tempDir } from './helpers.js';

const SOURCES = join(ROOT, 'decks', 'sre-61-90');
const { deck, errors } = loadDeckFolder(SOURCES, ROOT);

describe('the built-in SRE deck', () => {
  it('parses without errors', () => {
    expect(errors).toEqual([]);
    expect(deck?.name).toBe('sre-61-90');
  });

  const cards = deck ? deckCards(deck) : [];

  it('has all 30 days, each with at least 15 cards and every plan line covered', () => {
    const days = [...new Set(cards.map((c) => c.day))].sort();
    expect(days).toEqual(Array.from({ length: 30 }, (_, i) => 61 + i));
    for (const day of days) {
      const ofDay = cards.filter((c) => c.day === day);
      expect(ofDay.length, `day ${day}`).toBeGreaterThanOrEqual(15);
      const lines = new Set(ofDay.map((c) => c.planLine));
      for (const line of PLAN_LINES) expect(lines.has(line), `day ${day} line ${line}`).toBe(true);
    }
    expect(cards.length).toBeGreaterThanOrEqual(500);
  });

  it('holds itself to its rules: sources, short answers, a checklist a day that its cards cover', () => {
    const notes = deck?.notes ?? [];
    expect(cards.length).toBeGreaterThanOrEqual(750);
    expect(notes.filter((n) => !n.source)).toEqual([]);
    for (const n of notes)
      if (n.planLine !== 'story' && n.planLine !== 'design')
        expect(listItems(n.back), n.id).toBeLessThanOrEqual(4);
    const stories = notes.filter((n) => n.planLine === 'story');
    expect(new Set(stories.map((n) => n.day)).size).toBe(30);
    for (const n of stories) expect(n.back.length, n.id).toBeLessThanOrEqual(420);
    expect(new Set(stories.map((n) => n.back)).size).toBe(stories.length);
    expect(notes.filter((n) => n.kind === 'typein').length).toBeGreaterThanOrEqual(30);
    const ids = new Set(notes.map((n) => n.id));
    for (const d of deck?.days ?? []) {
      expect(d.checklist?.length, d.file).toBeGreaterThan(0);
      for (const item of d.checklist ?? []) {
        expect(item.notes.length, `${d.file}:${item.line}`).toBeGreaterThan(0);
        for (const id of item.notes) expect(ids.has(id), `${d.file}:${item.line} ${id}`).toBe(true);
      }
    }
  });

  it('gives every card a known topic, and unique ids', () => {
    const known = new Set(deck?.topics.map((t) => t.id));
    for (const c of cards) {
      expect(c.topics.length, c.id).toBeGreaterThan(0);
      for (const t of c.topics) expect(known.has(t), `${c.id}: ${t}`).toBe(true);
    }
    expect(new Set(cards.map((c) => c.id)).size).toBe(cards.length);
  });

  it('covers the taxonomy the issue names, and --topic networking brings the networking days', () => {
    for (const t of [
      'networking',
      'distributed-systems',
      'reliability',
      'observability',
      'performance',
      'databases',
      'kubernetes',
      'operations',
      'platform',
      'security',
      'data-pipelines',
    ]) {
      expect(
        cards.some((c) => hasTopic(c.topics, t)),
        t,
      ).toBe(true);
    }
    const net = cards.filter((c) => hasTopic(c.topics, 'networking'));
    const netDays = new Set(net.map((c) => c.day));
    for (const d of [62, 63, 74, 82, 83])
      expect(netDays.has(d), `networking on day ${d}`).toBe(true);
    const text = net.map((c) => `${c.front} ${c.back}`.toLowerCase()).join('\n');
    for (const w of ['anycast', 'geodns', 'service discovery', 'netem', 'cdn', 'rate limit'])
      expect(text).toContain(w);
  });

  it('builds byte-identical output twice, equal to the installed build', () => {
    const script = join(ROOT, 'dist', 'build-decks.js');
    const a = tempDir();
    const b = tempDir();
    execFileSync(process.execPath, [script, join(ROOT, 'decks'), a]);
    execFileSync(process.execPath, [script, join(ROOT, 'decks'), b]);
    const files = readdirSync(a);
    expect(files).toEqual(['sre-61-90.json']);
    const built = readFileSync(join(a, 'sre-61-90.json'));
    expect(built.equals(readFileSync(join(b, 'sre-61-90.json')))).toBe(true);
    expect(built.toString()).toBe(serializeDeck(deck!));
    const installed = join(ROOT, 'decks', 'build', 'sre-61-90.json');
    expect(existsSync(installed)).toBe(true);
    expect(readFileSync(installed).equals(built)).toBe(true);
  });

  it('writes nothing when a source is broken, and names every error with file and line', () => {
    const src = tempDir();
    const out = join(tempDir(), 'out');
    execFileSync('cp', ['-r', SOURCES, join(src, 'sre-61-90')]);
    const f = join(src, 'sre-61-90', 'day-61-high-availability.md');
    const text = readFileSync(f, 'utf8');
    writeFileSync(
      f,
      `${text}\n## d61-ha-vs-ft\nline: focus\nsource: s\nQ: A different question?\nA: x\n\n## d61-empty\nline: focus\nsource: s\nQ: Empty?\nA:\n`,
    );
    let stderr = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'dist', 'build-decks.js'), src, out], {
        stdio: 'pipe',
      });
    } catch (e) {
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    expect(stderr).toMatch(/day-61-high-availability\.md:\d+: empty A: in note "d61-empty"/);
    expect(stderr).toMatch(/day-61-high-availability\.md:\d+: duplicate id "d61-ha-vs-ft"/);
    expect(stderr).toMatch(/nothing was written/);
    expect(existsSync(out)).toBe(false);
  });
});

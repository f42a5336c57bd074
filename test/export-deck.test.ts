/** `sre-cards export`: the whole built-in deck as a package: note types, decks, tags, HTML, new cards in plan order, stable ids. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteGuid } from '../src/export/ids.js';
import { cleanup, tempDir } from './helpers.js';

import type { Database, Row, CardJson, Package } from './package-helpers.js';
import {
  DECK,
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

describe('export anki: the whole deck', () => {
  let dir: string;
  let file: string;
  let p: Package;
  let cards: CardJson[];

  beforeAll(async () => {
    dir = join(tempDir(), 'data');
    file = join(tempDir(), 'sre-cards.apkg');
    const r = run(['export', 'anki', '--out', file], env(dir));
    expect(r.stdout).toMatch(/wrote .*sre-cards\.apkg: \d+ notes, \d+ cards in \d+ decks/);
    p = await openPackage(file);
    cards = list(dir, T0);
  });

  it('passes every check of notes, note types and cards, and writes nothing to the collection', () => {
    checkPackage(p);
    expect(existsSync(dir)).toBe(false);
    const notes = new Set(cards.map((c) => c.note));
    expect(rows(p.db, 'SELECT count(*) AS n FROM notes')[0]?.n).toBe(notes.size);
    expect(rows(p.db, 'SELECT count(*) AS n FROM cards')[0]?.n).toBe(cards.length);
    expect(rows(p.db, 'SELECT count(*) AS n FROM revlog')[0]?.n).toBe(0);
  });

  it('has our note types, with fixed ids, names and fields', () => {
    const types = Object.values(p.models)
      .map((m) => ({
        id: m.id,
        name: m.name,
        type: m.type,
        fields: (m.flds as { name: string }[]).map((f) => f.name),
        templates: (m.tmpls as { name: string }[]).map((t) => t.name),
      }))
      .sort((a, b) => String(a.id).localeCompare(String(b.id)));
    expect(types).toEqual([
      {
        id: '1704067200001',
        name: 'SRE Basic',
        type: 0,
        fields: ['Front', 'Back', 'Source', 'Plan line'],
        templates: ['Card 1'],
      },
      {
        id: '1704067200002',
        name: 'SRE Basic (and reversed card)',
        type: 0,
        fields: ['Front', 'Back', 'Source', 'Plan line'],
        templates: ['Card 1', 'Card 2'],
      },
      {
        id: '1704067200003',
        name: 'SRE Cloze',
        type: 1,
        fields: ['Text', 'Extra', 'Source', 'Plan line'],
        templates: ['Cloze'],
      },
      {
        id: '1704067200004',
        name: 'SRE Type-in',
        type: 0,
        fields: ['Front', 'Back', 'Extra', 'Source', 'Plan line'],
        templates: ['Card 1'],
      },
      {
        id: '1704067200005',
        name: 'SRE Type-in (any case)',
        type: 0,
        fields: ['Front', 'Back', 'Extra', 'Source', 'Plan line'],
        templates: ['Card 1'],
      },
    ]);
    const tmpl = (id: string) =>
      (p.models[id]?.tmpls as { qfmt: string; afmt: string }[] | undefined)?.[0];
    expect(tmpl('1704067200004')?.qfmt).toContain('{{type:Back}}');
    expect(tmpl('1704067200004')?.afmt).toContain('{{type:Back}}');
    expect(tmpl('1704067200005')?.qfmt).toContain('{{type:ci:Back}}');
    // A type-in note's Back is the exact text to type, as plain text.
    const typed = rows(p.db, `SELECT flds FROM notes WHERE mid = 1704067200004 LIMIT 1`)[0];
    expect(String(typed?.flds).split('\x1f')[1]).not.toMatch(/<|`/);
  });

  it('puts cards in a deck per day under the deck title, and tags topics and days', () => {
    const names = Object.values(p.decks).map((d) => String(d.name));
    expect(names).toContain('Default');
    expect(names).toContain('SRE Interview Prep');
    expect(names).toContain('SRE Interview Prep::Day 61 · HA vs fault tolerance');
    const days = names.filter((n) => n.startsWith('SRE Interview Prep::'));
    expect(days).toHaveLength(30);
    for (const n of days) expect(n).toMatch(/^SRE Interview Prep::Day (6[1-9]|[78]\d|90) · \S/);
    const ha = ankiCard(p.db, cards.find((c) => c.id === 'd61-ha-vs-ft') as CardJson);
    expect(p.decks[String(ha.did)]?.name).toBe(
      'SRE Interview Prep::Day 61 · HA vs fault tolerance',
    );
    const note = rows(p.db, `SELECT * FROM notes WHERE id = ${ha.nid}`)[0] as Row;
    expect(note.tags).toBe(' day::61 topic::reliability::availability ');
    expect(note.guid).toBe(noteGuid(DECK, 'd61-ha-vs-ft'));
  });

  it('turns card Markdown into safe HTML fields', () => {
    const note = (id: string) =>
      rows(
        p.db,
        `SELECT flds FROM notes WHERE guid = '${noteGuid(DECK, id).replace(/'/g, "''")}'`,
      )[0]?.flds as string;
    const [front, back, source, line] = note('d61-ha-vs-ft').split('\x1f');
    expect(front).toBe(
      'What is the difference between high availability (HA) and fault tolerance (FT)?',
    );
    // The source's line breaks inside the paragraph are spaces, not <br>.
    expect(back).toMatch(/^<b>HA<\/b> keeps downtime short .* blip .* <b>FT<\/b> masks/);
    expect(back).not.toContain('<br>');
    expect(source).toMatch(/^VMware docs, "vSphere Availability"/);
    expect(line).toBe('focus');
    expect(note('d61-lab-what-to-watch').split('\x1f')[1]).toMatch(
      /^<ul><li>whether callers fail fast .*<\/li><li>whether only the features .*<\/li>.*<\/ul>$/,
    );
    const probes = note('d61-liveness-vs-readiness').split('\x1f');
    expect(probes[2]).toBe('Kubernetes docs, "Configure Liveness, Readiness and Startup Probes"');
    const all = rows(p.db, 'SELECT flds FROM notes').map((r) => String(r.flds));
    expect(all.some((f) => f.includes('<pre><code>'))).toBe(true);
    for (const f of all) expect(f).not.toMatch(/<(?!\/?(b|code|pre|ul|ol|li|br)>)/);
  });

  it('makes every card new, due in plan order (day by day), siblings together', () => {
    const byDay = new Map<number, number[]>();
    for (const c of cards) {
      const a = ankiCard(p.db, c);
      expect([a.type, a.queue, a.ivl, a.reps, a.lapses, a.left, a.data]).toEqual([
        0,
        0,
        0,
        0,
        0,
        0,
        '',
      ]);
      const list = byDay.get(c.day ?? 0) ?? [];
      list.push(Number(a.due));
      byDay.set(c.day ?? 0, list);
    }
    const days = [...byDay.keys()].sort((a, b) => a - b);
    for (let i = 1; i < days.length; i++)
      expect(Math.min(...(byDay.get(days[i] as number) ?? []))).toBeGreaterThan(
        Math.max(...(byDay.get(days[i - 1] as number) ?? [])),
      );
    const fwd = ankiCard(p.db, cards.find((c) => c.id === 'd61-spof') as CardJson);
    const rev = ankiCard(p.db, cards.find((c) => c.id === 'd61-spof:rev') as CardJson);
    expect(rev.due).toBe(fwd.due);
    expect(p.conf.nextPos).toBe(new Set(cards.map((c) => c.note)).size + 1);
    expect(Object.keys(p.dconf)).toEqual(['1']);
  });

  it('keeps GUIDs, ids and note mods across exports, whatever the filter', async () => {
    // A collection that has been saved: its cards' first-seen times are on disk.
    const saved = tempDir();
    run(['suspend', 'd61-spof'], env(saved, T0));
    run(['unsuspend', 'd61-spof'], env(saved, T0));
    const exportAt = async (now: string, args: string[] = []) => {
      const f = join(tempDir(), 'x.apkg');
      run(['export', 'anki', '--out', f, ...args], env(saved, now));
      return openPackage(f);
    };
    const a = await exportAt('2026-03-02T10:00:00Z');
    const b = await exportAt('2026-03-05T10:00:00Z');
    const notes = (db: Database) =>
      rows(db, 'SELECT id, guid, mid, mod, flds, tags FROM notes ORDER BY id');
    const cardRows = (db: Database) =>
      rows(db, 'SELECT id, nid, did, ord, mod, due FROM cards ORDER BY id');
    expect(notes(b.db)).toEqual(notes(a.db));
    expect(cardRows(b.db)).toEqual(cardRows(a.db));
    expect(b.col.crt).toBe(a.col.crt);
    expect(new Set(notes(a.db).map((n) => n.mod))).toEqual(new Set([Date.parse(T0) / 1000]));
    // The same ids, GUIDs and positions as the export of the collection never saved.
    const strip = (r: Row[]) => r.map(({ mod: _mod, ...rest }) => rest);
    expect(strip(notes(a.db))).toEqual(strip(notes(p.db)));
    expect(strip(cardRows(a.db))).toEqual(strip(cardRows(p.db)));
    const d = await exportAt('2026-03-05T10:00:00Z', ['--day', '61']);
    checkPackage(d);
    const few = notes(d.db);
    expect(few.length).toBe(new Set(cards.filter((c) => c.day === 61).map((c) => c.note)).size);
    for (const n of few) expect(n.tags).toMatch(/ day::61 /);
    expect(few).toEqual(notes(a.db).filter((n) => few.some((f) => f.id === n.id)));
    expect(cardRows(d.db)).toEqual(cardRows(a.db).filter((c) => few.some((n) => n.id === c.nid)));
  });
});

/** `sre-cards export`: the command: refusals, default names, usage errors, note mods on re-export. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noteGuid } from '../src/export/ids.js';
import { cleanup, cli, tempDir, writeDeckFolder } from './helpers.js';

import type { Row, Package } from './package-helpers.js';
import { env, run, openPackage, rows, checkPackage } from './package-helpers.js';

afterAll(cleanup);

describe('export anki: refusals and options', () => {
  it('refuses collection.apkg and an existing file (exit 1, a sentence), and replaces with --force', () => {
    const dir = tempDir();
    const out = tempDir();
    const col = cli(['export', 'anki', '--out', join(out, 'Collection.apkg')], env(dir));
    expect(col.status).toBe(1);
    expect(col.stderr).toMatch(/collection\.apkg as a whole collection .* choose another name/);
    expect(existsSync(join(out, 'Collection.apkg'))).toBe(false);
    const file = join(out, 'mine.apkg');
    writeFileSync(file, 'keep me');
    const again = cli(['export', 'anki', '--out', file], env(dir));
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/mine\.apkg already exists; pass --force to replace it/);
    expect(again.stderr).not.toMatch(/at .*\.js/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(cli(['export', 'anki', '--out', file, '--force'], env(dir)).status).toBe(0);
    expect(readFileSync(file).subarray(0, 2).toString()).toBe('PK');
    const tsv = join(out, 'notes.txt');
    writeFileSync(tsv, 'keep');
    expect(cli(['export', 'tsv', '--out', tsv], env(dir)).status).toBe(1);
    expect(readFileSync(tsv, 'utf8')).toBe('keep');
  });

  it('writes the default name in the current folder, or inside a folder given to --out', () => {
    const dir = tempDir();
    const out = tempDir();
    expect(cli(['export', 'anki', '--out', out, '--json'], env(dir)).status).toBe(0);
    expect(existsSync(join(out, 'sre-cards.apkg'))).toBe(true);
    const r = cli(['export', 'tsv', '--out', out, '--json', '--day', '61'], env(dir));
    expect(JSON.parse(r.stdout)).toMatchObject({
      file: join(out, 'sre-cards.txt'),
      format: 'tsv',
    });
  });

  it('exits 2 with a usage line for bad arguments', () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [['export'], /missing format/],
      [['export', 'csv'], /format must be anki or tsv/],
      [['export', 'tsv', '--with-progress'], /--with-progress needs an Anki package/],
      [['export', 'anki', '--stock-types'], /--stock-types is for the text file/],
      [['export', 'anki', '--out', 'x.zip'], /--out must name a \.apkg file/],
      [['export', 'anki', '--topic', 'astrology'], /unknown topic "astrology"/],
      [['export', 'anki', '--day', '12'], /day 12 is out of range/],
    ];
    for (const [args, msg] of cases) {
      const r = cli(args, env(dir));
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).toMatch(/usage: sre-cards export/);
    }
  });

  it("updates a note's mod only when its text changed, keeping its GUID", async () => {
    const dir = tempDir();
    const src = writeDeckFolder(join(tempDir(), 'mini'));
    run(['deck', 'add', src], env(dir, '2026-03-01T09:00:00Z'));
    const one = join(tempDir(), 'one.apkg');
    run(['export', 'anki', '--deck', 'mini', '--out', one], env(dir, '2026-03-02T09:00:00Z'));
    const text = readFileSync(join(src, 'day-2.md'), 'utf8');
    writeFileSync(join(src, 'day-2.md'), text.replace('A: A.', 'A: A, edited.'));
    // Any command that writes records what it saw: the edit, at this time.
    run(['answer', 'one-basic', 'good'], env(dir, '2026-03-03T09:00:00Z'));
    const two = join(tempDir(), 'two.apkg');
    run(['export', 'anki', '--deck', 'mini', '--out', two], env(dir, '2026-03-04T09:00:00Z'));
    const a = await openPackage(one);
    const b = await openPackage(two);
    checkPackage(b);
    const notes = (p: Package) =>
      new Map(rows(p.db, 'SELECT guid, mod, flds FROM notes').map((n) => [n.guid, n]));
    const before = notes(a);
    const after = notes(b);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const edited = noteGuid('mini', 'two-a');
    for (const [guid, n] of after) {
      const old = before.get(guid) as Row;
      if (guid === edited) {
        expect(n.mod).toBe(Date.parse('2026-03-03T09:00:00Z') / 1000);
        expect(String(n.flds)).toContain('A, edited.');
      } else {
        expect(n.mod).toBe(old.mod);
        expect(n.flds).toBe(old.flds);
      }
    }
    expect(Object.values(b.decks).map((d) => d.name)).toContain('Mini Deck::Day 2 · Second');
  });
});

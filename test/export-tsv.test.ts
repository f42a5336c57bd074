/** `sre-cards export`: the text file for Anki's File > Import. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, tempDir } from './helpers.js';

import type { Row } from './package-helpers.js';
import { env, run, openPackage, rows } from './package-helpers.js';

afterAll(cleanup);

describe('export tsv', () => {
  /** Splits a line as Anki's CSV reader does (tabs, double-quoted fields). */
  function splitLine(line: string): string[] {
    const out: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let v = '';
        i++;
        for (;;) {
          const q = line.indexOf('"', i);
          if (line[q + 1] === '"') {
            v += line.slice(i, q + 1);
            i = q + 2;
          } else {
            v += line.slice(i, q);
            i = q + 1;
            break;
          }
        }
        out.push(v);
        i++;
      } else {
        const t = line.indexOf('\t', i);
        const end = t === -1 ? line.length : t;
        out.push(line.slice(i, end));
        i = end + 1;
      }
    }
    return out;
  }

  it("writes Anki's headers and one note a line: GUID, note type, deck, fields, tags, as in the package", async () => {
    const dir = tempDir();
    const out = tempDir();
    run(['export', 'tsv', '--out', join(out, 'notes.txt')], env(dir));
    run(['export', 'anki', '--out', join(out, 'notes.apkg')], env(dir));
    const lines = readFileSync(join(out, 'notes.txt'), 'utf8').split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '#separator:tab',
      '#html:true',
      '#guid column:1',
      '#notetype column:2',
      '#deck column:3',
      '#tags column:9',
    ]);
    expect(lines[lines.length - 1]).toBe('');
    const body = lines.slice(6, -1).map(splitLine);
    const p = await openPackage(join(out, 'notes.apkg'));
    const notes = new Map(rows(p.db, 'SELECT * FROM notes').map((n) => [String(n.guid), n]));
    expect(body).toHaveLength(notes.size);
    for (const cols of body) {
      expect(cols).toHaveLength(9);
      const n = notes.get(cols[0] as string) as Row;
      expect(n, `note ${cols[0]}`).toBeDefined();
      expect(cols[1]).toBe(p.models[String(n.mid)]?.name);
      const card = rows(p.db, `SELECT did FROM cards WHERE nid = ${n.id} LIMIT 1`)[0] as Row;
      expect(cols[2]).toBe(p.decks[String(card.did)]?.name);
      // Fields, padded to the widest note type's (the type-in notes have five), then tags.
      const fields = String(n.flds).split('\x1f').length;
      expect(cols.slice(3, 3 + fields).join('\x1f')).toBe(n.flds);
      expect(cols.slice(3 + fields, 8).every((f) => f === '')).toBe(true);
      expect(cols[8]).toBe(String(n.tags).trim());
    }
  });

  it("names Anki's stock note types with --stock-types", () => {
    const dir = tempDir();
    const file = join(tempDir(), 'stock.txt');
    run(['export', 'tsv', '--stock-types', '--day', '61', '--out', file], env(dir));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[5]).toBe('#tags column:6');
    const types = new Set(lines.slice(6).map((l) => splitLine(l)[1]));
    expect([...types].sort()).toEqual([
      'Basic',
      'Basic (and reversed card)',
      'Basic (type in the answer)',
      'Cloze',
    ]);
    for (const l of lines.slice(6)) expect(splitLine(l)).toHaveLength(6);
  });
});

/**
 * `sre-cards import anki` as a real process: a dry run writes nothing, an import writes
 * the deck folder and the history, importing again adds nothing, every bad input exits 1
 * with one sentence and leaves the collection as it was, and a package exported with
 * progress imports back to the same cards, states and log.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnkiCollection } from '../src/import/model.js';
import { noteIdFor } from '../src/import/notes.js';
import { readPackage } from '../src/import/package.js';
import { loadSqlJs } from '../src/import/sqlite.js';
import { readZipDirectory, readZipEntry } from '../src/import/zip.js';
import { collection18, package18, zstdRaw } from './anki-build.js';
import { cleanup, cli, fileTree, ROOT, tempDir, writeDeckFolder } from './helpers.js';

afterAll(cleanup);

const FIXTURE = join(ROOT, 'test', 'fixtures', 'anki-reference', 'reference-with-progress.apkg');
const NOW = '2024-06-01T10:00:00Z';
const env = (data: string, now = NOW) => ({ SRE_CARDS_DATA_DIR: data, SRE_CARDS_NOW: now });
const SQL = await loadSqlJs();
const reference = (): AnkiCollection =>
  readPackage(new Uint8Array(readFileSync(FIXTURE)), 'x', SQL).collection;

function write(dir: string, name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('importing the package Anki wrote', () => {
  const data = tempDir();
  const deckDir = join(data, 'decks', 'sre-interview-prep');

  it('--dry-run prints what would be imported and writes nothing', () => {
    const r = cli(['import', 'anki', FIXTURE, '--dry-run'], env(data));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      'Anki package reference-with-progress.apkg (collection.anki21, schema 11)',
    );
    expect(r.stdout).toContain(
      'Cards      10 to add: 5 new, 1 learning, 3 review, 1 relearning; 1 suspended',
    );
    expect(r.stdout).toContain('Review log 10 entries: 10 answers imported');
    expect(r.stdout).toContain(
      'Would write 3 files and 13 events; nothing was written (--dry-run).',
    );
    expect(existsSync(data) ? fileTree(data) : {}).toEqual({});
  });

  it('imports the deck folder and the history; stats shows it', () => {
    const r = cli(['import', 'anki', FIXTURE], env(data));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Imported: 3 files written, 13 events added to the log/);
    expect(readFileSync(join(deckDir, 'deck.md'), 'utf8')).toContain('name: sre-interview-prep');
    const decks = JSON.parse(cli(['deck', 'list', '--json'], env(data)).stdout) as {
      name: string;
      cards: number;
    }[];
    expect(decks.find((d) => d.name === 'sre-interview-prep')?.cards).toBe(10);
    expect(cli(['lint', deckDir], env(data)).status).toBe(0);
    const stats = JSON.parse(
      cli(['stats', '--deck', 'sre-interview-prep', '--json'], env(data)).stdout,
    );
    expect(stats.heatmap.total).toBe(10);
    expect(stats.cards).toMatchObject({ learning: 2, young: 3, suspended: 1 });
  });

  it('leaves the deck cached: a source broken before any other command keeps its cards and text', () => {
    const copy = tempDir();
    const deck = join(copy, 'deck');
    expect(
      cli(['import', 'anki', FIXTURE, '--deck-dir', deck], env(join(copy, 'data'))).status,
    ).toBe(0);
    const file = join(deck, '001-sre-interview-prep--day-61-ha-vs-ft.md');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n## one-more\nQ: No answer?\n`);
    const list = cli(['list', '--deck', 'deck', '--json'], env(join(copy, 'data')));
    expect(list.status).toBe(0);
    expect(list.stderr).toMatch(
      /001-sre-interview-prep--day-61-ha-vs-ft\.md:\d+: note "one-more" has Q: but no A:/,
    );
    const cards = JSON.parse(list.stdout) as { front: string }[];
    expect(cards).toHaveLength(10);
    expect(cards.every((c) => c.front.length > 0)).toBe(true);
  });

  it('importing again adds nothing, and reports notes edited here', () => {
    const file = join(deckDir, '001-sre-interview-prep--day-61-ha-vs-ft.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('43m 12s', '43 minutes'));
    const before = fileTree(data);
    const r = cli(['import', 'anki', FIXTURE, '--json'], env(data));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.notes).toMatchObject({ added: 0, unchanged: 6 });
    expect(out.notes.edited).toHaveLength(1);
    expect(out).toMatchObject({ dryRun: false, files: 0, events: 0 });
    expect(readFileSync(file, 'utf8')).toContain('43 minutes');
    const after = fileTree(data);
    for (const k of Object.keys(before))
      if (k.endsWith('.md') || k === 'events.jsonl' || k.startsWith('logs/'))
        expect(after[k]).toBe(before[k]);
  });
});

describe('the current format, with media', () => {
  it('imports a schema-18 package and copies its media beside the sources', async () => {
    const c = reference();
    const n = c.notes.find((x) => x.guid === 'yc.)bg%Fir')!;
    n.fields[0] = `${n.fields[0]}<br><img src="nines chart.png">`;
    const dir = tempDir();
    const file = write(
      dir,
      'current.apkg',
      await package18(c, [{ name: 'nines chart.png', data: new Uint8Array([137, 80, 78, 71]) }]),
    );
    const data = join(dir, 'data');
    const r = cli(['import', 'anki', file, '--deck-dir', join(dir, 'my-anki')], env(data));
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('(collection.anki21b, schema 18)');
    expect([...readFileSync(join(dir, 'my-anki', 'media', 'nines chart.png'))]).toEqual([
      137, 80, 78, 71,
    ]);
    const text = readFileSync(
      join(dir, 'my-anki', '001-sre-interview-prep--day-61-ha-vs-ft.md'),
      'utf8',
    );
    expect(text).toContain('![](media/nines%20chart.png)');
    expect(text).not.toContain('update to the latest Anki');
    const decks = JSON.parse(cli(['deck', 'list', '--json'], env(data)).stdout) as {
      name: string;
    }[];
    expect(decks.map((d) => d.name)).toContain('my-anki');
  });
});

describe("--with-settings: the preset's FSRS parameters and desired retention as the deck's", () => {
  // FSRS-6 parameters other than the defaults (w2, the first stability after Good, is 3.1234).
  const PARAMS = [
    0.212, 1.2931, 3.1234, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
    0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
  ];
  const DECK = 'sre-interview-prep';
  const withPreset = (
    over: Partial<AnkiCollection['deckConfigs'] extends Map<number, infer C> ? C : never>,
  ) => {
    const c = reference();
    const g = c.deckConfigs.get(1)!;
    c.deckConfigs.set(1, {
      ...g,
      name: 'Interview',
      fsrsParams: PARAMS,
      desiredRetention: 0.85,
      ...over,
    });
    c.fsrs = true;
    return c;
  };
  const config = (data: string) =>
    JSON.parse(cli(['config', '--deck', DECK, '--json'], env(data)).stdout) as Record<
      string,
      { value: unknown; own: boolean }
    >;
  const answer = (data: string, card: string, at: string) =>
    JSON.parse(cli(['answer', card, 'good', '--json'], env(data, at)).stdout) as {
      stability: number;
      due: string;
    };

  it("stores them as the deck's settings: config --deck shows them and the next answers use them", async () => {
    const dir = tempDir();
    const file = write(dir, 'fsrs.apkg', await package18(withPreset({})));
    const data = join(dir, 'with');
    const plain = join(dir, 'without');
    const r = cli(['import', 'anki', file, '--with-settings'], env(data));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      `Settings   deck "${DECK}" is scheduled with preset "Interview"'s desired retention 0.85; FSRS parameters ${PARAMS.join(', ')}`,
    );
    expect(cli(['import', 'anki', file], env(plain)).status).toBe(0);
    const c = config(data);
    expect(c['desired-retention']).toMatchObject({ value: 0.85, own: true });
    expect(c.parameters).toMatchObject({ value: PARAMS, own: true });
    expect(config(plain)['desired-retention']).toMatchObject({ value: 0.9, own: false });
    const text = cli(['config', '--deck', DECK], env(data)).stdout;
    expect(text).toMatch(/desired-retention\s+0\.85\s+deck sre-interview-prep/);
    // A new card's first Good: its stability is w2 of the deck's parameters.
    const newCard = noteIdFor('l9.jxuIUtO');
    expect(answer(data, newCard, NOW).stability).toBeCloseTo(3.1234, 6);
    expect(answer(plain, newCard, NOW).stability).toBeCloseTo(2.3065, 6);
    // A review card, the same memory in both: a retention of 0.85 gives it a longer interval.
    const review = noteIdFor('yc.)bg%Fir');
    const at = '2024-06-04T10:00:00Z';
    expect(Date.parse(answer(data, review, at).due)).toBeGreaterThan(
      Date.parse(answer(plain, review, at).due),
    );
  });

  it('refuses parameters ts-fsrs cannot use, in a sentence, and still takes the retention and the rest', async () => {
    const dir = tempDir();
    const bad = [...PARAMS];
    bad[7] = 0.9; // w7 is at most 0.75
    const file = write(dir, 'bad.apkg', await package18(withPreset({ fsrsParams: bad })));
    const data = join(dir, 'data');
    const r = cli(['import', 'anki', file, '--with-settings', '--json'], env(data));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.settings).toMatchObject({
      preset: 'Interview',
      weights: null,
      desiredRetention: 0.85,
      deck: { desiredRetention: 0.85 },
    });
    expect(out.settings.refused).toEqual([
      'the FSRS parameters of Anki\'s preset "Interview" cannot be used by ts-fsrs (parameter 8 (w7) is 0.9, and it must be between 0.001 and 0.75), so the deck keeps the parameters it had',
    ]);
    expect(out.leftOut.map((l: { reason: string }) => l.reason)).toContain(out.settings.refused[0]);
    expect(out.cards.added).toBe(10);
    const c = config(data);
    expect(c.parameters).toMatchObject({ value: null, own: false });
    expect(c['desired-retention']).toMatchObject({ value: 0.85, own: true });
  });

  it('takes the preset most cards use, and says which cards had another', async () => {
    const c = withPreset({});
    const g = c.deckConfigs.get(1)!;
    c.deckConfigs.set(2, { ...g, id: 2, name: 'Slow', fsrsParams: null, desiredRetention: 0.8 });
    // Day 62 (4 cards) takes preset 2; day 61 (6 cards) keeps preset 1.
    const day62 = [...c.decks.values()].find((d) => d.name.endsWith('Global traffic'))!;
    c.decks.set(day62.id, { ...day62, configId: 2 });
    const dir = tempDir();
    const file = write(dir, 'two.apkg', await package18(c));
    const r = cli(
      ['import', 'anki', file, '--with-settings', '--dry-run', '--json'],
      env(join(dir, 'd')),
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.settings).toMatchObject({ preset: 'Interview', desiredRetention: 0.85 });
    expect(out.leftOut).toContainEqual({
      reason:
        'cards of Anki decks with another preset, whose FSRS settings differ: the deck has one set of settings here, preset "Interview"\'s',
      count: 4,
      examples: ['SRE Interview Prep::Day 62 · Global traffic'],
    });
  });

  it("importing again with the option gives the deck already here the preset's settings", async () => {
    const dir = tempDir();
    const file = write(dir, 'fsrs.apkg', await package18(withPreset({})));
    const data = join(dir, 'data');
    expect(cli(['import', 'anki', file], env(data)).status).toBe(0);
    const r = cli(['import', 'anki', file, '--with-settings', '--json'], env(data));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ events: 1, notes: { added: 0 } });
    expect(config(data).parameters).toMatchObject({ value: PARAMS, own: true });
    // Once more: nothing changes.
    const again = JSON.parse(
      cli(['import', 'anki', file, '--with-settings', '--json'], env(data)).stdout,
    );
    expect(again.events).toBe(0);
  });

  it('without the option, the deck keeps the settings it has', async () => {
    const dir = tempDir();
    const file = write(dir, 'fsrs.apkg', await package18(withPreset({})));
    const data = join(dir, 'data');
    const r = cli(['import', 'anki', file, '--json'], env(data));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).settings).toBeUndefined();
    expect(config(data).parameters).toMatchObject({ value: null, own: false });
  });
});

describe('bad input: exit 1, one sentence, nothing written', () => {
  const data = tempDir();
  // A collection with history of its own, which a failed import must leave as it is.
  writeDeckFolder(join(data, 'mine'));
  cli(['deck', 'add', join(data, 'mine')], env(data));
  cli(['answer', 'one-basic', 'good'], env(data));
  const dir = tempDir();

  async function refuse(bytes: Uint8Array | Promise<Uint8Array>, re: RegExp) {
    const file = write(dir, 'bad.apkg', await bytes);
    const before = fileTree(data);
    const r = cli(['import', 'anki', file], env(data));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sre-cards: /);
    expect(lines[0]).toMatch(re);
    expect(fileTree(data)).toEqual(before);
  }
  const changed = (f: (c: AnkiCollection) => void) => {
    const c = reference();
    f(c);
    return package18(c);
  };

  it('not a zip', () => refuse(new TextEncoder().encode('hello'), /is not a zip archive/));
  it('a zip without a collection', () =>
    refuse(zipSync({ 'a.txt': new Uint8Array([1]) }), /without an Anki collection/));
  it('a truncated SQLite file', async () => {
    const db = await collection18(reference());
    await refuse(zipSync({ 'collection.anki2': db.subarray(0, 5000) }), /damaged or cut short/);
  });
  it('a note of a missing note type', () =>
    refuse(
      changed((c) => (c.notes[0]!.mid = 5)),
      /uses note type 5, which the package does not have/,
    ));
  it('a card of a missing deck', () =>
    refuse(
      changed((c) => (c.cards[0]!.did = 5)),
      /is in deck 5, which the package does not have/,
    ));
  it('the wrong number of fields', () =>
    refuse(
      changed((c) => c.notes[0]!.fields.pop()),
      /has 1 field, but its note type "Basic" has 2/,
    ));
  it('duplicate guids', () =>
    refuse(
      changed((c) => (c.notes[2]!.guid = c.notes[3]!.guid)),
      /share the GUID/,
    ));
  it('a newer schema', () =>
    refuse(package18(reference(), [], { ver: 19 }), /schema 19, newer than this sre-cards reads/));
  it('a damaged review log, told before what is wrong with the notes (it is read first)', async () => {
    const encode = (t: string) => new TextEncoder().encode(t);
    const bytes = readFileSync(FIXTURE);
    const db = new SQL.Database(
      readZipEntry(
        bytes,
        readZipDirectory(bytes, 'x').get('collection.anki21')!,
        'x',
        1 << 30,
        () => 'big',
      ),
    );
    db.run(`DROP TABLE revlog; CREATE TABLE revlog (id integer primary key, cid integer);
      UPDATE notes SET guid = (SELECT min(guid) FROM notes);`);
    const broken = db.export();
    db.close();
    const told =
      /^sre-cards: the collection in bad\.apkg cannot be read \(.*ease.*\); the file is damaged or cut short$/;
    await refuse(zipSync({ 'collection.anki21': broken, media: encode('{}') }), told);
    // And before a media name that is refused.
    await refuse(
      zipSync({ 'collection.anki21': broken, media: encode('{"0": "../x"}'), 0: encode('x') }),
      told,
    );
  });
  it('a corrupt zstd frame', async () => {
    const frame = zstdRaw(await collection18(reference()));
    frame[8] = 0x07;
    await refuse(
      zipSync({ meta: new Uint8Array([8, 3]), 'collection.anki21b': [frame, { level: 0 }] }),
      /corrupt zstd frame/,
    );
  });
  it('a media name that escapes the folder', () =>
    refuse(
      package18(reference(), [{ name: '../x', data: new Uint8Array([1]) }]),
      /"\.\.\/x" is refused/,
    ));
  it('a huge package', async () => {
    // A zip whose directory says the collection inflates to 4 GB: refused before inflating.
    const zip = zipSync({ 'collection.anki2': new Uint8Array(100) });
    const v = new DataView(zip.buffer);
    for (let i = zip.length - 22; i >= 0; i--)
      if (v.getUint32(i, true) === 0x02014b50) {
        v.setUint32(i + 24, 0xfffffff0, true);
        break;
      }
    await refuse(zip, /too large to import: its collection takes over 1\.1 GB uncompressed/);
  });
});

describe('the deck folder', () => {
  it('refuses a folder that is there but is not a deck of the collection, and writes nothing', () => {
    const data = tempDir();
    writeDeckFolder(join(data, 'decks', 'sre-interview-prep'));
    const before = fileTree(data);
    const r = cli(['import', 'anki', FIXTURE], env(data));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/already exists and is not a deck of this collection/);
    expect(fileTree(data)).toEqual(before);
  });
});

describe('card ids another deck has', () => {
  it('are refused by --dry-run as by the import, which writes nothing', () => {
    const data = tempDir();
    expect(cli(['import', 'anki', FIXTURE], env(data)).status).toBe(0);
    const before = fileTree(data);
    // The same package into another folder: a second deck with the first one's card ids.
    const other = join(data, 'again');
    for (const extra of [['--dry-run'], []]) {
      const r = cli(['import', 'anki', FIXTURE, '--deck-dir', other, ...extra], env(data));
      expect(r.status, extra.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^sre-cards: card id "[^"]+" is already used by deck "sre-interview-prep"; ids must be unique across decks/,
      );
      expect(fileTree(data)).toEqual(before);
    }
  });
});

describe('round trip: export anki --with-progress, then import into an empty collection', () => {
  it('gives the same cards, states, due dates, memory, counts and log', () => {
    const src = tempDir();
    writeDeckFolder(join(src, 'mine'));
    expect(cli(['deck', 'add', join(src, 'mine')], env(src, '2026-03-01T08:00:00Z')).status).toBe(
      0,
    );
    const script: [string, string, string][] = [
      ['2026-03-01T09:00:00Z', 'one-basic', 'good'],
      ['2026-03-01T09:00:30Z', 'one-rev', 'easy'],
      ['2026-03-01T09:01:00Z', 'one-cloze:c1', 'again'],
      ['2026-03-01T09:11:00Z', 'one-basic', 'good'],
      ['2026-03-01T09:12:00Z', 'one-cloze:c1', 'good'],
      ['2026-03-03T09:00:00Z', 'one-basic', 'again'],
      ['2026-03-05T10:00:00Z', 'one-rev', 'hard'],
      ['2026-03-05T10:05:00Z', 'two-a', 'good'],
      ['2026-03-05T10:20:00Z', 'one-basic', 'good'],
    ];
    for (const [at, card, rating] of script)
      expect(cli(['answer', card, rating], env(src, at)).status).toBe(0);
    expect(cli(['suspend', 'two-b'], env(src, '2026-03-05T11:00:00Z')).status).toBe(0);
    // Flags and marks: a flag on a card of each kind of note, one reversible note marked.
    const flags: [string, string][] = [
      ['one-basic', '1'],
      ['one-rev:rev', '7'],
      ['one-cloze:c2', '4'],
    ];
    for (const [card, flag] of flags)
      expect(cli(['flag', card, flag], env(src, '2026-03-05T11:01:00Z')).status).toBe(0);
    expect(cli(['mark', 'one-rev'], env(src, '2026-03-05T11:02:00Z')).status).toBe(0);
    const pkg = join(src, 'mine.apkg');
    const now = '2026-03-06T08:00:00Z';
    expect(
      cli(['export', 'anki', '--deck', 'mini', '--with-progress', '--out', pkg], env(src, now))
        .status,
    ).toBe(0);
    const dst = tempDir();
    const r = cli(['import', 'anki', pkg], env(dst, now));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const list = (data: string, deck: string) =>
      (
        JSON.parse(cli(['list', '--deck', deck, '--json'], env(data, now)).stdout) as Record<
          string,
          unknown
        >[]
      ).map((c) => {
        const show = JSON.parse(cli(['show', String(c.id), '--json'], env(data, now)).stdout) as {
          log: unknown[];
        };
        const { id: _id, note: _note, deck: _deck, topics: _topics, day: _day, ...rest } = c;
        return { ...rest, log: show.log } as Record<string, unknown>;
      });
    const before = list(src, 'mini');
    const after = list(dst, 'mini-deck');
    // The flags and marks are the collection's, not topics: the filters and `show` see them.
    expect(before.filter((c) => c.flag !== 0)).toHaveLength(3);
    expect(before.filter((c) => c.marked)).toHaveLength(2);
    const fronts = (args: string[]) =>
      (
        JSON.parse(cli(['list', '--json', ...args], env(dst, now)).stdout) as { front: string }[]
      ).map((c) => c.front);
    expect(fronts(['--flag', '7'])).toEqual(['The Domain Name System.']);
    expect(fronts(['--flag', '1', '--flag', '4']).sort()).toEqual([
      'A then [...].',
      'What is one?',
    ]);
    expect(fronts(['--marked']).sort()).toEqual(['DNS', 'The Domain Name System.']);
    expect(cli(['topics', '--json'], env(dst, now)).stdout).not.toMatch(/"(marked|flag\/)/);
    const flagged = JSON.parse(cli(['list', '--flag', '7', '--json'], env(dst, now)).stdout)[0];
    expect(cli(['show', flagged.id], env(dst, now)).stdout).toContain('flag:       7 (purple)');
    const key = (c: Record<string, unknown>) => `${c.front}\x1f${c.back}`;
    const byText = new Map(after.map((c) => [key(c), c]));
    expect(after).toHaveLength(before.length);
    for (const b of before) {
      const a = byText.get(key(b));
      expect(a, `card "${String(b.front)}"`).toBeDefined();
      const { stability: sb, difficulty: db, ...restB } = b;
      const { stability: sa, difficulty: da, ...restA } = a!;
      expect(restA).toEqual(restB);
      if (sb === null) expect(sa).toBeNull();
      else {
        expect(Math.abs((sa as number) - (sb as number))).toBeLessThan(1e-6);
        expect(Math.abs((da as number) - (db as number))).toBeLessThan(1e-6);
      }
    }
  }, 120_000);
});

import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Collection } from '../src/store/collection.js';
import {
  deckCache,
  decodeDeckCache,
  encodeDeckCache,
  loadUserDeck,
} from '../src/store/deckcache.js';
import { deckCards } from '../src/deck/cards.js';
import { cleanup, cli, miniDeck, tempDir, writeDeckFolder, fileTree } from './helpers.js';

afterEach(() => {
  cleanup();
});

const T = new Date('2026-03-01T09:00:00Z');

describe('opening a large collection quickly', () => {
  it('reads a user deck from its parsed-deck cache while its files are unchanged, and syncs only after a change', () => {
    const dir = tempDir();
    const deckDir = writeDeckFolder(join(tempDir(), 'mydeck'));
    const mini = miniDeck();
    const builtin = {
      ...mini,
      name: 'base',
      notes: mini.notes.map((n) => ({ ...n, id: `b-${n.id}` })),
    };
    const open = (mode: 'read' | 'write' = 'write') =>
      Collection.open({ dataDir: dir, mode, now: T, timeZone: 'UTC', builtin });
    let col = open();
    col.addDeck('mini', deckDir, T, mini);
    col.close();
    // The first writer after the deck joined parses it and caches it, and marks it synced.
    col = open();
    const cache = join(dir, 'cache', 'deck-mini.bin');
    expect(existsSync(cache)).toBe(true);
    const key = col.state.decks.mini?.synced;
    expect(key).toMatch(/day-1\.md/);
    col.close();
    // Unchanged files (same names, sizes, times): the cache is used (here, one changed
    // by hand to tell), and the sync is skipped.
    const c = decodeDeckCache(readFileSync(cache), 'mini', null, null);
    if (!c) throw new Error('the cache does not read');
    for (const card of c.cards) if (card.back === 'The first.') card.back = 'From the cache.';
    writeFileSync(cache, encodeDeckCache(c.folder, c.files, c.deck, c.cards));
    expect(open('read').get('one-basic').card.back).toBe('From the cache.');
    // An edit changes the file's time and size: readers and writers see it.
    const day1 = join(deckDir, 'day-1.md');
    writeFileSync(day1, readFileSync(day1, 'utf8').replace('The first.', 'The first, edited.'));
    const before = fileTree(dir);
    const reader = open('read');
    expect(reader.get('one-basic').card.back).toBe('The first, edited.');
    expect(reader.syncReport.edited).toBe(1);
    expect(fileTree(dir)).toEqual(before);
    col = open();
    expect(col.syncReport.edited).toBe(1);
    expect(col.state.decks.mini?.synced).not.toBe(key);
    col.close();
    // A damaged cache is ignored: one whose checksum does not match, or no cache at all.
    const bytes = readFileSync(cache);
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] as number) ^ 1;
    writeFileSync(cache, bytes);
    expect(open('read').get('one-basic').card.back).toBe('The first, edited.');
    writeFileSync(cache, '{"parser":');
    expect(open('read').get('one-basic').card.back).toBe('The first, edited.');
  });

  it('marks the built-in deck synced too, and still refuses to remove it', () => {
    const dir = tempDir();
    const open = () => Collection.open({ dataDir: dir, mode: 'write', now: T, timeZone: 'UTC' });
    let col = open();
    expect(col.syncReport.added).toBeGreaterThan(500);
    const entry = col.state.decks['sre-61-90'];
    expect(entry).toMatchObject({ name: 'sre-61-90', path: null });
    expect(typeof entry?.synced).toBe('string');
    col.close();
    col = open();
    expect(col.syncReport).toEqual({ added: 0, edited: 0, retired: 0, restored: 0 });
    expect(() => col.removeDeck('sre-61-90', T)).toThrow(
      /built-in deck "sre-61-90" cannot be removed/,
    );
    col.close();
  });

  it('leaves unchanged decks unread until asked for, and reads them whole then', () => {
    const dir = tempDir();
    const deckDir = writeDeckFolder(join(tempDir(), 'mydeck'));
    const open = (mode: 'read' | 'write' = 'write') =>
      Collection.open({ dataDir: dir, mode, now: T, timeZone: 'UTC' });
    let col = open();
    col.addDeck('mini', deckDir, T, miniDeck());
    col.close();
    open().close(); // takes the deck in, and records that its sources were synced
    col = open();
    const cache = join(dir, 'cache', 'deck-mini.bin');
    const [id] = col.studyCards({ topics: [], days: null, decks: ['mini'] }).map((c) => c.card.id);
    col.answer(id as string, 'good', T, 1000);
    col.close();
    // Nothing changed: a writer that asks for no card (a sync, naming the device) does
    // not read the decks: a cache it cannot read, a writer would parse and write again.
    writeFileSync(cache, 'not a cache (a writer that reads the deck rewrites it)');
    col = open();
    col.pickUp(T);
    col.nameDevice('laptop', T);
    col.close();
    expect(readFileSync(cache, 'utf8')).toMatch(/^not a cache/);
    // ...and whatever asks for cards, decks or the built-in deck gets them all.
    col = open('read');
    expect(col.get(id as string).card.deck).toBe('mini');
    expect(col.decks.has('sre-61-90')).toBe(true);
    expect(col.cards.size).toBeGreaterThan(900);
    expect(col.builtinDeck.name).toBe('sre-61-90');
    col.close();
    // A changed source is found at open, as before.
    const day1 = join(deckDir, 'day-1.md');
    writeFileSync(day1, readFileSync(day1, 'utf8').replace('The first.', 'The first, edited.'));
    col = open();
    expect(col.syncReport.edited).toBe(1);
    expect(col.state.cards[id as string]?.sched.reps).toBe(1);
    col.close();
  });

  it("keeps none of the cache file's bytes once a deck is read from it", () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // A deck of 3000 notes with long answers: a cache file of some 7 MB.
    const long = 'x'.repeat(2000);
    const body = Array.from(
      { length: 3000 },
      (_, i) => `## n${i}\nline: lab\nQ: Question ${i}?\nA: ${long} ${i}.\n`,
    ).join('\n');
    const deckDir = writeDeckFolder(join(tempDir(), 'big'), {
      'day-1.md': `---\nday: 1\ntitle: One\ntopics: networking\n---\n\n${body}`,
      'day-2.md': '',
    });
    const cacheDir = tempDir();
    expect(loadUserDeck('big', deckDir, cacheDir, true).deck).not.toBeNull();
    const file = join(cacheDir, 'deck-big.bin');
    expect(statSync(file).size).toBeGreaterThan(6e6);
    gc();
    const before = process.memoryUsage().arrayBuffers;
    const read = loadUserDeck('big', deckDir, cacheDir, false);
    expect(read.cards?.length).toBe(3000);
    gc();
    // Only the cards' texts, as bytes, read when shown: not the file, nor its notes.
    const texts = (read.cards ?? []).reduce(
      (n, c) => n + Buffer.byteLength(c.front) + Buffer.byteLength(c.back) + 2,
      0,
    );
    const kept = process.memoryUsage().arrayBuffers - before;
    expect(kept).toBeLessThan(texts + 1e6);
    expect(texts).toBeLessThan(statSync(file).size / 2);
    // And the notes still come, when asked for.
    expect(read.deck?.notes).toHaveLength(3000);
  });
});

describe('a deck read after opening', () => {
  it('still reports a source that no longer parses, when the decks were left unread at open', () => {
    const dir = tempDir();
    const deckDir = writeDeckFolder(join(dir, 'mydeck'));
    const env = { SRE_CARDS_DATA_DIR: join(dir, 'data'), SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
    const day2 = join(deckDir, 'day-2.md');
    const time = new Date('2026-02-01T00:00:00Z');
    utimesSync(day2, time, time);
    expect(cli(['deck', 'add', deckDir], env).status).toBe(0);
    expect(cli(['answer', 'one-basic', 'good'], env).status).toBe(0);
    // A source changed with its size and time kept (a restore that keeps times, a tool
    // that writes in place), and no cache: opening takes the decks as unchanged and
    // leaves them unread, and reading them later finds the broken line.
    const st = statSync(day2);
    const text = readFileSync(day2, 'utf8');
    writeFileSync(day2, text.replace('## two-b\nline: design', '## two-b\nline: desire'));
    expect(statSync(day2).size).toBe(st.size);
    utimesSync(day2, time, time);
    rmSync(join(dir, 'data', 'cache'), { recursive: true, force: true });
    const r = cli(['due'], env);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/sre-cards: warning: [^]*day-2\.md:13: unknown plan line "desire"/);
  });
});

describe("a cached deck's texts", () => {
  it('read back as the sources give them, card by card, and as own fields once read', () => {
    const deck = miniDeck({
      'day-2.md': `---\nday: 2\ntitle: Second\ntopics: networking\n---\n\n## two-a\nline: focus\nQ: Où est le café ☕? 日本語\nA: Ici — line one\\\n  line two.\n\n## two-b\nline: design\nC: {{c1::α}} and {{c2::β}}.\n`,
    });
    const cards = deckCards(deck);
    const files = [] as unknown as Parameters<typeof encodeDeckCache>[1];
    const bytes = encodeDeckCache('/decks/mini', files, deck, cards);
    const got = decodeDeckCache(bytes, 'mini', null, null);
    if (!got) throw new Error('the cache does not read');
    expect(got.cards.map((c) => [c.id, c.front, c.back])).toEqual(
      cards.map((c) => [c.id, c.front, c.back]),
    );
    // Once read, a card is a plain card: spread, compared, changed.
    expect(got.cards.map((c) => ({ ...c }))).toEqual(cards.map((c) => ({ ...c })));
    const one = got.cards[0] as (typeof got.cards)[number];
    one.back = 'changed';
    expect(one.back).toBe('changed');
    expect(Object.keys(one)).toContain('back');
  });

  it('are refused when where they start does not fit the texts, or the file is of the earlier layout', () => {
    const deck = miniDeck();
    const cards = deckCards(deck);
    const files = [] as unknown as Parameters<typeof encodeDeckCache>[1];
    const good = encodeDeckCache('/decks/mini', files, deck, cards);
    expect(decodeDeckCache(good, 'mini', null, null)?.cards.map((c) => c.back)).toEqual(
      cards.map((c) => c.back),
    );
    // Bytes changed, then the checksum made right again: what only a wrong writer could do.
    const resealed = (change: (b: Buffer, at: (column: string) => number) => void): Buffer => {
      const b = Buffer.from(good);
      const hlen = b.readUInt32LE(16);
      const header = JSON.parse(b.toString('utf8', 24, 24 + hlen)) as {
        layout: { name: string; bytes: number }[];
      };
      const at = (column: string): number => {
        let off = (24 + hlen + 7) & ~7;
        for (const c of header.layout) {
          if (c.name === column) return off;
          off = (off + c.bytes + 7) & ~7;
        }
        throw new Error(`no column ${column}`);
      };
      change(b, at);
      b.writeUInt32LE(crc32(b.subarray(12, b.readUInt32LE(20))), 8);
      return b;
    };
    const shifted = resealed((b, at) => {
      const second = at('backStarts') + 4;
      b.writeUInt32LE(b.readUInt32LE(second) + 1, second);
    });
    expect(decodeDeckCache(shifted, 'mini', null, null)).toBeNull();
    const earlier = resealed((b) => b.writeUInt32LE(1, 12));
    expect(decodeDeckCache(earlier, 'mini', null, null)).toBeNull();
    expect(
      decodeDeckCache(
        resealed(() => {}),
        'mini',
        null,
        null,
      ),
    ).not.toBeNull();
  });
});

describe('a deck just added', () => {
  it('keeps its cards, with their text, when its sources break before any other command', () => {
    const dir = tempDir();
    const deckDir = writeDeckFolder(join(dir, 'mydeck'));
    const env = { SRE_CARDS_DATA_DIR: join(dir, 'data'), SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
    expect(cli(['deck', 'add', deckDir], env).status).toBe(0);
    // A note left without its answer, right after adding the deck.
    const day1 = join(deckDir, 'day-1.md');
    writeFileSync(day1, `${readFileSync(day1, 'utf8')}\n## one-more\nline: focus\nQ: No answer?\n`);
    const list = cli(['list', '--deck', 'mini'], env);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^one-basic\s+new\s+-\s+What is one\?$/m);
    expect(list.stderr).toMatch(/day-1\.md:\d+: note "one-more" has Q: but no A:/);
    const answered = cli(['answer', 'one-basic', 'good'], env);
    expect(answered.status).toBe(0);
    expect(answered.stdout).toMatch(/What is one\?/);
  });
});

describe('a cache made before it is written (an import makes it while replaying)', () => {
  it('is written when the folder is as it was, and not when a file changed meanwhile', () => {
    const dir = tempDir();
    const folder = writeDeckFolder(join(dir, 'mydeck'));
    const deck = miniDeck();
    const cards = deckCards({ ...deck, name: 'mini' });
    const cache = join(dir, 'cache');
    const file = join(cache, 'deck-mini.bin');

    const made = deckCache(cache, 'mini', folder, deck, cards);
    expect(existsSync(file)).toBe(false);
    const key = made.write();
    expect(key).toMatch(/day-1\.md/);
    const read = decodeDeckCache(readFileSync(file), 'mini', folder, null);
    expect(read?.cards.map((c) => [c.id, c.front])).toEqual(cards.map((c) => [c.id, c.front]));

    rmSync(file);
    const stale = deckCache(cache, 'mini', folder, deck, cards);
    writeFileSync(join(folder, 'day-2.md'), `${readFileSync(join(folder, 'day-2.md'), 'utf8')}\n`);
    expect(stale.write()).toBeNull();
    expect(existsSync(file)).toBe(false);
  });
});

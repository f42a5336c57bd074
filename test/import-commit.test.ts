/**
 * The import's commit: `Collection.appendImport` appends the deck and its events in one
 * batch, all or nothing (a write that fails leaves the log, the snapshot and the state as
 * they were), and the state after it equals the state a fresh open replays from the log.
 * And the progress bar: drawn only after a second, on a terminal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../src/core/settings.js';
import { progressBar } from '../src/cli/cmd/import.js';
import { readPackage } from '../src/import/package.js';
import { plan } from '../src/import/plan.js';
import { loadSqlJs } from '../src/import/sqlite.js';
import { realIo, setFileIo } from '../src/store/fsio.js';
import { cleanup, fileTree, miniDeck, openMini, ROOT, tempDir, logFile } from './helpers.js';

afterAll(cleanup);
let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
});

const NOW = new Date('2024-06-01T10:00:00Z');
const SQL = await loadSqlJs();
const pkg = readPackage(
  new Uint8Array(
    readFileSync(join(ROOT, 'test', 'fixtures', 'anki-reference', 'reference-with-progress.apkg')),
  ),
  'reference.apkg',
  SQL,
);

function planFor(dir: string) {
  return plan({
    pkg,
    fileName: 'reference.apkg',
    deckDir: join(dir, 'deck'),
    deckName: 'sre-interview-prep',
    existing: { files: [], registered: null, cards: new Set() },
    settings: DEFAULT_SETTINGS,
    clock: { timeZone: 'UTC', rolloverHour: 4 },
    now: NOW,
  });
}

describe('appendImport', () => {
  it('appends the deck-add and the events, and a fresh open replays the same state', async () => {
    const dir = tempDir();
    const p = planFor(dir);
    const col = openMini(dir, NOW);
    const n = await col.appendImport(
      { name: p.deckName, path: p.deckDir, deck: p.deck, register: true },
      p.events(),
      NOW,
    );
    expect(n).toBe(p.eventCount + 1);
    const cards = JSON.parse(JSON.stringify(col.state.cards));
    col.close();
    const lines = readFileSync(logFile(dir), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(n);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      type: 'deck-add',
      seq: 1,
      name: 'sre-interview-prep',
    });
    // Without the deck folder the reopened collection keeps the snapshot's cards as they were.
    const again = openMini(dir, NOW, { mode: 'read' });
    expect(again.state.cards).toEqual(cards);
    again.close();
  });

  it('writes nothing when the batch cannot be written: log, snapshot and state stay as they were', async () => {
    const dir = tempDir();
    const col = openMini(dir, NOW);
    col.answer('one-basic', 'good', NOW, 1000);
    col.snapshot();
    const before = fileTree(dir);
    const state = JSON.stringify(col.state);
    let calls = 0;
    restore = setFileIo({
      ...realIo,
      writeSync: (fd, data) => {
        if (++calls > 1) throw Object.assign(new Error('no space left'), { code: 'ENOSPC' });
        return realIo.writeSync(fd, data.subarray(0, Math.min(data.length, 100)));
      },
    });
    const p = planFor(dir);
    await expect(
      col.appendImport(
        { name: p.deckName, path: p.deckDir, deck: p.deck, register: true },
        p.events(),
        NOW,
      ),
    ).rejects.toThrow(/the disk is full/);
    restore();
    restore = null;
    expect(JSON.stringify(col.state)).toBe(state);
    expect(fileTree(dir)).toEqual(before);
    col.close();
  });

  it('refuses a deck name the collection has', async () => {
    const dir = tempDir();
    const col = openMini(dir, NOW);
    const p = planFor(dir);
    await expect(
      col.appendImport(
        { name: miniDeck().name, path: p.deckDir, deck: p.deck, register: true },
        p.events(),
        NOW,
      ),
    ).rejects.toThrow(/already in the collection/);
    col.close();
  });
});

describe('the progress bar', () => {
  function stream(isTTY: boolean) {
    const out: string[] = [];
    return {
      out,
      s: { isTTY, write: (t: string) => out.push(t) } as unknown as NodeJS.WritableStream,
    };
  }
  it('stays quiet for the first second, then draws on stderr; never off a terminal', () => {
    let t = 0;
    const tty = stream(true);
    const bar = progressBar(tty.s, () => t);
    bar.update('planning', 10, 100);
    expect(tty.out).toEqual([]);
    t = 1500;
    bar.update('planning', 50, 100);
    expect(tty.out.at(-1)).toMatch(/planning +\[#{15}\.{15}\] {2}50%/);
    bar.end();
    expect(tty.out.at(-1)).toBe('\r\x1b[K');
    const pipe = stream(false);
    const quiet = progressBar(pipe.s, () => 5000);
    quiet.update('planning', 50, 100);
    expect(pipe.out).toEqual([]);
  });
});

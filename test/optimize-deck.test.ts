import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CollectionEvent } from '../src/core/model.js';
import { readAllEvents } from '../src/store/log/file.js';
import { cleanup, cli, DECK_MD, tempDir, logFile } from './helpers.js';
import { syntheticLog } from './optimize-synth.js';

afterEach(cleanup);

/** A data folder whose log adds a deck holding the synthetic log's cards, then answers them. */
function synthCollection(): { env: Record<string, string>; dir: string } {
  const root = tempDir();
  const deck = join(root, 'synth');
  mkdirSync(deck);
  writeFileSync(join(deck, 'deck.md'), DECK_MD.replace('name: mini', 'name: synth'));
  const notes = Array.from({ length: 100 }, (_, i) => `\n## c${i}\nQ: Fact ${i}?\nA: ${i}.\n`);
  writeFileSync(
    join(deck, 'day-1.md'),
    `---\nday: 1\ntitle: Synth\ntopics: reliability\n---\n${notes.join('')}`,
  );
  const dir = join(root, 'data');
  mkdirSync(dir);
  const answers = syntheticLog({ cards: 100, perDay: 10, days: 40, seed: 5 });
  const events: CollectionEvent[] = [
    { seq: 1, type: 'deck-add', at: '2026-01-01T09:00:00.000Z', name: 'synth', path: deck },
    ...answers.map((e) => ({ ...e, seq: e.seq + 1 })),
  ];
  writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e) + '\n').join(''));
  return { dir, env: { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: '2026-03-01T09:00:00Z' } };
}

describe('sre-cards optimize --deck', () => {
  it("fits one deck's answers and saves the parameters as that deck's own", () => {
    const { dir, env } = synthCollection();
    const other = cli(['optimize', '--deck', 'sre-61-90', '--dry-run'], env);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('0 usable so far');
    const r = cli(['optimize', '--deck', 'synth', '--json'], env);
    expect(r.stderr).not.toContain('sre-cards:');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ better: true, saved: true });
    const last = readAllEvents(logFile(dir)).at(-1);
    expect(last?.type === 'settings' && last.after.deckSettings).toEqual({
      synth: { weights: j.parameters },
    });
    expect(last?.type === 'settings' && last.after.weights).toBeNull();
    expect(cli(['config', '--deck', 'synth', 'get', 'parameters', '--json'], env).stdout).toBe(
      JSON.stringify({ parameters: j.parameters }) + '\n',
    );
    expect(cli(['config', 'get', 'parameters'], env).stdout).toBe('-\n');
    const again = cli(['optimize', '--deck', 'synth', '--dry-run'], env);
    expect(again.stdout).toMatch(/^Fitting FSRS parameters of deck synth to \d+ reviews/);
    expect(again.stdout).toMatch(/ current +0\.\d{4}/);
    const bad = cli(['optimize', '--deck', 'nope'], env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown deck "nope"');
  });
});

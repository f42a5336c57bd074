/**
 * `sre-cards deck check`: the cards edited (with a short diff), added and retired since
 * the collection took the sources in; overlays whose built-in note changed since; and
 * the count a session starts with.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shortDiff, wordDiff } from '../src/text/diff.js';
import { BIN, cleanup, DAY1, miniDeck, openMini, tempDir, writeDeckFolder } from './helpers.js';

afterEach(cleanup);

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TZ: 'UTC', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function setup() {
  const dir = tempDir();
  const deck = writeDeckFolder(join(dir, 'deck'));
  const env = { SRE_CARDS_DATA_DIR: join(dir, 'data'), SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
  expect(cli(['deck', 'add', deck], env).code).toBe(0);
  expect(cli(['answer', 'one-basic', 'good'], env).code).toBe(0);
  // Edit one note, remove another, add a third.
  const day1 = join(deck, 'day-1.md');
  writeFileSync(
    day1,
    readFileSync(day1, 'utf8')
      .replace('Q: What is one?', 'Q: What is the number one?')
      .replace(/## one-rev[\s\S]*?(?=## one-cloze)/, '')
      .concat('\n## one-new\nline: focus\nQ: What is new?\nA: This.\n'),
  );
  return { dir, deck, env };
}

describe('deck check', () => {
  it('lists the edited cards with a diff, the added and the retired, before a session takes them in', () => {
    const { env } = setup();
    const r = cli(['deck', 'check', 'mini'], { ...env, SRE_CARDS_NOW: '2026-03-01T10:00:00Z' });
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'mini (' +
          JSON.parse(cli(['deck', 'list', '--json'], env).out)[1].path +
          '): 1 edited (history kept), 1 added, 2 retired, not taken in yet (the next session will)',
        '  edited   one-basic  day-1.md:7',
        '    front: What is {+the number+} one?',
        '  added    one-new',
        '  retired  one-rev',
        '  retired  one-rev:rev',
        '',
      ].join('\n'),
    );
  });

  it('after a writer took them in, says when, and keeps the history of the edited card', () => {
    const { env } = setup();
    const later = { ...env, SRE_CARDS_NOW: '2026-03-01T10:00:00Z' };
    expect(cli(['answer', 'one-new', 'easy'], later).code).toBe(0);
    const [, mini] = JSON.parse(cli(['deck', 'check', '--json'], later).out);
    expect(mini).toMatchObject({
      deck: 'mini',
      pending: false,
      at: '2026-03-01T10:00:00.000Z',
      added: ['one-new'],
      retired: ['one-rev', 'one-rev:rev'],
      edited: [
        {
          id: 'one-basic',
          file: 'day-1.md:7',
          before: { front: 'What is one?', back: 'The first.' },
          after: { front: 'What is the number one?', back: 'The first.' },
          diff: { front: ['What is {+the number+} one?'], back: [] },
        },
      ],
    });
    const shown = JSON.parse(cli(['show', 'one-basic', '--json'], later).out);
    expect(shown.front).toBe('What is the number one?');
    expect(shown.reps).toBe(1);
    expect(cli(['deck', 'check', 'mini'], later).out).toMatch(
      /^mini \(.*\): 1 edited \(history kept\), 1 added, 2 retired, taken in 2026-03-01 10:00 UTC\n/,
    );
  });

  it('shows an overlay note whose built-in note changed since it was copied', () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const env = { SRE_CARDS_DATA_DIR: data, SRE_CARDS_NOW: '2026-03-01T09:00:00Z', EDITOR: 'true' };
    expect(cli(['edit', 'd61-spof', '--json'], env).code).toBe(0);
    let [builtin] = JSON.parse(cli(['deck', 'check', 'sre-61-90', '--json'], env).out);
    expect(builtin.overlay).toMatchObject({ notes: 1, changed: [], orphans: [], errors: [] });
    // As if the package had been updated under the copy: the copy was made from other text.
    const bases = join(data, 'overlays', 'sre-61-90.json');
    const recorded = JSON.parse(readFileSync(bases, 'utf8'));
    recorded['d61-spof'].hash = '0000000000000000';
    recorded['d61-spof'].front = 'single point of failure';
    writeFileSync(bases, JSON.stringify(recorded));
    [builtin] = JSON.parse(cli(['deck', 'check', 'sre-61-90', '--json'], env).out);
    expect(builtin.overlay.changed).toHaveLength(1);
    expect(builtin.overlay.changed[0].id).toBe('d61-spof');
    const text = cli(['deck', 'check', 'sre-61-90'], env).out;
    expect(text).toContain('1 note, 1 whose built-in note changed since');
    expect(text).toContain(
      'd61-spof: the built-in note changed since you copied it (2026-03-01 09:00 UTC)',
    );
  });

  it('an unknown flag or deck prints usage and exits 2', () => {
    const { env } = setup();
    const r = cli(['deck', 'check', '--nope'], env);
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: sre-cards deck add PATH');
    expect(cli(['deck', 'check', 'nope'], env).code).toBe(2);
  });
});

describe('a session after the sources changed', () => {
  it('counts what opening took in: edited (history kept), added, retired', () => {
    const dir = tempDir();
    const t = new Date('2026-03-01T09:00:00Z');
    openMini(dir, t).close();
    const edited = DAY1.replace('Q: What is one?', 'Q: What is one, really?').replace(
      /## one-cloze[\s\S]*$/,
      '',
    );
    const col = openMini(dir, t, { deck: miniDeck({ 'day-1.md': edited }) });
    expect(col.openChanges).toEqual({ added: 0, edited: 1, retired: 2, restored: 0 });
    col.close();
    // A fresh collection is no change.
    const fresh = openMini(tempDir(), t);
    expect(fresh.openChanges).toEqual({ added: 0, edited: 0, retired: 0, restored: 0 });
    fresh.close();
  });
});

describe('the short diff', () => {
  it('marks removed and added words as git --word-diff does', () => {
    expect(wordDiff('What is one?', 'What is the number one?')).toBe('What is {+the number+} one?');
    expect(wordDiff('a b c', 'a x c')).toBe('a [-b-]{+x+} c');
    expect(wordDiff('a b c', 'a c')).toBe('a [-b-] c');
    // Words added where the matching ran on to the space before them keep that space.
    expect(wordDiff('What does `ss -tlnp` show?', 'What does the command `ss -tlnp` show?')).toBe(
      'What does {+the command+} `ss -tlnp` show?',
    );
    expect(wordDiff('x y', 'x y z')).toBe('x y {+z+}');
    expect(wordDiff('one two', 'zero one two')).toBe('{+zero+} one two');
    expect(shortDiff('same', 'same')).toEqual([]);
    expect(shortDiff('l1\nl2\nl3\nl4\nl5', 'l1\nl2\nX\nl4\nl5')).toEqual([
      'l2',
      '[-l3-]{+X+}',
      'l4',
    ]);
  });
});

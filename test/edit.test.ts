/**
 * Editing a card from the review (`e`) and with `sre-cards edit`: the editor opens on
 * the note's line, the decks are read again, the card keeps its id and its history; a
 * built-in note is edited in the data folder's overlay; a syntax error keeps the text.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killPtys, runInPty } from './pty.js';
import { editorArgs, splitCommand } from '../src/cli/editor.js';
import { BIN, cleanup, tempDir, writeDeckFolder } from './helpers.js';

afterEach(() => {
  killPtys();
  cleanup();
});

/**
 * An editor for tests: `+LINE FILE`; on the first field line (Q:, Term:, C:) from LINE
 * on, puts EDIT_WITH after the field name (or, with EDIT_BREAK, breaks the field's
 * name), and saves the terminal's settings (`stty -a`) to STTY_OUT when set.
 */
const EDITOR_JS = `
const fs = require('fs');
const [lineArg, file] = process.argv.slice(2);
const line = Number(lineArg.slice(1));
const lines = fs.readFileSync(file, 'utf8').split('\\n');
for (let i = line - 1; i < lines.length; i++) {
  if (/^(Q|Term|C):/.test(lines[i])) {
    lines[i] = process.env.EDIT_BREAK
      ? lines[i].replace(/^([\\w-]+):/, 'Nope:')
      : lines[i].replace(/^([\\w-]+):\\s*/, '$1: ' + process.env.EDIT_WITH + ' ');
    break;
  }
}
fs.writeFileSync(file, lines.join('\\n'));
fs.appendFileSync(process.env.EDITOR_LOG, lineArg + ' ' + file + '\\n');
if (process.env.STTY_OUT)
  require('child_process').execSync('stty -a > ' + process.env.STTY_OUT, { stdio: 'inherit' });
`;

function editorEnv(dir: string, extra: Record<string, string> = {}) {
  const script = join(dir, 'editor.cjs');
  writeFileSync(script, EDITOR_JS);
  return {
    EDITOR: `${process.execPath} ${script}`,
    EDITOR_LOG: join(dir, 'editor.log'),
    EDIT_WITH: 'Edited:',
    TZ: 'UTC',
    ...extra,
  };
}

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('e on the review screen, under a pseudo-terminal', () => {
  it('opens the editor on a cooked terminal, shows the new text, keeps the history and the terminal', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const env = editorEnv(dir, { SRE_CARDS_DATA_DIR: data, STTY_OUT: join(dir, 'stty.txt') });
    const first = JSON.parse(
      cli(['list', '--day', '61', '--json'], { ...env, SRE_CARDS_NOW: '2026-03-01T09:00:00Z' }).out,
    )[0];
    expect(
      cli(['answer', first.id, 'good'], { ...env, SRE_CARDS_NOW: '2026-03-01T09:00:00Z' }).code,
    ).toBe(0);
    const before = JSON.parse(cli(['show', first.id, '--json'], env).out);
    // A quarter of an hour later the learning card is due again, and comes first.
    const later = { ...env, SRE_CARDS_NOW: '2026-03-01T09:15:00Z' };
    const pty = runInPty(
      `${process.execPath} ${BIN} review --day 61; echo; echo AFTER; stty -a`,
      later,
    );
    await pty.waitFor(/Space or Enter shows the answer/);
    expect(pty.output()).toContain(first.front.slice(0, 30));
    const mark = pty.output().length;
    pty.send('e');
    await pty.waitFor(/Saved, cards 1 edited \(history kept\)/, mark);
    expect(pty.output().slice(mark)).toContain(`Edited: ${first.front.slice(0, 30)}`);
    // The editor had the terminal as a shell leaves it, not the session's raw mode.
    const stty = readFileSync(join(dir, 'stty.txt'), 'utf8');
    expect(stty).toMatch(/(^|\s)icanon(\s|$)/);
    expect(stty).toMatch(/(^|\s)echo(\s|$)/);
    // Raw mode is back: keys act without Enter.
    pty.send(' ');
    await pty.waitFor(/Again/, mark);
    pty.send('q');
    await pty.waitFor(/AFTER[\s\S]*icanon/, mark);
    expect(await pty.exited).toBe(0);
    const after = pty.output().slice(pty.output().lastIndexOf('AFTER'));
    expect(after).toMatch(/(^|\s)icanon(\s|$)/);
    expect(after).toMatch(/(^|\s)echo(\s|$)/);
    // Same card, same history; its text is the overlay's.
    const shown = JSON.parse(cli(['show', first.id, '--json'], later).out);
    expect(shown.front).toBe(`Edited: ${first.front}`);
    expect(shown.reps).toBe(before.reps);
    expect(shown.reps).toBe(1);
    expect(shown.log).toEqual(before.log);
    expect(shown.info.file).toMatch(/overlays\/sre-61-90\.md:\d+$/);
    const log = readFileSync(join(dir, 'editor.log'), 'utf8');
    expect(log).toMatch(new RegExp(`^\\+\\d+ ${data}/overlays/sre-61-90\\.md\\n$`));
  });
});

describe('sre-cards edit', () => {
  function userDeck() {
    const dir = tempDir();
    const data = join(dir, 'data');
    const deck = writeDeckFolder(join(dir, 'deck'));
    const env = editorEnv(dir, { SRE_CARDS_DATA_DIR: data, SRE_CARDS_NOW: '2026-03-01T09:00:00Z' });
    expect(cli(['deck', 'add', deck], env).code).toBe(0);
    expect(cli(['answer', 'two-a', 'easy'], env).code).toBe(0);
    return { dir, data, deck, env };
  }

  it("opens the note's source at its line; the card keeps its id and history", () => {
    const { dir, deck, env } = userDeck();
    const before = JSON.parse(cli(['show', 'two-a', '--json'], env).out);
    const r = cli(['edit', 'two-a'], env);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Saved, cards 1 edited (history kept).');
    expect(r.out).toContain('Edited: What is two-a?');
    expect(readFileSync(join(dir, 'editor.log'), 'utf8')).toBe(`+7 ${join(deck, 'day-2.md')}\n`);
    expect(readFileSync(join(deck, 'day-2.md'), 'utf8')).toContain('Q: Edited: What is two-a?');
    const after = JSON.parse(cli(['show', 'two-a', '--json'], env).out);
    expect(after.front).toBe('Edited: What is two-a?');
    expect({ reps: after.reps, log: after.log, due: after.due }).toEqual({
      reps: before.reps,
      log: before.log,
      due: before.due,
    });
  });

  it('--json says where it edited and what changed', () => {
    const { deck, env } = userDeck();
    const j = JSON.parse(cli(['edit', 'one-rev', '--json'], env).out);
    expect(j).toMatchObject({
      card: 'one-rev',
      file: join(deck, 'day-1.md'),
      line: 12,
      overlay: false,
      editorStatus: 0,
      edited: 2,
      added: 0,
      retired: 0,
      errors: [],
      front: 'Edited: DNS',
    });
  });

  it('a syntax error is shown as file:line: message, and the card keeps its text', () => {
    const { deck, env } = userDeck();
    const r = cli(['edit', 'two-a'], { ...env, EDIT_BREAK: '1' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/day-2\.md:7: note "two-a" has A: but no Q:/);
    expect(r.out).toMatch(/the card keeps its previous text until this is fixed/);
    const shown = JSON.parse(cli(['show', 'two-a', '--json'], env).out);
    expect(shown.front).toBe('What is two-a?');
    expect(shown.reps).toBe(1);
    expect(readFileSync(join(deck, 'day-2.md'), 'utf8')).toContain('Nope: What is two-a?');
  });

  it('a built-in note goes to the overlay, which replaces it by id; its history stays', () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const env = editorEnv(dir, { SRE_CARDS_DATA_DIR: data, SRE_CARDS_NOW: '2026-03-01T09:00:00Z' });
    expect(cli(['answer', 'd61-spof', 'good'], env).code).toBe(0);
    const j = JSON.parse(cli(['edit', 'd61-spof', '--json'], env).out);
    expect(j.overlay).toBe(true);
    expect(j.file).toBe(join(data, 'overlays', 'sre-61-90.md'));
    expect(j.edited).toBeGreaterThanOrEqual(1);
    const overlay = readFileSync(j.file, 'utf8');
    expect(overlay).toContain('## d61-spof');
    expect(overlay.split('\n')[j.line - 1]).toBe('## d61-spof');
    expect(existsSync(join(data, 'overlays', 'sre-61-90.json'))).toBe(true);
    const shown = JSON.parse(cli(['show', 'd61-spof', '--json'], env).out);
    expect(shown.front.startsWith('Edited: ')).toBe(true);
    expect(shown.reps).toBe(1);
    expect(shown.day).toBe(61);
    // Editing it again opens the overlay's copy, not a second one.
    cli(['edit', 'd61-spof'], env);
    expect(readFileSync(j.file, 'utf8').match(/## d61-spof/g)).toHaveLength(1);
    expect(JSON.parse(cli(['show', 'd61-spof', '--json'], env).out).front).toMatch(
      /^Edited: Edited: /,
    );
  });

  it('an unknown flag prints usage and exits 2; an unknown card exits 1', () => {
    const { env } = userDeck();
    const r = cli(['edit', 'two-a', '--nope'], env);
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: sre-cards edit CARD_ID [--json]');
    expect(cli(['edit', 'no-such'], env).code).toBe(1);
  });
});

describe('the editor command line', () => {
  it('+LINE for most editors, -g FILE:LINE and --wait for VS Code', () => {
    expect(editorArgs(['vim'], '/d/a.md', 12)).toEqual(['vim', '+12', '/d/a.md']);
    expect(editorArgs(['emacs', '-nw'], 'a.md', 3)).toEqual(['emacs', '-nw', '+3', 'a.md']);
    expect(editorArgs(['/usr/bin/code'], 'a.md', 3)).toEqual([
      '/usr/bin/code',
      '--wait',
      '-g',
      'a.md:3',
    ]);
    expect(editorArgs(['code', '-w'], 'a.md', 3)).toEqual(['code', '-w', '-g', 'a.md:3']);
    expect(editorArgs(['subl'], 'a.md', 3)).toEqual(['subl', '--wait', 'a.md:3']);
    expect(splitCommand(`"/opt/my editor/ed" --flag 'a b' c\\ d`)).toEqual([
      '/opt/my editor/ed',
      '--flag',
      'a b',
      'c d',
    ]);
  });
});

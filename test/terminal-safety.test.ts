import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sanitize, toJson } from '../src/text/terminal.js';
import { cleanup, cli, tempDir, writeDeckFolder } from './helpers.js';

afterEach(cleanup);

const NOW = { SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
const CLEAR = '\u001b[2J';
const TITLE = '\u001b]0;PWNED\u0007';
// Control characters a terminal could act on (newline aside); tabs are spaced out too.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** A user's deck whose card holds escape sequences, added to a fresh collection. */
function evilCollection() {
  const data = tempDir();
  const folder = writeDeckFolder(join(tempDir(), 'evil'), {
    'deck.md': `---\nname: evil\ntitle: Evil ${TITLE}Deck\n---\n# Topics\n- networking: nets\n- networking/dns: names\n- reliability: rel\n- mischief: odd ${CLEAR}\n`,
    'day-1.md': `---\nday: 1\ntitle: First\ntopics: reliability\n---\n\n## evil\nQ: Front ${CLEAR}${TITLE} here\u009b31m?\nA: Back ${CLEAR}\tand ${TITLE} there.\n`,
  });
  const env = { SRE_CARDS_DATA_DIR: data, ...NOW };
  const added = cli(['deck', 'add', folder], env);
  expect(added.status, added.stderr).toBe(0);
  return env;
}

describe('card text reaches the terminal harmless', () => {
  it('sanitize shows control characters as symbols; toJson escapes what JSON leaves raw', () => {
    expect(sanitize(`a${CLEAR}b${TITLE}\u009bc\u007f\td\ne`)).toBe(
      'a␛[2Jb␛]0;PWNED␇\ufffdc␡    d\ne',
    );
    const text = `x${CLEAR}\u009b\u007f\u2028y`;
    const json = toJson({ text });
    expect(json).not.toMatch(RAW);
    expect(json).toContain('\\u001b[2J');
    expect(json).toContain('\\u009b');
    expect(JSON.parse(json)).toEqual({ text });
  });

  it('show, list, answer, topics and deck list print escape sequences as visible symbols', () => {
    const env = evilCollection();
    for (const args of [
      ['show', 'evil'],
      ['list'],
      ['list', '--deck', 'evil'],
      ['topics'],
      ['deck', 'list'],
      ['answer', 'evil', 'good'],
    ]) {
      const r = cli(args, env);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout, args.join(' ')).not.toMatch(RAW);
      expect(r.stderr, args.join(' ')).not.toMatch(RAW);
    }
    const shown = cli(['show', 'evil'], env).stdout;
    expect(shown).toContain('Front ␛[2J␛]0;PWNED␇ here');
    expect(shown).toContain('Back ␛[2J    and ␛]0;PWNED␇ there.');
    expect(cli(['list', '--deck', 'evil'], env).stdout).toContain('Front ␛[2J␛]0;PWNED␇ here');
    expect(cli(['topics'], env).stdout).toContain('odd ␛[2J');
    expect(cli(['deck', 'list'], env).stdout).toContain('Evil ␛]0;PWNED␇Deck');
  });

  it('--json escapes them as JSON does, and the text parses back unchanged', () => {
    const env = evilCollection();
    for (const args of [
      ['show', 'evil', '--json'],
      ['list', '--deck', 'evil', '--json'],
      ['topics', '--json'],
      ['deck', 'list', '--json'],
      ['answer', 'evil', 'good', '--json'],
    ]) {
      const r = cli(args, env);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout, args.join(' ')).not.toMatch(RAW);
    }
    const card = JSON.parse(cli(['show', 'evil', '--json'], env).stdout);
    expect(card.front).toBe(`Front ${CLEAR}${TITLE} here\u009b31m?`);
    expect(card.back).toBe(`Back ${CLEAR}\tand ${TITLE} there.`);
  });

  it('lint prints a source line quoted in an error harmlessly', () => {
    const folder = writeDeckFolder(join(tempDir(), 'bad'), {
      'day-2.md': `---\nday: 2\ntitle: T\ntopics: nope${CLEAR}\n---\n\n## x\nQ: q?\nA: a.\n`,
    });
    const r = cli(['lint', folder]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('␛[2J');
    expect(r.stderr).not.toMatch(RAW);
  });
});

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, cli, tempDir, writeDeckFolder } from './helpers.js';

afterEach(cleanup);

function setup() {
  const data = tempDir();
  const folder = writeDeckFolder(join(tempDir(), 'notes'), {
    'deck.md': `---\nname: my-own-notes-with-a-long-name\ntitle: My notes\n---\n# Topics\n- networking: nets\n- networking/dns: names\n- reliability: rel\n- reliability/an-unusually-long-sub-topic-name: long\n`,
    'day-2.md': `---\nday: 2\ntitle: Two\ntopics: reliability/an-unusually-long-sub-topic-name\n---\n\n## a-card-with-a-particularly-long-identifier\nQ: Long?\nA: Yes.\n\n## short\nQ: Short?\nA: Yes.\n`,
  });
  const env = { SRE_CARDS_DATA_DIR: data, SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
  expect(cli(['deck', 'add', folder], env).status).toBe(0);
  expect(cli(['suspend', 'short'], env).status).toBe(0);
  expect(cli(['answer', 'one-basic', 'good'], env).status).toBe(0);
  return env;
}

describe('tables keep their columns aligned, whatever the lengths', () => {
  it('topics', () => {
    const env = setup();
    const lines = cli(['topics'], env).stdout.trimEnd().split('\n');
    expect(lines.some((l) => l.includes('reliability/an-unusually-long-sub-topic-name'))).toBe(
      true,
    );
    // Counts are right-aligned: they end in the same column.
    const ends = lines.map((l) => /^\s*\S+\s+\d+/.exec(l)?.[0].length);
    expect(new Set(ends).size).toBe(1);
    const descriptions = lines.map((l) => l.lastIndexOf(l.trim().split(/ {2,}/)[3] ?? '@'));
    expect(new Set(descriptions).size).toBe(1);
  });

  it('list', () => {
    const env = setup();
    const lines = cli(['list', '--deck', 'my-own-notes-with-a-long-name'], env)
      .stdout.trimEnd()
      .split('\n');
    expect(lines.some((l) => l.startsWith('a-card-with-a-particularly-long-identifier'))).toBe(
      true,
    );
    // The suspended card's flag has a column of its own: the fronts start together.
    const fronts = lines.map((l) =>
      l.search(/(What is|Long\?|Short\?|DNS|The Domain|A then|\[\.\.\.\])/),
    );
    expect(new Set(fronts).size).toBe(1);
    const states = lines.map((l) => l.search(/ (new|learning|review|relearning) /) + 1);
    expect(new Set(states).size).toBe(1);
  });

  it('deck list', () => {
    const env = setup();
    const lines = cli(['deck', 'list'], env).stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    // Names and paths start together, counts end together.
    expect(lines.map((l) => l.search(/\(built in\)|\//))).toEqual(
      Array(2).fill(lines[0]?.indexOf('(built in)')),
    );
    expect(new Set(lines.map((l) => l.indexOf(' cards'))).size).toBe(1);
    expect(new Set(lines.map((l) => l.search(/(SRE Interview Prep|My notes)$/))).size).toBe(1);
    expect(lines[1]).toMatch(/^my-own-notes-with-a-long-name {2,}\d+ cards/);
  });
});

describe('a user deck is called by its own title', () => {
  it('in the stats header', () => {
    const env = setup();
    const r = cli(['stats', '--deck', 'my-own-notes-with-a-long-name'], env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^Stats · My notes · /);
    expect(cli(['stats'], env).stdout.split('\n')[0]).toMatch(
      /^Stats · SRE Interview Prep \+ My notes · /,
    );
  });
});

describe('answer', () => {
  it('prints the card as show does, info and answers included', () => {
    const env = setup();
    const answered = cli(['answer', 'a-card-with-a-particularly-long-identifier', 'easy'], env);
    expect(answered.status).toBe(0);
    const shown = cli(['show', 'a-card-with-a-particularly-long-identifier'], env);
    expect(answered.stdout).toBe(shown.stdout);
    expect(answered.stdout).toMatch(/^interval: /m);
    expect(answered.stdout).toMatch(/^log: +answered +rating +state +interval +time$/m);
    const json = (args: string[]) => JSON.parse(cli([...args, '--json'], env).stdout);
    expect(json(['answer', 'one-basic', 'good'])).toEqual(json(['show', 'one-basic']));
  });
});

import { describe, expect, it } from 'vitest';
import { deckCards } from '../src/deck/cards.js';
import { parseDeck } from '../src/deck/parse.js';
import { DAY1, miniDeck, miniFiles } from './helpers.js';

function errorsOf(overrides: Record<string, string>) {
  const { deck, errors } = parseDeck(miniFiles(overrides));
  expect(deck).toBeNull();
  return errors.map((e) => `${e.file}:${e.line}: ${e.message}`);
}

describe('deck parser', () => {
  it('derives card ids from note ids: basic, reversible, cloze', () => {
    const cards = deckCards(miniDeck());
    expect(cards.map((c) => c.id)).toEqual([
      'one-basic',
      'one-rev',
      'one-rev:rev',
      'one-cloze:c1',
      'one-cloze:c2',
      'two-a',
      'two-b',
    ]);
    const rev = cards.find((c) => c.id === 'one-rev:rev');
    expect(rev?.front).toBe('The Domain Name System.');
    expect(rev?.back).toBe('DNS');
    const c1 = cards.find((c) => c.id === 'one-cloze:c1');
    expect(c1?.front).toBe('[...] then B.');
    expect(c1?.back).toBe('**A** then B.\n\nletters');
    expect(cards.find((c) => c.id === 'one-rev')?.topics).toEqual([
      'reliability',
      'networking/dns',
    ]);
    expect(cards.find((c) => c.id === 'one-basic')?.planLine).toBe('focus');
  });

  it('keeps a card id when its answer is edited, and changes its hash', () => {
    const before = deckCards(miniDeck()).find((c) => c.id === 'one-basic');
    const after = deckCards(
      miniDeck({ 'day-1.md': DAY1.replace('A: The first.', 'A: The very first.') }),
    ).find((c) => c.id === 'one-basic');
    expect(after?.back).toBe('The very first.');
    expect(after?.hash).not.toBe(before?.hash);
  });

  it('reads multi-line fields and code fences without taking their lines as fields', () => {
    const deck = miniDeck({
      'day-3.md': `---\nday: 3\ntitle: Third\ntopics: reliability\n---\n## three\nQ: Code?\nA: Like this:\n\`\`\`\nQ: not a field\n## not a heading\n\`\`\`\ndone\n`,
    });
    const note = deck.notes.find((n) => n.id === 'three');
    expect(note?.back).toBe('Like this:\n```\nQ: not a field\n## not a heading\n```\ndone');
  });

  it('reports a missing id with file and line', () => {
    expect(
      errorsOf({
        'day-2.md': `---\nday: 2\ntitle: T\ntopics: networking\n---\n\n##\nQ: x?\nA: y\n`,
      }),
    ).toContain('day-2.md:7: missing id: write the note\'s permanent id after "## "');
  });

  it('reports duplicate ids with both places', () => {
    const errs = errorsOf({
      'day-2.md': DAY1.replace('day: 1', 'day: 2')
        .replace(/one-/g, 'one-')
        .replace('What is one?', 'What is uno?')
        .replace('DNS\n', 'DNS2\n')
        .replace('The Domain Name System.', 'x')
        .replace('{{c1::A}}', '{{c1::Z}}'),
    });
    expect(
      errs.some((e) =>
        /^day-2\.md:7: duplicate id "one-basic" \(first used at day-1\.md:7\)$/.test(e),
      ),
    ).toBe(true);
  });

  it('reports empty sides', () => {
    const errs = errorsOf({
      'day-2.md': `---\nday: 2\ntitle: T\ntopics: networking\n---\n## e\nQ: A question?\nA:\n`,
    });
    expect(errs).toContain('day-2.md:8: empty A: in note "e"');
  });

  it('reports malformed cloze', () => {
    const errs = errorsOf({
      'day-2.md': `---\nday: 2\ntitle: T\ntopics: networking\n---\n## c\nC: broken {{c1::here\n\n## d\nC: no deletion at all\n`,
    });
    expect(errs.some((e) => e.startsWith('day-2.md:7: malformed cloze in note "c"'))).toBe(true);
    expect(errs).toContain(
      'day-2.md:10: malformed cloze in note "d": no deletion such as {{c1::text}}',
    );
  });

  it('reports unknown topics, in front matter and on notes', () => {
    const errs = errorsOf({
      'day-2.md': `---\nday: 2\ntitle: T\ntopics: netwerking\n---\n## t\ntopics: reliability/nope\nQ: q?\nA: a\n`,
    });
    expect(errs.some((e) => e.startsWith('day-2.md:4: unknown topic "netwerking"'))).toBe(true);
    expect(errs.some((e) => e.startsWith('day-2.md:7: unknown topic "reliability/nope"'))).toBe(
      true,
    );
  });

  it('reports duplicate fronts across files', () => {
    const errs = errorsOf({
      'day-2.md': `---\nday: 2\ntitle: T\ntopics: networking\n---\n## dup\nQ: What  is ONE?\nA: again\n`,
    });
    expect(errs).toContain(
      'day-2.md:6: duplicate front "What is ONE?" (also in note "one-basic" at day-1.md:7)',
    );
  });

  it('reports bad front matter', () => {
    expect(errorsOf({ 'day-2.md': `day: 2\n## x\nQ: q?\nA: a\n` })).toContain(
      'day-2.md:1: bad front matter: the file must start with a line `---`',
    );
    expect(
      errorsOf({ 'day-2.md': `---\nday: two\ntitle: T\ntopics: networking\n---\n` }),
    ).toContain('day-2.md:2: bad front matter: day must be a whole number, found "two"');
    expect(errorsOf({ 'day-2.md': `---\ncolour: red\n---\n` })[0]).toMatch(
      /^day-2\.md:2: bad front matter: unknown key "colour"/,
    );
  });

  it('reports every error of a run, not just the first', () => {
    const errs = errorsOf({
      'day-2.md': `---\nday: 2\ntitle: T\ntopics: networking\n---\n## Bad_Id\nQ: q?\nA: a\n## ok\nQ: q2?\nA:\n## mixed\nQ: x?\nC: {{c1::y}}\n`,
    });
    expect(errs.length).toBeGreaterThanOrEqual(3);
  });

  it('rejects a deck folder without deck.md', () => {
    const { errors } = parseDeck([{ path: 'day-1.md', text: DAY1 }], 'mydeck');
    expect(errors[0]).toMatchObject({ file: 'mydeck/deck.md', line: 1 });
  });

  it('sorts notes by day, whatever the file names', () => {
    const deck = miniDeck({
      'a-second.md': miniFiles().find((f) => f.path === 'day-2.md')!.text,
      'day-2.md': '',
    });
    expect(deck.notes.map((n) => n.day)).toEqual([1, 1, 1, 2, 2]);
  });
});

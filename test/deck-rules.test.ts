import { describe, expect, it } from 'vitest';
import { deckCards } from '../src/deck/cards.js';
import { listItems, parseDeck } from '../src/deck/parse.js';
import { DECK_MD, miniFiles } from './helpers.js';

const strict = DECK_MD.replace(
  'title: Mini Deck\n',
  'title: Mini Deck\nrequire: line, source, checklist\nmax-list-items: 3\n',
);

function parse(files: Record<string, string>) {
  const { deck, errors } = parseDeck(miniFiles(files));
  return { deck, errors: errors.map((e) => `${e.file}:${e.line}: ${e.message}`) };
}

const day = (body: string) => `---\nday: 3\ntitle: Third\ntopics: reliability\n---\n${body}`;

describe('type-in notes', () => {
  it('reads Q: and Type: into a type-in card whose back shows the exact text', () => {
    const { deck, errors } = parse({
      'day-3.md': day(
        '## ss-listen\nline: lab\nQ: Which ss command lists listening TCP sockets with their process?\nType: `ss -ltnp`\nA: -l listening, -t TCP, -n numeric, -p process.\n\n## ci\nQ: Signal number of SIGKILL?\nType-ci: Nine\n',
      ),
    });
    expect(errors).toEqual([]);
    const cards = deckCards(deck!);
    const ss = cards.find((c) => c.id === 'ss-listen');
    expect(ss?.kind).toBe('typein');
    expect(ss?.type).toEqual({ text: 'ss -ltnp', ci: false });
    expect(ss?.back).toBe('`ss -ltnp`\n\n-l listening, -t TCP, -n numeric, -p process.');
    expect(cards.find((c) => c.id === 'ci')?.type).toEqual({ text: 'Nine', ci: true });
  });

  it('refuses an empty or multi-line Type:, and Type: beside Term:', () => {
    const { errors } = parse({
      'day-3.md': day(
        '## a\nQ: x?\nType:\n\n## b\nQ: y?\nType: one\ntwo\n\n## c\nTerm: t\nDefinition: d\nType: z\n',
      ),
    });
    expect(errors).toContain('day-3.md:8: empty Type: in note "a"');
    expect(errors).toContain(
      'day-3.md:12: Type: in note "b" must be one line (the exact text to type)',
    );
    expect(errors.some((e) => e.startsWith('day-3.md:15: note "c" mixes kinds'))).toBe(true);
  });
});

describe("a deck's own rules (deck.md)", () => {
  it('requires a line, a source and a checklist when deck.md says so', () => {
    const { errors } = parse({
      'deck.md': strict,
      'day-3.md': day('## x\nQ: What?\nA: That.\n'),
    });
    expect(errors).toContain(
      'day-3.md:5: no checklist: this deck requires one per file, `<!-- checklist` then `- what a candidate can state -> note-id` lines, then `-->`',
    );
    expect(errors.some((e) => /day-3\.md:6: note "x" has no line:/.test(e))).toBe(true);
    expect(errors.some((e) => /day-3\.md:6: note "x" has no source:/.test(e))).toBe(true);
  });

  it('checks that each checklist item names notes of its file', () => {
    const ok = day(
      '<!-- checklist\n- SLO: a target for an SLI -> x\n- unknown -> nope\n- bad line\n-->\n## x\nline: learn\nsource: Google SRE book, ch. 4\nQ: What?\nA: That.\n',
    );
    const { errors } = parse({ 'day-3.md': ok });
    expect(errors).toEqual([
      'day-3.md:9: bad checklist line: write `- what a candidate can state -> note-id, note-id`, found "- bad line"',
      'day-3.md:8: the checklist names note "nope", which is not in this file',
    ]);
    const { deck } = parse({ 'day-3.md': ok.replace('- unknown -> nope\n- bad line\n', '') });
    expect(deck?.days.find((d) => d.day === 3)?.checklist).toEqual([
      { text: 'SLO: a target for an SLI', notes: ['x'], line: 7 },
    ]);
  });

  it('limits list items in backs, but not of story and design notes', () => {
    const list = 'A: - one\n- two\n- three\n- four\n';
    const { errors } = parse({
      'deck.md': DECK_MD.replace('title: Mini Deck\n', 'title: Mini Deck\nmax-list-items: 3\n'),
      'day-3.md': day(
        `## long\nline: learn\nQ: Four?\n${list}\n## story\nline: story\nQ: Tell me.\n${list}`,
      ),
    });
    expect(errors).toEqual([
      'day-3.md:9: A: of note "long" is a list of 4 items; this deck allows at most 3 (split it into cards of one fact each)',
    ]);
    expect(listItems('- a\n```\n- not an item\n```\n1. b')).toBe(2);
  });

  it('reports an unclosed code fence at the line that opens it', () => {
    const { errors } = parse({ 'day-3.md': day('## f\nQ: Code?\nA: see\n```\nrm -rf\n\nmore\n') });
    expect(errors).toContain('day-3.md:9: a code fence (```) is opened here and never closed');
  });
});

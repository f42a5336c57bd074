/**
 * The keys Anki users press on the review screen: type-in answers with a diff, card
 * info (i), flags (f then a digit, Ctrl-digits), marks (*), and Anki's -, @, Ctrl-Z.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NO_FILTER } from '../src/core/queue.js';
import { Session } from '../src/session/session.js';
import { readAllEvents } from '../src/store/log/file.js';
import { ctrlDigit, ReviewApp } from '../src/ui/ReviewApp.js';
import { editLine } from '../src/ui/review-state.js';
import { cleanup, logFile, miniDeck, openMini, tempDir } from './helpers.js';
import { press, renderTerm, settle } from './term.js';

afterEach(cleanup);

const TYPEIN = `---
day: 0
title: Typing
topics: networking
---

## t-strace
line: lab
Q: Count the syscalls of PID 1234 with strace (flags -c -p).
Type: strace -c -p 1234
A: -c counts.

## t-ci
line: lab
Q: The signal kill -9 sends?
Type-ci: SIGKILL
`;

function setup(columns = 80, overrides: Record<string, string> = {}, rows = 60) {
  const dir = tempDir();
  const clock = { t: new Date('2026-03-01T09:00:00Z') };
  const now = () => clock.t;
  const col = openMini(dir, clock.t, { deck: miniDeck(overrides) });
  const session = new Session(col, NO_FILTER, now);
  const term = renderTerm(
    <ReviewApp session={session} label="Mini Deck" now={now} />,
    columns,
    rows,
  );
  return { dir, clock, col, session, term };
}

const events = (dir: string) => readAllEvents(logFile(dir));

describe('type-in answers', () => {
  it('keeps the typed line in view below a card taller than the screen', async () => {
    const long = Array.from({ length: 12 }, (_, k) => `Line ${k} of a long question.`).join(' ');
    const deck = `---\nday: 0\ntitle: Typing\ntopics: networking\n---\n\n## t-long\nline: lab\nQ: ${long}\nType: yes\nA: Yes.\n`;
    const { term, col } = setup(40, { 'day-0.md': deck }, 14);
    await settle(term);
    await press(term, 'jk');
    const frame = term.lastFrame() ?? '';
    expect(frame).toContain('› jk');
    // j and k went into the answer, so the marker offers the arrows only.
    expect(frame).toMatch(/lines below · ↑↓ scroll/);
    expect(frame).not.toContain('j k scroll');
    expect(frame.split('\n').length).toBeLessThanOrEqual(14);
    term.unmount();
    col.close();
  });

  it('an exact answer shows ✓, and Space then grades Good', async () => {
    const { term, col, dir } = setup(80, { 'day-0.md': TYPEIN });
    await settle(term);
    expect(term.lastFrame()).toContain('Count the syscalls');
    expect(term.lastFrame()).toContain('Type the answer; Enter compares');
    // Keys a session would act on are typed here: q, u, s, space.
    await press(term, 'strace -c -p 1234');
    expect(term.lastFrame()).toContain('› strace -c -p 1234');
    expect(col.state.cards['t-strace']?.suspended).toBe(false);
    await press(term, '\r');
    const frame = term.lastFrame();
    expect(frame).toContain('✓ strace -c -p 1234');
    expect(frame).toContain('-c counts.');
    expect(frame).toMatch(/1 +Again/);
    expect(frame).toContain('space Good');
    await press(term, ' ');
    expect(events(dir).map((e) => e.type === 'answer' && [e.card, e.rating])).toEqual([
      ['t-strace', 3],
    ]);
    term.unmount();
    col.close();
  });

  it('a miss shows what was typed against what was expected, and suggests Again', async () => {
    const { term, col, dir } = setup(80, { 'day-0.md': TYPEIN });
    await settle(term);
    await press(term, 'strace -c -p 1243');
    await press(term, '\r');
    const lines = term.lines();
    expect(lines).toContain('✗ not quite · Space grades Again');
    const typed = lines.findIndex((l) => l.startsWith('typed'));
    expect(lines.slice(typed, typed + 4)).toEqual([
      'typed     strace -c -p 12_43',
      '                           ~',
      'expected  strace -c -p 1234',
      '                         ^',
    ]);
    expect(lines).toContain('~ wrong/extra · _ not typed · ^ missed');
    // The diff does not grade: Space does, with the suggested Again.
    expect(events(dir)).toHaveLength(0);
    await press(term, ' ');
    expect(events(dir).map((e) => e.type === 'answer' && e.rating)).toEqual([1]);
    term.unmount();
    col.close();
  });

  it('an empty answer is a miss: nothing typed against what was expected, and Again suggested', async () => {
    const { term, col, dir } = setup(80, { 'day-0.md': TYPEIN });
    await settle(term);
    await press(term, '\r');
    const lines = term.lines();
    expect(lines).toContain('✗ not quite · Space grades Again');
    expect(lines.some((l) => l.startsWith('expected  strace -c -p 1234'))).toBe(true);
    expect(events(dir)).toHaveLength(0);
    await press(term, ' ');
    expect(events(dir).map((e) => e.type === 'answer' && e.rating)).toEqual([1]);
    term.unmount();
    col.close();
  });

  it('edits the line: arrows, Home, End, Backspace, Delete, Ctrl-U; only printable characters', async () => {
    const { term, col } = setup(80, { 'day-0.md': TYPEIN });
    await settle(term);
    await press(term, 'stace');
    await press(term, '\u001b[D\u001b[D\u001b[D\u001b[D'); // ← × 4: after "s"
    await press(term, 'tr');
    await press(term, '\u001b[C'); // →: past "t"
    await press(term, '\u001b[3~'); // Delete: the "a"
    await press(term, '\u007f'); // Backspace (DEL): the "t"
    expect(term.lastFrame()).toContain('› strce');
    await press(term, '\u0015'); // Ctrl-U
    await press(term, 'a\u0007b');
    expect(term.lastFrame()).toContain('› ab');
    await press(term, '\u001b[H'); // Home
    await press(term, 'x');
    await press(term, '\u001b[F'); // End
    await press(term, 'y');
    expect(term.lastFrame()).toContain('› xaby');
    term.unmount();
    col.close();
  });

  it('Type-ci compares without case; Esc leaves the line and keeps the session', async () => {
    const { term, col, dir, session } = setup(80, { 'day-0.md': TYPEIN });
    await settle(term);
    await press(term, '\u001b'); // Esc: no typing for this card
    expect(term.lastFrame()).toContain('Not typing: Space shows the answer.');
    await press(term, ' ');
    expect(term.lastFrame()).toContain('-c counts.');
    expect(term.lastFrame()).not.toContain('not quite');
    await press(term, '3');
    expect(term.lastFrame()).toContain('The signal kill -9 sends?');
    await press(term, 'sigkill\r');
    expect(term.lastFrame()).toContain('✓ SIGKILL');
    expect(events(dir)).toHaveLength(1);
    expect(session.reviewed).toBe(1);
    term.unmount();
    col.close();
  });

  it('Esc and ? close the keys over a card that takes a typed answer, typing nothing', async () => {
    for (const close of ['\u001b', '?']) {
      const { term, col } = setup(80, { 'day-0.md': TYPEIN });
      await settle(term);
      await press(term, '\u001b'); // the first card without typing
      await press(term, '?');
      expect(term.lastFrame()).toContain('mark or unmark the note');
      await press(term, ' ');
      await press(term, '3'); // the next card takes a typed answer, under the keys
      await press(term, close);
      expect(term.lastFrame()).not.toContain('mark or unmark the note');
      expect(term.lastFrame()).toContain('The signal kill -9 sends?');
      expect(term.lastFrame()).toContain('Type the answer; Enter compares');
      // Nothing reached the line: the answer typed now is compared alone.
      await press(term, 'sigkill\r');
      expect(term.lastFrame()).toContain('✓ SIGKILL');
      term.unmount();
      col.close();
    }
  });

  it('fits a miss at 40 columns, markers under their characters', async () => {
    const { term, col } = setup(40, { 'day-0.md': TYPEIN });
    await settle(term);
    await press(term, 'strace -c -p 1234 --follow-forks\r');
    const lines = term.lines();
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    const typed = lines.findIndex((l) => l.startsWith('typed'));
    expect(lines.slice(typed, typed + 5)).toEqual([
      'typed     strace -c -p 1234 --follow-for',
      '                           ~~~~~~~~~~~~~',
      '          ks',
      '          ~~',
      'expected  strace -c -p 1234',
    ]);
    term.unmount();
    col.close();
  });
});

describe('card info, flags and marks on the review screen', () => {
  it('i shows card info over the card, with its answers; any key closes it', async () => {
    const { term, col, clock } = setup();
    await settle(term);
    clock.t = new Date('2026-03-01T09:00:07Z');
    await press(term, ' 3'); // one-basic: Good, learning for 10 minutes
    clock.t = new Date('2026-03-01T09:11:00Z');
    await press(term, ' 4'); // one-rev: Easy; one-basic is due again and comes next
    expect(term.lastFrame()).toContain('What is one?');
    await press(term, 'i');
    const frame = term.lastFrame();
    expect(frame).toContain('Card info · one-basic');
    expect(frame).toMatch(/added +2026-03-01 09:00 UTC/);
    expect(frame).toMatch(/first review +2026-03-01 09:00 UTC/);
    expect(frame).toMatch(/due +2026-03-01 09:10 UTC/);
    expect(frame).toMatch(/stability +\d+\.\d\d days/);
    expect(frame).toMatch(/recall now +\d+\.\d%/);
    expect(frame).toMatch(/reps +1/);
    expect(frame).toMatch(/total time +7\.0s/);
    expect(frame).toMatch(/written in +day-1\.md:7/);
    expect(frame).toContain('Answers (1)');
    expect(frame).toMatch(/2026-03-01 09:00:07 +good +new +10m +7\.0s/);
    expect(frame).toContain('any other key closes the card info');
    await press(term, 'q'); // closes, does not quit
    expect(term.lastFrame()).toContain('What is one?');
    expect(term.lastFrame()).not.toContain('Card info');
    term.unmount();
    col.close();
  });

  it('card info taller than the screen scrolls with ↑↓ j k, and another key closes it', async () => {
    const { term, col } = setup(80, {}, 16);
    await settle(term);
    await press(term, 'i');
    expect(term.lastFrame()).toContain('Card info · one-basic');
    expect(term.lastFrame()).toMatch(/↓ \d+ lines? below/);
    await press(term, 'j');
    expect(term.lastFrame()).toContain('↑ 1 line above');
    await press(term, 'j');
    expect(term.lastFrame()).toContain('↑ 2 lines above');
    await press(term, 'k');
    expect(term.lastFrame()).toContain('↑ 1 line above');
    expect(term.lastFrame()).toContain('any other key closes the card info');
    await press(term, 'x');
    expect(term.lastFrame()).not.toContain('Card info');
    expect(term.lastFrame()).toContain('What is one?');
    expect(term.lastFrame()).not.toMatch(/lines? above/);
    term.unmount();
    col.close();
  });

  it('f then a digit flags the card, in the log before the screen says so; f 0 clears', async () => {
    const { term, col, dir } = setup();
    await settle(term);
    await press(term, 'f');
    expect(term.lastFrame()).toContain('Flag: 1 red');
    await press(term, '2');
    expect(col.state.cards['one-basic']?.flag).toBe(2);
    expect(events(dir).map((e) => e.type)).toEqual(['flag']);
    expect(term.lastFrame()).toContain('Flagged orange. u undoes.');
    expect(term.lastFrame()).toContain('⚑\u00a0orange');
    await press(term, 'f0');
    expect(col.state.cards['one-basic']?.flag ?? 0).toBe(0);
    expect(term.lastFrame()).not.toContain('⚑');
    await press(term, 'fx');
    expect(term.lastFrame()).toContain('No flag set.');
    // The card stays: a flag is not an answer.
    expect(term.lastFrame()).toContain('What is one?');
    term.unmount();
    col.close();
  });

  it('Ctrl-digits flag where the terminal sends them', async () => {
    expect(ctrlDigit('1', true)).toBe(1);
    expect(ctrlDigit('7', true)).toBe(7);
    expect(ctrlDigit('1', false)).toBeNull();
    expect(ctrlDigit('[27;5;52~', false)).toBe(4);
    expect(ctrlDigit('\u001e', false)).toBe(6);
    const { term, col } = setup();
    await settle(term);
    await press(term, '\u001b[55;5u'); // kitty: Ctrl-7
    expect(col.state.cards['one-basic']?.flag).toBe(7);
    expect(term.lastFrame()).toContain('⚑\u00a0purple');
    term.unmount();
    col.close();
  });

  it('* marks the note (both cards of a reversible note), and again unmarks it', async () => {
    const { term, col, dir } = setup();
    await settle(term);
    await press(term, ' 4'); // to one-rev
    await press(term, '*');
    expect(col.state.cards['one-rev']?.marked).toBe(true);
    expect(col.state.cards['one-rev:rev']?.marked).toBe(true);
    expect(term.lastFrame()).toContain('★\u00a0marked');
    expect(term.lastFrame()).toContain('Note marked. u undoes.');
    await press(term, 'u'); // undoes the mark, the card stays
    expect(col.state.cards['one-rev']?.marked ?? false).toBe(false);
    expect(term.lastFrame()).toContain('DNS');
    expect(term.lastFrame()).not.toContain('★\u00a0marked');
    expect(events(dir).map((e) => e.type)).toEqual(['answer', 'mark', 'undo']);
    term.unmount();
    col.close();
  });

  it("Anki's - buries, @ suspends, Ctrl-Z undoes", async () => {
    const { term, col } = setup();
    await settle(term);
    await press(term, '-');
    expect(col.state.cards['one-basic']?.buriedDay).toBe('2026-03-01');
    await press(term, '@');
    expect(col.state.cards['one-rev']?.suspended).toBe(true);
    await press(term, '\u001a');
    expect(col.state.cards['one-rev']?.suspended).toBe(false);
    expect(term.lastFrame()).toContain('Undone.');
    await press(term, '?');
    expect(term.lastFrame()).toContain('mark or unmark the note');
    expect(term.lastFrame()).toContain("edit the card's source");
    term.unmount();
    col.close();
  });

  it('Esc closes the keys and card info first, and quits only from the card', async () => {
    const { term, col } = setup();
    await settle(term);
    await press(term, '?');
    expect(term.lastFrame()).toContain('mark or unmark the note');
    await press(term, '\u001b');
    expect(term.lastFrame()).not.toContain('mark or unmark the note');
    expect(term.lastFrame()).not.toContain('Session done');
    await press(term, 'i');
    expect(term.lastFrame()).toContain('Card info');
    await press(term, '\u001b');
    expect(term.lastFrame()).not.toContain('Card info');
    expect(term.lastFrame()).not.toContain('Session done');
    await press(term, '\u001b');
    expect(term.lastFrame()).toContain('Session done');
    col.close();
  });
});

describe('the line editor', () => {
  it('inserts at the cursor, by code points', () => {
    expect(editLine({ text: 'ab', cursor: 1 }, { insert: 'é😀' })).toEqual({
      text: 'aé😀b',
      cursor: 3,
    });
    expect(editLine({ text: 'a😀b', cursor: 2 }, 'backspace')).toEqual({ text: 'ab', cursor: 1 });
    expect(editLine({ text: 'ab', cursor: 2 }, 'delete')).toEqual({ text: 'ab', cursor: 2 });
    expect(editLine({ text: 'ab', cursor: 0 }, 'left')).toEqual({ text: 'ab', cursor: 0 });
  });
});

import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_FILTER } from '../src/core/queue.js';
import { Session } from '../src/session/session.js';
import { ReviewApp } from '../src/ui/ReviewApp.js';
import { cleanup, miniDeck, openMini, tempDir } from './helpers.js';
import { press, renderTerm, settle } from './term.js';

afterEach(cleanup);

const T = new Date('2026-03-01T09:00:00Z');

/** A one-card deck whose answer is `back`. */
function oneCard(back: string, front = 'What does the runbook say?') {
  return miniDeck({
    'day-1.md': '',
    'day-2.md': `---\nday: 2\ntitle: Runbooks\ntopics: networking\n---\n\n## rb\nQ: ${front}\nA: ${back}\n`,
  });
}

/** A paragraph hard-wrapped at 95 columns, as the deck sources are. */
const HARD_WRAPPED = `A baseline of the old version started at the same time, at the same size and on the same traffic
differs from the canary only in the new version. Long-running production hosts also differ in
uptime, warm caches and memory state, which adds noise and false verdicts.`;

const CODE = '```\nkubectl rollout status deploy/api\nkubectl get pods -l app=api -o wide\n```';

/** A card holding a long wrapped list, a hard-wrapped paragraph and a code block. */
const RICH = `${HARD_WRAPPED}\n- **Action**: page the on-call engineer, open an incident channel, and post a status update every thirty minutes\n- **Check**: the canary's error rate and latency against the\n  baseline's, over the same window\n${CODE}`;

const LONG_ITEM =
  '- **Action**: page the on-call engineer, open an incident channel, and post a status update every thirty minutes until it is mitigated\n- short one';

function open(deck = oneCard(LONG_ITEM)) {
  const col = openMini(tempDir(), T, { deck });
  const now = () => T;
  const session = new Session(col, NO_FILTER, now);
  return { col, el: <ReviewApp session={session} label="Mini Deck" now={now} /> };
}

/** The lines of a list item in a frame: the marker line and its continuation lines. */
function itemLines(lines: string[], start: string): string[] {
  const i = lines.findIndex((l) => l.startsWith(start));
  expect(i, `no line starts with ${start}:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
  const out = [lines[i] as string];
  for (let j = i + 1; j < lines.length && /^ {2}\S/.test(lines[j] ?? ''); j++)
    out.push(lines[j] as string);
  return out;
}

describe('review screen layout', () => {
  for (const columns of [40, 80, 100]) {
    it(`wraps a list item with a hanging indent at ${columns} columns`, async () => {
      const { col, el } = open();
      const term = renderTerm(el, columns);
      await settle(term);
      await press(term, ' ');
      const lines = term.lines();
      const item = itemLines(lines, '• Action: ');
      expect(item.length).toBeGreaterThan(1);
      // Every word of the item is there, in order, and no line is wider than the terminal.
      expect(item.map((l) => l.trim()).join(' ')).toBe(
        '• Action: page the on-call engineer, open an incident channel, and post a status update every thirty minutes until it is mitigated',
      );
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(columns);
      expect(lines).toContain('• short one');
      term.unmount();
      col.close();
    });
  }

  for (const columns of [40, 80, 100]) {
    it(`joins a hard-wrapped paragraph and wraps it to ${columns} columns; code keeps its lines`, async () => {
      const { col, el } = open(oneCard(RICH));
      const term = renderTerm(el, columns);
      await settle(term);
      await press(term, ' ');
      const lines = term.lines();
      const start = lines.findIndex((l) => l.startsWith('A baseline of the old'));
      const end = lines.findIndex((l) => l.startsWith('• Action'));
      expect(start).toBeGreaterThan(0);
      const para = lines.slice(start, end);
      expect(para.join(' ')).toBe(HARD_WRAPPED.replace(/\n/g, ' '));
      // Filled greedily: the next line's first word would not have fitted on the line before.
      for (let i = 0; i + 1 < para.length; i++) {
        const next = (para[i + 1] ?? '').split(' ')[0] ?? '';
        expect((para[i] ?? '').length + 1 + next.length).toBeGreaterThan(columns);
      }
      // The list item's continuation line joins it.
      expect(
        itemLines(lines, '• Check: ')
          .map((l) => l.trim())
          .join(' '),
      ).toBe(
        "• Check: the canary's error rate and latency against the baseline's, over the same window",
      );
      expect(lines).toContain('│ kubectl rollout status deploy/api');
      expect(lines).toContain('│ kubectl get pods -l app=api -o wide');
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(columns);
      term.unmount();
      col.close();
    });
  }

  it('keeps the hanging indent in the 100-column test renderer too', async () => {
    const { col, el } = open();
    const app = render(el);
    await new Promise((r) => setTimeout(r, 30));
    app.stdin.write(' ');
    await new Promise((r) => setTimeout(r, 60));
    const lines = (app.lastFrame() ?? '').split('\n');
    expect(itemLines(lines, '• Action: ')).toHaveLength(2);
    app.unmount();
    col.close();
  });
});

/** An answer far taller than a terminal of 24 rows. */
const TALL = Array.from({ length: 40 }, (_, i) => `- step ${i + 1} of the runbook`).join('\n');

describe('a card taller than the terminal', () => {
  it('scrolls inside the screen at 80×24, keeping the header, with a marker', async () => {
    const { col, el } = open(oneCard(TALL));
    const term = renderTerm(el, 80, 24);
    await settle(term);
    await press(term, ' ');
    let lines = term.lines();
    expect(lines.length).toBeLessThan(24);
    expect(lines[0]).toMatch(/^Mini Deck +New 1 · Learning 0 · Due 0$/);
    expect(lines).toContain('• step 1 of the runbook');
    expect(lines.join('\n')).not.toContain('step 40 of');
    const marker = lines.find((l) => l.includes('lines below'));
    expect(marker).toMatch(/↓ \d+ lines below/);
    // The buttons stay on screen, below the card's window.
    expect(lines.join('\n')).toMatch(/1 +Again 1m/);
    await press(term, 'jj');
    lines = term.lines();
    expect(lines[0]).toContain('New 1');
    expect(lines.find((l) => l.includes('above'))).toMatch(/↑ 2 lines above/);
    // Page down to the end: the last step shows, and nothing is below.
    for (let i = 0; i < 5; i++) await press(term, '\u001b[6~');
    lines = term.lines();
    expect(lines).toContain('• step 40 of the runbook');
    expect(lines.join('\n')).not.toContain('below');
    expect(lines.length).toBeLessThan(24);
    await press(term, 'k');
    expect(term.lines().join('\n')).toMatch(/↓ 1 line below/);
    // The next card starts at its top.
    await press(term, '3');
    expect(term.lines()[0]).toContain('Mini Deck');
    term.unmount();
    col.close();
  });

  it('never draws more lines than the terminal has, whatever its size', async () => {
    for (const [columns, rows] of [
      [80, 24],
      [80, 36],
      [40, 24],
      [40, 12],
    ] as const) {
      const { col, el } = open(oneCard(RICH + '\n' + TALL));
      const term = renderTerm(el, columns, rows);
      await settle(term);
      for (const keys of ['', ' ', '?', '?', 'jjjj']) {
        await press(term, keys);
        const lines = term.lines();
        expect(lines.length, `${columns}×${rows} after "${keys}"`).toBeLessThan(rows);
        for (const l of lines) expect(l.length).toBeLessThanOrEqual(columns);
      }
      term.unmount();
      col.close();
    }
  });
});

describe('narrow terminals', () => {
  it('at 40 columns: title and counts apart, buttons in rows without blank lines', async () => {
    const { col, el } = open(oneCard(RICH));
    const term = renderTerm(el, 40);
    await settle(term);
    let lines = term.lines();
    expect(lines[0]).toMatch(/^Mini Deck +New 1 · Learning 0 · Due 0$/);
    await press(term, ' ');
    lines = term.lines();
    const again = lines.findIndex((l) => /1 +Again/.test(l));
    expect(lines[again]).toMatch(/^ 1 +Again 1m +2 +Hard 6m$/);
    expect(lines[again + 1]).toMatch(/^ 3 +Good 10m +4 +Easy \d+d$/);
    // The two rows of buttons are aligned in columns.
    expect(lines[again]?.indexOf('2 ')).toBe(lines[again + 1]?.indexOf('4 '));
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    await press(term, '?');
    for (const l of term.lines()) expect(l.length).toBeLessThanOrEqual(40);
    expect(term.lines().join('\n')).toContain('bury this card until');
    await press(term, '?4');
    lines = term.lines();
    expect(lines.join('\n')).toContain('Session done');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    term.unmount();
    col.close();
  });

  it('cuts a title too long for the line, and never lets it run into the counts', async () => {
    const col = openMini(tempDir(), T, { deck: oneCard('A.') });
    const session = new Session(col, NO_FILTER, () => T);
    const label = 'A deck with a title far too long for a narrow terminal';
    const term = renderTerm(<ReviewApp session={session} label={label} now={() => T} />, 40);
    await settle(term);
    const lines = term.lines();
    expect(lines[0]).toBe('A deck with a title far too long for a…');
    expect(lines[1]).toBe('New 1 · Learning 0 · Due 0');
    term.unmount();
    col.close();
  });

  it('a line that exactly fills the width does not push a space onto the next', async () => {
    // "Exactly forty columns wide, then more." fills 40 columns up to "then".
    const text = 'Exactly forty columns of text go here ok then the rest follows';
    const { col, el } = open(oneCard('A.', text));
    const term = renderTerm(el, 40);
    await settle(term);
    const lines = term.lines();
    const i = lines.findIndex((l) => l.startsWith('Exactly'));
    expect(lines[i]).toBe('Exactly forty columns of text go here ok');
    expect(lines[i + 1]).toBe('then the rest follows');
    term.unmount();
    col.close();
  });

  it('lays the screen out again when the terminal is resized', async () => {
    const { col, el } = open(oneCard(RICH));
    const term = renderTerm(el, 100, 40);
    await settle(term);
    await press(term, ' ');
    term.resize(40, 24);
    await settle(term);
    let lines = term.lines();
    expect(lines[0]).toMatch(/^Mini Deck +New 1 · Learning 0 · Due 0$/);
    expect(lines[0]?.length).toBe(40);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    expect(lines.length).toBeLessThan(24);
    term.resize(100, 40);
    await settle(term);
    lines = term.lines();
    expect(lines[0]).toMatch(/^Mini Deck +New 1 · Learning 0 · Due 0$/);
    expect(lines[0]?.length).toBe(100);
    term.unmount();
    col.close();
  });
});

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

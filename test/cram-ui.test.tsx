import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { cramSession } from '../src/session/cram.js';
import { readAllEvents } from '../src/store/log/file.js';
import { ReviewApp } from '../src/ui/ReviewApp.js';
import { cleanup, openMini, tempDir, logFile } from './helpers.js';

afterEach(cleanup);
/**
 * Waits until `ok()` holds, failing after 5 s; then lets the screen settle, since Ink
 * takes the next key with the handler of the frame before until its effects have run.
 */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error('timed out waiting for the screen');
  await new Promise((r) => setTimeout(r, 100));
}

describe('cram on the review screen', () => {
  it('shows cram buttons, logs cram answers, and leaves every card as it was', async () => {
    const dir = tempDir();
    const T = new Date('2026-03-01T09:00:00Z');
    const col = openMini(dir, T);
    col.answer('one-basic', 'easy', T, 1000);
    const cards = structuredClone(col.state.cards);
    const days = structuredClone(col.state.days);
    const now = () => new Date('2026-03-02T21:00:00Z');
    const session = cramSession(col, { topics: ['reliability'], days: null, decks: [] }, now);
    const exits: unknown[] = [];
    const app = render(
      <ReviewApp
        session={session}
        label="Cram · Mini Deck"
        now={now}
        onExit={(r) => exits.push(r)}
      />,
    );
    const frame = () => app.lastFrame() ?? '';
    await until(() => frame().includes('What is one?'));
    expect(frame()).toContain('Cram · Mini Deck');
    // reliability: day 1's three notes, five cards; the studied card first.
    expect(frame()).toContain('New 4 · Learning 0 · Due 1');
    app.stdin.write(' ');
    await until(() => frame().includes('again soon'));
    expect(frame()).toMatch(/1 +Again again soon/);
    expect(frame()).toMatch(/3 +Good done/);
    app.stdin.write('1');
    await until(() => session.reviewed === 1 && frame().includes('Space or Enter'));
    for (let i = 2; i <= 6; i++) {
      // Reveal and grade Good in one go: keys that arrive together are taken in turn.
      app.stdin.write(' 3');
      await until(() => session.reviewed === i);
    }
    await until(() => frame().includes('Session done'));
    expect(frame()).toContain('Reviewed 6 cards · Again 17%');
    expect(exits).toHaveLength(1);
    const answers = readAllEvents(logFile(dir)).filter((e) => e.type === 'answer');
    expect(answers).toHaveLength(7);
    expect(answers.slice(1).every((e) => e.type === 'answer' && e.cram === true)).toBe(true);
    expect(col.state.cards).toEqual(cards);
    expect(col.state.days).toEqual(days);
    col.close();
  });
});

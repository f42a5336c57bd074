import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../src/session/session.js';
import { becomesLeech } from '../src/core/leech.js';
import { NEW_STATE } from '../src/core/scheduler.js';
import { readAllEvents } from '../src/store/log/file.js';
import type { Collection } from '../src/store/collection.js';
import { ReviewApp } from '../src/ui/ReviewApp.js';
import { cleanup, cli, openMini, tempDir, logFile } from './helpers.js';

afterEach(cleanup);

const T = new Date('2026-03-01T09:00:00Z');
/**
 * Waits until `ok()` holds, failing after 5 s; then lets the screen settle, since Ink
 * takes the next key with the handler of the frame before until its effects have run.
 */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error('timed out waiting for the screen');
  await new Promise((r) => setTimeout(r, 100));
}

/** Makes `id` a review card, then forgets it `lapses` times, relearning it each time. */
function lapse(col: Collection, id: string, lapses: number): Date {
  let now = T;
  col.answer(id, 'easy', now, 1000);
  for (let i = 0; i < lapses; i++) {
    const rec = col.state.cards[id]!;
    if (rec.suspended) break;
    now = new Date(rec.sched.due!);
    col.answer(id, 'again', now, 1000);
    if (col.state.cards[id]!.suspended) break;
    now = new Date(col.state.cards[id]!.sched.due!);
    col.answer(id, 'good', now, 1000);
  }
  return now;
}

describe('leeches', () => {
  it('follows Anki: at the threshold, then every half threshold after it', () => {
    const s = (lapses: number) => ({ ...NEW_STATE, state: 'review' as const, lapses });
    const hits = [];
    for (let n = 1; n <= 16; n++) if (becomesLeech(s(n - 1), s(n), 8)) hits.push(n);
    expect(hits).toEqual([8, 12, 16]);
    expect(becomesLeech(s(3), s(3), 3)).toBe(false); // no new lapse
    expect(becomesLeech(s(0), s(1), 1)).toBe(true);
    expect(becomesLeech(s(1), s(2), 1)).toBe(true);
    expect(becomesLeech(s(7), s(8), 0)).toBe(false); // off
  });

  it('tags and suspends a card when its lapses reach the threshold, with a suspend event after the answer', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    col.updateSettings({ ...col.settings, leechThreshold: 2 }, T);
    lapse(col, 'one-basic', 1);
    expect(col.state.cards['one-basic']).toMatchObject({ suspended: false });
    expect(col.state.cards['one-basic']?.leech).toBeUndefined();
    lapse(col, 'two-a', 2);
    const rec = col.state.cards['two-a']!;
    expect(rec.sched.lapses).toBe(2);
    expect(rec.suspended).toBe(true);
    expect(rec.leech).toBe(true);
    const events = readAllEvents(logFile(dir));
    const last = events.slice(-2);
    expect(last.map((e) => e.type)).toEqual(['answer', 'suspend']);
    expect(last[1]).toMatchObject({ card: 'two-a', leech: { before: false } });
    col.close();
  });

  it('one undo takes back both the answer and the leech suspension', () => {
    const col = openMini(tempDir(), T);
    col.updateSettings({ ...col.settings, leechThreshold: 1 }, T);
    col.answer('two-a', 'easy', T, 1000);
    const before = structuredClone(col.state.cards['two-a']);
    const now = new Date(col.state.cards['two-a']!.sched.due!);
    col.answer('two-a', 'again', now, 1000);
    expect(col.state.cards['two-a']).toMatchObject({ suspended: true, leech: true });
    const undone = col.undo(now);
    expect(undone?.type).toBe('answer');
    expect(col.state.cards['two-a']).toEqual({ ...before, leech: false });
    expect(col.canUndo).toBe(true);
    col.close();
  });

  it('the review session drops the leech from today and the screen says so', async () => {
    const col = openMini(tempDir(), T);
    col.updateSettings({ ...col.settings, leechThreshold: 1 }, T);
    col.answer('two-a', 'easy', T, 1000);
    const due = new Date(col.state.cards['two-a']!.sched.due!);
    const now = () => due;
    const session = new Session(col, { topics: [], days: [2, 2], decks: [] }, now);
    const app = render(<ReviewApp session={session} label="Mini" now={now} />);
    const frame0 = () => app.lastFrame() ?? '';
    await until(() => frame0().includes('What is two-a?'));
    app.stdin.write(' ');
    await until(() => frame0().includes('Again'));
    app.stdin.write('1');
    await until(() => frame0().includes('Leech:'));
    const frame = app.lastFrame() ?? '';
    expect(frame).toContain('Leech: two-a was forgotten too often and is suspended. u undoes.');
    expect(session.leech).toBe('two-a');
    expect(frame).not.toContain('What is two-a?');
    app.unmount();
    col.close();
  });

  it('shows the leech flag in show and list, from the command line', () => {
    const dir = tempDir();
    const env = (now: string) => ({ SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now });
    const id = (
      JSON.parse(cli(['list', '--json'], env('2026-03-01T09:00:00Z')).stdout) as { id: string }[]
    )[0]!.id;
    expect(cli(['config', 'set', 'leech-threshold', '1'], env('2026-03-01T09:00:00Z')).status).toBe(
      0,
    );
    expect(cli(['answer', id, 'easy'], env('2026-03-01T09:00:00Z')).status).toBe(0);
    const r = cli(['answer', id, 'again', '--json'], env('2026-03-20T09:00:00Z'));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id, lapses: 1, suspended: true, leech: true });
    const text = cli(['show', id], env('2026-03-20T09:00:00Z')).stdout;
    expect(text).toMatch(/state: +relearning \(suspended\) \(leech\)/);
    const list = JSON.parse(cli(['list', '--json'], env('2026-03-20T09:00:00Z')).stdout) as {
      id: string;
      leech: boolean;
    }[];
    expect(list.find((c) => c.id === id)?.leech).toBe(true);
    expect(list.filter((c) => c.leech)).toHaveLength(1);
  });
});

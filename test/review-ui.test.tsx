import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_FILTER } from '../src/core/queue.js';
import { Session } from '../src/session/session.js';
import { readAllEvents } from '../src/store/log/file.js';
import { ReviewApp } from '../src/ui/ReviewApp.js';
import { cleanup, miniDeck, openMini, tempDir, logFile } from './helpers.js';

afterEach(cleanup);
const tick = () => new Promise((r) => setTimeout(r, 30));

/** A session of the deck on a new collection, not yet on screen. */
function sessionOf(deck = miniDeck()) {
  const dir = tempDir();
  const clock = { t: new Date('2026-03-01T09:00:00Z') };
  const now = () => clock.t;
  const col = openMini(dir, clock.t, { deck });
  const session = new Session(col, NO_FILTER, now);
  return { dir, clock, now, col, session };
}

function setup(deck = miniDeck()) {
  const { dir, clock, now, col, session } = sessionOf(deck);
  const exits: { error: string | null }[] = [];
  const app = render(
    <ReviewApp session={session} label="Mini Deck" now={now} onExit={(r) => exits.push(r)} />,
  );
  return { dir, clock, col, session, app, exits };
}

/** Types keys, then waits until the screen has settled (no change for a while). */
async function press(app: ReturnType<typeof render>, keys: string) {
  app.stdin.write(keys);
  await settle(app);
}

async function settle(app: ReturnType<typeof render>) {
  let last = app.lastFrame();
  let still = 0;
  for (let i = 0; i < 200 && still < 4; i++) {
    await new Promise((r) => setTimeout(r, 15));
    const f = app.lastFrame();
    still = f === last ? still + 1 : 0;
    last = f;
  }
}

describe('review screen', () => {
  it('shows the front, reveals the back with interval labels, and grades', async () => {
    const { app, col, dir, clock } = setup();
    await tick();
    let frame = app.lastFrame() ?? '';
    expect(frame).toContain('Mini Deck');
    expect(frame).toContain('New 5 · Learning 0 · Due 0');
    expect(frame).toContain('What is one?');
    expect(frame).not.toContain('The first.');
    expect(frame).toContain('space show · 1-4 grade');
    await press(app, ' ');
    frame = app.lastFrame() ?? '';
    expect(frame).toContain('The first.');
    // Space now grades, and the keys say how.
    expect(frame).toContain('space Good · 1-4 grade');
    expect(frame).toMatch(/1 +Again 1m/);
    expect(frame).toMatch(/2 +Hard 6m/);
    expect(frame).toMatch(/3 +Good 10m/);
    expect(frame).toMatch(/4 +Easy \d+d/);
    clock.t = new Date('2026-03-01T09:00:12Z');
    await press(app, '3');
    frame = app.lastFrame() ?? '';
    expect(frame).toContain('DNS');
    expect(frame).toContain('New 4 · Learning 1 · Due 0');
    const events = readAllEvents(logFile(dir));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'answer', card: 'one-basic', rating: 3, ms: 12000 });
    expect(col.state.cards['one-basic']?.sched.state).toBe('learning');
    app.unmount();
    col.close();
  });

  it('undoes answers several levels deep, restoring the exact state, and shows the card again', async () => {
    const { app, col, dir } = setup();
    await tick();
    const before = structuredClone(col.state.cards);
    await press(app, ' ');
    await press(app, '4'); // one-basic: Easy
    await press(app, ' ');
    await press(app, ' '); // one-rev: Space after the reveal means Good
    expect(col.state.cards['one-rev']?.sched.state).toBe('learning');
    await press(app, 'u');
    expect(app.lastFrame()).toContain('Undone.');
    expect(app.lastFrame()).toContain('DNS');
    await press(app, 'u');
    expect(app.lastFrame()).toContain('What is one?');
    expect(col.state.cards).toEqual(before);
    const types = readAllEvents(logFile(dir)).map((e) => e.type);
    expect(types).toEqual(['answer', 'answer', 'undo', 'undo']);
    app.unmount();
    col.close();
  });

  it('suspends and buries from the keyboard, and undo brings the card back', async () => {
    const { app, col } = setup();
    await tick();
    await press(app, 's');
    expect(col.state.cards['one-basic']?.suspended).toBe(true);
    expect(app.lastFrame()).toContain('Suspended.');
    expect(app.lastFrame()).toContain('DNS');
    await press(app, 'b');
    expect(col.state.cards['one-rev']?.buriedDay).toBe('2026-03-01');
    await press(app, 'u');
    expect(col.state.cards['one-rev']?.buriedDay).toBeNull();
    await press(app, 'u');
    expect(col.state.cards['one-basic']?.suspended).toBe(false);
    expect(app.lastFrame()).toContain('What is one?');
    app.unmount();
    col.close();
  });

  it('handles keys that arrive together one by one', async () => {
    const { app, col } = setup();
    await tick();
    await press(app, ' 3 3');
    expect(col.state.cards['one-basic']?.sched.reps).toBe(1);
    expect(col.state.cards['one-rev']?.sched.reps).toBe(1);
    app.unmount();
    col.close();
  });

  it('acts on each key in turn when keys come faster than the screen redraws', async () => {
    const { app, col } = setup();
    await tick();
    for (const k of [' ', '4', ' ', '4', ' ', '4']) app.stdin.write(k);
    await settle(app);
    expect(
      ['one-basic', 'one-rev', 'one-cloze:c1'].map((id) => col.state.cards[id]?.sched.state),
    ).toEqual(['review', 'review', 'review']);
    app.unmount();
    col.close();
  });

  it('shows the keys with ?, and quits with a summary on q', async () => {
    const { app, col, exits } = setup();
    await tick();
    await press(app, '?');
    expect(app.lastFrame()).toContain('bury this card until tomorrow');
    await press(app, ' 1');
    await press(app, 'q');
    const frame = app.lastFrame() ?? '';
    expect(frame).toContain('Session done');
    expect(frame).toContain('Reviewed 1 card · Again 100%');
    expect(exits).toHaveLength(1);
    expect(exits[0]?.error).toBeNull();
    col.close();
  });

  it('ends with a summary when nothing is left', async () => {
    const { app, col, exits, clock } = setup(
      miniDeck({
        'day-1.md': '',
        'day-2.md': `---\nday: 2\ntitle: T\ntopics: networking\n---\n## only\nQ: Only?\nA: Yes.\n`,
      }),
    );
    await tick();
    await press(app, ' 4');
    clock.t = new Date('2026-03-01T09:01:00Z');
    await tick();
    expect(app.lastFrame()).toContain('Session done');
    expect(app.lastFrame()).toMatch(/Tomorrow: 0 reviews/);
    expect(exits).toHaveLength(1);
    col.close();
  });

  it('renders Markdown legibly and shows control characters harmlessly', async () => {
    const deck = miniDeck({
      'day-1.md': '',
      'day-2.md': `---\nday: 2\ntitle: T\ntopics: networking\n---\n## md\nQ: Evil \u001b[31mred\u001b[0m and **bold** and \`code\`?\nA: - first item\n- second item\n\`\`\`\nkubectl get pods\n\`\`\`\n`,
    });
    const { app, col } = setup(deck);
    await tick();
    await press(app, ' ');
    const frame = app.lastFrame() ?? '';
    expect(frame).not.toContain('\u001b[31m');
    expect(frame).toContain('␛[31mred␛[0m');
    expect(frame).toContain('bold');
    expect(frame).not.toContain('**bold**');
    expect(frame).toContain('• first item');
    expect(frame).toContain('kubectl get pods');
    app.unmount();
    col.close();
  });

  it('stops the session and says so when an answer cannot be saved', async () => {
    const { app, col, exits, session } = setup();
    await tick();
    const original = session.answer.bind(session);
    session.answer = () => {
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    };
    await press(app, ' 3');
    expect(app.lastFrame()).toContain('NOT SAVED: no space left on device');
    expect(exits[0]?.error).toMatch(/NOT SAVED/);
    session.answer = original;
    col.close();
  });
});

describe('the first card on screen', () => {
  it('is drawn before the session readies its answers, which it does once, while the card is read', async () => {
    const { now, col, session } = sessionOf();
    const frames: string[] = [];
    let prepared = 0;
    const prepare = session.prepare.bind(session);
    session.prepare = () => {
      // The screen already shows the card when this runs.
      frames.push(app.lastFrame() ?? '');
      prepared++;
      prepare();
    };
    const app = render(<ReviewApp session={session} label="Mini Deck" now={now} />);
    await settle(app);
    await new Promise((r) => setTimeout(r, 100));
    expect(prepared).toBe(1);
    expect(frames[0]).toContain('What is one?');
    // Answers go on as before.
    await press(app, ' ');
    await press(app, '3');
    expect(col.state.cards['one-basic']?.sched.state).toBe('learning');
    expect(prepared).toBe(1);
    app.unmount();
    col.close();
  });

  it("draws the card's question and answer off the screen while it is read, showing neither", async () => {
    const { now, col, session } = sessionOf();
    const asked: string[] = [];
    const previews = session.previews.bind(session);
    session.previews = (id) => {
      asked.push(id);
      return previews(id);
    };
    // The screen as it stands just before the frames are drawn off it (right after this).
    let drawn = -1;
    let first: string | undefined;
    const prepare = session.prepare.bind(session);
    session.prepare = () => {
      expect(asked).toEqual([]);
      drawn = app.frames.length;
      first = app.lastFrame();
      prepare();
    };
    const app = render(<ReviewApp session={session} label="Mini Deck" now={now} />);
    await settle(app);
    await new Promise((r) => setTimeout(r, 100));
    expect(drawn).toBeGreaterThan(0);
    // The answer's frame was made (its intervals asked for), and nothing reached the terminal.
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked)).toEqual(new Set(['one-basic']));
    expect(app.frames.length).toBe(drawn);
    expect(app.lastFrame()).toBe(first);
    expect(first).not.toContain('Again');
    // The card is still at its question: Space shows the answer.
    await press(app, ' ');
    expect(app.lastFrame()).toContain('Again');
    app.unmount();
    col.close();
  });
});

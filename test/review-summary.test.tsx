import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { forecast } from '../src/core/stats.js';
import { NO_FILTER } from '../src/core/queue.js';
import { Session } from '../src/session/session.js';
import { ReviewApp } from '../src/ui/ReviewApp.js';
import { cleanup, openMini, tempDir } from './helpers.js';

afterEach(cleanup);

async function press(app: ReturnType<typeof render>, keys: string) {
  app.stdin.write(keys);
  let last = app.lastFrame();
  for (let i = 0, still = 0; i < 200 && still < 4; i++) {
    await new Promise((r) => setTimeout(r, 15));
    const f = app.lastFrame();
    still = f === last ? still + 1 : 0;
    last = f;
  }
}

const T = new Date('2026-03-01T09:00:00Z');

describe('the session summary', () => {
  it('counts tomorrow as stats does, and says what is still due today', async () => {
    const col = openMini(tempDir(), T);
    const session = new Session(col, NO_FILTER, () => T);
    const app = render(<ReviewApp session={session} label="Mini" now={() => T} />);
    await press(app, '');
    await press(app, ' 3'); // one-basic: Good, learning, due in 10 minutes
    await press(app, 'q');
    const frame = app.lastFrame() ?? '';
    expect(frame).toContain('Session done');
    // Due in ten minutes is today, not tomorrow.
    expect(forecast(col.studyCards(NO_FILTER), T, col.clock).tomorrow).toBe(0);
    expect(frame).toContain('Tomorrow: 0 reviews and up to 6 new cards');
    expect(frame).toContain('Still due today: 4 new cards and 1 learning card (in 10 minutes)');
    col.close();
  });

  it('says when nothing more is due today', async () => {
    const col = openMini(tempDir(), T);
    col.state.settings.newPerDay = 1;
    const session = new Session(col, NO_FILTER, () => T);
    const app = render(<ReviewApp session={session} label="Mini" now={() => T} />);
    await press(app, '');
    await press(app, ' 4');
    const frame = app.lastFrame() ?? '';
    expect(frame).toContain('Session done');
    expect(frame).toContain('Nothing more is due today.');
    expect(frame).toContain('Tomorrow: 0 reviews and up to 1 new card');
    col.close();
  });
});

describe('a session that answered nothing', () => {
  it('shows no share of Again rather than 0%', async () => {
    const col = openMini(tempDir(), T);
    const session = new Session(col, NO_FILTER, () => T);
    const app = render(<ReviewApp session={session} label="Mini" now={() => T} />);
    await press(app, '');
    await press(app, 'q');
    expect(app.lastFrame()).toContain('Reviewed 0 cards · Again — · Time 0:00');
    col.close();
  });
});

import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../src/session/session.js';
import { NO_FILTER } from '../src/core/queue.js';
import { readAllEvents } from '../src/store/log/file.js';
import { realIo, setFileIo } from '../src/store/fsio.js';
import { ReviewApp } from '../src/ui/ReviewApp.js';
import { cleanup, openMini, tempDir, logFile } from './helpers.js';

let restoreIo: (() => void) | null = null;
afterEach(() => {
  restoreIo?.();
  restoreIo = null;
  cleanup();
});
const tick = () => new Promise((r) => setTimeout(r, 30));
/** Waits until `done()` holds (or 5 s pass): frames and effects land when the machine gets to them. */
async function until(done: () => boolean): Promise<void> {
  for (let t = 0; t < 5000 && !done(); t += 10) await new Promise((r) => setTimeout(r, 10));
}

describe('review screen on a full or read-only disk', () => {
  for (const [code, words] of [
    ['ENOSPC', 'the disk is full'],
    ['EROFS', 'the data folder is on a read-only file system'],
  ] as const) {
    it(`${code}: says the answer was NOT SAVED, ends the session, keeps what was saved`, async () => {
      const dir = tempDir();
      const now = () => new Date('2026-03-01T09:00:00Z');
      const col = openMini(dir, now());
      const session = new Session(col, NO_FILTER, now);
      const exits: { error: string | null }[] = [];
      const app = render(
        <ReviewApp session={session} label="Mini" now={now} onExit={(r) => exits.push(r)} />,
      );
      await tick();
      app.stdin.write(' ');
      await tick();
      app.stdin.write('3');
      await tick();
      expect(app.lastFrame()).toContain('DNS');
      // The disk fills up (or the folder turns read-only) before the next answer.
      restoreIo = setFileIo({
        ...realIo,
        writeSync: () => {
          throw Object.assign(new Error(`${code}: injected fault`), { code });
        },
      });
      app.stdin.write(' ');
      await tick();
      app.stdin.write('3');
      await until(() => exits.length > 0);
      const frame = app.lastFrame() ?? '';
      expect(frame).toContain(`NOT SAVED: could not write to the collection: ${words} (${code})`);
      expect(frame).toContain('Session done');
      expect(frame).toContain('Reviewed 1 card');
      expect(exits).toEqual([
        expect.objectContaining({ error: expect.stringMatching(/NOT SAVED/) }),
      ]);
      // Keys after the end change nothing.
      app.stdin.write('3');
      await tick();
      app.unmount();
      expect(() => col.close()).not.toThrow();
      restoreIo();
      restoreIo = null;
      const events = readAllEvents(logFile(dir));
      expect(events.map((e) => e.type === 'answer' && e.card)).toEqual(['one-basic']);
      const reopened = openMini(dir, now(), { mode: 'read' });
      expect(reopened.state.cards['one-basic']?.sched.state).toBe('learning');
      expect(reopened.state.cards['one-rev']?.sched.state).toBe('new');
    });
  }
});

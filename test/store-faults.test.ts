import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { Env } from '../src/cli/context.js';
import { afterEach, describe, expect, it } from 'vitest';
import { run as answerCmd } from '../src/cli/cmd/answer.js';
import { deckCards } from '../src/deck/cards.js';
import { loadBuiltinDeck } from '../src/deck/builtin.js';
import { UserError } from '../src/errors.js';
import { readAllEvents } from '../src/store/log/file.js';
import { realIo, setFileIo, type FileIo } from '../src/store/fsio.js';
import { cleanup, openMini, tempDir, logFile } from './helpers.js';

afterEach(() => {
  cleanup();
});

const T0 = new Date('2026-03-01T09:00:00Z');

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(c, _e, cb) {
        chunks.push(String(c));
        cb();
      },
    }),
    text: () => chunks.join(''),
  };
}

function envFor(dir: string, now = T0): { env: Env; out: () => string } {
  const out = sink();
  const err = sink();
  return {
    env: { now: () => now, timeZone: 'UTC', dataDir: dir, stdout: out.stream, stderr: err.stream },
    out: out.text,
  };
}

let restoreIo: (() => void) | null = null;
afterEach(() => {
  restoreIo?.();
  restoreIo = null;
});

/** Makes the store's writes fail with `code` (ENOSPC, EROFS) from the `after`-th call on. */
function faults(
  code: 'ENOSPC' | 'EROFS',
  where: { write?: boolean; open?: boolean; rename?: boolean },
  after = 0,
): void {
  let n = 0;
  const boom = () => {
    if (n++ >= after) throw Object.assign(new Error(`${code}: injected fault`), { code });
  };
  const io: FileIo = {
    ...realIo,
    writeSync: (fd, data) => {
      if (where.write) boom();
      return realIo.writeSync(fd, data);
    },
    openSync: ((path: string, flags: string, mode?: number) => {
      if (where.open) boom();
      return realIo.openSync(path, flags, mode);
    }) as FileIo['openSync'],
    renameSync: (a, b) => {
      if (where.rename) boom();
      realIo.renameSync(a, b);
    },
  };
  restoreIo = setFileIo(io);
}

const T = new Date('2026-03-01T09:00:00Z');

describe('disk full or read-only data folder', () => {
  for (const code of ['ENOSPC', 'EROFS'] as const) {
    it(`${code}: the answer is reported not saved, the log has no partial line, earlier answers survive`, () => {
      const dir = tempDir();
      const col = openMini(dir, T);
      col.answer('one-basic', 'good', T, 1000);
      col.answer('two-a', 'easy', T, 1000);
      const log = logFile(dir);
      const size = statSync(log).size;
      const before = structuredClone(col.state.cards['two-b']);
      faults(code, { write: true, open: code === 'EROFS', rename: code === 'EROFS' });
      let thrown: unknown;
      try {
        col.answer('two-b', 'good', T, 1000);
      } catch (e) {
        thrown = e;
      }
      expect((thrown as NodeJS.ErrnoException).code).toBe(code);
      expect(col.state.cards['two-b']).toEqual(before);
      expect(statSync(log).size).toBe(size);
      // Closing does not throw again: the failure was reported; the log holds every saved event.
      expect(() => col.close()).not.toThrow();
      restoreIo?.();
      restoreIo = null;
      const again = openMini(dir, T);
      expect(readAllEvents(log).map((e) => e.type === 'answer' && e.card)).toEqual([
        'one-basic',
        'two-a',
      ]);
      expect(again.state.cards['two-a']?.sched.state).toBe('review');
      expect(again.state.cards['two-b']?.sched.state).toBe('new');
      again.answer('two-b', 'good', T, 1000);
      again.close();
    });
  }

  it('a write cut short by a full disk leaves no half line for the next answer to join', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    col.answer('one-basic', 'good', T, 0);
    let calls = 0;
    restoreIo = setFileIo({
      ...realIo,
      // The first write lands half of its bytes, the second finds the disk full.
      writeSync: (fd, data) => {
        if (calls++ === 0) return realIo.writeSync(fd, data.subarray(0, data.length >> 1));
        throw Object.assign(new Error('ENOSPC: injected fault'), { code: 'ENOSPC' });
      },
    });
    expect(() => col.answer('two-a', 'good', T, 0)).toThrow(/ENOSPC/);
    restoreIo();
    restoreIo = null;
    col.answer('two-b', 'good', T, 0);
    col.close();
    const events = readAllEvents(logFile(dir));
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(events.map((e) => e.type === 'answer' && e.card)).toEqual(['one-basic', 'two-b']);
  });

  it('a snapshot that cannot be written loses nothing: the next open replays the log', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    col.answer('one-basic', 'good', T, 0);
    faults('ENOSPC', { open: true });
    // The snapshot at close fails (reported), but the answer is already in the log.
    expect(() => col.close()).toThrow(/ENOSPC/);
    restoreIo?.();
    restoreIo = null;
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    const again = openMini(dir, T, { mode: 'read' });
    expect(again.state.cards['one-basic']?.sched.state).toBe('learning');
  });

  it('answer --stdin stops at the failed answer, says it was not saved, and keeps the ones acknowledged', async () => {
    const dir = tempDir();
    const ids = deckCards(loadBuiltinDeck())
      .slice(0, 5)
      .map((c) => c.id);
    // Opening (lock, log) works; the third answer's write finds the disk full.
    let answers = 0;
    restoreIo = setFileIo({
      ...realIo,
      writeSync: (fd, data) => {
        if (data.includes('"type":"answer"') && ++answers === 3)
          throw Object.assign(new Error('ENOSPC: injected fault'), { code: 'ENOSPC' });
        return realIo.writeSync(fd, data);
      },
    });
    const { env, out } = envFor(dir);
    const input = Readable.from(ids.map((id) => `${id} good\n`));
    const err = await Promise.resolve(answerCmd(['--stdin'], env, input)).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      'line 3: not saved: could not write to the collection: the disk is full (ENOSPC); the 2 answers acknowledged before it are saved',
    );
    expect(out().trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^saved 1 ${ids[0]} good: learning, due `)),
      expect.stringMatching(new RegExp(`^saved 2 ${ids[1]} good: learning, due `)),
    ]);
    restoreIo();
    restoreIo = null;
    const events = readAllEvents(logFile(dir));
    expect(events.map((e) => e.type === 'answer' && e.card)).toEqual(ids.slice(0, 2));
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });
});

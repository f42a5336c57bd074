import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ANSI, killPtys, runInPty } from './pty.js';
import { readAllEvents } from '../src/store/log/file.js';
import {
  BIN,
  cleanup,
  cli,
  tempDir,
  logFile,
  readSnapshotDoc,
  writeDeckFolder,
} from './helpers.js';

afterEach(() => {
  // A failed test must not leave a session running behind it.
  killPtys();
  cleanup();
});

/** Runs the real binary under a pseudo-terminal, as a person would. */
const runBin = (args: string, env: Record<string, string>) =>
  runInPty(`${process.execPath} ${BIN} ${args}`, env, 10_000);

describe('end to end, under a pseudo-terminal', () => {
  /**
   * A session at 80×24 whose window becomes `columns`×`rows` (a resize of the
   * pseudo-terminal: SIGWINCH) once its first card is shown; `resize()` does it and
   * gives the output from then on.
   */
  const resizable = async (columns: number, rows: number) => {
    const dir = tempDir();
    const go = join(dir, 'resize-now');
    const pty = runInPty(
      `(while [ ! -e ${go} ]; do sleep 0.05; done; stty cols ${columns} rows ${rows} < /dev/tty) & exec ${process.execPath} ${BIN} review --day 61`,
      { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: '2026-03-01T09:00:00Z', TZ: 'UTC' },
      10_000,
      { columns: 80, rows: 24 },
    );
    await pty.waitFor(/Space or Enter shows the answer/);
    const before = pty.raw().length;
    return { pty, resize: () => writeFileSync(go, ''), after: () => pty.raw().slice(before) };
  };
  const CLEARED = '\u001b[2J\u001b[H';

  it('draws the screen once for the new width when the terminal narrows, leaving nothing of the old', async () => {
    const { pty, resize, after } = await resizable(40, 24);
    resize();
    await pty.waitFor(/What is the difference between high\r?\n/, 0);
    await new Promise((r) => setTimeout(r, 300));
    const clear = after().lastIndexOf(CLEARED);
    expect(clear).toBeGreaterThanOrEqual(0);
    // Everything drawn after the screen was cleared fits 40 columns: no frame laid out
    // for 80 (which the terminal would wrap onto rows the next frame does not erase).
    const lines = after().slice(clear).replace(ANSI, '').split(/\r?\n/);
    expect(lines.some((l) => l.includes('Space or Enter shows the answer'))).toBe(true);
    expect(lines.filter((l) => [...l.replace(/\r/g, '')].length > 40)).toEqual([]);
    pty.send('q');
    expect(await pty.exited).toBe(0);
  });

  it('draws the screen again after a resize that keeps the layout (a taller window)', async () => {
    const { pty, resize, after } = await resizable(80, 30);
    resize();
    // The clock is fixed: nothing but the resize draws the screen again.
    for (let i = 0; i < 100 && !after().includes(CLEARED); i++)
      await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 300));
    const clear = after().lastIndexOf(CLEARED);
    expect(clear).toBeGreaterThanOrEqual(0);
    expect(after().slice(clear).replace(ANSI, '')).toContain('Space or Enter shows the answer');
    pty.send('q');
    expect(await pty.exited).toBe(0);
  });

  it('reveals a card, grades it, undoes, quits, and leaves the collection saved', async () => {
    const dir = tempDir();
    const pty = runBin('review --day 61', {
      SRE_CARDS_DATA_DIR: dir,
      SRE_CARDS_NOW: '2026-03-01T09:00:00Z',
      TZ: 'UTC',
    });
    await pty.waitFor(/Space or Enter shows the answer/);
    expect(pty.output()).toMatch(/New \d+ · Learning 0 · Due 0/);
    let mark = pty.output().length;
    pty.send(' ');
    await pty.waitFor(/Again/, mark);
    mark = pty.output().length;
    pty.send('3');
    await pty.waitFor(/Learning 1/, mark);
    mark = pty.output().length;
    pty.send('u');
    await pty.waitFor(/Undone\./, mark);
    mark = pty.output().length;
    pty.send(' ');
    await pty.waitFor(/Again/, mark);
    mark = pty.output().length;
    pty.send('4');
    await pty.waitFor(/Learning 0/, mark);
    pty.send('q');
    await pty.waitFor(/Session done/, mark);
    expect(await pty.exited).toBe(0);
    expect(pty.output()).toMatch(/Reviewed 1 card · Again 0%/);
    const events = readAllEvents(logFile(dir));
    expect(events.map((e) => e.type)).toEqual(['answer', 'undo', 'answer']);
    const first = events[0];
    const last = events[2];
    expect(first?.type === 'answer' && last?.type === 'answer' && first.card === last.card).toBe(
      true,
    );
    expect(last?.type === 'answer' && last.rating).toBe(4);
    // The snapshot was written at the end and covers every event.
    const snap = readSnapshotDoc(join(dir, 'collection.snap'));
    expect(snap.seq).toBe(3);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });

  it('shows on the screen a problem found on opening, as well as before it', async () => {
    const dir = tempDir();
    const deck = writeDeckFolder(join(dir, 'mydeck'));
    const env = { SRE_CARDS_DATA_DIR: join(dir, 'data'), SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
    expect(cli(['deck', 'add', deck], env).status).toBe(0);
    const day1 = join(deck, 'day-1.md');
    writeFileSync(day1, `${readFileSync(day1, 'utf8')}\n## one-more\nline: focus\nQ: No answer?\n`);
    const pty = runBin('review --deck mini', { ...env, TZ: 'UTC' });
    await pty.waitFor(/Space or Enter shows the answer/);
    // Printed before the screen took the terminal, then on the screen itself.
    expect(pty.output()).toMatch(/sre-cards: warning: deck "mini"/);
    expect(pty.output()).toMatch(/Warning: deck "mini" \(.*\) has errors/);
    pty.send('q');
    expect(await pty.exited).toBe(0);
  });

  it('says when the next card is due when nothing is due, and exits 0', async () => {
    const dir = tempDir();
    const env = { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: '2026-03-01T09:00:00Z', TZ: 'UTC' };
    const pty = runBin('review --topic performance --day 76', env);
    await pty.waitFor(/shows the answer/);
    pty.send(' 4');
    await pty.waitFor(/1\/2/);
    pty.send(' 4');
    await pty.waitFor(/Session done/);
    expect(await pty.exited).toBe(0);
    const again = runBin('review --topic performance --day 76', env);
    expect(await again.exited).toBe(0);
    expect(again.output()).toMatch(
      /Nothing is due now for topic performance · day 76\. The next card is due/,
    );
  });

  it('saves and releases the lock when the terminal closes (SIGHUP)', async () => {
    const dir = tempDir();
    const pty = runBin('review', {
      SRE_CARDS_DATA_DIR: dir,
      SRE_CARDS_NOW: '2026-03-01T09:00:00Z',
      TZ: 'UTC',
    });
    await pty.waitFor(/shows the answer/);
    pty.send(' 3');
    await pty.waitFor(/Learning 1/);
    // Closing the terminal: the pty's master goes away and the kernel hangs up the session.
    pty.child.kill('SIGKILL');
    await pty.exited;
    for (let i = 0; i < 100 && existsSync(join(dir, 'lock')); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(readAllEvents(logFile(dir)).map((e) => e.type)).toEqual(['answer']);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    expect(readSnapshotDoc(join(dir, 'collection.snap')).seq).toBe(1);
  });
});

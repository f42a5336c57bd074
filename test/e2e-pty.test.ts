import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killPtys, runInPty } from './pty.js';
import { readAllEvents } from '../src/store/log/file.js';
import { BIN, cleanup, tempDir, logFile, readSnapshotDoc } from './helpers.js';

afterEach(() => {
  // A failed test must not leave a session running behind it.
  killPtys();
  cleanup();
});

/** Runs the real binary under a pseudo-terminal, as a person would. */
const runBin = (args: string, env: Record<string, string>) =>
  runInPty(`${process.execPath} ${BIN} ${args}`, env, 10_000);

describe('end to end, under a pseudo-terminal', () => {
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

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanup, cli, tempDir, writeDeckFolder } from './helpers.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  cleanup();
});

// eslint-disable-next-line no-control-regex -- escape sequences are what it removes
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const ENTER_ALT = '\u001b[?1049h';
const LEAVE_ALT = '\u001b[?1049l';

/**
 * The real binary under a pseudo-terminal of `columns` × `rows` (0 × 0: of a size it
 * does not report, as `script` makes one by default); the raw bytes it wrote.
 */
function runInPty(args: string, columns: number, rows: number, env: Record<string, string>) {
  const size = columns > 0 ? `stty cols ${columns} rows ${rows}; ` : '';
  const child = spawn(
    'script',
    ['-qec', `${size}${process.execPath} ${BIN} ${args}`, '/dev/null'],
    {
      env: { PATH: process.env.PATH ?? '', TERM: 'xterm-256color', TZ: 'UTC', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let raw = '';
  child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
  const exited = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  const waitFor = async (re: RegExp, from = 0) => {
    const start = Date.now();
    while (!re.test(raw.slice(from).replace(ANSI, ''))) {
      if (Date.now() - start > 10_000)
        throw new Error(`timed out waiting for ${re}; screen so far:\n${raw.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { exited, waitFor, send: (k: string) => child.stdin.write(k), raw: () => raw };
}

const TALL = Array.from({ length: 40 }, (_, i) => `- step ${i + 1} of the runbook`).join('\n');

describe('the review screen in a real terminal of 80×24', () => {
  it('draws on the alternate screen, scrolls a tall card, and leaves the terminal as it was', async () => {
    const dir = tempDir();
    const folder = writeDeckFolder(join(tempDir(), 'mini'), {
      'day-1.md': '',
      'day-2.md': `---\nday: 2\ntitle: Tall\ntopics: networking\n---\n\n## tall\nQ: What are the steps?\nA: ${TALL}\n`,
    });
    const env = { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
    expect(cli(['deck', 'add', folder], env).status).toBe(0);
    const pty = runInPty('review --deck mini', 80, 24, env);
    await pty.waitFor(/Space or Enter shows the answer/);
    // The header names the deck reviewed, by its own title.
    expect(pty.raw().replace(ANSI, '')).toMatch(/Mini Deck +New 1 · Learning 0 · Due 0/);
    expect(pty.raw()).not.toContain('SRE Interview Prep');
    let mark = pty.raw().length;
    pty.send(' ');
    await pty.waitFor(/lines below/, mark);
    mark = pty.raw().length;
    pty.send('j');
    await pty.waitFor(/1 line above/, mark);
    mark = pty.raw().length;
    pty.send('4');
    await pty.waitFor(/Session done/, mark);
    expect(await pty.exited).toBe(0);
    const raw = pty.raw();
    // The session is drawn on the alternate screen and leaves it at the end.
    expect(raw.indexOf(ENTER_ALT)).toBeGreaterThanOrEqual(0);
    expect(raw.lastIndexOf(LEAVE_ALT)).toBeGreaterThan(raw.indexOf(ENTER_ALT));
    // No frame was too tall: nothing cleared the terminal or its scrollback.
    expect(raw).not.toContain('\u001b[3J');
    // After it, the summary, ending with a newline so the prompt starts on a line of its own.
    const after = raw.slice(raw.lastIndexOf(LEAVE_ALT) + LEAVE_ALT.length).replace(ANSI, '');
    expect(after).toMatch(/^Session done\r?\nReviewed 1 card · Again 0% · Time 0:00\r?\n/);
    expect(after).toMatch(/Tomorrow: [^\n]*\r?\n$/);
  });

  it('says which filter matched nothing, rather than that no cards are scheduled', async () => {
    const dir = tempDir();
    const folder = writeDeckFolder(join(tempDir(), 'mini'));
    const env = { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
    expect(cli(['deck', 'add', folder], env).status).toBe(0);
    // Day 2 of the mini deck is all networking: no reliability card.
    const pty = runInPty('review --deck mini --topic reliability --day 2', 80, 24, env);
    expect(await pty.exited).toBe(0);
    const out = pty.raw().replace(ANSI, '');
    expect(out).toContain('No card matches deck mini · topic reliability · day 2');
    expect(out).not.toContain('No cards are scheduled');
    // Every card suspended: it says so.
    expect(cli(['suspend', 'two-a'], env).status).toBe(0);
    expect(cli(['suspend', 'two-b'], env).status).toBe(0);
    const all = runInPty('review --deck mini --day 2', 80, 24, env);
    expect(await all.exited).toBe(0);
    expect(all.raw().replace(ANSI, '')).toContain('Every card of deck mini · day 2 is suspended');
  });

  it('draws the screen in a terminal that does not report its size', async () => {
    const dir = tempDir();
    const env = { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: '2026-03-01T09:00:00Z' };
    const pty = runInPty('review --day 61', 0, 0, env);
    await pty.waitFor(/Space or Enter shows the answer/);
    expect(pty.raw().replace(ANSI, '')).toMatch(/SRE Interview Prep · day 61 +New \d+/);
    pty.send('q');
    expect(await pty.exited).toBe(0);
  });
});

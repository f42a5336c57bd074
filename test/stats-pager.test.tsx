import { afterEach, describe, expect, it } from 'vitest';
import { Pager } from '../src/ui/Pager.js';
import { cleanup, cli, tempDir } from './helpers.js';
import { press, renderTerm, settle } from './term.js';
import { spawn } from 'node:child_process';
import { BIN } from './helpers.js';

afterEach(cleanup);

const TEXT = (width: number) =>
  Array.from({ length: 60 }, (_, i) => `line ${i + 1} of a text laid out at ${width}`);

describe('the pager', () => {
  it('shows a window of the text with a status line, and scrolls as less does', async () => {
    let exited = 0;
    const term = renderTerm(
      <Pager linesFor={TEXT} lines={TEXT(80)} onExit={() => exited++} />,
      80,
      24,
    );
    await settle(term);
    let lines = term.lines();
    expect(lines).toHaveLength(23);
    expect(lines[0]).toBe('line 1 of a text laid out at 80');
    expect(lines[22]).toMatch(/^lines 1-22 of 60 · /);
    await press(term, 'jj');
    expect(term.lines()[0]).toBe('line 3 of a text laid out at 80');
    await press(term, ' ');
    expect(term.lines()[22]).toMatch(/^lines 24-45 of 60 /);
    await press(term, 'G');
    lines = term.lines();
    expect(lines[21]).toBe('line 60 of a text laid out at 80');
    expect(lines[22]).toMatch(/^lines 39-60 of 60 \(end\)/);
    await press(term, 'g');
    expect(term.lines()[0]).toBe('line 1 of a text laid out at 80');
    // A resize lays the text out again for the new width.
    term.resize(40, 12);
    await settle(term);
    lines = term.lines();
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('line 1 of a text laid out at 40');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    await press(term, 'q');
    expect(exited).toBe(1);
  });
});

// eslint-disable-next-line no-control-regex -- escape sequences are what it removes
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

function statsInPty(rows: number, dir: string) {
  const child = spawn(
    'script',
    ['-qec', `stty cols 80 rows ${rows}; ${process.execPath} ${BIN} stats`, '/dev/null'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        TERM: 'xterm-256color',
        TZ: 'UTC',
        SRE_CARDS_DATA_DIR: dir,
        SRE_CARDS_NOW: '2026-03-01T09:00:00Z',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let raw = '';
  child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
  const exited = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 400 && !re.test(raw.replace(ANSI, '')); i++)
      await new Promise((r) => setTimeout(r, 25));
    if (!re.test(raw.replace(ANSI, ''))) {
      child.kill('SIGKILL');
      throw new Error(`timed out waiting for ${re}:\n${raw.slice(-1500)}`);
    }
  };
  return { child, exited, waitFor, raw: () => raw };
}

describe('stats in a terminal', () => {
  it('is paged when it is taller than the terminal, its top kept on screen', async () => {
    const dir = tempDir();
    expect(cli(['due'], { SRE_CARDS_DATA_DIR: dir }).status).toBe(0);
    const pty = statsInPty(24, dir);
    await pty.waitFor(/lines 1-22 of \d+/);
    expect(pty.raw()).toContain('\u001b[?1049h');
    expect(pty.raw().replace(ANSI, '')).toContain('Stats · SRE Interview Prep');
    pty.child.stdin.write('q');
    expect(await pty.exited).toBe(0);
    expect(pty.raw()).toContain('\u001b[?1049l');
  });

  it('is printed as it is when it fits', async () => {
    const dir = tempDir();
    const pty = statsInPty(80, dir);
    expect(await pty.exited).toBe(0);
    expect(pty.raw()).not.toContain('\u001b[?1049h');
    expect(pty.raw().replace(ANSI, '')).toMatch(/^Stats · SRE Interview Prep/);
    expect(pty.raw().replace(ANSI, '')).toContain('Leeches');
  });
});

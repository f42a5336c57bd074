import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, cli, ROOT, tempDir } from './helpers.js';

afterEach(cleanup);

const env = () => ({ SRE_CARDS_DATA_DIR: tempDir(), SRE_CARDS_NOW: '2026-03-01T09:00:00Z' });

describe('usage errors come first', () => {
  it('review without a terminal and with an unknown topic exits 2, not 1', () => {
    const r = cli(['review', '--topic', 'nope'], env(), '\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown topic "nope"');
    expect(r.stderr).toContain('usage: sre-cards [review]');
    // A valid filter without a terminal is still the terminal's failure.
    const ok = cli(['review', '--topic', 'networking'], env(), '\n');
    expect(ok.status).toBe(1);
    expect(ok.stderr).toContain('review needs a terminal');
  });
});

describe('--day given twice', () => {
  it('is refused with exit 2 by every command that filters, rather than the last one winning', () => {
    for (const cmd of [['due'], ['list'], ['stats'], ['review'], ['export', 'tsv']]) {
      const r = cli([...cmd, '--day', '61', '--day', '62'], env(), '\n');
      expect(r.status, `${cmd.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('--day is given 2 times (61, 62); give one day or one range');
    }
    expect(cli(['due', '--day', '61-62', '--json'], env()).status).toBe(0);
  });
});

describe('npm start', () => {
  it('takes a command and its options after --, review included', () => {
    const run = (args: string[]) =>
      spawnSync('npm', ['start', '--silent', '--', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        input: '\n',
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          TZ: 'UTC',
          ...env(),
        },
        timeout: 30_000,
      });
    const review = run(['review', '--topic', 'networking']);
    // Not "unexpected argument": it got as far as asking for a terminal.
    expect(review.stderr).not.toContain('unexpected argument');
    expect(review.stderr).toContain('review needs a terminal');
    const bare = run(['--topic', 'networking']);
    expect(bare.stderr).toContain('review needs a terminal');
    const due = run(['due', '--json']);
    expect(due.status).toBe(0);
    expect(JSON.parse(due.stdout)).toEqual({ new: 20, learning: 0, review: 0 });
  });
});

import { Writable } from 'node:stream';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { run as topics } from '../src/cli/cmd/topics.js';
import type { Env } from '../src/cli/context.js';
import { columns, cut } from '../src/text/columns.js';
import { tempDir } from './helpers.js';

describe('columns cut to a terminal', () => {
  const rows = [
    ['networking', '194', '61-66,70,72,74-75,77,82-84,89-90', 'DNS, routing, load balancing, CDNs'],
    ['  networking/dns', '23', '62-63', 'DNS resolution, TTLs, Geo-DNS'],
  ];

  it('without a width, or when they fit, are the columns as they are', () => {
    const whole = columns(rows, [1]);
    expect(whole[0]).toBe(
      'networking        194  61-66,70,72,74-75,77,82-84,89-90  DNS, routing, load balancing, CDNs',
    );
    expect(columns(rows, [1], 200, [2, 3])).toEqual(whole);
  });

  it('narrows the widest cuttable column first, and cuts its cells with an ellipsis', () => {
    const cutRows = columns(rows, [1], 60, [2, 3]);
    for (const line of cutRows) expect(stringWidth(line)).toBeLessThanOrEqual(60);
    expect(cutRows[0]).toBe('networking        194  61-66,70,72,74-7…  DNS, routing, loa…');
    // Cells that fit their narrowed column stay whole.
    expect(cutRows[1]).toBe('  networking/dns   23  62-63              DNS resolution, T…');
    // The columns not listed are never cut.
    expect(columns(rows, [1], 10, [2, 3]).map((l) => l.slice(0, 16).trimEnd())).toEqual([
      'networking',
      '  networking/dns',
    ]);
  });

  it('cuts down to a character and the ellipsis, and leaves what the other columns overflow', () => {
    const narrow = columns(rows, [1], 35, [2, 3]);
    expect(narrow[0]).toBe('networking        194  61-6…  DNS,…');
    for (const line of narrow) expect(stringWidth(line)).toBeLessThanOrEqual(35);
    expect(columns(rows, [1], 29, [2, 3])[0]).toBe('networking        194  6…  D…');
  });

  it('leaves out the last cuttable columns when even cut they do not fit, else nothing', () => {
    // No room for the description: it is left out, and the days cut to what is left.
    expect(columns(rows, [1], 28, [2, 3])).toEqual([
      'networking        194  61-6…',
      '  networking/dns   23  62-63',
    ]);
    // Room for the fixed columns alone: both cuttable ones are left out.
    expect(columns(rows, [1], 22, [2, 3])).toEqual([
      'networking        194',
      '  networking/dns   23',
    ]);
    // Not even that: nothing is cut or left out, the rows wrap whole.
    expect(columns(rows, [1], 20, [2, 3])).toEqual(columns(rows, [1]));
  });

  it('measures wide characters as the terminal shows them, and cuts whole graphemes', () => {
    expect(cut('日本語のテキスト', 9)).toBe('日本語の…');
    expect(stringWidth(cut('日本語のテキスト', 9))).toBeLessThanOrEqual(9);
    expect(cut('👩‍💻👩‍💻👩‍💻👩‍💻', 5)).toBe('👩‍💻👩‍💻…');
    expect(cut('short', 9)).toBe('short');
  });
});

describe('topics on a terminal', () => {
  function output(isTTY: boolean, width: number): string[] {
    const out: string[] = [];
    const stdout = Object.assign(
      new Writable({
        write(chunk, _e, done) {
          out.push(String(chunk));
          done();
        },
      }),
      { isTTY, columns: width },
    );
    const env: Env = {
      now: () => new Date('2026-03-01T09:00:00Z'),
      timeZone: 'UTC',
      dataDir: tempDir(),
      stdout,
      stderr: new Writable({ write: (_c, _e, done) => done() }),
    };
    expect(topics([], env)).toBe(0);
    return out.join('').trimEnd().split('\n');
  }

  it('fits a 40-column terminal by leaving the days and descriptions out', () => {
    const shown = output(true, 40);
    expect(shown.length).toBe(output(false, 40).length);
    for (const line of shown) expect(stringWidth(line), line).toBeLessThanOrEqual(40);
    // Each row is its topic and its count, nothing else.
    for (const line of shown) expect(line).toMatch(/^ *\S+ +\d+$/);
    expect(shown.some((l) => /^ {2}security\/isolation +\d+/.test(l))).toBe(true);
  });

  it('fits every row to an 80-column terminal, and prints them whole when piped', () => {
    const shown = output(true, 80);
    const piped = output(false, 80);
    expect(shown.length).toBe(piped.length);
    expect(Math.max(...piped.map((l) => stringWidth(l)))).toBeGreaterThan(80);
    for (const line of shown) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    // Each row keeps its topic and its count.
    const head = (l: string) =>
      l
        .split(/\s{2,}/)
        .slice(0, 2)
        .join(' ');
    expect(shown.map(head)).toEqual(piped.map(head));
  });
});

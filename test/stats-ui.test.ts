import { EventEmitter } from 'node:events';
import { render as inkRender } from 'ink';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { computeStats, type Stats } from '../src/core/stats.js';
import { renderStats, StatsView } from '../src/ui/Stats.js';
import { forecastLines, heatLegend, heatmapGrid, HEAT_GLYPHS } from '../src/ui/StatsCharts.js';
import { CLOCK, NOW, fixture, history } from './stats-fixture.js';

function stats(on: string | null = null): Stats {
  const { state, cards } = fixture();
  return computeStats({ state, cards, answers: history(), now: NOW, clock: CLOCK, on });
}

/** A terminal of a given width, for Ink's own render (ink-testing-library's is 100 wide). */
class StubStdout extends EventEmitter {
  frames: string[] = [];
  constructor(readonly columns: number) {
    super();
  }
  rows = 60;
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = () => this.frames[this.frames.length - 1] ?? '';
}

const unmounts: (() => void)[] = [];
afterEach(() => {
  for (const u of unmounts.splice(0)) u();
});

/** Renders the stats screen into a terminal `columns` wide, taking the width from it. */
function renderAt(columns: number, s: Stats): string {
  const stdout = new StubStdout(columns);
  const instance = inkRender(createElement(StatsView, { stats: s, label: 'Mini' }), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    debug: true,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  unmounts.push(() => instance.unmount());
  return stdout.lastFrame();
}

/** The seven heatmap rows (Sunday first) of a frame. */
function heatRows(frame: string): string[] {
  const lines = frame.split('\n');
  const at = lines.findIndex((l) => l.startsWith('Reviews, last 365 days'));
  expect(at).toBeGreaterThan(0);
  return lines.slice(at + 2, at + 9);
}

describe('stats screen', () => {
  it('shows every figure as text', () => {
    const { lastFrame } = render(createElement(StatsView, { stats: stats(), label: 'Mini' }));
    const f = lastFrame() ?? '';
    expect(f).toContain('Stats · Mini · Fri 20 Mar 2026');
    expect(f).toContain(
      'Cards     1 new · 1 learning · 1 young · 2 mature · 1 suspended · 1 buried',
    );
    // 4 answers, 1 Again: 3/4 = 75% correct; 8 + 5 + 4 + 3 s = 20 s.
    expect(f).toContain('Today     4 reviewed in 20s · 1 again (75% correct)');
    expect(f).toContain('2 new or learning · 1 review · 1 relearning');
    expect(f).toContain('Left      4 today · 1 new · 1 learning · 2 review');
    expect(f).toContain('Cram      1 today · 2 in 7 days · 2 in 30 days · never in retention');
    expect(f).toContain('Due, next 30 days  4 in all · 0 tomorrow · 1 overdue');
    expect(f).toContain('Streak    3 days · longest 5 · studied 13 of 365 days (4%) · 25 reviews');
    expect(f).toContain('desired 90%');
    // Young 2/3, mature 1/2, all 3/5 over 7 days; 30 days adds a mature pass and fail.
    expect(f).toContain('7 days    66.7% (2/3)       50.0% (1/2)       60.0% (3/5)');
    expect(f).toContain('30 days   66.7% (2/3)       50.0% (2/4)       57.1% (4/7)');
    expect(f).toContain('Leeches 2');
    expect(f).toMatch(/one-rev:rev\s+9 lapses/);
    expect(f).toMatch(/one-cloze:c2\s+8 lapses \(suspended\)/);
    // NO_COLOR (FORCE_COLOR=0 here): no escape sequences, meaning is in the glyphs.
    expect(f).not.toContain('\u001b[');
  });

  it('draws each heatmap day with the glyph its count calls for', () => {
    const { lastFrame } = render(createElement(StatsView, { stats: stats() }));
    const rows = heatRows(lastFrame() ?? '');
    const [sun, mon, , wed, thu, fri, sat] = rows as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    expect(mon.startsWith('Mon ')).toBe(true);
    expect(wed.startsWith('Wed ')).toBe(true);
    expect(fri.startsWith('Fri ')).toBe(true);
    // 53 week columns after the 4-column gutter. The last column is the week of Sunday
    // 03-15: today, Friday 03-20, has 4 reviews of a busiest 8 → level 2 '▒';
    // Thursday 03-19 has 2 → level 1 '░'; Saturday 03-21 is tomorrow: blank.
    expect(fri[4 + 52]).toBe('▒');
    expect(thu[4 + 52]).toBe('░');
    expect(sat.length).toBeLessThan(4 + 53);
    // 03-16 had only a cram answer: shown as a day without reviews.
    expect(mon[4 + 52]).toBe('·');
    // Wednesday 2026-01-07, 8 reviews → level 4 '█', in column 42: the grid starts on
    // Sunday 2025-03-16 and 2026-01-04 is 294 days (42 weeks) later.
    expect(wed[4 + 42]).toBe('█');
    // The first column: 2025-03-16..20 are before the year's first day (blank);
    // Friday 2025-03-21 is its first day, with one review: '░'.
    expect(sun[4]).toBe(' ');
    expect(fri[4]).toBe('░');
    expect(lastFrame()).toContain('· none  ░ 1-2  ▒ 3-4  ▓ 5-6  █ 7-8');
  });

  it('fits 80 columns, with the whole year', () => {
    const f = renderAt(80, stats('2026-03-26'));
    const lines = f.split('\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    const rows = heatRows(f);
    expect(rows[5]?.length).toBe(4 + 53);
    expect(rows[5]?.endsWith('░▒')).toBe(true);
    // Forecast bars take two columns a day at this width.
    expect(f).toContain('   today         +7            +14           +21           +28');
    // Readiness projected to the interview day: weakest on that day first.
    expect(f).toContain('now and on Thu 26 Mar 2026 (in 6 days)');
    const net = lines.findIndex((l) => l.startsWith('  networking'));
    const rel = lines.findIndex((l) => l.startsWith('  reliability'));
    expect(net).toBeGreaterThan(0);
    expect(net).toBeLessThan(rel);
    // networking now (0.9 + 1 + 0.9) / 3 = 93%, on 03-26 0.8216 → 82%, 1 unseen; bar 8/10.
    expect(lines[net]).toMatch(/^ {2}networking\s+█{8}░{2}\s+93%\s+82%\s+1$/);
  });

  it('degrades in 40 columns: fewer weeks, packed bars, no table bars', () => {
    const f = renderAt(40, stats('2026-03-26'));
    const lines = f.split('\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    const rows = heatRows(f);
    // 36 weeks fit; today is still the last cell, and 2026-01-07 is in column 25.
    expect(rows[5]?.length).toBe(4 + 36);
    expect(rows[5]?.[4 + 35]).toBe('▒');
    expect(rows[3]?.[4 + 25]).toBe('█');
    // Retention keeps the rates without the counts.
    expect(f).toMatch(/7 days {4}66\.7% {3}50\.0% {3}60\.0%/);
    // Readiness keeps its numbers without bars.
    expect(f).not.toContain('░░');
    expect(lines.find((l) => l.startsWith('  networking'))).toMatch(/93%\s+82%\s+1$/);
    // Every section is still there.
    for (const h of [
      'Cards',
      'Today',
      'Due, next 30',
      'Reviews, last',
      'True retention',
      'Readiness',
      'Leeches',
    ])
      expect(f).toContain(h);
  });

  it('renders once to a string for the command', () => {
    const out = renderStats(stats(), { width: 80, label: 'Mini' });
    expect(out.split('\n').every((l) => l.length <= 80)).toBe(true);
    expect(out).toContain('Reviews, last 365 days');
  });
});

describe('charts', () => {
  it('builds the forecast bars in eighths', () => {
    const s = stats();
    const l = forecastLines(s.forecast, 80);
    // Max 3 over 5 rows of 8 eighths: today (3) = 40 eighths, full; 03-22 (1) = 13.3 → 13:
    // a full bottom row and 5/8 of the next ('▅').
    expect(l.step).toBe(2);
    expect(l.bars).toEqual(['3 │█', '  │█', '  │█', '  │█   ▅', '  │█   █']);
    expect(forecastLines(s.forecast, 40).step).toBe(1);
  });

  it('names the months over the weeks holding their first day', () => {
    const g = heatmapGrid(stats().heatmap, 80);
    // Column 0 is the week of 2025-03-16; April 1st falls in column 2 (03-30..04-05).
    expect(g.start).toBe('2025-03-16');
    expect(g.months.slice(4, 10)).toBe('  Apr ');
    expect(g.rows).toHaveLength(7);
  });

  it('explains the glyphs in a legend', () => {
    expect(heatLegend(0)).toBe('· no reviews yet');
    expect(heatLegend(3)).toBe('· none  ▒ 1  ▓ 2  █ 3');
    expect(HEAT_GLYPHS).toEqual(['·', '░', '▒', '▓', '█']);
  });
});

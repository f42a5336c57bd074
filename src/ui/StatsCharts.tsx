/**
 * The two pictures of the stats screen, drawn with glyphs so that they read without
 * colour: the due forecast as a bar chart, and the year's reviews as a calendar heatmap.
 * The line builders are pure (text in, text out); the components only colour them.
 */
import { Box, Text } from 'ink';
import { levelRange, type Forecast, type Heatmap } from '../core/stats.js';
import { addDays, formatDay, monthName, shortDay, weekday } from '../core/time.js';

/** Heatmap glyphs by intensity level: no reviews, then four levels of the busiest day. */
export const HEAT_GLYPHS = ['·', '░', '▒', '▓', '█'] as const;
/** A grid cell outside the year (before its first day, or after today). */
export const OUTSIDE = ' ';
/** Eighths of a bar, for the forecast chart. */
const BAR = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const HEAT_COLORS = ['gray', 'green', 'green', 'greenBright', 'greenBright'] as const;

/** Width of the weekday labels left of the heatmap grid. */
export const HEAT_GUTTER = 4;

export { formatDay, shortDay, weekday };

/** How many week columns fit: the whole year (53) from 57 columns on, fewer below. */
export function heatWeeks(width: number): number {
  return Math.max(1, Math.min(53, width - HEAT_GUTTER));
}

export interface HeatGrid {
  /** Month names over the columns whose week holds the 1st of a month. */
  months: string;
  /** Seven rows, Sunday first: the weekday label and each week's level (-1: outside). */
  rows: { label: string; levels: number[] }[];
  /** The first day of the first column (a Sunday). */
  start: string;
}

/**
 * The calendar grid, as on GitHub: one column a week (Sunday to Saturday), the last
 * column holding today; as many weeks as the width allows, the most recent kept.
 */
export function heatmapGrid(h: Heatmap, width: number): HeatGrid {
  const weeks = heatWeeks(width);
  const level = new Map(h.days.map((d) => [d.day, d.level]));
  const lastSunday = addDays(h.to, -weekday(h.to));
  const start = addDays(lastSunday, -7 * (weeks - 1));
  const rows = WEEKDAYS.map((name, r) => ({
    label: (r % 2 === 1 ? name : '').padEnd(HEAT_GUTTER),
    levels: Array.from({ length: weeks }, (_, c) => {
      const day = addDays(start, c * 7 + r);
      return day < h.from || day > h.to ? -1 : (level.get(day) ?? 0);
    }),
  }));
  const months = Array.from({ length: weeks }, () => ' ');
  let free = 0;
  for (let c = 0; c < weeks; c++) {
    const saturday = addDays(start, c * 7 + 6);
    if (Number(saturday.slice(8, 10)) > 7 || c < free || c + 3 > weeks) continue;
    const name = monthName(saturday);
    for (let i = 0; i < 3; i++) months[c + i] = name[i] ?? ' ';
    free = c + 4;
  }
  return { months: ' '.repeat(HEAT_GUTTER) + months.join('').trimEnd(), rows, start };
}

/** "· none  ░ 1-3  ▒ 4-6  ▓ 7-9  █ 10-12": what each glyph stands for. */
export function heatLegend(max: number): string {
  if (max === 0) return `${HEAT_GLYPHS[0]} no reviews yet`;
  const parts = [`${HEAT_GLYPHS[0]} none`];
  for (let l = 1; l < HEAT_GLYPHS.length; l++) {
    const r = levelRange(l, max);
    if (r) parts.push(`${HEAT_GLYPHS[l]} ${r[0] === r[1] ? r[0] : `${r[0]}-${r[1]}`}`);
  }
  return parts.join('  ');
}

export function HeatmapGrid({ heatmap, width }: { heatmap: Heatmap; width: number }) {
  const grid = heatmapGrid(heatmap, width);
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate">
        {grid.months}
      </Text>
      {grid.rows.map((row, r) => (
        <Text key={r} wrap="truncate">
          <Text dimColor>{row.label}</Text>
          {runs(row.levels).map(([l, n], i) => (
            <Text key={i} color={l < 0 ? undefined : HEAT_COLORS[l]}>
              {(l < 0 ? OUTSIDE : (HEAT_GLYPHS[l] ?? OUTSIDE)).repeat(n)}
            </Text>
          ))}
        </Text>
      ))}
      <Text wrap="truncate">
        {' '.repeat(HEAT_GUTTER)}
        {heatLegend(heatmap.max)}
      </Text>
    </Box>
  );
}

/** Runs of equal values: [value, length]. */
function runs(xs: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const x of xs) {
    const last = out[out.length - 1];
    if (last && last[0] === x) last[1]++;
    else out.push([x, 1]);
  }
  return out;
}

/** Rows of the forecast chart. */
export const FORECAST_HEIGHT = 5;

export interface ForecastChartLines {
  /** Bar rows, top first; the top row is labelled with the busiest day's count. */
  bars: string[];
  axis: string;
  ticks: string;
  /** Columns a day takes: 2 (bar and gap) when the width allows, else 1. */
  step: number;
}

/**
 * The forecast as vertical bars, one a study day, today on the left; heights in eighths
 * of a row, so that a day with any card due shows at least a sliver.
 */
export function forecastLines(
  f: Forecast,
  width: number,
  height = FORECAST_HEIGHT,
): ForecastChartLines {
  const yw = String(f.max).length;
  const gutter = yw + 2;
  const n = f.days.length;
  const step = gutter + n * 2 <= width ? 2 : 1;
  const units = f.days.map((d) =>
    f.max === 0 || d.due === 0 ? 0 : Math.max(1, Math.round((d.due / f.max) * height * 8)),
  );
  const bars: string[] = [];
  for (let r = height - 1; r >= 0; r--) {
    const label = r === height - 1 ? String(f.max).padStart(yw) : ' '.repeat(yw);
    const cells = units
      .map((u) => (BAR[Math.max(0, Math.min(8, u - r * 8))] ?? ' ') + (step === 2 ? ' ' : ''))
      .join('');
    bars.push(`${label} │${cells}`.trimEnd());
  }
  const axis = `${'0'.padStart(yw)} └${'─'.repeat(n * step)}`;
  const ticks = Array.from({ length: gutter + n * step }, () => ' ');
  for (let i = 0; i < n; i += 7) {
    const text = i === 0 ? 'today' : `+${i}`;
    const at = gutter + i * step;
    if (at + text.length > ticks.length) break;
    for (let k = 0; k < text.length; k++) ticks[at + k] = text[k] ?? ' ';
  }
  return { bars, axis, ticks: ticks.join('').trimEnd(), step };
}

export function ForecastChart({ forecast, width }: { forecast: Forecast; width: number }) {
  const lines = forecastLines(forecast, width);
  const yw = String(forecast.max).length + 2;
  return (
    <Box flexDirection="column">
      {lines.bars.map((line, i) => (
        <Text key={i} wrap="truncate">
          <Text dimColor>{line.slice(0, yw)}</Text>
          <Text color="cyan">{line.slice(yw)}</Text>
        </Text>
      ))}
      <Text dimColor wrap="truncate">
        {lines.axis}
      </Text>
      <Text dimColor wrap="truncate">
        {lines.ticks}
      </Text>
    </Box>
  );
}

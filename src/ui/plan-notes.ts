/**
 * Lines the stats screen adds for the work ahead: what the load balancer does to the due
 * forecast, and how the last plan's prediction compares with what happened. Pure: text
 * from the figures.
 */
import type { Forecast, PlanComparison } from '../core/stats.js';

const one = (x: number) => (Math.round(x * 10) / 10).toFixed(1);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "Fri 10 Apr 2026" (as the stats screen writes days; without Ink, for plain-text commands). */
export function formatDay(day: string): string {
  const [y, m, d] = day.split('-');
  const wd = new Date(`${day}T00:00:00Z`).getUTCDay();
  return `${WEEKDAYS[wd]} ${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
}

/** The load balancer's effect on the forecast, or null when it is off or moved nothing. */
export function balanceNote(f: Forecast): string | null {
  const u = f.unbalanced;
  if (!u || u.moved === 0) return null;
  return `Load balanced: the load changes by ${one(f.spread)} cards from one day to the next, ${one(u.spread)} without the balancer (${u.moved} cards moved).`;
}

/** Eighths of a bar. */
const BAR = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
export const PLAN_CHART_HEIGHT = 6;

/**
 * The work of each day as vertical bars, today on the left, in eighths of a row so that
 * any work shows at least a sliver; the busiest (packed) day labels the top. Two columns
 * a day (bar and gap) when they fit, one when that fits, else several days a column
 * (their mean). Glyphs only: it reads the same without colour.
 */
export function planChart(
  values: readonly number[],
  width: number,
  unit: string,
  height = PLAN_CHART_HEIGHT,
): string[] {
  const fmt = (x: number) => (x >= 10 ? String(Math.round(x)) : x.toFixed(1).replace(/\.0$/, ''));
  const top = Math.max(0, ...values);
  const yw = Math.max(fmt(top).length, 1);
  const gutter = yw + 2;
  const room = Math.max(4, width - gutter);
  const n = values.length;
  const step = n * 2 <= room ? 2 : 1;
  const per = step === 1 ? Math.max(1, Math.ceil(n / room)) : 1;
  const cols: number[] = [];
  for (let i = 0; i < n; i += per) {
    const group = values.slice(i, i + per);
    cols.push(group.reduce((a, b) => a + b, 0) / group.length);
  }
  const max = Math.max(0, ...cols);
  const units = cols.map((v) =>
    max === 0 || v <= 0 ? 0 : Math.max(1, Math.round((v / max) * height * 8)),
  );
  const lines: string[] = [];
  for (let r = height - 1; r >= 0; r--) {
    const label = r === height - 1 ? fmt(max).padStart(yw) : ' '.repeat(yw);
    const cells = units
      .map((u) => (BAR[Math.max(0, Math.min(8, u - r * 8))] ?? ' ') + (step === 2 ? ' ' : ''))
      .join('');
    lines.push(`${label} │${cells}`.trimEnd());
  }
  lines.push(`${'0'.padStart(yw)} └${'─'.repeat(cols.length * step)}`);
  const ticks = Array.from({ length: gutter + cols.length * step }, () => ' ');
  // A tick every week, or every few weeks when weeks are too narrow for a label.
  const every = 7 * Math.max(1, Math.ceil((6 * per) / (7 * step)));
  for (let d = 0; d < n; d += every) {
    const text = d === 0 ? 'today' : `+${d}`;
    const at = gutter + Math.floor(d / per) * step;
    if (
      at + text.length > ticks.length ||
      ticks.slice(at - 1, at + text.length).some((c) => c !== ' ')
    )
      continue;
    for (let k = 0; k < text.length; k++) ticks[at + k] = text[k] ?? ' ';
  }
  lines.push(ticks.join('').trimEnd());
  if (per > 1) lines.push(`${' '.repeat(gutter)}a column is ${per} days (mean ${unit})`);
  return lines;
}

/** Words wrapped to `width` columns, each further line indented by `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  const lead = /^\s*/.exec(text)?.[0] ?? '';
  let line = lead;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line.trim() ? `${line} ${word}` : line + word;
    if (next.length > width && line.trim()) {
      out.push(line);
      line = indent + word;
    } else line = next;
  }
  if (line.trim()) out.push(line);
  return out;
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
const round = (x: number) => (x >= 10 ? String(Math.round(x)) : one(x).replace(/\.0$/, ''));
const short = (day: string) => formatDay(day).split(' ').slice(1, 3).join(' ');

/** The plan's note beside its heading: when it was made, and what it set. */
export function planNote(p: PlanComparison): string {
  const deck = p.deck === null ? '' : ` for deck ${p.deck}`;
  return `made ${formatDay(p.day)}${deck}: retention ${p.desiredRetention.toFixed(2)}, ${p.newPerDay} new cards a day`;
}

/** The plan's prediction beside what happened: a day on average since it was made, and the recall on the day. */
export function planLines(p: PlanComparison): string[] {
  const rows: [string, string, string, string][] = [];
  const dash = (x: number | undefined) => (x === undefined ? '—' : round(x));
  if (p.days === 0) {
    const t = p.today;
    rows.push(['today', 'predicted', 'so far', '']);
    rows.push(['reviews', dash(t.predicted?.reviews), round(t.actual.reviews), '']);
    rows.push(['new cards', dash(t.predicted?.newCards), round(t.actual.newCards), '']);
    rows.push(['minutes', dash(t.predicted?.minutes), round(t.actual.minutes), '']);
  } else {
    rows.push([`a day, ${p.days} day${p.days === 1 ? '' : 's'}`, 'predicted', 'actual', '']);
    rows.push(['reviews', round(p.predicted.reviews), round(p.actual.reviews), '']);
    rows.push(['new cards', round(p.predicted.newCards), round(p.actual.newCards), '']);
    rows.push(['minutes', round(p.predicted.minutes), round(p.actual.minutes), '']);
  }
  rows.push([
    `recall on ${short(p.readinessDay)}`,
    pct(p.readiness.predicted),
    pct(p.readiness.now),
    p.readiness.now === null ? '' : 'projected now',
  ]);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([a, b, c, d]) =>
    `  ${a.padEnd(w0)}  ${b.padStart(9)}  ${c.padStart(6)}  ${d}`.trimEnd(),
  );
}

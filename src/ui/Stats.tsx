/**
 * The stats screen: every figure of core/stats.ts, drawn for a terminal of any width.
 * At 80 columns everything fits; narrower, the heatmap keeps the latest weeks, the
 * forecast packs its bars, tables drop their bars and counts, and lists wrap by item.
 * Meaning never rests on colour alone: glyphs carry the intensities.
 */
import { Box, renderToString, Text, useStdout } from 'ink';
import type { ReactNode } from 'react';
import type { PassFail, Readiness, RetentionWindow, Stats } from '../core/stats.js';
import { daysBetween } from '../core/time.js';
import { ForecastChart, formatDay, HeatmapGrid, shortDay } from './StatsCharts.js';
import { balanceNote, planLines, planNote } from './plan-notes.js';
import { sanitize } from '../text/terminal.js';

export interface StatsViewProps {
  stats: Stats;
  /** Columns to draw in; the terminal's width when not given. */
  width?: number;
  /** What the figures cover: the deck title, the filter. */
  label?: string;
  /** Topics of a --topic filter: readiness then lists their sub-topics. */
  focusTopics?: string[];
  /** Readiness rows shown at most (the JSON has them all). */
  maxTopics?: number;
}

const LABEL_W = 10;

/** "45s", "14m 20s", "1h 05m" */
export function formatSpent(ms: number): string {
  const s = Math.round(Math.max(0, ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function pct(x: number | null, digits = 0): string {
  return x === null ? '—' : `${(x * 100).toFixed(digits)}%`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A labelled line whose items wrap as wholes when the line is too narrow. */
function Items({ label, items, width }: { label: string; items: ReactNode[]; width: number }) {
  return (
    <Box width={width}>
      <Box width={LABEL_W} flexShrink={0}>
        <Text bold>{label}</Text>
      </Box>
      <Box flexWrap="wrap" width={Math.max(1, width - LABEL_W)}>
        {items.map((it, i) => (
          <Text key={i}>
            {it}
            {i < items.length - 1 ? ' · ' : ''}
          </Text>
        ))}
      </Box>
    </Box>
  );
}

function Heading({ children, note }: { children: ReactNode; note?: string }) {
  return (
    <Text wrap="truncate">
      <Text bold underline>
        {children}
      </Text>
      {note ? <Text dimColor>{`  ${note}`}</Text> : null}
    </Text>
  );
}

function Cards({ stats, width }: { stats: Stats; width: number }) {
  const c = stats.cards;
  return (
    <Items
      label="Cards"
      width={width}
      items={[
        <Text key="n" color="blue">{`${c.new} new`}</Text>,
        <Text key="l" color="red">{`${c.learning} learning`}</Text>,
        <Text key="y" color="green">{`${c.young} young`}</Text>,
        <Text key="m" color="greenBright">{`${c.mature} mature`}</Text>,
        <Text key="s" color="yellow">{`${c.suspended} suspended`}</Text>,
        <Text key="b">{`${c.buried} buried`}</Text>,
      ]}
    />
  );
}

function Today({ stats, width }: { stats: Stats; width: number }) {
  const t = stats.today;
  const r = t.remaining;
  const correct = t.reviewed === 0 ? null : (t.reviewed - t.again) / t.reviewed;
  const cram = stats.cram;
  return (
    <Box flexDirection="column">
      <Items
        label="Today"
        width={width}
        items={[
          `${t.reviewed} reviewed in ${formatSpent(t.ms)}`,
          `${t.again} again${correct === null ? '' : ` (${pct(correct)} correct)`}`,
        ]}
      />
      {t.reviewed > 0 ? (
        <Items
          label=""
          width={width}
          items={[
            <Text key="l" dimColor>{`${t.learn} new or learning`}</Text>,
            <Text key="r" dimColor>{`${t.review} review`}</Text>,
            <Text key="rl" dimColor>{`${t.relearn} relearning`}</Text>,
          ]}
        />
      ) : null}
      <Items
        label="Left"
        width={width}
        items={[
          <Text key="t" bold>{`${r.total} today`}</Text>,
          `${r.new} new`,
          `${r.learning} learning`,
          `${r.review} review`,
        ]}
      />
      {cram.last30 > 0 ? (
        <Items
          label="Cram"
          width={width}
          items={[
            `${cram.today} today`,
            `${cram.last7} in 7 days`,
            `${cram.last30} in 30 days`,
            'never in retention',
          ]}
        />
      ) : null}
    </Box>
  );
}

function ForecastSection({ stats, width }: { stats: Stats; width: number }) {
  const f = stats.forecast;
  const note = `${f.total} in all · ${f.tomorrow} tomorrow${f.overdue ? ` · ${f.overdue} overdue` : ''}`;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Heading note={note}>Due, next 30 days</Heading>
      {f.max === 0 ? (
        <Text dimColor>Nothing is due in the next 30 days.</Text>
      ) : (
        <ForecastChart forecast={f} width={width} />
      )}
      {balanceNote(f) ? <Text dimColor>{balanceNote(f)}</Text> : null}
    </Box>
  );
}

function HeatmapSection({ stats, width }: { stats: Stats; width: number }) {
  const h = stats.heatmap;
  const items = [
    plural(h.currentStreak, 'day'),
    `longest ${h.longestStreak}`,
    h.periodDays === 0
      ? 'no days studied yet'
      : `studied ${h.daysStudied} of ${plural(h.periodDays, 'day')} (${pct(h.share)})`,
    plural(h.total, 'review'),
  ];
  return (
    <Box flexDirection="column" marginTop={1}>
      <Heading note="one column a week, today last">Reviews, last 365 days</Heading>
      <HeatmapGrid heatmap={h} width={width} />
      <Items label="Streak" width={width} items={items} />
    </Box>
  );
}

function cell(p: PassFail, wide: boolean): string {
  if (p.rate === null) return '—';
  return wide ? `${pct(p.rate, 1)} (${p.passed}/${p.passed + p.failed})` : pct(p.rate, 1);
}

function RetentionSection({ stats, width }: { stats: Stats; width: number }) {
  const r = stats.retention;
  const wide = width >= 64;
  const cw = wide ? 18 : 8;
  const row = (name: string, w: RetentionWindow) =>
    name.padEnd(LABEL_W) +
    cell(w.young, wide).padEnd(cw) +
    cell(w.mature, wide).padEnd(cw) +
    cell(w.all, wide);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Heading note={`pass = not Again, on review cards · desired ${pct(r.desired)}`}>
        True retention
      </Heading>
      <Text dimColor wrap="truncate">
        {' '.repeat(LABEL_W) + 'Young'.padEnd(cw) + 'Mature'.padEnd(cw) + 'All'}
      </Text>
      <Text wrap="truncate">{row('7 days', r.last7)}</Text>
      <Text wrap="truncate">{row('30 days', r.last30)}</Text>
    </Box>
  );
}

/** The readiness rows to show: root topics, or the sub-topics of the focus topics. */
export function readinessRows(topics: readonly Readiness[], focus: readonly string[]): Readiness[] {
  if (focus.length === 0) return topics.filter((t) => !t.topic.includes('/'));
  const depth = (t: string) => t.split('/').length;
  return topics.filter((t) =>
    focus.some(
      (f) => t.topic === f || (t.topic.startsWith(f + '/') && depth(t.topic) === depth(f) + 1),
    ),
  );
}

function bar(x: number | null, w: number): string {
  if (x === null) return ' '.repeat(w);
  const n = Math.round(x * w);
  return '█'.repeat(n) + '░'.repeat(w - n);
}

function ReadinessSection({
  stats,
  width,
  focus,
  max,
}: {
  stats: Stats;
  width: number;
  focus: string[];
  max: number;
}) {
  const rd = stats.readiness;
  const on = rd.on;
  const all = readinessRows(rd.topics, focus);
  const rows = all.slice(0, max);
  const barW = width >= 60 ? 10 : 0;
  const onW = on ? 10 : 0;
  const fixed = 2 + (barW ? barW + 1 : 0) + 5 + onW + 8;
  const nameW = Math.max(8, Math.min(30, width - fixed));
  const key = (r: Readiness) => (on ? r.on : r.now);
  const line = (r: Readiness, name: string) =>
    '  ' +
    (name.length > nameW ? name.slice(0, nameW - 1) + '…' : name.padEnd(nameW)) +
    (barW ? bar(key(r), barW) + ' ' : '') +
    pct(r.now).padStart(5) +
    (on ? pct(r.on).padStart(onW) : '') +
    String(r.unseen).padStart(8);
  const head =
    '  ' +
    ''.padEnd(nameW) +
    (barW ? ' '.repeat(barW + 1) : '') +
    'now'.padStart(5) +
    (on ? shortDay(on).padStart(onW) : '') +
    'unseen'.padStart(8);
  const daysTo = on ? daysBetween(stats.day, on) : 0;
  const note = on
    ? `mean recall of studied cards, now and on ${formatDay(on)} (in ${plural(daysTo, 'day')})`
    : 'mean recall of studied cards now · weakest first';
  return (
    <Box flexDirection="column" marginTop={1}>
      <Heading note={note}>Readiness</Heading>
      <Text dimColor wrap="truncate">
        {head}
      </Text>
      <Text bold wrap="truncate">
        {line(rd.overall, 'all cards')}
      </Text>
      {rows.map((r) => (
        <Text key={r.topic} wrap="truncate" color={r.studied === 0 ? 'gray' : undefined}>
          {line(r, r.topic)}
        </Text>
      ))}
      {all.length > rows.length ? (
        <Text dimColor wrap="truncate">
          {`  … ${all.length - rows.length} more (--json lists every topic and sub-topic)`}
        </Text>
      ) : null}
    </Box>
  );
}

/** The interview date's forecast, when one is set (`config set interview-date`). */
function InterviewSection({ stats }: { stats: Stats }) {
  const f = stats.interview;
  if (!f) return null;
  const note = `${formatDay(f.day)}, in ${plural(daysBetween(stats.day, f.day), 'day')}`;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Heading note={note}>Interview</Heading>
      <Text wrap="truncate">
        {`  predicted recall ${pct(f.retention)} if every review is done on time, ${pct(f.ifNoReviews)} with none`}
      </Text>
      {f.unseen ? (
        <Text dimColor wrap="truncate">{`  ${plural(f.unseen, 'card')} not yet introduced`}</Text>
      ) : null}
    </Box>
  );
}

/** The last plan applied (`sre-cards plan --apply`) beside what happened since. */
function PlanSection({ stats }: { stats: Stats }) {
  const p = stats.plan;
  if (!p) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Heading note={planNote(p)}>Plan</Heading>
      {planLines(p).map((line, i) => (
        <Text key={i} wrap="truncate">
          {line}
        </Text>
      ))}
    </Box>
  );
}

function LeechesSection({ stats, width }: { stats: Stats; width: number }) {
  const ls = stats.leeches;
  const shown = ls.slice(0, 5);
  const idW = Math.min(24, Math.max(0, ...shown.map((l) => l.id.length)));
  return (
    <Box flexDirection="column" marginTop={1}>
      <Heading note={`${stats.leechThreshold} or more lapses`}>{`Leeches ${ls.length}`}</Heading>
      {ls.length === 0 ? <Text dimColor>None.</Text> : null}
      {shown.map((l) => (
        <Text key={l.id} wrap="truncate">
          {`  ${l.id.padEnd(idW)}  ${plural(l.lapses, 'lapse')}${l.suspended ? ' (suspended)' : ''}  `}
          <Text dimColor>
            {sanitize(l.front).replace(/\s+/g, ' ').slice(0, Math.max(0, width))}
          </Text>
        </Text>
      ))}
      {ls.length > shown.length ? (
        <Text dimColor>{`  … ${ls.length - shown.length} more`}</Text>
      ) : null}
    </Box>
  );
}

export function StatsView({ stats, width, label, focusTopics, maxTopics }: StatsViewProps) {
  const { stdout } = useStdout();
  const w = Math.max(20, width ?? stdout?.columns ?? 80);
  const title = ['Stats', label ? sanitize(label) : null, formatDay(stats.day)]
    .filter(Boolean)
    .join(' · ');
  return (
    <Box flexDirection="column" width={w}>
      <Text bold wrap="truncate">
        {title}
      </Text>
      <Cards stats={stats} width={w} />
      <Today stats={stats} width={w} />
      <ForecastSection stats={stats} width={w} />
      <HeatmapSection stats={stats} width={w} />
      <RetentionSection stats={stats} width={w} />
      <ReadinessSection stats={stats} width={w} focus={focusTopics ?? []} max={maxTopics ?? 10} />
      <InterviewSection stats={stats} />
      <PlanSection stats={stats} />
      <LeechesSection stats={stats} width={w} />
    </Box>
  );
}

/** One frame of the stats screen, as text (coloured when the terminal takes colour). */
export function renderStats(
  stats: Stats,
  opts: { width: number; label?: string; focusTopics?: string[] },
): string {
  return renderToString(
    <StatsView
      stats={stats}
      width={opts.width}
      label={opts.label}
      focusTopics={opts.focusTopics}
    />,
    { columns: opts.width },
  );
}

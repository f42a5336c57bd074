/** The end-of-session summary, as lines of text (the screen shows them, and so does the shell after it). */
import type { QueueCounts } from '../core/queue.js';
import type { Summary } from '../session/types.js';
import { plural } from '../text/plural.js';

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`
    : `${m}:${String(sec).padStart(2, '0')}`;
}

function list(parts: string[]): string {
  return parts.length <= 1
    ? (parts[0] ?? '')
    : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** "19 new cards, 1 learning card and 2 reviews" */
export function countsText(c: QueueCounts): string {
  const parts: string[] = [];
  if (c.new) parts.push(plural(c.new, 'new card'));
  if (c.learning) parts.push(plural(c.learning, 'learning card'));
  if (c.review) parts.push(plural(c.review, 'review'));
  return list(parts);
}

/** "in 10 minutes", "in 2 hours" */
function inTime(ms: number): string {
  const mins = Math.max(1, Math.ceil(ms / 60_000));
  return mins < 120
    ? `in ${plural(mins, 'minute')}`
    : `in ${plural(Math.round(mins / 60), 'hour')}`;
}

export function summaryLines(s: Summary): string[] {
  // A share of nothing is no figure at all.
  const share = s.reviewed === 0 ? '—' : `${Math.round((s.again / s.reviewed) * 100)}%`;
  const left = s.leftToday;
  const leftTotal = left.new + left.learning + left.review;
  let today = 'Nothing more is due today.';
  if (leftTotal > 0) {
    const wait = s.nextToday ? s.nextToday.getTime() - s.at.getTime() : 0;
    const when =
      left.learning > 0 && wait > 0
        ? ` (${left.learning === 1 ? '' : 'the next '}${inTime(wait)})`
        : '';
    today = `Still due today: ${countsText(left)}${when}`;
  }
  return [
    `Reviewed ${plural(s.reviewed, 'card')} · Again ${share} · Time ${formatDuration(s.ms)}`,
    today,
    `Tomorrow: ${plural(s.dueTomorrow, 'review')} and up to ${plural(s.newTomorrow, 'new card')}`,
  ];
}

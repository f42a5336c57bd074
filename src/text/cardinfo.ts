/**
 * Card info as text, the same for `sre-cards show` and the review screen's `i`: the rows
 * of Anki's Card Info window and the answer log. Pure; the caller sanitises.
 */
import type { CardInfo } from '../core/cardinfo.js';

type Info = CardInfo & { file: string | null };

export const seconds = (ms: number | null): string =>
  ms === null ? '-' : `${(ms / 1000).toFixed(1)}s`;
const percent = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const instant = (at: string | null): string =>
  at === null ? '-' : `${at.slice(0, 16).replace('T', ' ')} UTC`;

/** Card info as label–value rows, in the order Anki lists them. */
export function cardInfoRows(info: Info): [string, string][] {
  return [
    ['added', instant(info.added)],
    ['first review', instant(info.firstReview)],
    ['latest review', instant(info.latestReview)],
    ['interval', `${info.interval} day${info.interval === 1 ? '' : 's'}`],
    ['due', instant(info.due)],
    ['stability', info.stability === null ? '-' : `${info.stability.toFixed(2)} days`],
    ['difficulty', info.difficulty === null ? '-' : info.difficulty.toFixed(2)],
    ['recall now', percent(info.retrievability)],
    ['reps', `${info.reps}`],
    ['lapses', `${info.lapses}`],
    ['average time', seconds(info.averageMs)],
    ['total time', seconds(info.totalMs)],
    ['written in', info.file ?? '-'],
  ];
}

/** The answer log as a table; `narrow` gives one short line an answer (under 60 columns). */
export function answerLogLines(
  log: CardInfo['log'],
  narrow = false,
  /** The device of each answer, in the same order, once the collection syncs with others. */
  devices?: readonly (string | undefined)[],
): string[] {
  if (narrow)
    return log.map(
      (l) =>
        `${l.at.slice(0, 16).replace('T', ' ')} ${l.rating} ${l.state}→${l.interval} ${seconds(l.ms)}${l.cram ? ' cram' : ''}`,
    );
  const named = devices?.some((d) => d !== undefined) ? devices : undefined;
  return [
    `answered              rating  state       interval  time${named ? '    device' : ''}`,
    ...log.map((l, i) => {
      const time = seconds(l.ms);
      const device = named ? `  ${time.padEnd(6)}${named[i] ?? ''}` : `  ${time}`;
      return `${l.at.slice(0, 19).replace('T', ' ')}   ${l.rating.padEnd(6)}  ${l.state.padEnd(10)}  ${l.interval.padEnd(8)}${device}${l.cram ? '  (cram)' : ''}`;
    }),
  ];
}

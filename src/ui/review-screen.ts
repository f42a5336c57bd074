/**
 * The review screen laid out as lines for a terminal of `columns` × `rows`: a header
 * (title, counts, progress), the card, and a footer (buttons, notice, keys). Nothing is
 * ever wider than the terminal, and the whole screen is shorter than it: a card taller
 * than the room left scrolls inside the screen, with a marker saying what is above and
 * below, and the header stays. Pure: Ink draws the lines as they are.
 */
import type { QueueCounts } from '../core/queue.js';
import type { Preview, RatingName } from '../core/scheduler.js';
import type { TypeDiff } from '../core/typeanswer.js';
import type { CardInfoView, SessionCard } from '../session/types.js';
import { answerLogLines, cardInfoRows } from '../text/cardinfo.js';
import { sanitize } from '../text/terminal.js';
import { FLAG_COLORS, FLAG_NAMES } from './flags.js';
import type { TypedLine } from './review-state.js';
import { lineWidth, markdownLines, textWidth, wrap, type Line, type Seg } from './layout.js';
import { formatDuration } from './summary.js';

export interface ScreenInput {
  /** What is being reviewed: the deck title, and the filter. */
  label: string;
  counts: QueueCounts;
  /** Cards answered in the session. */
  done: number;
  elapsedMs: number;
  /** A line about the interview pacing, if any. */
  pacing: string | null;
  card: SessionCard;
  phase: 'question' | 'answer';
  previews: Preview[] | null;
  notice: string | null;
  help: boolean;
  /** The first line of the card shown; 'answer' scrolls to the answer. */
  scroll: number | 'answer';
  columns: number;
  /** The terminal's height; 0 when unknown (then nothing scrolls). */
  rows: number;
  /** The type-in line being typed, if any. */
  typing?: TypedLine | null;
  /** The typed answer compared with the expected one, after Enter. */
  diff?: TypeDiff | null;
  /** Card info over the card. */
  info?: CardInfoView | null;
  /** The editor is open on the card's source. */
  editing?: boolean;
}

export interface Screen {
  lines: Line[];
  /** The first line of the card shown, and the largest it can be. */
  scroll: number;
  maxScroll: number;
  /** Lines of the card shown at once (a page, for PgUp/PgDn). */
  page: number;
}

const LABELS: Record<RatingName, string> = {
  again: 'Again',
  hard: 'Hard',
  good: 'Good',
  easy: 'Easy',
};

export const HELP: [string, string][] = [
  ['Space, Enter', 'show the answer; after it, grade Good (Again when a typed answer missed)'],
  ['1 2 3 4', 'grade Again, Hard, Good, Easy'],
  ['u, Ctrl-Z', 'undo the last answer, suspend, bury, flag or mark'],
  ['s, @', 'suspend this card'],
  ['!', "suspend this card (Anki's suspends the note; here each card apart)"],
  ['b, -', 'bury this card until tomorrow'],
  ['e', "edit the card's source in $VISUAL or $EDITOR"],
  ['i', 'card info: dates, interval, memory, answers'],
  ['f 1-7, f 0', 'flag red … purple; f 0 clears (also Ctrl-1…7 where sent)'],
  ['*', 'mark or unmark the note'],
  ['↑ ↓, j k', 'scroll a card taller than the screen'],
  ['PgUp, PgDn', 'scroll it a page at a time'],
  ['?', 'show or hide these keys (Esc hides them too)'],
  ['q, Esc, Ctrl-C', 'quit (everything is saved); Esc first closes what is open'],
];

/** Cuts text to `width` columns, with … when it did not fit. */
export function clip(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  let out = '';
  for (const ch of text) {
    if (textWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out.trimEnd()}…`;
}

/** Items joined by `sep` on as few lines as fit, never splitting an item. */
export function packItems(items: readonly Seg[][], width: number, sep = ' · '): Line[] {
  const lines: Line[] = [];
  let line: Line = [];
  for (const item of items) {
    const w = lineWidth(item);
    if (line.length > 0 && lineWidth(line) + textWidth(sep) + w > width) {
      lines.push(line);
      line = [];
    }
    if (line.length > 0) line.push({ text: sep, dim: true });
    line.push(...item);
  }
  if (line.length) lines.push(line);
  return lines;
}

function header(i: ScreenInput): Line[] {
  const w = i.columns;
  const c = i.counts;
  const counts: Seg[] = [
    { text: `New ${c.new}`, color: 'blue' },
    { text: ' · ' },
    { text: `Learning ${c.learning}`, color: 'red' },
    { text: ' · ' },
    { text: `Due ${c.review}`, color: 'green' },
  ];
  const title = sanitize(i.label).replace(/\s+/g, ' ');
  const cw = lineWidth(counts);
  const lines: Line[] = [];
  if (textWidth(title) + 2 + cw <= w) {
    const gap = w - textWidth(title) - cw;
    lines.push([{ text: title, bold: true }, { text: ' '.repeat(gap) }, ...counts]);
  } else {
    // Too narrow for both: the title on a line of its own, cut if it must be.
    lines.push([{ text: clip(title, w), bold: true }]);
    lines.push(...packItems([[counts[0]!], [counts[2]!], [counts[4]!]], w));
  }
  const remaining = c.new + c.learning + c.review;
  const total = i.done + remaining;
  const text = ` ${i.done}/${total} · ${formatDuration(i.elapsedMs)}`;
  const barW = Math.max(4, Math.min(40, w - textWidth(text) - 1));
  const filled = total === 0 ? barW : Math.round((i.done / total) * barW);
  lines.push([
    { text: '█'.repeat(filled), color: 'green' },
    { text: '░'.repeat(barW - filled), dim: true },
    { text },
  ]);
  if (i.pacing) lines.push(...wrap([{ text: i.pacing, dim: true }], w));
  lines.push([{ text: '─'.repeat(Math.max(1, w - 1)), dim: true }]);
  return lines;
}

function cardLines(i: ScreenInput): { lines: Line[]; answerAt: number } {
  const w = i.columns;
  const { card, rec } = i.card;
  const meta = [
    card.day !== null ? `Day ${card.day}` : null,
    card.dayTitle || null,
    card.topics.join(', '),
    rec.sched.state,
  ].filter(Boolean);
  const marks: Seg[] = [];
  const flag = rec.flag ?? 0;
  if (flag > 0)
    marks.push(
      { text: ' · ', dim: true },
      { text: `⚑\u00a0${FLAG_NAMES[flag]}`, color: FLAG_COLORS[flag] },
    );
  // No-break spaces: a sign and its word stay on one line.
  if (rec.marked) marks.push({ text: ' · ', dim: true }, { text: '★\u00a0marked', bold: true });
  const lines: Line[] = [
    ...wrap([{ text: sanitize(meta.join(' · ')), dim: true }, ...marks], w),
    [],
    ...markdownLines(card.front, w),
  ];
  let answerAt = -1;
  if (i.phase === 'answer') {
    lines.push([]);
    answerAt = lines.length;
    lines.push([{ text: '┄'.repeat(Math.max(1, Math.min(w - 1, 40))), dim: true }]);
    if (i.diff) lines.push(...diffLines(i.diff, w), []);
    lines.push(...markdownLines(card.back, w));
    if (card.source)
      lines.push(...wrap([{ text: `Source: ${sanitize(card.source)}`, dim: true }], w));
  }
  return { lines, answerAt };
}

/** The type-in line: a prompt, then the text with the cursor, scrolled to keep it in view. */
function typingLines(t: TypedLine, w: number): Line[] {
  const chars = [...t.text];
  const room = Math.max(1, w - 3);
  let from = 0;
  // Keep the cursor (and one cell after it) on the line.
  let width = 0;
  for (let k = t.cursor; k >= 0; k--) {
    width += k < chars.length ? textWidth(chars[k] ?? '') : 1;
    if (width > room) {
      from = k + 1;
      break;
    }
  }
  const segs: Seg[] = [{ text: '› ', bold: true }];
  if (from > 0) segs[0] = { text: '…', dim: true };
  if (from > 0) segs.push({ text: ' ' });
  let used = 0;
  for (let k = from; k <= chars.length; k++) {
    const ch = k < chars.length ? (chars[k] ?? ' ') : ' ';
    const cw = textWidth(ch);
    if (used + cw > room) break;
    used += cw;
    if (k === t.cursor) segs.push({ text: ch, inverse: true });
    else segs.push({ text: ch });
  }
  return [
    ...wrap([{ text: 'Type the answer; Enter compares, Esc skips typing', dim: true }], w),
    segs,
  ];
}

const MARK: Record<string, string> = { good: ' ', bad: '~', missing: ' ' };

/**
 * A typed answer against the expected one, as two labelled rows, each cut to the width
 * with a row of markers under it: `~` under characters typed wrong or in excess, `_`
 * in the typed row for each expected character not typed, `^` under the expected
 * characters that were missed. Colour repeats it (green, red, yellow), never alone.
 */
function diffLines(d: TypeDiff, w: number): Line[] {
  if (d.correct) {
    const text = d.expected.map((r) => r.text).join('');
    return wrap(
      [
        { text: '✓ ', bold: true, color: 'green' },
        { text: sanitize(text), color: 'green' },
      ],
      w,
    );
  }
  const labelW = 10;
  const room = Math.max(4, w - labelW);
  const color = { good: 'green', bad: 'red', missing: 'yellow' } as const;
  const rows = (label: string, runs: TypeDiff['typed'], expected: boolean): Line[] => {
    const cells: { ch: string; kind: 'good' | 'bad' | 'missing' }[] = [];
    for (const r of runs) for (const ch of sanitize(r.text)) cells.push({ ch, kind: r.kind });
    if (cells.length === 0) cells.push({ ch: ' ', kind: 'good' });
    const out: Line[] = [];
    let k = 0;
    let first = true;
    while (k < cells.length) {
      const text: Seg[] = [{ text: (first ? label : '').padEnd(labelW), dim: true }];
      let marks = ' '.repeat(labelW);
      let used = 0;
      let any = false;
      while (k < cells.length) {
        const c = cells[k] as (typeof cells)[number];
        const cw = Math.max(1, textWidth(c.ch));
        if (used + cw > room && used > 0) break;
        const last = text[text.length - 1] as Seg;
        if (last.color === color[c.kind] && k > 0 && !last.dim) last.text += c.ch;
        else text.push({ text: c.ch, color: color[c.kind] });
        const m = expected ? (c.kind === 'missing' ? '^' : ' ') : (MARK[c.kind] ?? ' ');
        if (m !== ' ') any = true;
        marks += m.repeat(cw);
        used += cw;
        k++;
      }
      out.push(text);
      if (any) out.push([{ text: marks.trimEnd(), bold: true }]);
      first = false;
    }
    return out;
  };
  return [
    [
      { text: '✗ not quite', bold: true, color: 'red' },
      { text: ' · Space grades Again', dim: true },
    ],
    ...rows('typed', d.typed, false),
    ...rows('expected', d.expected, true),
    ...wrap([{ text: '~ wrong/extra · _ not typed · ^ missed', dim: true }], w),
  ];
}

/** Card info, as `show` gives it: label and value rows, then the answers. */
function infoLines(info: CardInfoView, id: string, w: number): Line[] {
  const labelW = 15;
  const lines: Line[] = [[{ text: clip(`Card info · ${sanitize(id)}`, w), bold: true }]];
  for (const [label, value] of cardInfoRows(info)) {
    if (labelW + 8 > w)
      lines.push(
        [{ text: label, bold: true }],
        ...wrap([{ text: sanitize(value) }], w, [{ text: '  ' }]),
      );
    else
      lines.push(
        ...wrap(
          [{ text: sanitize(value) }],
          w,
          [{ text: label.padEnd(labelW), dim: true }],
          [{ text: ' '.repeat(labelW) }],
        ),
      );
  }
  lines.push([], [{ text: `Answers (${info.log.length})`, bold: true }]);
  if (info.log.length === 0) lines.push([{ text: 'none yet', dim: true }]);
  else
    for (const l of answerLogLines(info.log, w < 60))
      lines.push(...wrap([{ text: sanitize(l) }], w, [], [{ text: '  ' }]));
  return lines;
}

function helpLines(w: number): Line[] {
  const keyW = Math.min(16, Math.max(...HELP.map(([k]) => textWidth(k))) + 2);
  const lines: Line[] = [[{ text: 'Keys', bold: true }]];
  for (const [k, d] of HELP) {
    const key = `${k}${' '.repeat(Math.max(1, keyW - textWidth(k)))}`;
    if (textWidth(key) + 8 > w) {
      // Too narrow for two columns: the key, then what it does below it.
      lines.push([{ text: k, bold: true }], ...wrap([{ text: d }], w, [{ text: '  ' }]));
    } else
      lines.push(
        ...wrap([{ text: d }], w, [{ text: key, bold: true }], [{ text: ' '.repeat(keyW) }]),
      );
  }
  return lines;
}

/** The four buttons, in as many columns as fit, aligned, with no blank line between rows. */
function buttonLines(previews: readonly Preview[], w: number): Line[] {
  const buttons: Seg[][] = previews.map((p, n) => [
    { text: ` ${n + 1} `, bold: true, inverse: true },
    { text: ` ${LABELS[p.rating]} ` },
    { text: p.label, dim: true },
  ]);
  const gap = 3;
  const bw = Math.max(...buttons.map(lineWidth));
  const fitAll = buttons.reduce((n, b) => n + lineWidth(b), 0) + gap * (buttons.length - 1) <= w;
  if (fitAll) return [buttons.flatMap((b, n) => (n === 0 ? b : [{ text: ' '.repeat(gap) }, ...b]))];
  const cols = Math.max(1, Math.floor((w + gap) / (bw + gap)));
  const lines: Line[] = [];
  for (let r = 0; r < buttons.length; r += cols) {
    const row = buttons.slice(r, r + cols);
    lines.push(
      row.flatMap((b, n) => {
        const pad = n < row.length - 1 ? bw - lineWidth(b) + gap : 0;
        return pad > 0 ? [...b, { text: ' '.repeat(pad) }] : b;
      }),
    );
  }
  return lines;
}

function footer(i: ScreenInput): Line[] {
  const w = i.columns;
  const lines: Line[] = [[]];
  if (i.previews) lines.push(...buttonLines(i.previews, w));
  else if (i.typing)
    // Below the card, with the keys: in view however far a tall card is scrolled. Its
    // prompt says what Enter does.
    lines.push(
      ...(i.phase === 'question'
        ? typingLines(i.typing, w)
        : wrap([{ text: 'Enter compares what you typed', dim: true }], w)),
    );
  else lines.push(...wrap([{ text: 'Space or Enter shows the answer', dim: true }], w));
  if (i.notice) lines.push(...wrap([{ text: sanitize(i.notice), color: 'yellow' }], w));
  const keys = i.editing
    ? ['the editor is open; the session resumes when it closes']
    : i.info
      ? ['any other key closes the card info']
      : i.help
        ? ['? or Esc hides the keys']
        : i.typing
          ? ['Enter compare', 'Esc skip typing', '← → Home End', 'Ctrl-U clear', 'Ctrl-C quit']
          : [
              // After the reveal, Space grades: Again when the typed answer missed, else Good.
              !i.previews ? 'space show' : i.diff && !i.diff.correct ? 'space Again' : 'space Good',
              '1-4 grade',
              'u undo',
              's suspend',
              'b bury',
              '? keys',
              'q quit',
            ];
  lines.push(
    ...packItems(
      keys.map((k) => [{ text: k, dim: true }]),
      w,
    ),
  );
  return lines;
}

export function reviewScreen(i: ScreenInput): Screen {
  const w = Math.max(1, i.columns);
  const input = { ...i, columns: w };
  const head = header(input);
  const { lines: body, answerAt } = i.editing
    ? { lines: [[{ text: `Editing ${sanitize(i.card.card.id)}…`, dim: true }]], answerAt: -1 }
    : i.info
      ? { lines: infoLines(i.info, i.card.card.id, w), answerAt: -1 }
      : i.help
        ? { lines: helpLines(w), answerAt: -1 }
        : cardLines(input);
  const foot = footer(input);
  const limit = i.rows > 0 ? i.rows - 1 : Number.POSITIVE_INFINITY;
  if (head.length + body.length + foot.length <= limit)
    return { lines: [...head, ...body, ...foot], scroll: 0, maxScroll: 0, page: body.length };
  // The card's window, less a line for the marker.
  const room = Math.max(1, limit - head.length - foot.length - 1);
  const maxScroll = Math.max(0, body.length - room);
  let scroll =
    i.scroll === 'answer'
      ? answerAt >= 0 && answerAt + 3 > room
        ? Math.min(maxScroll, Math.max(0, answerAt - 1))
        : 0
      : Math.min(maxScroll, Math.max(0, i.scroll));
  if (!Number.isFinite(scroll)) scroll = 0;
  const above = scroll;
  const below = body.length - scroll - room;
  const marker: Line =
    packItems(
      [
        ...(above > 0
          ? [[{ text: `↑ ${above} ${above === 1 ? 'line' : 'lines'} above`, dim: true }]]
          : []),
        ...(below > 0
          ? [[{ text: `↓ ${below} ${below === 1 ? 'line' : 'lines'} below`, dim: true }]]
          : []),
        // While an answer is typed, j and k are letters of it.
        [{ text: i.typing ? '↑↓ scroll' : '↑↓ j k scroll', dim: true }],
      ],
      w,
    )[0] ?? [];
  const lines = [...head, ...body.slice(scroll, scroll + room), marker, ...foot];
  // A terminal too small for even that: keep the top, never more lines than it has.
  return { lines: lines.slice(0, limit), scroll, maxScroll, page: room };
}

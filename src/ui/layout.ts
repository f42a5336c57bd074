/**
 * Text laid out for the terminal by the screen itself, a line at a time: styled segments
 * word-wrapped to a width, with a prefix on the first line and a hanging indent on the
 * others. The screens know how many lines each part takes, so they can fit a terminal's
 * height and scroll; and a break drops its space instead of starting the next line with it.
 */
import stringWidth from 'string-width';
import { blocks, type Span } from './text.js';

export interface Seg {
  text: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
  color?: string;
}
export type Line = Seg[];

// Characters one column wide that are each a grapheme of their own: printable ASCII, most
// card text, and the rest of Latin-1 and the spacing letters after it, punctuation
// (dashes, "…", "·"), arrows, box drawing and blocks, which the screen's own rule and
// progress bar are made of. Text of these alone is measured without string-width's
// grapheme segmentation (the screen is laid out again on every key); a test checks each
// of them against string-width.
export const NARROW =
  /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u259f]*$/;

export const textWidth = (s: string): number => (NARROW.test(s) ? s.length : stringWidth(s));
export const lineWidth = (l: Line): number => l.reduce((n, s) => n + textWidth(s.text), 0);

type Token =
  { kind: 'word'; segs: Seg[]; width: number } | { kind: 'space'; seg: Seg } | { kind: 'break' };

/** Words (runs without a space, of one or more styles), the spaces between, and hard breaks. */
function tokens(segs: readonly Seg[]): Token[] {
  const out: Token[] = [];
  let word: Seg[] | null = null;
  const endWord = () => {
    if (word) out.push({ kind: 'word', segs: word, width: lineWidth(word) });
    word = null;
  };
  for (const seg of segs) {
    for (const part of seg.text.split(/( +|\n)/)) {
      if (part === '') continue;
      if (part === '\n') {
        endWord();
        out.push({ kind: 'break' });
      } else if (part[0] === ' ') {
        endWord();
        out.push({ kind: 'space', seg: { ...seg, text: part } });
      } else (word ??= []).push({ ...seg, text: part });
    }
  }
  endWord();
  return out;
}

/** Cuts a word wider than a line into pieces: the first `room` columns wide, the others `width`. */
function cut(segs: readonly Seg[], room: number, width: number): Seg[][] {
  const pieces: Seg[][] = [[]];
  let used = 0;
  let limit = Math.max(1, room);
  for (const seg of segs) {
    for (const ch of seg.text) {
      const w = textWidth(ch);
      if (used + w > limit && used > 0) {
        pieces.push([]);
        used = 0;
        limit = Math.max(1, width);
      }
      const piece = pieces[pieces.length - 1] as Seg[];
      const last = piece[piece.length - 1];
      if (last && sameStyle(last, seg)) last.text += ch;
      else piece.push({ ...seg, text: ch });
      used += w;
    }
  }
  return pieces;
}

function sameStyle(a: Seg, b: Seg): boolean {
  return a.bold === b.bold && a.dim === b.dim && a.inverse === b.inverse && a.color === b.color;
}

/**
 * Word-wraps segments to `width` columns: `first` starts the first line, `rest` every
 * other (a hanging indent). A space at a break is dropped; a word wider than the line
 * is cut; a newline in the text breaks the line there. Always at least one line.
 */
export function wrap(
  segs: readonly Seg[],
  width: number,
  first: readonly Seg[] = [],
  rest: readonly Seg[] = first,
): Line[] {
  const lines: Line[] = [];
  let line: Line = [...first];
  let used = lineWidth(line);
  let words = 0;
  let space = null as Seg | null;
  const restWidth = lineWidth([...rest]);
  const newLine = () => {
    lines.push(line);
    line = [...rest];
    used = restWidth;
    words = 0;
    space = null;
  };
  for (const t of tokens(segs)) {
    if (t.kind === 'break') {
      newLine();
      continue;
    }
    if (t.kind === 'space') {
      // Spaces count only between words on one line.
      if (words > 0) space = space ? { ...space, text: space.text + t.seg.text } : t.seg;
      continue;
    }
    const gap = space ? textWidth(space.text) : 0;
    if (words > 0 && used + gap + t.width > width) newLine();
    if (words > 0 && space) {
      line.push(space);
      used += gap;
    }
    space = null;
    if (used + t.width <= width) {
      line.push(...t.segs);
      used += t.width;
    } else {
      const pieces = cut(t.segs, width - used, width - restWidth);
      pieces.forEach((p, i) => {
        if (i > 0) newLine();
        line.push(...p);
        used += lineWidth(p);
      });
    }
    words++;
  }
  lines.push(line);
  return lines;
}

function spanSegs(spans: readonly Span[]): Seg[] {
  return spans.map((s) =>
    s.code
      ? { text: s.text, color: 'cyan' }
      : s.bold
        ? { text: s.text, bold: true }
        : { text: s.text },
  );
}

/**
 * Card text (a small Markdown subset) as lines `width` wide: paragraphs wrapped, list
 * items with their marker and a hanging indent, code blocks as they are (cut where a
 * line is wider than the terminal) behind a rule.
 */
export function markdownLines(text: string, width: number): Line[] {
  const out: Line[] = [];
  for (const b of blocks(text)) {
    switch (b.kind) {
      case 'blank':
        out.push([]);
        break;
      case 'para':
        out.push(...wrap(spanSegs(b.spans), width));
        break;
      case 'item': {
        const indent = ' '.repeat(b.depth * 2);
        const marker = `${indent}${b.marker} `;
        const hang = ' '.repeat(textWidth(marker));
        out.push(...wrap(spanSegs(b.spans), width, [{ text: marker }], [{ text: hang }]));
        break;
      }
      case 'code': {
        const bar: Seg = { text: '│ ', dim: true };
        for (const l of b.text.split('\n'))
          for (const piece of cut([{ text: l || ' ', color: 'cyan' }], width - 2, width - 2))
            out.push([bar, ...piece]);
        break;
      }
    }
  }
  return out;
}

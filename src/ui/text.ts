/**
 * Card text for the terminal: control characters and escape sequences are made visible
 * (never sent raw), and a small Markdown subset is split into blocks and inline spans.
 * Line breaks in a paragraph or a list item are spaces, as in Markdown.
 */
import { joinLines } from '../text/markdown.js';
import { sanitize } from '../text/terminal.js';

export type Span = { text: string; bold?: boolean; code?: boolean };
export type Block =
  | { kind: 'para'; spans: Span[] }
  | { kind: 'item'; spans: Span[]; depth: number; marker: string }
  | { kind: 'code'; text: string }
  | { kind: 'blank' };

/** Splits `**bold**` and `` `code` `` spans. */
export function inline(text: string): Span[] {
  const spans: Span[] = [];
  const re = /(`[^`]+`|\*\*[^*]+\*\*)/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    const i = m.index ?? 0;
    if (i > last) spans.push({ text: text.slice(last, i) });
    const tok = m[0];
    if (tok.startsWith('`')) spans.push({ text: tok.slice(1, -1), code: true });
    else spans.push({ text: tok.slice(2, -2), bold: true });
    last = i + tok.length;
  }
  if (last < text.length) spans.push({ text: text.slice(last) });
  return spans;
}

const FENCE = /^\s*(```|~~~)/;
const ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;
/**
 * Splits card text into blocks: paragraphs (consecutive lines, joined), list items (with
 * their indented continuation lines, joined), code blocks (kept line for line), and
 * blank lines. A line that is not indented ends a list.
 */
export function blocks(raw: string): Block[] {
  const out: Block[] = [];
  const lines = sanitize(raw).split('\n');
  let para: string[] | null = null;
  let item: { depth: number; marker: string; lines: string[] } | null = null;
  const flush = () => {
    if (para) out.push({ kind: 'para', spans: inline(joinLines(para)) });
    if (item)
      out.push({
        kind: 'item',
        spans: inline(joinLines(item.lines)),
        depth: item.depth,
        marker: item.marker,
      });
    para = null;
    item = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (FENCE.test(line)) {
      flush();
      const body: string[] = [];
      i++;
      while (i < lines.length && !FENCE.test(lines[i] ?? '')) body.push(lines[i++] ?? '');
      out.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    const m = ITEM.exec(line);
    if (m) {
      flush();
      item = {
        depth: Math.floor((m[1] ?? '').length / 2),
        marker: /\d/.test(m[2] ?? '') ? (m[2] ?? '') : '•',
        lines: [m[3] ?? ''],
      };
      continue;
    }
    if (line.trim() === '') {
      flush();
      out.push({ kind: 'blank' });
      continue;
    }
    if (item && /^\s/.test(line)) {
      item.lines.push(line);
      continue;
    }
    if (item) flush();
    (para ??= []).push(line);
  }
  flush();
  return out;
}

/**
 * Card text for the terminal: control characters and escape sequences are made visible
 * (never sent raw), and a small Markdown subset is split into blocks and inline spans.
 */
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

/** Splits card text into blocks: paragraphs (one per line), list items, code blocks. */
export function blocks(raw: string): Block[] {
  const out: Block[] = [];
  const lines = sanitize(raw).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*(```|~~~)/.test(line)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^\s*(```|~~~)/.test(lines[i] ?? '')) body.push(lines[i++] ?? '');
      out.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    const item = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      const marker = /\d/.test(item[2] ?? '') ? (item[2] ?? '') : '•';
      out.push({
        kind: 'item',
        spans: inline(item[3] ?? ''),
        depth: Math.floor((item[1] ?? '').length / 2),
        marker,
      });
      continue;
    }
    if (line.trim() === '') out.push({ kind: 'blank' });
    else out.push({ kind: 'para', spans: inline(line) });
  }
  return out;
}

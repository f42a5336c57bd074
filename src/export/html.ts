/**
 * Card text for Anki: the small Markdown subset of the decks (bold, inline code, code
 * blocks, lists) turned into safe HTML, and the HTML stripped back to text the way Anki
 * does for a note's sort field and checksum. Pure.
 */
import { hash } from 'node:crypto';
import { joinLines } from '../text/markdown.js';

/** Escapes the three characters that make text HTML: `&`, `<`, `>`. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Control characters have no place in a field (0x1f separates Anki's fields). */
function dropControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/** `**bold**` and `` `code` `` in one line of already escaped text. */
function inline(escaped: string): string {
  let out = '';
  let last = 0;
  for (const m of escaped.matchAll(/`([^`]+)`|\*\*([^*]+)\*\*/g)) {
    const i = m.index ?? 0;
    out += escaped.slice(last, i);
    out += m[1] !== undefined ? `<code>${m[1]}</code>` : `<b>${inline(m[2] ?? '')}</b>`;
    last = i + m[0].length;
  }
  return out + escaped.slice(last);
}

const FENCE = /^\s*(```|~~~)/;
const ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;

interface ListFrame {
  tag: 'ul' | 'ol';
  depth: number;
}

/**
 * Markdown to HTML: `<`, `>` and `&` are escaped first, so no text can become markup;
 * then `**bold**` becomes `<b>`, `` `code` `` `<code>`, fenced blocks `<pre><code>`,
 * `-`/`*`/`1.` lines nested `<ul>`/`<ol>` lists (two spaces a level). As in Markdown, a
 * single line break inside a paragraph or a list item is a space (sources are wrapped
 * at some width; Anki wraps at its own), a hard break (two trailing spaces or a
 * backslash) and a blank line are `<br>`, and code blocks keep their lines. Cloze
 * deletions (`{{c1::…}}`) pass through untouched.
 */
export function markdownToHtml(markdown: string): string {
  const lines = dropControls(markdown).split('\n');
  while (lines.length && (lines[0] ?? '').trim() === '') lines.shift();
  while (lines.length && (lines[lines.length - 1] ?? '').trim() === '') lines.pop();
  let out = '';
  // Whether the last thing written was a line of text (a following line needs a <br>).
  let afterText = false;
  const stack: ListFrame[] = [];
  // The lines of the paragraph, or of the list item, being read.
  let para: string[] = [];
  let item: string[] | null = null;
  const text = (ls: string[]) => inline(escapeHtml(joinLines(ls))).replace(/\n/g, '<br>');
  const flush = () => {
    if (item) out += text(item);
    item = null;
    if (para.length) {
      if (afterText) out += '<br>';
      out += text(para);
      afterText = true;
    }
    para = [];
  };
  const closeLists = (depth: number) => {
    while (stack.length && (stack[stack.length - 1]?.depth ?? 0) >= depth) {
      out += `</li></${stack.pop()?.tag}>`;
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (FENCE.test(line)) {
      flush();
      closeLists(0);
      const body: string[] = [];
      i++;
      while (i < lines.length && !FENCE.test(lines[i] ?? '')) body.push(lines[i++] ?? '');
      out += `<pre><code>${body.map(escapeHtml).join('<br>')}</code></pre>`;
      afterText = false;
      continue;
    }
    const m = ITEM.exec(line);
    if (m) {
      flush();
      const depth = Math.floor((m[1] ?? '').length / 2);
      const tag = /\d/.test(m[2] ?? '') ? 'ol' : 'ul';
      const top = stack[stack.length - 1];
      if (top && top.depth > depth) closeLists(depth + 1);
      const cur = stack[stack.length - 1];
      if (cur && cur.depth === depth && cur.tag === tag) out += '</li><li>';
      else if (cur && cur.depth === depth) {
        closeLists(depth);
        out += `<${tag}><li>`;
        stack.push({ tag, depth });
      } else {
        out += `<${tag}><li>`;
        stack.push({ tag, depth });
      }
      item = [m[3] ?? ''];
      afterText = false;
      continue;
    }
    if (item && line.trim() !== '' && /^\s+/.test(line)) {
      // An indented line continues the list item above it.
      item.push(line);
      continue;
    }
    if (line.trim() === '') {
      // A blank line ends the paragraph (or the list) and is a line break of its own.
      flush();
      closeLists(0);
      if (afterText) out += '<br>';
      afterText = true;
      continue;
    }
    if (item) {
      flush();
      closeLists(0);
    }
    para.push(line);
  }
  flush();
  closeLists(0);
  return out;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** Decodes HTML entities (named ones Anki's editor writes, and numeric ones). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : all;
    }
    return ENTITIES[name.toLowerCase()] ?? all;
  });
}

/**
 * A field as Anki sorts and checks it: comments and tags removed (no space added in
 * their place), entities decoded.
 */
export function stripHtml(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<style[^>]*>[\s\S]*?<\/style>/gi, '')
      .replace(/<script[^>]*>[\s\S]*?<\/script>/gi, '')
      .replace(/<[^>]*>/g, ''),
  );
}

/** Anki's `csum`: the first 8 hex digits of the SHA-1 of the stripped first field, as an integer. */
export function fieldChecksum(firstField: string): number {
  return hash('sha1', stripHtml(firstField), 'buffer').readUInt32BE(0);
}

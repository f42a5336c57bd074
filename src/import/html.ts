/**
 * A note field's HTML as the Markdown of the deck format, with node-html-markdown: bold,
 * italics, code and code blocks, lists, line breaks (`<br>`, Anki's `<div>` lines),
 * entities decoded; headings become bold lines; scripts, styles and other active content
 * are dropped, never run. Images and sounds of the package's media become references to
 * the deck's `media/` folder. The result is then made safe for the line-based deck
 * format and for a terminal (see `deckSafe`). Pure.
 */
import { NodeHtmlMarkdown, type TranslatorConfigObject } from 'node-html-markdown';
import { harmless } from './text.js';

export { harmless };

/** The folder, inside the deck folder, that holds the media files. */
export const MEDIA_DIR = 'media';

/** The Markdown reference to a media file: `media/NAME`, escaped for a link. */
export function mediaPath(name: string): string {
  return `${MEDIA_DIR}/${encodeURIComponent(name).replace(/\(/g, '%28').replace(/\)/g, '%29')}`;
}

interface Context {
  media: ReadonlySet<string>;
  used: Set<string>;
}
let ctx: Context = { media: new Set(), used: new Set() };

type Attrs = { getAttribute(name: string): string | null | undefined };
const attr = (node: unknown, name: string): string => (node as Attrs).getAttribute(name) ?? '';

const SAFE_URL = /^(https?:|mailto:)/i;

const translators: TranslatorConfigObject = {
  br: { content: '\n', recurse: false },
  div: { surroundingNewlines: 1 },
  // A heading line would start a note (`## id`): headings are bold lines instead.
  'h1,h2,h3,h4,h5,h6': { prefix: '**', postfix: '**', surroundingNewlines: 1 },
  img: ({ node }) => {
    const src = attr(node, 'src').trim();
    const alt = attr(node, 'alt')
      .replace(/[[\]\n]/g, ' ')
      .trim();
    let name: string;
    try {
      name = decodeURIComponent(src);
    } catch {
      name = src;
    }
    if (ctx.media.has(src) || ctx.media.has(name)) {
      const file = ctx.media.has(src) ? src : name;
      ctx.used.add(file);
      return { content: `![${alt}](${mediaPath(file)})`, recurse: false };
    }
    if (SAFE_URL.test(src))
      return {
        content: `![${alt}](${src.replace(/[()\s]/g, encodeURIComponent)})`,
        recurse: false,
      };
    return { ignore: true };
  },
  a: ({ node }) => {
    const href = attr(node, 'href').trim();
    if (!SAFE_URL.test(href)) return {};
    return {
      prefix: '[',
      postfix: `](${href.replace(/[()\s]/g, encodeURIComponent)})`,
      postprocess: ({ content }) => content.replace(/\s*\n\s*/g, ' '),
    };
  },
};

const converter = new NodeHtmlMarkdown(
  {
    bulletMarker: '-',
    codeFence: '```',
    emDelimiter: '_',
    strongDelimiter: '**',
    maxConsecutiveNewlines: 2,
    // The deck format has no backslash escapes: text stays as written.
    globalEscape: [/(?!)/g, ''],
    lineStartEscape: [/(?!)/g, ''],
    ignore: [
      'SCRIPT',
      'STYLE',
      'OBJECT',
      'EMBED',
      'IFRAME',
      'AUDIO',
      'VIDEO',
      'TEMPLATE',
      'SVG',
      'MATH',
    ],
  },
  translators,
);

const INLINE: Record<string, string> = {
  '<b>': '**',
  '<strong>': '**',
  '<i>': '_',
  '<em>': '_',
  '<code>': '`',
};
const INLINE_TAG = /(<\/?(?:b|strong|i|em|code)>)/;
/** Text the converter writes as it is: no markup, entity, Markdown mark, backslash or run of spaces. */
const PLAIN_TEXT = /^(?:[^<>&*_`\\\s]| (?! ))*$/;

/**
 * The Markdown of the simplest fields, which the converter would give, without it: text
 * with single spaces and bold, italic or code spans (`<b>`, `<strong>`, `<i>`, `<em>`,
 * `<code>`), none nested, none empty or with spaces at its ends, none next to another.
 * Null for anything else (a test holds the two to the same text on many fields). Many
 * fields of a large collection are of this kind, and the converter takes far longer.
 */
export function simpleInline(html: string): string | null {
  if (html !== html.trim()) return null;
  const parts = html.split(INLINE_TAG);
  let out = '';
  for (let i = 0; i < parts.length; i += 4) {
    const text = parts[i] as string;
    if (!PLAIN_TEXT.test(text)) return null;
    // Text between two spans: at least one character.
    if (i > 0 && i + 1 < parts.length && text === '') return null;
    out += text;
    if (i + 1 >= parts.length) break;
    const open = parts[i + 1] as string;
    const content = parts[i + 2] as string;
    const close = parts[i + 3];
    const mark = INLINE[open];
    if (mark === undefined || close !== `</${open.slice(1)}`) return null;
    if (content === '' || content !== content.trim() || !PLAIN_TEXT.test(content)) return null;
    out += mark + content + mark;
  }
  return out;
}

/** Anki's sound tags, `[sound:name.mp3]`, which are text in the field, not HTML. */
const SOUND = /\[sound:([^\]\n]+)\]/g;

/** The converter's Markdown of a field's HTML, as it is (before `deckSafe`). */
export function converted(html: string, media: ReadonlySet<string>, used: Set<string>): string {
  ctx = { media, used };
  try {
    return converter.translate(html);
  } finally {
    ctx = { media: new Set(), used: new Set() };
  }
}

/** Converts a field's HTML; `media` are the package's media names, `used` collects those referenced. */
export function htmlToMarkdown(
  html: string,
  media: ReadonlySet<string>,
  used: Set<string>,
): string {
  if (html.trim() === '') return '';
  let md: string;
  let simple: string | null;
  if (!/[<&]/.test(html)) {
    // No markup and no entity: the text as a browser shows it, spaces collapsed.
    md = html.replace(/\s+/g, ' ').trim();
  } else if ((simple = simpleInline(html)) !== null) {
    md = simple;
  } else md = hardBreaks(converted(html, media, used));
  md = md.replace(SOUND, (whole, name: string) => {
    if (!media.has(name)) return whole;
    used.add(name);
    return `[sound: ${name}](${mediaPath(name)})`;
  });
  return deckSafe(md);
}

const ITEM = /^(\s*)([-*+]|\d+[.)])\s+/;

/**
 * The line breaks of a field's HTML (`<br>`, Anki's `<div>` lines, a heading's end) kept
 * as breaks: the converter ends such a line with a single newline, which Markdown (and the
 * review screen) reads as a space. Outside code blocks, a line followed by another of the
 * same paragraph or list item ends with a backslash, Markdown's hard break, and a line
 * that continues a list item is indented under it, as the review screen reads one. (In a
 * list item the converter marks a break with two spaces; a line after the item without
 * them follows the list.) Blank lines and lines that start an item or a code block are
 * left as they are.
 */
export function hardBreaks(md: string): string {
  const lines = md.split('\n');
  if (lines.length < 2) return md;
  let fence = false;
  // The indent of the list item the line belongs to, or null outside a list.
  let indent: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (FENCE.test(line)) {
      fence = !fence;
      indent = null;
      continue;
    }
    if (fence) continue;
    if (line.trim() === '') {
      indent = null;
      continue;
    }
    const item = ITEM.exec(line);
    if (item) indent = ' '.repeat(item[0].length);
    const next = lines[i + 1];
    if (next === undefined || next.trim() === '' || FENCE.test(next) || ITEM.test(next)) continue;
    if (indent !== null) {
      if (/^\s/.test(next)) lines[i + 1] = indent + next.trimStart();
      else if (/ {2}$/.test(line)) lines[i + 1] = indent + next;
      else {
        // The list ends here: the next line follows it.
        indent = null;
        lines[i] = line.replace(/\s+$/, '');
        continue;
      }
    }
    lines[i] = `${line.replace(/\s+$/, '')}\\`;
  }
  return lines.join('\n');
}

/**
 * The converter's Markdown of text with no markup, no entity and no space at its ends: the
 * text with its runs of spaces made one (a test holds the two to the same text), or null
 * for anything else. (A space at the start, the converter keeps as one.)
 */
export function plainText(html: string): string | null {
  return /[<&]/.test(html) || html !== html.trim() ? null : html.replace(/\s+/g, ' ');
}

/** HTML to plain text: the Markdown without its marks, for a type-in answer (or a plan line). */
export function htmlToPlain(html: string): string {
  return deckSafe(
    (plainText(html) ?? converter.translate(html))
      .replace(/\*\*([^*]+)\*\*/g, '$1')
      .replace(/`([^`]+)`/g, '$1'),
  );
}

const FIELD_LINE = /^(line|topics|source|Q|A|Term|Definition|C|Extra|Type|Type-ci):(\s|$)/;
const FENCE = /^\s*(```|~~~)/;
/** The deck parser's longest line (src/deck/parse.ts). */
export const MAX_LINE = 10_000;
const WRAP_AT = 2_000;

/**
 * Text that the deck format reads back as the same field: outside code blocks, a line
 * that would start a field (`Q: …`), a note (`## …`) or a comment (`<!--`) is escaped
 * with a backslash; very long lines are wrapped; a code block left open is closed;
 * control characters are made harmless; blank lines at the ends are dropped.
 */
export function deckSafe(md: string): string {
  const out: string[] = [];
  let fence = false;
  for (const raw of harmless(md).split('\n')) {
    let line = raw.replace(/\s+$/, '');
    if (FENCE.test(line)) fence = !fence;
    else if (!fence && (FIELD_LINE.test(line) || /^##/.test(line) || /^\s*<!--/.test(line)))
      line = `\\${line}`;
    while (line.length > MAX_LINE) {
      let cut = line.lastIndexOf(' ', WRAP_AT);
      if (cut <= 0) cut = WRAP_AT;
      out.push(line.slice(0, cut));
      line = line.slice(cut).replace(/^ /, '');
    }
    out.push(line);
  }
  if (fence) out.push('```');
  while (out.length && (out[0] ?? '').trim() === '') out.shift();
  while (out.length && (out[out.length - 1] ?? '').trim() === '') out.pop();
  return out.join('\n');
}

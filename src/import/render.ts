/**
 * The deck format's text for imported notes: `deck.md` with the topics, one card file
 * per Anki deck, and each note's block. The format is the one `src/deck/parse.ts`
 * reads; `plan.ts` parses what is written here before anything is staged. Pure.
 */
import type { NoteKind, PlanLine } from '../deck/types.js';
import { harmless } from './text.js';

export interface NoteBlock {
  id: string;
  kind: NoteKind;
  front: string;
  back: string;
  type?: string;
  topics: string[];
  source: string | null;
  line: PlanLine | null;
}

/** One line for front matter or a topic description: no line breaks, no control characters. */
export function oneLine(text: string): string {
  return harmless(text)
    .replace(/[\n\t]+/g, ' ')
    .trim();
}

/** A field: `Q: text`, or `Q:` alone on its line when the text opens with a code block. */
function field(name: string, text: string): string {
  if (/^\s*(```|~~~)/.test(text)) return `${name}:\n${text}`;
  return `${name}: ${text}`;
}

export function noteBlock(n: NoteBlock): string {
  const lines = [`## ${n.id}`];
  if (n.line) lines.push(`line: ${n.line}`);
  if (n.topics.length) lines.push(`topics: ${n.topics.join(', ')}`);
  if (n.source) lines.push(`source: ${oneLine(n.source)}`);
  switch (n.kind) {
    case 'basic':
      lines.push(field('Q', n.front), field('A', n.back));
      break;
    case 'reversible':
      lines.push(field('Term', n.front), field('Definition', n.back));
      break;
    case 'typein':
      lines.push(field('Q', n.front), `Type: ${oneLine(n.type ?? '')}`);
      if (n.back) lines.push(field('A', n.back));
      break;
    case 'cloze':
      lines.push(field('C', n.front));
      if (n.back) lines.push(field('Extra', n.back));
      break;
  }
  return lines.join('\n') + '\n';
}

export function cardFile(title: string, topics: string[], blocks: string[]): string {
  return `---\ntitle: ${oneLine(title)}\ntopics: ${topics.join(', ')}\n---\n\n${blocks.join('\n')}`;
}

export function deckFile(
  name: string,
  title: string,
  intro: string,
  topics: { id: string; description: string }[],
): string {
  return (
    `---\nname: ${name}\ntitle: ${oneLine(title)}\n---\n\n${oneLine(intro)}\n\n# Topics\n` +
    topics.map((t) => `- ${t.id}: ${oneLine(t.description)}`).join('\n') +
    '\n'
  );
}

/**
 * The deck format's text for imported notes: `deck.md` with the topics, one card file
 * per Anki deck, and each note's block. The format is the one `src/deck/parse.ts`
 * reads; `plan.ts` parses what is written here before anything is staged. Pure.
 */
import type { NoteKind, PlanLine } from '../deck/types.js';
import { noteBlock as writeNote } from '../deck/write.js';
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

/** An imported note's block: its source and typed answer on one line. */
export function noteBlock(n: NoteBlock): string {
  return writeNote({
    ...n,
    type: n.type === undefined ? undefined : { text: oneLine(n.type), ci: false },
    source: n.source === null ? null : oneLine(n.source),
  });
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

/**
 * Notes written in the deck format, as `parse.ts` reads them: an imported note, or a
 * built-in note copied into an overlay. Pure.
 */
import type { NoteKind, PlanLine, TypeAnswer } from './types.js';

export interface NoteBlock {
  id: string;
  kind: NoteKind;
  front: string;
  back: string;
  type?: TypeAnswer;
  topics: readonly string[];
  /** One line. */
  source: string | null;
  line: PlanLine | null;
}

/** A field: `Q: text`, or `Q:` alone on its line when the text opens with a code block. */
function field(name: string, text: string): string {
  return /^\s*(```|~~~)/.test(text) ? `${name}:\n${text}` : `${name}: ${text}`;
}

/** A note's block: its heading, its keys, its fields. */
export function noteBlock(n: NoteBlock): string {
  const lines = [`## ${n.id}`];
  if (n.line) lines.push(`line: ${n.line}`);
  if (n.topics.length) lines.push(`topics: ${n.topics.join(', ')}`);
  if (n.source) lines.push(`source: ${n.source}`);
  switch (n.kind) {
    case 'basic':
      lines.push(field('Q', n.front), field('A', n.back));
      break;
    case 'reversible':
      lines.push(field('Term', n.front), field('Definition', n.back));
      break;
    case 'typein':
      lines.push(field('Q', n.front), `${n.type?.ci ? 'Type-ci' : 'Type'}: ${n.type?.text ?? ''}`);
      if (n.back) lines.push(field('A', n.back));
      break;
    case 'cloze':
      lines.push(field('C', n.front));
      if (n.back) lines.push(field('Extra', n.back));
      break;
  }
  return lines.join('\n') + '\n';
}

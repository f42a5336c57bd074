/**
 * Searching cards' text, as `--search` takes it: words found in the front, the back or
 * the source, case aside; `"an exact phrase"`; `-word` (or `-"a phrase"`) leaves out
 * the cards that have it. Every term must hold. Pure.
 */
import type { Card } from '../deck/types.js';

export interface Search {
  /** Terms every card must hold, in lower case. */
  include: string[];
  /** Terms no card may hold, in lower case. */
  exclude: string[];
}

/** The terms of a search text; null when it holds none. */
export function parseSearch(text: string): Search | null {
  const s: Search = { include: [], exclude: [] };
  const re = /(-?)(?:"([^"]*)"|(\S+))/g;
  for (const m of text.matchAll(re)) {
    const term = (m[2] ?? m[3] ?? '').toLowerCase().trim();
    if (term === '') continue;
    (m[1] ? s.exclude : s.include).push(term);
  }
  return s.include.length + s.exclude.length > 0 ? s : null;
}

/** Several searches given at once (`--search` repeated) hold together. */
export function joinSearches(list: readonly Search[]): Search | null {
  if (list.length === 0) return null;
  return {
    include: list.flatMap((s) => s.include),
    exclude: list.flatMap((s) => s.exclude),
  };
}

export function matchesSearch(card: Card, s: Search): boolean {
  const text = `${card.front}\n${card.back}\n${card.source ?? ''}`.toLowerCase();
  return s.include.every((t) => text.includes(t)) && !s.exclude.some((t) => text.includes(t));
}

/** A search as the user wrote it, for messages: `dns "exact phrase" -anycast`. */
export function describeSearch(s: Search): string {
  const term = (t: string) => (/\s/.test(t) ? `"${t}"` : t);
  return [...s.include.map(term), ...s.exclude.map((t) => `-${term(t)}`)].join(' ');
}

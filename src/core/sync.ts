/**
 * Bringing the collection in line with its decks' sources: new cards are added, edited
 * cards keep their id and history (their hash and mod change), removed cards are
 * retired (kept with their history, neither listed nor reviewed), returning cards
 * come back with their history.
 */
import type { Card } from '../deck/types.js';
import { NEW_STATE } from './scheduler.js';
import type { CollectionState } from './model.js';

export interface SyncReport {
  added: number;
  edited: number;
  retired: number;
  restored: number;
}

/** Which cards a sync of a deck would add, edit, retire and bring back, by id. */
export interface SyncChanges {
  added: string[];
  edited: string[];
  retired: string[];
  restored: string[];
}

/** What `syncDeck` would change, without changing anything. */
export function syncChanges(
  state: CollectionState,
  deckName: string,
  cards: readonly Card[],
): SyncChanges {
  const out: SyncChanges = { added: [], edited: [], retired: [], restored: [] };
  const present = new Set<string>();
  for (const c of cards) {
    present.add(c.id);
    const rec = state.cards[c.id];
    if (!rec) {
      out.added.push(c.id);
      continue;
    }
    if (rec.retired) out.restored.push(c.id);
    if (rec.hash !== c.hash) out.edited.push(c.id);
  }
  for (const rec of Object.values(state.cards))
    if (rec.deck === deckName && !rec.retired && !present.has(rec.id)) out.retired.push(rec.id);
  return out;
}

export const hasChanges = (c: SyncChanges): boolean =>
  c.added.length + c.edited.length + c.retired.length + c.restored.length > 0;

/** Syncs the cards of one deck into the state, in place. */
export function syncDeck(
  state: CollectionState,
  deckName: string,
  cards: readonly Card[],
  now: Date,
): SyncReport {
  const report: SyncReport = { added: 0, edited: 0, retired: 0, restored: 0 };
  const at = now.toISOString();
  const present = new Set<string>();
  for (const c of cards) {
    present.add(c.id);
    const rec = state.cards[c.id];
    if (!rec) {
      state.cards[c.id] = {
        id: c.id,
        note: c.note,
        deck: deckName,
        sched: { ...NEW_STATE },
        suspended: false,
        buriedDay: null,
        retired: false,
        hash: c.hash,
        mod: at,
        added: at,
      };
      report.added++;
      continue;
    }
    if (rec.retired) {
      rec.retired = false;
      report.restored++;
    }
    if (rec.hash !== c.hash) {
      rec.hash = c.hash;
      rec.mod = at;
      report.edited++;
    }
    rec.deck = deckName;
    rec.note = c.note;
  }
  for (const rec of Object.values(state.cards)) {
    if (rec.deck === deckName && !rec.retired && !present.has(rec.id)) {
      rec.retired = true;
      report.retired++;
    }
  }
  return report;
}

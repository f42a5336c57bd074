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

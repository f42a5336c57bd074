/**
 * Rescheduling after a change of settings, as Anki does when parameters or desired
 * retention change: each card's answers are replayed through FSRS with the new settings
 * (undone and cram answers left out; a reset starts the card over), which gives its
 * memory state and due date as if those settings had been in force all along.
 * Pure: takes the events, returns the cards whose state changes.
 */
import { forgotten, type CollectionEvent, type CollectionState } from './model.js';
import { cardHistories } from './reviewlog.js';
import { answer, NEW_STATE, ratingName, sameSched, type SchedState } from './scheduler.js';
import {
  changesIntervals as intervalsChange,
  intervalKey,
  settingsForDeck,
  type Settings,
} from './settings.js';

export type Moved = Record<string, { before: SchedState; after: SchedState }>;

/** Does going from `a` to `b` change the intervals FSRS gives (so cards need rescheduling)? */
export const changesIntervals = intervalsChange;

/**
 * Each card's state from replaying its answers with `settings`, for cards with any answer
 * or reset. `deckOf` names a card's deck, whose own settings then apply; `only` limits
 * the replay to some cards.
 */
export function replayStates(
  events: readonly CollectionEvent[],
  settings: Settings,
  deckOf?: (card: string) => string | undefined,
  only?: (card: string) => boolean,
): Map<string, SchedState> {
  const out = new Map<string, SchedState>();
  for (const [card, steps] of cardHistories(events)) {
    if (only && !only(card)) continue;
    const cardSettings = deckOf ? settingsForDeck(settings, deckOf(card)) : settings;
    let s: SchedState = { ...NEW_STATE };
    for (const e of steps) {
      if (e.type === 'reset') s = forgotten(s, e.keepCounts === true);
      else
        s = answer(
          s,
          new Date(e.at),
          ratingName(e.rating),
          cardSettings,
          { timeZone: e.tz, rolloverHour: e.rollover },
          card,
          // The interval given then is kept while the settings allow it (the load balancer's choice).
          { recorded: e.after },
        );
    }
    out.set(card, s);
  }
  return out;
}

/**
 * The cards whose state differs once their answers are replayed with `settings`. Only
 * the cards of decks whose intervals the change touches are replayed: a deck's own
 * settings changing moves that deck's cards alone.
 */
export function reschedule(
  state: CollectionState,
  events: readonly CollectionEvent[],
  settings: Settings,
): Moved {
  const changed = new Map<string, boolean>();
  const touched = (deck: string | undefined): boolean => {
    const key = deck ?? '';
    let c = changed.get(key);
    if (c === undefined) {
      c = intervalKey(state.settings, deck) !== intervalKey(settings, deck);
      changed.set(key, c);
    }
    return c;
  };
  const deckOf = (id: string) => state.cards[id]?.deck;
  const moved: Moved = {};
  for (const [id, after] of replayStates(events, settings, deckOf, (id) => touched(deckOf(id)))) {
    const rec = state.cards[id];
    if (rec && !sameSched(rec.sched, after)) moved[id] = { before: rec.sched, after };
  }
  return moved;
}

/** How many of the moved cards got a different due date. */
export function movedDue(moved: Moved): number {
  return Object.values(moved).filter((m) => m.before.due !== m.after.due).length;
}

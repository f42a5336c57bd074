/**
 * The load balancer and easy days, as Anki has them since 24.11
 * (rslib/src/scheduler/states/load_balancer.rs). When a review is scheduled, its day is
 * not drawn uniformly from the fuzz range but weighted: each candidate day by the inverse
 * of its load (to the power 2.15) and of its distance (to the power 3), days with a
 * sibling of the card nearby made unlikely, and easy days taken out while other days can
 * take the card. The draw uses the card's own fuzz factor (seeded by the card, its review
 * count and the study day), so the buttons' intervals are the ones answering gives, and
 * over an even load the day is the one plain fuzz gives.
 *
 * Two departures from Anki, both deliberate: the whole collection is balanced, not each
 * preset apart (the day's work is what the user feels), and an empty day gets the easy-day
 * and sibling modifiers too (Anki gives it full weight whatever its easy-day value, so a
 * Sunday set to 0 could still get a first card).
 *
 * `DueLoad` keeps the number of review cards due each study day, kept up to date as
 * events are applied, so balancing an answer never scans the collection.
 * Pure: takes the state and the clock.
 */
import type { CardRecord, CollectionEvent, CollectionState } from './model.js';
import { addDays, daysBetween, studyDayStart, type DayClock } from './time.js';

/** Intervals above this are not balanced: far off, the need is low (Anki's value). */
export const MAX_LOAD_BALANCE_INTERVAL = 90;
/** Anki's weights: load to the power 2.15, distance to the power 3. */
const LOAD_POWER = 2.15;
const DISTANCE_POWER = 3;
/** How unlikely a day next to a sibling's is: the sibling's own day, then ±1 … ±5 days. */
const SIBLING_MODIFIERS = [0.000001, 0.2, 0.4, 0.6, 0.8, 1.0];
/** Anki's stand-in for zero, so that all-zero weights still draw. */
const MINIMUM = 0.0001;

export interface LoadView {
  /** Review cards due on a study day, the card being scheduled left out. */
  dueOn(day: string): number;
  /** Study days on which another card of the same note is due. */
  siblingDays: readonly string[];
}

/** 0 for Monday … 6 for Sunday, as `easyDays` is ordered. */
export function weekdayIndex(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/**
 * Anki's easy-day modifiers for the candidate days, 1 (normal) or about 0. A day at 0 is
 * taken out; a day at a share between is taken out only when it already holds more than
 * its share of the range's load (Anki offers 0, 50 % and 100 %; a share between is taken
 * as the share it says).
 */
export function easyDayModifiers(
  easyDays: readonly number[],
  weekdays: readonly number[],
  counts: readonly number[],
): number[] {
  const n = counts.length;
  const scratch = new Float64Array(n);
  const total = counts.reduce((a, b) => a + b, 0);
  const shares = weekdays.reduce((a, w) => a + easyLoad(easyDays, w), 0);
  for (let i = 0; i < n; i++)
    scratch[i] = easyModifier(easyDays, weekdays[i] ?? 0, counts[i] ?? 0, total, shares);
  return [...scratch];
}

/** A weekday's share of the load, 0 stood in for by Anki's tiny minimum. */
function easyLoad(easyDays: readonly number[], w: number): number {
  const s = easyDays[w] ?? 1;
  return s === 0 ? MINIMUM : s;
}

function easyModifier(
  easyDays: readonly number[],
  w: number,
  count: number,
  total: number,
  shares: number,
): number {
  const s = easyDays[w] ?? 1;
  if (s >= 1) return 1;
  if (s === 0) return MINIMUM;
  return count / s > (total - count) / (shares - s) ? MINIMUM : 1;
}

/**
 * The interval to give, from `lo` to `hi` days after `today`: drawn with `u` (0 to 1)
 * among the candidate days, weighted as Anki weighs them. Null when there is nothing to
 * weigh (the caller then fuzzes plainly).
 */
export function balancedInterval(
  lo: number,
  hi: number,
  today: string,
  view: LoadView,
  easyDays: readonly number[],
  u: number,
): number | null {
  if (hi < lo || lo < 1) return null;
  const counts: number[] = [];
  const weekdays: number[] = [];
  for (let ivl = lo; ivl <= hi; ivl++) {
    const day = addDays(today, ivl);
    counts.push(Math.max(0, view.dueOn(day)));
    weekdays.push(weekdayIndex(day));
  }
  const siblings = view.siblingDays.map((d) => daysBetween(today, d));
  return weighDays(lo, hi, counts, -lo, weekdays, -lo, siblings, easyDays, u);
}

let weights = new Float64Array(64);
const LOAD_WEIGHTS = new Float64Array(1024).map((_, c) => (c === 0 ? 1 : (1 / c) ** LOAD_POWER));

/** A day's weight for its load: 1 over the load to the power 2.15. */
function loadWeight(c: number): number {
  return c < LOAD_WEIGHTS.length ? (LOAD_WEIGHTS[c] as number) : (1 / c) ** LOAD_POWER;
}

/**
 * Anki's weighted draw over intervals `lo` to `hi`, with `u` (0 to 1). The load of the
 * day `ivl` days ahead is `due[dueAt + ivl]`, its weekday (Monday 0) `weekday[weekdayAt +
 * ivl]`; `siblings` are the intervals at which siblings are due. Allocates nothing (the
 * simulator calls it for every interval it gives).
 */
export function weighDays(
  lo: number,
  hi: number,
  due: ArrayLike<number>,
  dueAt: number,
  weekday: ArrayLike<number>,
  weekdayAt: number,
  siblings: readonly number[],
  easyDays: readonly number[],
  u: number,
): number | null {
  if (hi < lo || lo < 1) return null;
  const n = hi - lo + 1;
  if (weights.length < n) weights = new Float64Array(2 * n);
  const normal = easyDays.every((x) => x === 1);
  let loads = 0;
  let shares = 0;
  if (!normal)
    for (let i = 0; i < n; i++) {
      loads += due[dueAt + lo + i] ?? 0;
      shares += easyLoad(easyDays, weekday[weekdayAt + lo + i] ?? 0);
    }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const ivl = lo + i;
    const c = due[dueAt + ivl] ?? 0;
    let w = c === 0 ? 1 : loadWeight(c) / ivl ** DISTANCE_POWER;
    if (!normal) w *= easyModifier(easyDays, weekday[weekdayAt + ivl] ?? 0, c, loads, shares);
    for (const at of siblings) {
      const step = Math.abs(ivl - at);
      if (step <= 5) w *= SIBLING_MODIFIERS[step] ?? 1;
    }
    weights[i] = w;
    total += w;
  }
  if (!(total > 0) || !Number.isFinite(total)) return null;
  let target = u * total;
  for (let i = 0; i < n; i++) {
    target -= weights[i] ?? 0;
    if (target < 0) return lo + i;
  }
  return hi;
}

/**
 * The fuzz factor ts-fsrs draws for a seed: the first number of Alea (Johannes Baagøe's
 * generator, which ts-fsrs uses; not exported by it). The balancer draws with the same
 * number, so that over an even load it picks the day plain fuzz would.
 */
export function fuzzFactor(seed: string): number {
  let n = 0xefc8249d;
  const mash = (data: string): number => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 4294967296;
    }
    return (n >>> 0) * 2.3283064365386963e-10;
  };
  // Alea's state is three numbers; its first output depends on the first alone (the
  // other two mashes still advance the hash).
  let s0 = mash(' ');
  mash(' ');
  mash(' ');
  s0 -= mash(seed);
  if (s0 < 0) s0 += 1;
  const t = 2091639 * s0 + 1 * 2.3283064365386963e-10;
  return t - (t | 0);
}

const NO_SIBLINGS: readonly string[] = [];

/** Days ahead the index counts: every day a balanced interval can reach, with room. */
export const LOAD_WINDOW = MAX_LOAD_BALANCE_INTERVAL + 30;

/**
 * Review cards due on each of the study days ahead (today and the `LOAD_WINDOW` days
 * after), kept as events are applied. A card counts on its due day while it is a review
 * card, live and not suspended (learning cards are due within the day; the balancer is
 * about days). Built for one study day: the caller builds another when the day turns.
 * Building scans the cards once comparing due instants as strings with the window's day
 * boundaries, so at 100k cards it parses only the dues that fall in the window.
 */
export class DueLoad {
  private readonly perDay = new Int32Array(LOAD_WINDOW);
  /** Each counted card's day, as days from `today`. */
  private readonly dayOf = new Map<string, number>();
  /** Counted cards by note, for notes with more than one. */
  private readonly notes = new Map<string, string[]>();
  private readonly firstOfNote = new Map<string, string>();
  /** The instant each day of the window begins (ISO, UTC), and the window's end. */
  private readonly bounds: string[];

  constructor(
    state: CollectionState,
    clock: DayClock,
    /** The study day the index is for. */
    readonly today: string,
  ) {
    this.bounds = Array.from({ length: LOAD_WINDOW + 1 }, (_, k) =>
      studyDayStart(addDays(today, k), clock).toISOString(),
    );
    for (const rec of Object.values(state.cards)) this.add(rec);
  }

  /** The window's day (0 = today) an instant falls on, or -1 outside it. */
  private dayIndex(due: string): number {
    const iso = due.length === 24 && due.endsWith('Z') ? due : new Date(due).toISOString();
    const b = this.bounds;
    if (iso < (b[0] as string) || iso >= (b[LOAD_WINDOW] as string)) return -1;
    let lo = 0;
    let hi = LOAD_WINDOW;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (iso >= (b[mid] as string)) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  private add(rec: CardRecord): void {
    const s = rec.sched;
    if (rec.retired || rec.suspended || s.state !== 'review' || !s.due) return;
    const k = this.dayIndex(s.due);
    if (k < 0) return;
    this.dayOf.set(rec.id, k);
    this.perDay[k] = (this.perDay[k] ?? 0) + 1;
    const one = this.firstOfNote.get(rec.note);
    if (one === undefined) this.firstOfNote.set(rec.note, rec.id);
    else if (one !== rec.id) {
      const sibs = this.notes.get(rec.note);
      if (!sibs) this.notes.set(rec.note, [one, rec.id]);
      else if (!sibs.includes(rec.id)) sibs.push(rec.id);
    }
  }

  /** Counts a card again from its record (after a change to it). */
  update(id: string, rec: CardRecord | undefined): void {
    const old = this.dayOf.get(id);
    if (old !== undefined) {
      this.dayOf.delete(id);
      this.perDay[old] = Math.max(0, (this.perDay[old] ?? 1) - 1);
    }
    if (rec) this.add(rec);
  }

  /**
   * Follows an event just applied to `state`. Returns false when the index must be built
   * again instead (the decks or the study-day clock changed).
   */
  apply(e: CollectionEvent, state: CollectionState): boolean {
    switch (e.type) {
      case 'deck-add':
      case 'deck-remove':
        return false;
      case 'settings':
        if (e.before.rolloverHour !== e.after.rolloverHour) return false;
        for (const id of Object.keys(e.moved ?? {})) this.update(id, state.cards[id]);
        return true;
      case 'undo':
        if (e.target.type === 'settings') return false;
        this.update(e.target.card, state.cards[e.target.card]);
        return true;
      case 'answer':
      case 'suspend':
      case 'unsuspend':
      case 'bury':
      case 'reset':
      case 'set-due':
        this.update(e.card, state.cards[e.card]);
        return true;
      default:
        return true;
    }
  }

  /** Review cards due on a study day (0 outside the window). */
  dueOn(day: string): number {
    return this.perDay[daysBetween(this.today, day)] ?? 0;
  }

  /** What the balancer sees when scheduling card `id` of note `note`. */
  view(id: string, note: string): LoadView {
    const own = this.dayOf.get(id);
    const sibs = this.notes.get(note);
    const siblingDays = sibs
      ? sibs.flatMap((c) => {
          const k = c === id ? undefined : this.dayOf.get(c);
          return k === undefined ? [] : [addDays(this.today, k)];
        })
      : NO_SIBLINGS;
    return {
      dueOn: (day) => {
        const k = daysBetween(this.today, day);
        return (this.perDay[k] ?? 0) - (k === own ? 1 : 0);
      },
      siblingDays,
    };
  }
}

/** The `col` row's JSON for decks and deck options, as Anki's exporter writes them. Pure. */
import type { Settings } from '../../core/settings.js';
import { OPTIONS_ID, OPTIONS_NAME, STARTING_EASE } from './rows.js';
import { stepMinutes } from './schedule.js';

export function deckJson(
  id: number,
  name: string,
  conf: number,
  mod: number,
): Record<string, unknown> {
  return {
    newToday: [0, 0],
    revToday: [0, 0],
    lrnToday: [0, 0],
    timeToday: [0, 0],
    conf,
    usn: id === 1 ? 0 : -1,
    desc: '',
    dyn: 0,
    collapsed: false,
    extendNew: 10,
    extendRev: 50,
    id,
    name,
    mod,
  };
}

/** Anki's default options group (id 1), as its exporter writes it. */
export function defaultOptions(): Record<string, unknown> {
  return {
    name: 'Default',
    new: {
      delays: [1, 10],
      ints: [1, 4, 7],
      initialFactor: STARTING_EASE,
      separate: true,
      order: 1,
      perDay: 20,
      bury: false,
    },
    lapse: { delays: [10], mult: 0, minInt: 1, leechFails: 8, leechAction: 0 },
    rev: {
      perDay: 200,
      ease4: 1.3,
      fuzz: 0.05,
      minSpace: 1,
      ivlFct: 1,
      maxIvl: 36500,
      bury: false,
      hardFactor: 1.2,
    },
    maxTaken: 60,
    timer: 0,
    autoplay: true,
    replayq: true,
    mod: 0,
    usn: 0,
    id: 1,
  };
}

/** Our settings as an options group: steps, limits, maximum interval, desired retention. */
export function ourOptions(s: Settings, mod: number): Record<string, unknown> {
  const base = defaultOptions();
  return {
    ...base,
    name: OPTIONS_NAME,
    new: {
      ...(base.new as object),
      delays: stepMinutes(s.learningSteps),
      perDay: s.newPerDay,
      bury: true,
    },
    lapse: {
      ...(base.lapse as object),
      delays: stepMinutes(s.relearningSteps),
      leechFails: s.leechThreshold > 0 ? s.leechThreshold : 8,
      leechAction: s.leechThreshold > 0 ? 0 : 1,
    },
    rev: {
      ...(base.rev as object),
      perDay: s.reviewsPerDay,
      maxIvl: s.maximumInterval,
      bury: true,
    },
    mod,
    usn: -1,
    id: OPTIONS_ID,
    desiredRetention: s.desiredRetention,
  };
}

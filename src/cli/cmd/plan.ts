import {
  makePlan,
  MAX_PLAN_DAYS,
  MIN_TIMED,
  planRecord,
  type Plan,
  type PlanOption,
} from '../../core/plan.js';
import { NO_FILTER } from '../../core/queue.js';
import type { Settings } from '../../core/settings.js';
import { UserError } from '../../errors.js';
import { formatDay, planChart, wrap } from '../../ui/plan-notes.js';
import { COMMON_OPTIONS, JSON_OPTION, parse, usageError } from '../args.js';
import { assertNoExtra, openCollection } from '../common.js';
import type { Env } from '../context.js';

export const usage =
  'sre-cards plan [--days N] [--target 0.9] [--minutes M] [--deck NAME] [--apply] [--json]';
export const help = `Simulates the study days ahead, from today's collection, for each desired retention
and each number of new cards a day: the reviews and minutes a day it takes, the minutes
in all up to the interview date, and the predicted recall on the interview day. It
recommends the cheapest setting that reaches the target recall within the time budget.

${usage}

  --days N       days to simulate and chart (default: to the interview date, else 30)
  --target R     the recall wanted on the interview day, 0.5 to 0.99 or 50 to 99 (%)
                 (default 0.9)
  --minutes M    the time budget: minutes a day on average (default: none)
  --deck NAME    plan one deck's cards, with its own retention and new-card limit
  --apply        set the recommended desired retention and new cards a day (as config
                 does, rescheduling the cards), and keep the prediction for \`stats\`
  --json         print every figure as JSON

It is a Monte Carlo simulation with a fixed seed: the same collection gives the same
answer. Each answer's recall follows FSRS's forgetting curve with your parameters; its
time is your median for that kind of answer once you have ${MIN_TIMED} timed ones, else
FSRS's simulator's default.`;

const PLAN_OPTIONS = {
  days: { type: 'string' },
  target: { type: 'string' },
  minutes: { type: 'string' },
  deck: { type: 'string' },
  apply: { type: 'boolean' },
} as const;

function readTarget(v: string | undefined): number {
  if (v === undefined) return 0.9;
  const n = Number(v.replace(/%$/, ''));
  const r = n > 1 ? n / 100 : n;
  if (!/^\d+(\.\d+)?%?$/.test(v) || !(r >= 0.5 && r <= 0.99))
    throw usageError(`--target takes a recall from 0.5 to 0.99 (or 50 to 99), not "${v}"`, usage);
  return r;
}

function readWhole(name: string, v: string | undefined, lo: number, hi: number): number | null {
  if (v === undefined) return null;
  if (!/^\d+$/.test(v) || Number(v) < lo || Number(v) > hi)
    throw usageError(`--${name} takes a whole number from ${lo} to ${hi}, not "${v}"`, usage);
  return Number(v);
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const min = (x: number) => (x >= 10 ? String(Math.round(x)) : x.toFixed(1));

function optionJson(o: PlanOption) {
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    desiredRetention: o.desiredRetention,
    newPerDay: o.newPerDay,
    reviewsPerDay: r1(o.result.reviewsPerDay),
    minutesPerDay: r1(o.result.minutesPerDay),
    peakMinutes: r1(o.result.peakMinutes),
    totalMinutes: r1(o.result.totalMinutes.mean),
    totalMinutesSd: r1(o.result.totalMinutes.sd),
    readiness: r4(o.result.readiness.mean),
    readinessSd: r4(o.result.readiness.sd),
    retention: o.result.retention === null ? null : r4(o.result.retention),
    introduced: r1(o.result.introduced),
    reviews: o.result.reviews.map(r1),
    newCards: o.result.newCards.map(r1),
    minutes: o.result.minutes.map(r1),
  };
}

const brief = (o: PlanOption) => ({ desiredRetention: o.desiredRetention, newPerDay: o.newPerDay });

export function planJson(plan: Plan, applied: boolean) {
  return {
    today: plan.today,
    days: plan.days,
    readinessDay: plan.readinessDay,
    interviewDate: plan.interviewDate,
    runs: plan.runs,
    seed: plan.seed,
    cards: plan.cards,
    unseen: plan.unseen,
    target: plan.target,
    minutes: plan.minutes,
    costs: plan.costs,
    ratings: plan.ratings,
    current: brief(plan.current),
    recommended: plan.recommended ? brief(plan.recommended) : null,
    closest: plan.closest ? brief(plan.closest) : null,
    applied,
    options: plan.options.map(optionJson),
  };
}

/** The table: minutes a day and recall on the day, a row per retention, a column per new-card option. */
function table(plan: Plan, width: number, chosen: PlanOption): string[] {
  const cell = 11;
  const fit = Math.max(1, Math.floor((width - 10) / cell));
  let cols = plan.newPerDay;
  if (cols.length > fit) {
    const at = Math.max(0, cols.indexOf(chosen.newPerDay));
    const from = Math.max(0, Math.min(at - Math.floor((fit - 1) / 2), cols.length - fit));
    cols = cols.slice(from, from + fit);
  }
  const head = (
    'retention'.padEnd(10) + cols.map((n) => `${n} new `.padStart(cell)).join('')
  ).trimEnd();
  const rows = plan.retentions.map((r) => {
    const cells = cols.map((n) => {
      const o = plan.options.find((x) => x.desiredRetention === r && x.newPerDay === n);
      if (!o) return ''.padStart(cell);
      const text = `${`${min(o.result.minutesPerDay)}m`.padStart(4)} ${pct(o.result.readiness.mean).padStart(3)}`;
      const [a, b] = o === plan.recommended ? '[]' : o === plan.current ? '()' : '  ';
      return `${a}${text}${b}`.padStart(cell);
    });
    return (`  ${r.toFixed(2)}`.padEnd(10) + cells.join('')).trimEnd();
  });
  return [head, ...rows];
}

function describe(o: PlanOption, plan: Plan, width: number, indent = '  '): string[] {
  const r = o.result;
  const day = formatDay(plan.readinessDay);
  const lines = [
    `${Math.round(r.minutesPerDay)} minutes a day on average (busiest day ${Math.round(r.peakMinutes)}), ${Math.round(r.reviewsPerDay)} reviews a day`,
    `${Math.round(r.totalMinutes.mean)} minutes in all up to ${day} (± ${Math.round(r.totalMinutes.sd)})`,
    `recall on ${day}: ${pct(r.readiness.mean)} ± ${(r.readiness.sd * 100).toFixed(1)} points${r.retention === null ? '' : `; ${pct(r.retention)} of reviews remembered`}`,
  ];
  return lines.flatMap((l) => wrap(indent + l, width, indent + '  '));
}

export function planText(plan: Plan, width: number, applied: string[] | null): string {
  const out: string[] = [];
  const w = Math.max(30, width);
  const para = (text: string) => out.push(...wrap(text, w));
  const when = plan.interviewDate
    ? `to the interview on ${formatDay(plan.interviewDate)}, in ${plan.period} days`
    : `for the next ${plan.days} days`;
  para(`Plan ${when} · ${plan.cards} cards, ${plan.unseen} not yet introduced`);
  const times =
    plan.costs.own === 12
      ? 'your own median answer times'
      : plan.costs.own === 0
        ? `default answer times (yours once there are ${MIN_TIMED} timed answers of a kind)`
        : `your own median answer times for ${plan.costs.own} of 12 kinds of answer, defaults for the rest`;
  para(
    `Simulated ${plan.runs} times for each setting (seed ${plan.seed}): FSRS's forgetting curve with your parameters, ${times}. Figures are means over the runs; ± is their standard deviation.`,
  );
  out.push('');
  out.push(
    ...wrap(
      `Minutes a day and recall on ${plan.interviewDate ? 'the interview day' : formatDay(plan.readinessDay)}, by desired retention and new cards a day ([recommended], (now)):`,
      w,
    ),
  );
  const chosen = plan.recommended ?? plan.closest ?? plan.current;
  out.push(...table(plan, w, chosen));
  out.push('');
  const budget = plan.minutes === null ? '' : ` within ${plan.minutes} minutes a day`;
  if (plan.recommended) {
    const o = plan.recommended;
    para(
      `Recommended, the cheapest to reach ${pct(plan.target)}${budget}: desired retention ${o.desiredRetention.toFixed(2)}, ${o.newPerDay} new cards a day`,
    );
    out.push(...describe(o, plan, w));
  } else {
    para(
      `No setting reaches ${pct(plan.target)}${budget}. The closest: desired retention ${chosen.desiredRetention.toFixed(2)}, ${chosen.newPerDay} new cards a day`,
    );
    out.push(...describe(chosen, plan, w));
  }
  if (chosen !== plan.current) {
    para(
      `Now: desired retention ${plan.current.desiredRetention.toFixed(2)}, ${plan.current.newPerDay} new cards a day`,
    );
    out.push(...describe(plan.current, plan, w));
  }
  if (applied) out.push('', ...applied);
  else if (plan.recommended && plan.recommended !== plan.current)
    out.push('', ...wrap('`sre-cards plan --apply` sets it.', w));
  out.push('');
  para(
    `Minutes a day, ${plan.recommended ? 'recommended' : chosen === plan.current ? 'now' : 'closest'} setting:`,
  );
  out.push(...planChart(chosen.result.minutes, w, 'minutes'));
  return out.join('\n') + '\n';
}

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(
    args,
    { ...COMMON_OPTIONS, ...JSON_OPTION, ...PLAN_OPTIONS },
    usage,
  );
  assertNoExtra(positionals, 0, usage);
  const target = readTarget(values.target);
  const minutes = readWhole('minutes', values.minutes, 1, 1440);
  const days = readWhole('days', values.days, 1, MAX_PLAN_DAYS);
  const deck = values.deck ?? null;
  const apply = values.apply === true;
  const col = openCollection(env, apply ? 'write' : 'read', 'plan');
  try {
    if (deck !== null && !col.decks.has(deck))
      throw usageError(`unknown deck "${deck}"; decks: ${[...col.decks.keys()].join(', ')}`, usage);
    const now = env.now();
    const answers = col.answers();
    const cards = col.studyCards(deck === null ? NO_FILTER : { ...NO_FILTER, decks: [deck] });
    if (cards.length === 0) throw new UserError('there are no cards to plan for');
    const plan = makePlan({
      state: col.state,
      cards,
      answers,
      now,
      clock: col.clock,
      deck,
      days,
      target,
      minutes,
    });
    let appliedLines: string[] | null = null;
    if (apply) {
      const o = plan.recommended;
      if (!o)
        throw new UserError(
          `no setting reaches a recall of ${pct(target)}${minutes === null ? '' : ` within ${minutes} minutes a day`}, so nothing was applied; lower --target${minutes === null ? '' : ' or raise --minutes'}`,
        );
      const s = col.settings;
      const after: Settings =
        deck === null
          ? { ...s, desiredRetention: o.desiredRetention, newPerDay: o.newPerDay }
          : {
              ...s,
              deckSettings: {
                ...s.deckSettings,
                [deck]: {
                  ...s.deckSettings?.[deck],
                  desiredRetention: o.desiredRetention,
                  newPerDay: o.newPerDay,
                },
              },
            };
      const was = col.settingsFor(deck ?? undefined);
      const r = col.updateSettings(after, now, { plan: planRecord(plan, o, deck) });
      const of = deck === null ? '' : ` of deck ${deck}`;
      appliedLines = [
        `Applied${of}: desired-retention ${was.desiredRetention} -> ${o.desiredRetention}, new-per-day ${was.newPerDay} -> ${o.newPerDay}.`,
        `Rescheduled from your answers: ${r.due} card${r.due === 1 ? '' : 's'} moved to a new due date. \`sre-cards stats\` will set this prediction beside what happens.`,
      ];
    }
    if (values.json) {
      env.stdout.write(JSON.stringify(planJson(plan, apply)) + '\n');
      return 0;
    }
    const stdout = env.stdout as NodeJS.WriteStream;
    const fromEnv = Number(process.env.COLUMNS);
    const width =
      stdout.isTTY && stdout.columns
        ? stdout.columns
        : Number.isInteger(fromEnv) && fromEnv >= 30
          ? fromEnv
          : 80;
    env.stdout.write(
      planText(plan, width, appliedLines?.flatMap((l) => wrap(l, Math.max(30, width))) ?? null),
    );
    return 0;
  } finally {
    col.close();
  }
}

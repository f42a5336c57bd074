import type * as BindingModule from '@open-spaced-repetition/binding';
import { default_w } from 'ts-fsrs';
import {
  hasLongTermReview,
  MIN_TRAINING_ITEMS,
  reviewHistories,
  historyItems,
  type TrainingReview,
} from '../../core/optimize.js';
import { movedDue } from '../../core/reschedule.js';
import { UserError } from '../../errors.js';
import { COMMON_OPTIONS, JSON_OPTION, parse, usageError } from '../args.js';
import { assertNoExtra, openCollection } from '../common.js';
import type { Env } from '../context.js';

type Binding = typeof BindingModule;
type BindingItem = InstanceType<Binding['FSRSBindingItem']>;

export const usage = 'sre-cards optimize [--dry-run] [--json] [--deck NAME]';
export const help = `Fits the FSRS parameters to your own answers, and keeps them if they predict your
recall better than the current ones. The log loss and RMSE of both, on the same answers,
are shown side by side (lower is better). Saving reschedules the cards, as a change of
parameters does in \`config\`, and says how many moved.

${usage}

  --deck NAME fit one deck's parameters to that deck's answers and save them as the
              deck's own (\`config --deck NAME unset parameters\` takes them back)
  --dry-run   fit and compare, but save nothing
  --json      print {"reviews", "scored", "cards", "before": {"logLoss", "rmse"},
              "after": {...}, "parameters", "better", "saved", "moved"}

Answers that were undone and cram answers are left out; a card's history starts over
when it is reset. An answer is usable once its card has been answered on two different
study days; at least ${MIN_TRAINING_ITEMS} usable answers are needed.`;

/** The progress callback is polled this often (ms): the binding waits at least this long. */
const POLL_MS = 25;

const BINDING = '@open-spaced-repetition/binding';

async function loadBinding(): Promise<Binding> {
  try {
    // A variable specifier keeps the bundler from inlining the native package.
    const name = BINDING;
    return (await import(name)) as Binding;
  } catch (e) {
    throw new UserError(
      `the FSRS optimiser (${BINDING}) could not be loaded on this machine (${process.platform}-${process.arch}: ${firstLine((e as Error).message)}); run \`npm install\` in the sre-cards folder to install it. Everything else works without it`,
    );
  }
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? '').slice(0, 200);
}

interface Metrics {
  logLoss: number;
  rmse: number;
}

function evaluate(b: Binding, weights: number[], items: BindingItem[]): Metrics {
  try {
    const m = new b.FSRSBinding(weights).evaluate(items);
    return { logLoss: m.logLoss, rmse: m.rmseBins };
  } catch (e) {
    throw new UserError(`the optimiser could not score your answers (${(e as Error).message})`);
  }
}

/** Draws the fitting progress on stderr: a bar on a terminal, a line every quarter otherwise. */
function progressBar(stderr: NodeJS.WritableStream): {
  update: (cur: number, total: number) => void;
  done: () => void;
} {
  const tty = (stderr as NodeJS.WriteStream).isTTY === true;
  let shown = -1;
  const draw = (f: number) => {
    const pct = Math.round(f * 100);
    if (tty) {
      const w = 30;
      const n = Math.round(f * w);
      stderr.write(`\rfitting [${'#'.repeat(n)}${'.'.repeat(w - n)}] ${String(pct).padStart(3)}%`);
    } else if (Math.floor(pct / 25) > shown) {
      shown = Math.floor(pct / 25);
      stderr.write(`fitting: ${shown * 25}%\n`);
    }
  };
  draw(0);
  return {
    update: (cur, total) => {
      if (total > 0) draw(Math.min(1, cur / total));
    },
    done: () => {
      draw(1);
      if (tty) stderr.write('\n');
    },
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

export async function run(args: string[], env: Env): Promise<number> {
  const { values, positionals } = parse(
    args,
    { ...COMMON_OPTIONS, ...JSON_OPTION, 'dry-run': { type: 'boolean' }, deck: { type: 'string' } },
    usage,
  );
  assertNoExtra(positionals, 0, usage);
  const dry = values['dry-run'] === true;
  const deck = values.deck ?? null;
  const col = openCollection(env, dry ? 'read' : 'write', 'optimize');
  try {
    if (deck !== null && !col.decks.has(deck))
      throw usageError(`unknown deck "${deck}"; decks: ${[...col.decks.keys()].join(', ')}`, usage);
    const histories = reviewHistories(col.events());
    const items: TrainingReview[][] = [];
    let cards = 0;
    for (const [id, h] of histories) {
      if (deck !== null && col.state.cards[id]?.deck !== deck) continue;
      const mine = historyItems(h).filter(hasLongTermReview);
      if (mine.length) cards++;
      items.push(...mine);
    }
    if (items.length < MIN_TRAINING_ITEMS) {
      const more = MIN_TRAINING_ITEMS - items.length;
      throw new UserError(
        `not enough reviews to optimise yet: ${items.length} usable so far, and ${MIN_TRAINING_ITEMS} are needed: ${more} more. An answer is usable once its card has been answered on two different study days; keep reviewing and try again`,
      );
    }
    const b = await loadBinding();
    const train = items
      .map(
        (it) => new b.FSRSBindingItem(it.map((r) => new b.FSRSBindingReview(r.rating, r.deltaT))),
      )
      .filter((it) => it.includeLongTermReviews());
    // Scoring needs the last answer of each item to be on a later day than the one before.
    const scored = train.filter((it) => (it.current?.deltaT ?? 0) > 0);
    const own = col.settingsFor(deck ?? undefined);
    const hadWeights = own.weights !== null;
    const current = own.weights ?? [...default_w];
    const before = evaluate(b, current, scored);
    if (!values.json)
      env.stdout.write(
        `Fitting FSRS parameters${deck === null ? '' : ` of deck ${deck}`} to ${train.length} reviews of ${cards} cards (${scored.length} scored).\n`,
      );
    const bar = progressBar(env.stderr);
    let fitted: number[];
    try {
      fitted = await b.computeParameters(train, {
        enableShortTerm: true,
        numRelearningSteps: own.relearningSteps.length,
        timeout: POLL_MS,
        progress: (cur, total) => {
          bar.update(cur, total);
        },
      });
    } catch (e) {
      throw new UserError(`the optimiser failed (${(e as Error).message}); nothing was saved`);
    } finally {
      bar.done();
    }
    // Four decimals, as Anki shows them; the score is of the rounded parameters.
    fitted = fitted.map((w) => Math.round(w * 10_000) / 10_000);
    const after = evaluate(b, fitted, scored);
    const better = after.logLoss < before.logLoss;
    const next =
      deck === null
        ? { ...col.settings, weights: fitted }
        : {
            ...col.settings,
            deckSettings: {
              ...col.settings.deckSettings,
              [deck]: { ...col.settings.deckSettings?.[deck], weights: fitted },
            },
          };
    let moved = 0;
    let saved = false;
    if (better && !dry) {
      moved = col.updateSettings(next, env.now()).due;
      saved = true;
    } else if (better) {
      moved = movedDue(col.rescheduleFor(next));
    }
    if (values.json) {
      env.stdout.write(
        JSON.stringify({
          reviews: train.length,
          scored: scored.length,
          cards,
          before,
          after,
          parameters: fitted,
          better,
          saved,
          moved,
        }) + '\n',
      );
      return 0;
    }
    const label = hadWeights ? (saved ? 'previous' : 'current') : 'default';
    env.stdout.write(
      [
        `                log loss   RMSE (bins)`,
        `  ${label.padEnd(12)}  ${before.logLoss.toFixed(4).padStart(8)}   ${pct(before.rmse).padStart(11)}`,
        `  ${'fitted'.padEnd(12)}  ${after.logLoss.toFixed(4).padStart(8)}   ${pct(after.rmse).padStart(11)}`,
        '',
      ].join('\n'),
    );
    if (!better)
      env.stdout.write(
        'The fitted parameters do not predict your answers better than the current ones: nothing was saved.\n',
      );
    else if (dry)
      env.stdout.write(
        `The fitted parameters are better. Dry run: nothing was saved; saving would move ${moved} card${moved === 1 ? '' : 's'} to a new due date.\n`,
      );
    else
      env.stdout.write(
        `The fitted parameters are better and were saved; ${moved} card${moved === 1 ? '' : 's'} moved to a new due date.\n`,
      );
    env.stdout.write(`Parameters: ${fitted.map((w) => w.toFixed(4)).join(', ')}\n`);
    return 0;
  } finally {
    col.close();
  }
}

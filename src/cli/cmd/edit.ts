import { formatDeckError, type DeckError } from '../../deck/types.js';
import type { SyncReport } from '../../core/sync.js';
import type { Collection } from '../../store/collection.js';
import { sanitize, toJson } from '../../text/terminal.js';
import { COMMON_OPTIONS, JSON_OPTION, parse } from '../args.js';
import { assertNoExtra, need, openCollection } from '../common.js';
import type { Env } from '../context.js';
import { runEditor } from '../editor.js';

export const usage = 'sre-cards edit CARD_ID [--json]';
export const help = `Opens the source of a card's note in your editor, at the note's line, then reads
the decks again: the card keeps its id and its history. The editor is $VISUAL, else
$EDITOR, else vi, else nano. A note of the built-in deck is edited in an overlay in
the data folder (overlays/sre-61-90.md), which replaces that note by its id and
survives updates. A syntax error is shown as file:line: message; the card keeps its
previous text until it is fixed. The review screen does the same on e.

${usage}

  --json   print {"card", "file", "line", "overlay", "editorStatus", "edited",
           "added", "retired", "restored", "errors", "front", "back"}`;

export interface EditOutcome {
  card: string;
  file: string;
  line: number;
  overlay: boolean;
  editorStatus: number | null;
  report: SyncReport;
  errors: DeckError[];
}

/** Opens the editor on a card's note, then reads the decks again. */
export function editCard(col: Collection, id: string, now: () => Date): EditOutcome {
  const target = col.editTarget(id, now());
  const editorStatus = runEditor(target.file, target.line);
  const { report, errors } = col.reloadDecks(now());
  return { card: id, ...target, editorStatus, report, errors };
}

/** The outcome in one line, for the review screen's notice. */
export function editNotice(o: EditOutcome, col: Collection): string {
  if (o.errors.length) {
    const [first] = o.errors;
    const more = o.errors.length > 1 ? ` (and ${o.errors.length - 1} more)` : '';
    return `${formatDeckError(first as DeckError)}${more}: the card keeps its previous text until this is fixed`;
  }
  const status = o.editorStatus ? ` (the editor exited with status ${o.editorStatus})` : '';
  const changes = changeText(o.report);
  if (!changes) return `No change to ${o.card}${status}.`;
  const gone = !col.cards.has(o.card) || col.state.cards[o.card]?.retired;
  return `Saved, cards ${changes}${gone ? `; ${o.card} is no longer in its deck` : ''}${status}.`;
}

/** What a sync changed, in words: `2 edited (history kept), 1 added, 1 retired`; '' for nothing. */
export function changeText(r: SyncReport): string {
  return [
    r.edited ? `${r.edited} edited (history kept)` : '',
    r.added ? `${r.added} added` : '',
    r.retired ? `${r.retired} retired` : '',
    r.restored ? `${r.restored} back from retirement` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(args, { ...COMMON_OPTIONS, ...JSON_OPTION }, usage);
  const id = need(positionals[0], 'CARD_ID', usage);
  assertNoExtra(positionals, 1, usage);
  const col = openCollection(env, 'write', 'edit');
  try {
    const o = editCard(col, id, env.now);
    const card = col.cards.get(id);
    const live = card && !col.state.cards[id]?.retired;
    if (values.json) {
      env.stdout.write(
        toJson({
          card: id,
          file: o.file,
          line: o.line,
          overlay: o.overlay,
          editorStatus: o.editorStatus,
          ...o.report,
          errors: o.errors,
          front: live ? card.front : null,
          back: live ? card.back : null,
        }) + '\n',
      );
    } else {
      for (const e of o.errors) env.stderr.write(sanitize(formatDeckError(e)) + '\n');
      env.stdout.write(sanitize(editNotice(o, col)) + '\n');
      if (live && !o.errors.length)
        env.stdout.write(sanitize(`${card.front}\n---\n${card.back}`) + '\n');
    }
    return o.errors.length ? 1 : 0;
  } finally {
    col.close();
  }
}

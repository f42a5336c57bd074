/** `sre-cards deck check`: what changed in the decks' sources, and overlays gone stale. */
import { BUILTIN_DECK } from '../deck/builtin.js';
import { noteHash } from '../deck/overlay.js';
import { formatDeckError } from '../deck/types.js';
import type { Collection } from '../store/collection.js';
import { lastChange, type CardText, type DeckChange } from '../store/decktexts.js';
import { overlayFiles, readBases, readOverlay } from '../store/overlay.js';
import { shortDiff } from '../text/diff.js';

export interface EditedCard {
  id: string;
  /** Where its note is written now. */
  file: string | null;
  before: CardText | null;
  after: CardText;
  /** Word diffs of the front and the back, `[-removed-]{+added+}`. */
  diff: { front: string[]; back: string[] };
}

export interface DeckCheck {
  deck: string;
  path: string | null;
  /** True: the sources changed since the collection took them in (the next session will). */
  pending: boolean;
  /** When the change listed was taken in; null when pending or none is recorded. */
  at: string | null;
  edited: EditedCard[];
  added: string[];
  retired: string[];
  restored: string[];
  /** The built-in deck's overlay: its notes, those whose built-in note changed since, and strays. */
  overlay: {
    file: string;
    notes: number;
    changed: {
      id: string;
      copied: string;
      before: CardText;
      now: CardText;
      diff: { front: string[]; back: string[] };
    }[];
    orphans: string[];
    errors: string[];
  } | null;
}

function edited(col: Collection, change: DeckChange): EditedCard[] {
  return change.edited.map((e) => {
    const note = col.noteOfCard(e.id);
    return {
      id: e.id,
      file: note ? `${note.file}:${note.line}` : null,
      before: e.before,
      after: e.after,
      diff: e.before
        ? {
            front: shortDiff(e.before.front, e.after.front),
            back: shortDiff(e.before.back, e.after.back),
          }
        : { front: [], back: [] },
    };
  });
}

export function deckCheck(col: Collection, only?: string): DeckCheck[] {
  const out: DeckCheck[] = [];
  for (const name of col.decks.keys()) {
    if (only !== undefined && name !== only) continue;
    const pending = col.deckChanges.get(name);
    const change = pending ?? lastChange(col.paths.texts, name);
    const report: DeckCheck = {
      deck: name,
      path: col.state.decks[name]?.path ?? null,
      pending: pending !== undefined,
      at: pending ? null : (change?.at ?? null),
      edited: change ? edited(col, change) : [],
      added: change?.added ?? [],
      retired: change?.retired ?? [],
      restored: change?.restored ?? [],
      overlay: null,
    };
    if (name === BUILTIN_DECK || col.state.decks[name]?.path == null) {
      const base = col.builtinDeck;
      if (base.name === name) {
        const overlay = readOverlay(col.paths.overlays, base);
        if (overlay) {
          const bases = readBases(col.paths.overlays, name);
          const byId = new Map(base.notes.map((n) => [n.id, n]));
          const changed: NonNullable<DeckCheck['overlay']>['changed'] = [];
          for (const n of overlay.notes) {
            const was = bases[n.id];
            const now = byId.get(n.id);
            if (!was || !now || was.hash === noteHash(now)) continue;
            changed.push({
              id: n.id,
              copied: was.at,
              before: { front: was.front, back: was.back },
              now: { front: now.front, back: now.back },
              diff: { front: shortDiff(was.front, now.front), back: shortDiff(was.back, now.back) },
            });
          }
          report.overlay = {
            file: overlayFiles(col.paths.overlays, name).file,
            notes: overlay.notes.length,
            changed,
            orphans: overlay.orphans.map((o) => o.id),
            errors: overlay.errors.map(formatDeckError),
          };
        }
      }
    }
    out.push(report);
  }
  return out;
}

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const count = (n: number, what: string) => `${n} ${what}`;

export function checkText(reports: readonly DeckCheck[]): string[] {
  const lines: string[] = [];
  for (const r of reports) {
    const where = r.path ?? 'built in';
    const parts = [
      r.edited.length ? count(r.edited.length, 'edited (history kept)') : '',
      r.added.length ? count(r.added.length, 'added') : '',
      r.retired.length ? count(r.retired.length, 'retired') : '',
      r.restored.length ? count(r.restored.length, 'back from retirement') : '',
    ].filter(Boolean);
    const head = parts.length
      ? `${parts.join(', ')}${r.pending ? ', not taken in yet (the next session will)' : r.at ? `, taken in ${when(r.at)}` : ''}`
      : 'no change since the collection took it in';
    lines.push(`${r.deck} (${where}): ${head}`);
    for (const e of r.edited) {
      lines.push(`  edited   ${e.id}${e.file ? `  ${e.file}` : ''}`);
      if (!e.before) lines.push('    (the earlier text was not recorded)');
      for (const l of e.diff.front) lines.push(`    front: ${l}`);
      for (const l of e.diff.back) lines.push(`    back:  ${l}`);
    }
    for (const id of r.added) lines.push(`  added    ${id}`);
    for (const id of r.retired) lines.push(`  retired  ${id}`);
    for (const id of r.restored) lines.push(`  back     ${id}`);
    const o = r.overlay;
    if (o) {
      lines.push(
        `  overlay ${o.file}: ${count(o.notes, o.notes === 1 ? 'note' : 'notes')}${o.changed.length ? `, ${o.changed.length} whose built-in note changed since` : ''}`,
      );
      for (const c of o.changed) {
        lines.push(
          `    ${c.id}: the built-in note changed since you copied it (${when(c.copied)})`,
        );
        for (const l of c.diff.front) lines.push(`      front: ${l}`);
        for (const l of c.diff.back) lines.push(`      back:  ${l}`);
      }
      for (const id of o.orphans)
        lines.push(`    ${id}: not in the built-in deck any more; it replaces nothing`);
      for (const e of o.errors) lines.push(`    ${e}`);
    }
  }
  return lines;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEvent, emptyState, type CollectionEvent } from '../src/core/model.js';
import { replayStates } from '../src/core/reschedule.js';
import { DEFAULT_SETTINGS } from '../src/core/settings.js';
import { syncDeck } from '../src/core/sync.js';
import { deckCards } from '../src/deck/cards.js';
import { htmlToMarkdown } from '../src/import/html.js';
import type { AnkiCollection, AnkiPackage } from '../src/import/model.js';
import { noteIdFor } from '../src/import/notes.js';
import { readPackage } from '../src/import/package.js';
import { ankiDay0, plan, type PlanInput } from '../src/import/plan.js';
import { loadSqlJs } from '../src/import/sqlite.js';
import { ROOT } from './helpers.js';

const SQL = await loadSqlJs();
const fixture = (name: string) =>
  readPackage(
    new Uint8Array(readFileSync(join(ROOT, 'test', 'fixtures', 'anki-reference', name))),
    name,
    SQL,
  );
const clock = { timeZone: 'UTC', rolloverHour: 4 };
const NOW = new Date('2024-06-01T10:00:00Z');

function input(pkg: AnkiPackage, over: Partial<PlanInput> = {}): PlanInput {
  return {
    pkg,
    fileName: 'reference-with-progress.apkg',
    deckDir: '/decks/sre-interview-prep',
    deckName: 'sre-interview-prep',
    existing: { files: [], registered: null, cards: new Set() },
    settings: DEFAULT_SETTINGS,
    clock,
    now: NOW,
    ...over,
  };
}

/** The collection state after the plan's events, as the log would replay them. */
function replay(p: ReturnType<typeof plan>) {
  const state = emptyState();
  syncDeck(state, p.deckName, deckCards({ ...p.deck, name: p.deckName }), NOW);
  [...p.events()].forEach((e, i) => applyEvent(state, { ...e, seq: i + 1 } as CollectionEvent));
  return state;
}

const id = (guid: string) => noteIdFor(guid);
const N1 = id('yc.)bg%Fir');
const N2 = id('D#a>yuh%tF');
const N3 = id('FG.?[6DpaF');
const N4 = id('t.D;%p8WI_');
const N5 = id('Jk)qHjWRae');

describe('the plan for the package Anki wrote with progress', () => {
  const pkg = fixture('reference-with-progress.apkg');
  const p = plan(input(pkg));

  it('writes deck.md and one file per Anki deck, which parse as a deck', () => {
    expect(p.files.map((f) => f.path)).toEqual([
      'deck.md',
      '001-sre-interview-prep--day-61-ha-vs-ft.md',
      '002-sre-interview-prep--day-62-global-traffic.md',
    ]);
    expect(p.deck.notes).toHaveLength(7);
    expect(p.deck.topics.map((t) => t.id)).toContain('sre-interview-prep/day-61-ha-vs-ft');
    expect(p.deck.topics.map((t) => t.id)).toContain('topic/reliability');
    const deckMd = p.files[0]!.text;
    expect(deckMd).toContain('name: sre-interview-prep\ntitle: SRE Interview Prep\n');
    const day61 = p.files[1]!.text;
    expect(day61).toContain('title: SRE Interview Prep::Day 61 · HA vs FT');
    expect(day61).toContain(
      `## ${N1}\ntopics: day/61, topic/reliability, topic/slo\nQ: What does **99.9%** availability allow per 30 days?\nA: 43m 12s\\\n0.1% × 30 d × 24 h × 60 min = 43.2 min\n`,
    );
    expect(day61).toContain(
      'Q: HA & FT: which one keeps serving _without any interruption_ when a component fails?',
    );
    expect(day61).toContain('Term: `RTO`\nDefinition: Recovery Time Objective');
    expect(day61).toContain(
      'C: An {{c1::active-passive}} pair keeps a standby idle until failover;\\\nan {{c2::active-active}} pair',
    );
    expect(day61).toContain('Extra: Both need split-brain protection: `fencing && quorum`');
  });

  it('makes one answer event per review-log answer, at its instant, with rating and time', () => {
    const answers = [...p.events()].filter((e) => e.type === 'answer');
    expect(answers).toHaveLength(10);
    const first = answers.find((e) => e.card === N1);
    expect(first).toMatchObject({
      at: '2024-05-31T09:00:07.500Z',
      rating: 3,
      ms: 7500,
      day: '2024-05-31',
    });
    expect(p.summary.reviewLog).toEqual({
      entries: 10,
      answers: 10,
      resets: 0,
      cram: 0,
      manual: 0,
      notImported: 0,
    });
  });

  it('keeps each card due on the study day Anki had it due', () => {
    const state = replay(p);
    const day0 = ankiDay0(pkg.collection.crt, null);
    expect(day0).toBe('2024-04-01');
    const s = (cid: string) => state.cards[cid]!.sched;
    expect(s(N1)).toMatchObject({ state: 'review', reps: 3, lapses: 0, scheduledDays: 3 });
    expect(s(N1).due?.slice(0, 10)).toBe('2024-06-04'); // day 64
    expect(s(`${N3}`).due?.slice(0, 10)).toBe('2024-06-01'); // day 61
    expect(s(`${N3}:rev`).due?.slice(0, 10)).toBe('2024-06-03'); // day 63
    // Learning steps: due at the same second (Anki keeps seconds).
    const secs = (iso: string | null) => Math.floor(Date.parse(iso ?? '') / 1000);
    expect(s(N2)).toMatchObject({ state: 'relearning', reps: 3, lapses: 1 });
    expect(secs(s(N2).due)).toBe(1717233157);
    expect(s(`${N4}:c1`)).toMatchObject({ state: 'learning', reps: 1 });
    expect(secs(s(`${N4}:c1`).due)).toBe(1717233158);
    expect(s(`${N4}:c2`).state).toBe('new');
    expect(state.cards[N5]).toMatchObject({ suspended: true });
    expect(p.summary.cards).toMatchObject({
      added: 10,
      new: 5,
      learning: 1,
      review: 3,
      relearning: 1,
      suspended: 1,
    });
  });

  it('takes the memory state from the history, as Anki computes it, and the answers replay to their own states', () => {
    expect(p.summary.memory).toEqual({ fsrs: 0, history: 5, sm2: 0 });
    const answers = [...p.events()].filter(
      (e): e is Extract<typeof e, { type: 'answer' }> => e.type === 'answer',
    );
    const replayed = replayStates(
      answers.map((e, i) => ({ ...e, seq: i + 1 })) as CollectionEvent[],
      DEFAULT_SETTINGS,
    );
    for (const e of answers) expect(replayed.has(e.card)).toBe(true);
    const last = new Map(answers.map((e) => [e.card, e.after]));
    for (const [card, after] of last) expect(replayed.get(card)).toEqual(after);
    // With the same history and parameters, Anki's replay gives the scheduler's memory state.
    const state = replay(p);
    for (const [card, after] of last) {
      expect(state.cards[card]!.sched.stability).toBeCloseTo(after.stability, 9);
      expect(state.cards[card]!.sched.difficulty).toBeCloseTo(after.difficulty, 9);
    }
  });

  it('keeps new cards in Anki order within each deck', () => {
    const cards = deckCards(p.deck).filter(
      (c) => c.id.endsWith(':c2') || c.note === id('l9.jxuIUtO') || c.note === id('FbAD_mO,!F'),
    );
    expect(cards.map((c) => c.id)).toEqual([
      `${N4}:c2`,
      id('l9.jxuIUtO'),
      `${id('l9.jxuIUtO')}:rev`,
      `${id('FbAD_mO,!F')}:c1`,
    ]);
  });
});

describe('the package without progress', () => {
  it('gives new cards only, and no events', () => {
    const p = plan(input(fixture('reference-no-progress.apkg')));
    expect([...p.events()]).toEqual([]);
    expect(p.summary.cards).toMatchObject({ added: 10, new: 10, review: 0 });
  });
});

/** The reference collection with changes. */
function changed(f: (c: AnkiCollection) => void): AnkiPackage {
  const pkg = fixture('reference-with-progress.apkg');
  f(pkg.collection);
  return pkg;
}

describe('states, flags and tags', () => {
  it('takes stability and difficulty from cards.data when FSRS is on', () => {
    const pkg = changed((c) => {
      c.fsrs = true;
      const k = c.cards.find((x) => x.type === 2)!;
      k.data = { s: 12.3456, d: 4.321, dr: 0.9, lrt: 1717146693 };
    });
    const p = plan(input(pkg));
    expect(p.summary.memory.fsrs).toBe(1);
    const state = replay(p);
    const rec = Object.values(state.cards).find((r) => r.sched.stability === 12.3456);
    expect(rec?.sched.difficulty).toBe(4.321);
  });

  it('converts SM-2 values when a review card has no history', () => {
    const pkg = changed((c) => {
      c.revlog.length = 0;
    });
    const p = plan(input(pkg));
    expect(p.summary.memory.sm2).toBe(4);
    expect([...p.events()].filter((e) => e.type === 'answer')).toHaveLength(0);
    const state = replay(p);
    const n1 = state.cards[N1]!.sched;
    expect(n1.state).toBe('review');
    expect(n1.stability).toBeGreaterThan(2);
    expect(n1.due?.slice(0, 10)).toBe('2024-06-04');
  });

  it('brings leeches, marked notes, flags and burials across, as the collection has them', () => {
    const pkg = changed((c) => {
      const noteOf = (guid: string) => c.notes.find((n) => n.guid === guid)!;
      noteOf('yc.)bg%Fir').tags.push('leech');
      // A reversible note: the mark is the note's, so both its cards carry it.
      noteOf('FG.?[6DpaF').tags.push('Marked');
      const k1 = c.cards.find((k) => k.nid === noteOf('yc.)bg%Fir').id)!;
      k1.flags = 1;
      // Only the low three bits are the colour (Anki keeps other bits there).
      const k3 = c.cards.find((k) => k.nid === noteOf('FG.?[6DpaF').id && k.ord === 1)!;
      k3.flags = 8 | 4;
      const k2 = c.cards.find((k) => k.nid === noteOf('l9.jxuIUtO').id && k.ord === 0)!;
      k2.queue = -3;
      k2.mod = Math.floor(NOW.getTime() / 1000);
    });
    const p = plan(input(pkg));
    const state = replay(p);
    expect(state.cards[N1]).toMatchObject({ leech: true, suspended: false, flag: 1 });
    expect(state.cards[N1]!.marked).toBeUndefined();
    expect(state.cards[N3]).toMatchObject({ marked: true });
    expect(state.cards[`${N3}:rev`]).toMatchObject({ marked: true, flag: 4 });
    expect(state.cards[N2]!.flag).toBeUndefined();
    expect(state.cards[id('l9.jxuIUtO')]!.buriedDay).toBe('2024-06-01');
    // Neither is a topic any more.
    for (const n of p.deck.notes)
      for (const t of n.topics) expect(t).not.toMatch(/^(marked|flag)\b/);
    expect(p.deck.topics.map((t) => t.id)).not.toContain('marked');
    expect(p.summary.cards).toMatchObject({ leech: 1, flagged: 2, marked: 1, buried: 1 });
  });

  it('--with-settings: an FSRS-5 preset becomes FSRS-6 parameters of the deck, and the history is replayed with them', () => {
    const w5 = [
      0.40255, 1.18385, 3.173, 15.69105, 7.1949, 0.5345, 1.4604, 0.0046, 1.54575, 0.1192, 1.01925,
      1.9395, 0.11, 0.29605, 2.2698, 0.2315, 2.9898, 0.51655, 0.6621,
    ];
    const pkg = changed((c) => {
      const g = c.deckConfigs.get(1)!;
      c.deckConfigs.set(1, { ...g, fsrsParams: w5, desiredRetention: 0.87 });
    });
    const p = plan(input(pkg, { withSettings: true }));
    const own = p.settingsAfter?.deckSettings['sre-interview-prep'];
    expect(own?.desiredRetention).toBe(0.87);
    expect(own?.weights).toHaveLength(21);
    expect(own?.weights?.slice(0, 19)).toEqual(w5);
    // FSRS-5 has no w19, w20: ts-fsrs's migration (w19 raised to the least its scheduler takes).
    expect(own?.weights?.slice(19)).toEqual([0.01, 0.5]);
    const events = [...p.events()];
    expect(events[0]).toMatchObject({ type: 'settings', after: p.settingsAfter });
    expect(p.eventCount).toBe(events.length);
    // Replaying the log with the deck's settings gives each answer's own state.
    const state = replay(p);
    const log = events.map((e, i) => ({ ...e, seq: i + 1 }) as CollectionEvent);
    const replayed = replayStates(log, state.settings, (id) => state.cards[id]?.deck);
    for (const e of events) if (e.type === 'answer') expect(replayed.has(e.card)).toBe(true);
    const last = new Map(events.filter((e) => e.type === 'answer').map((e) => [e.card, e.after]));
    for (const [card, after] of last) expect(replayed.get(card)).toEqual(after);
  });

  it('maps a type-in note to Q:/Type:, and any other type to its first field and the rest', () => {
    const pkg = changed((c) => {
      c.noteTypes.set(77, {
        id: 77,
        name: 'Basic (type in the answer)',
        cloze: false,
        fields: ['Front', 'Back'],
        templates: [{ name: 'Card 1', qfmt: '{{Front}}\n\n{{type:Back}}', afmt: '' }],
        stockKind: null,
      });
      c.noteTypes.set(78, {
        id: 78,
        name: 'Vocab',
        cloze: false,
        fields: ['Word', 'Meaning', 'Example'],
        templates: [
          { name: 'A', qfmt: '{{Word}}', afmt: '' },
          { name: 'B', qfmt: '{{Meaning}}', afmt: '' },
        ],
        stockKind: null,
      });
      c.notes.push({
        id: 900,
        guid: 'typein-1',
        mid: 77,
        mod: 1,
        tags: [],
        fields: ['Flag to follow a log?', '<code>tail -f</code>'],
      });
      c.notes.push({
        id: 901,
        guid: 'vocab-1',
        mid: 78,
        mod: 1,
        tags: [],
        fields: ['idempotent', 'same result twice', '<i>PUT</i> is'],
      });
      const card = {
        did: 1717145400001,
        mod: 1,
        type: 0,
        queue: 0,
        due: 20,
        ivl: 0,
        factor: 0,
        reps: 0,
        lapses: 0,
        left: 0,
        odue: 0,
        odid: 0,
        flags: 0,
        data: {},
      };
      c.cards.push(
        { ...card, id: 9001, nid: 900, ord: 0 },
        { ...card, id: 9011, nid: 901, ord: 0 },
        { ...card, id: 9012, nid: 901, ord: 1 },
      );
    });
    const p = plan(input(pkg));
    const typed = p.deck.notes.find((n) => n.id === id('typein-1'));
    expect(typed).toMatchObject({
      kind: 'typein',
      front: 'Flag to follow a log?',
      type: { text: 'tail -f', ci: false },
    });
    const other = p.deck.notes.find((n) => n.id === id('vocab-1'));
    expect(other).toMatchObject({
      kind: 'basic',
      front: 'idempotent',
      back: 'same result twice\n\n_PUT_ is',
    });
    expect(p.summary.leftOut.map((l) => [l.reason, l.count])).toContainEqual([
      expect.stringContaining('cards of templates'),
      1,
    ]);
  });
});

describe('HTML to Markdown', () => {
  const md = (html: string, media: string[] = []) =>
    htmlToMarkdown(html, new Set(media), new Set());
  it('keeps bold, italics, code, lists, line breaks and entities', () => {
    expect(md('<b>bold</b> <i>it</i> <code>x &lt; y</code>')).toBe('**bold** _it_ `x < y`');
    expect(md('<ul><li>one</li><li>two</li></ul>')).toBe('- one\n- two');
    expect(md('<ol><li>a</li><li>b</li></ol>')).toBe('1. a\n2. b');
    // A break stays a break (Markdown's backslash), in a list item indented under it.
    expect(md('a<br>b<div>c</div>')).toBe('a\\\nb\\\nc');
    expect(md('a<br><br>b')).toBe('a\n\nb');
    expect(md('<ul><li>one<br>two</li><li>x</li></ul>after')).toBe('- one\\\n  two\n- x\nafter');
    expect(md('<ol><li>a<div>b</div></li></ol>c<br>d')).toBe('1. a\\\n   b\nc\\\nd');
    expect(md('<pre><code>x<br>y</code></pre>')).toBe('```\nx\ny\n```');
    expect(md('&amp; &quot;q&quot; &#x41;')).toBe('& "q" A');
  });
  it('never keeps scripts or active links, and makes control characters harmless', () => {
    expect(md('x<script>alert(1)</script><style>p{}</style>y')).toBe('xy');
    expect(md('<a href="javascript:alert(1)">click</a>')).toBe('click');
    expect(md('red\u001b[31m!')).toBe('red\u241b[31m!');
  });
  it('refers to media in the deck folder, and escapes lines the deck format would read as fields', () => {
    expect(md('<img src="diagram one.png"> [sound:say.mp3]', ['diagram one.png', 'say.mp3'])).toBe(
      '![](media/diagram%20one.png) [sound: say.mp3](media/say.mp3)',
    );
    expect(md('Q: not a field<br>## not a note')).toBe('\\Q: not a field\\\n\\## not a note');
    expect(md('<h1>Title</h1>text')).toBe('**Title**\\\ntext');
  });
});

describe('importing again', () => {
  const pkg = fixture('reference-with-progress.apkg');
  const first = plan(input(pkg));
  const files = first.files.map((f) => ({ path: f.path, text: f.text }));
  const cards = new Set(deckCards(first.deck).map((c) => c.id));

  it('adds nothing when nothing is new', () => {
    const again = plan(
      input(pkg, { existing: { files, registered: 'sre-interview-prep', cards } }),
    );
    expect(again.files).toEqual([]);
    expect([...again.events()]).toEqual([]);
    expect(again.summary.notes).toMatchObject({ added: 0, unchanged: 7, edited: [] });
  });

  it('takes a folder whose breaks were written without the backslash as unchanged', () => {
    const plain = files.map((f) => ({ ...f, text: f.text.replace(/\\\n/g, '\n') }));
    expect(plain).not.toEqual(files);
    const again = plan(
      input(pkg, { existing: { files: plain, registered: 'sre-interview-prep', cards } }),
    );
    expect(again.files).toEqual([]);
    expect(again.summary.notes).toMatchObject({ added: 0, unchanged: 7, edited: [] });
  });

  it('reports notes edited here since, and never overwrites them; adds new notes to their deck file', () => {
    const edited = files.map((f) => ({ ...f, text: f.text.replace('43m 12s', '43 minutes') }));
    const more = changed((c) => {
      c.notes.push({
        id: 950,
        guid: 'new-note',
        mid: 1711965600004,
        mod: 1,
        tags: [],
        fields: ['A new question?', 'Its answer'],
      });
      c.cards.push({
        id: 9501,
        nid: 950,
        did: 1717145400002,
        ord: 0,
        mod: 1,
        type: 0,
        queue: 0,
        due: 30,
        ivl: 0,
        factor: 0,
        reps: 0,
        lapses: 0,
        left: 0,
        odue: 0,
        odid: 0,
        flags: 0,
        data: {},
      });
    });
    const again = plan(
      input(more, { existing: { files: edited, registered: 'sre-interview-prep', cards } }),
    );
    expect(again.summary.notes).toMatchObject({ added: 1, unchanged: 6, edited: [N1] });
    expect(again.files.map((f) => [f.path, f.replaces])).toEqual([
      ['002-sre-interview-prep--day-62-global-traffic.md', true],
    ]);
    const day62 = again.files[0]!.text;
    expect(day62.startsWith(edited[2]!.text)).toBe(true);
    expect(day62).toContain(`## ${id('new-note')}\nQ: A new question?\nA: Its answer\n`);
    expect(again.deck.notes.find((n) => n.id === N1)?.back).toContain('43 minutes');
  });
});

describe('bad models: the package is inconsistent', () => {
  it('duplicate GUIDs', () => {
    const pkg = changed((c) => (c.notes[1]!.guid = c.notes[0]!.guid));
    expect(() => plan(input(pkg))).toThrow(/share the GUID/);
  });
  it('a note of a missing note type', () => {
    const pkg = changed((c) => (c.notes[0]!.mid = 42));
    expect(() => plan(input(pkg))).toThrow(/uses note type 42, which the package does not have/);
  });
  it('a card of a missing deck', () => {
    const pkg = changed((c) => (c.cards[0]!.did = 42));
    expect(() => plan(input(pkg))).toThrow(/is in deck 42, which the package does not have/);
  });
  it('a note with the wrong number of fields', () => {
    const pkg = changed((c) => c.notes[0]!.fields.push('extra'));
    expect(() => plan(input(pkg))).toThrow(/has 3 fields, but its note type "Basic" has 2/);
  });
});

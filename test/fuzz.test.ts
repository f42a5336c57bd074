/**
 * Fuzzing the two readers of outside input: the deck parser (Markdown sources) and the
 * collection loader (collection.snap and events.jsonl). Seeded, so a failure repeats:
 * SRE_CARDS_FUZZ_SEED picks another seed, SRE_CARDS_SOAK=1 runs ten times as many cases.
 * Every case must end in a clear error (a DeckError list, or a UserError), never another
 * exception, and never a write.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildQueue, NO_FILTER } from '../src/core/queue.js';
import { deckCards } from '../src/deck/cards.js';
import { parseDeck, type SourceFile } from '../src/deck/parse.js';
import type { DeckError } from '../src/deck/types.js';
import { UserError } from '../src/errors.js';
import { diagnose } from '../src/store/doctor.js';
import { dataPaths } from '../src/store/paths.js';
import { decodeSnap, isSnapFile } from '../src/store/snapfile.js';
import {
  cleanup,
  cli,
  miniFiles,
  openMini,
  tempDir,
  writeDeckFolder,
  fileTree,
} from './helpers.js';

afterEach(cleanup);

const SOAK = process.env.SRE_CARDS_SOAK === '1';
const SEED = Number(process.env.SRE_CARDS_FUZZ_SEED ?? 20260301);
const N = SOAK ? 3000 : 300;
/** Each case is quick; the bound is for a loaded machine (and the long soak). */
const TIMEOUT = SOAK ? 3_600_000 : 120_000;

/** mulberry32: a small seeded generator. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes };
}
type Rng = ReturnType<typeof rng>;

const TOKENS = [
  '---',
  '## ',
  '## note-x',
  'Q: ',
  'A: ',
  'Term: ',
  'Definition: ',
  'C: {{c1::',
  '}}',
  'Extra:',
  'topics: ',
  'line: ',
  'day: ',
  '```',
  '<!--',
  '-->',
  '- ',
  '{{c2::x::hint}}',
  '\u0000',
  '\u001b[2J',
  '\ufeff',
  'é',
  '日本語',
  '🙂',
  '\r',
  '\t',
  ':',
  '/',
];

/** A mutated deck source: random bytes, truncated UTF-8, long lines, deep nesting, wrong types. */
function mutateText(r: Rng, text: string): string {
  switch (r.int(9)) {
    case 0:
      return r.bytes(r.int(2000)).toString('utf8');
    case 1: {
      // Cut the UTF-8 bytes anywhere, often inside a multi-byte character.
      const b = Buffer.from(text + ' é日本語🙂', 'utf8');
      return b.subarray(0, r.int(b.length)).toString('utf8');
    }
    case 2: {
      const lines = text.split('\n');
      lines.splice(
        r.int(lines.length),
        0,
        r.pick(['Q: ', 'A: ', '', '# ']) + 'x'.repeat(r.pick([10_001, 50_000, 1_000_000])),
      );
      return lines.join('\n');
    }
    case 3: {
      const depth = r.pick([100, 5000, 50_000]);
      const nest = r.pick([
        () => '{{c1::'.repeat(depth) + 'x' + '}}'.repeat(depth),
        () => '['.repeat(depth) + ']'.repeat(depth),
        () =>
          Array.from({ length: Math.min(depth, 1500) }, (_, i) => ' '.repeat(i) + '- x').join('\n'),
        () => '>'.repeat(depth) + ' x',
        () => '<!--'.repeat(depth),
        () => '```\n'.repeat(depth),
      ])();
      const lines = text.split('\n');
      lines.splice(r.int(lines.length), 0, r.pick(['C: ', 'Q: ', 'topics: ', '']) + nest);
      return lines.join('\n');
    }
    case 4: {
      // Wrong types in the front matter.
      const key = r.pick(['day', 'title', 'topics', 'name']);
      const value = r.pick([
        'abc',
        '-1',
        '1e9',
        '99999',
        '[1, 2',
        '{a: 1}',
        '',
        '"',
        "'x",
        'null',
        '🙂',
      ]);
      return text.replace(new RegExp(`^${key}:.*$`, 'm'), `${key}: ${value}`);
    }
    default: {
      // Token soup: lines deleted, duplicated, or replaced by grammar fragments.
      const lines = text.split('\n');
      for (let k = r.int(6) + 1; k > 0; k--) {
        const i = r.int(lines.length + 1);
        const op = r.int(3);
        if (op === 0) lines.splice(i, 1);
        else if (op === 1) lines.splice(i, 0, lines[r.int(lines.length)] ?? '');
        else
          lines.splice(i, 0, Array.from({ length: r.int(4) + 1 }, () => r.pick(TOKENS)).join(''));
      }
      return lines.join('\n');
    }
  }
}

function mutateDeck(r: Rng): SourceFile[] {
  const files = miniFiles();
  for (let k = r.int(2) + 1; k > 0; k--) {
    const f = r.pick(files);
    f.text = mutateText(r, f.text);
  }
  if (r.int(10) === 0)
    files.push({ path: 'day-9.md', text: r.bytes(r.int(500)).toString('latin1') });
  return files;
}

const STACK = /\n\s+at |at .+:\d+:\d+\)/;

function checkErrors(files: SourceFile[], errors: DeckError[]): void {
  for (const e of errors) {
    expect(typeof e.file).toBe('string');
    expect(Number.isInteger(e.line) && e.line >= 1).toBe(true);
    const src = files.find((f) => e.file === f.path || e.file.endsWith(`/${f.path}`));
    if (src) expect(e.line).toBeLessThanOrEqual(src.text.split('\n').length + 1);
    expect(e.message.length).toBeGreaterThan(0);
    expect(e.message.length, e.message).toBeLessThan(400);
    expect(e.message).not.toMatch(STACK);
    expect(e.message).not.toContain('\n');
  }
}

describe('fuzz: deck parser', () => {
  it(
    `${N} mutated decks each parse to a deck or to file:line errors, never an exception`,
    () => {
      const r = rng(SEED);
      let rejected = 0;
      for (let i = 0; i < N; i++) {
        const files = mutateDeck(r);
        let result: ReturnType<typeof parseDeck>;
        try {
          result = parseDeck(files);
        } catch (e) {
          throw new Error(`seed ${SEED} case ${i}: parseDeck threw ${(e as Error).stack}`, {
            cause: e,
          });
        }
        const { deck, errors } = result;
        if (deck) {
          expect(errors).toEqual([]);
          // What the parser accepts, the rest of the pipeline takes.
          for (const c of deckCards(deck)) expect(typeof c.hash).toBe('string');
        } else {
          rejected++;
          expect(errors.length, `case ${i}`).toBeGreaterThan(0);
          checkErrors(files, errors);
        }
      }
      // The mutations do reach the error paths.
      expect(rejected).toBeGreaterThan(N / 2);
    },
    TIMEOUT,
  );

  it('lint gives errors without a stack trace, and writes nothing into the deck folder', () => {
    const r = rng(SEED + 1);
    for (let i = 0; i < 6; i++) {
      const dir = writeDeckFolder(join(tempDir(), 'deck'));
      for (const f of mutateDeck(r)) writeFileSync(join(dir, f.path), f.text);
      const before = fileTree(dir);
      const res = cli(['lint', dir]);
      expect([0, 1]).toContain(res.status);
      expect(res.stderr).not.toMatch(STACK);
      if (res.status === 1) expect(res.stderr).toMatch(/deck\/[\w.-]+:\d+: /);
      expect(fileTree(dir)).toEqual(before);
    }
  });
});

const T = new Date('2026-03-10T09:00:00Z');

/** A small collection with history: a snapshot and a log past it. */
function baseCollection(): string {
  const dir = tempDir();
  let col = openMini(dir, new Date('2026-03-01T09:00:00Z'));
  col.answer('one-basic', 'good', new Date('2026-03-01T09:00:00Z'), 1000);
  col.answer('two-a', 'again', new Date('2026-03-01T09:01:00Z'), 1000);
  col.suspend('two-b', new Date('2026-03-01T09:02:00Z'));
  col.undo(new Date('2026-03-01T09:03:00Z'));
  col.close();
  col = openMini(dir, new Date('2026-03-03T09:00:00Z'));
  col.answer('one-basic', 'good', new Date('2026-03-03T09:00:00Z'), 1000);
  col.answer('one-rev', 'easy', new Date('2026-03-03T09:01:00Z'), 1000);
  // Left open: the last answers are in the log past the snapshot, as after a crash.
  (col as unknown as { lock: { release(): void } }).lock.release();
  return dir;
}

const WRONG = [
  null,
  0,
  -1,
  1.5,
  1e308,
  '',
  'x',
  '\ud800',
  [],
  {},
  true,
  '__DEEP__',
  [1, 'a'],
  { a: {} },
];

/** Sets a random value somewhere inside a JSON document to a value of a wrong type. */
function wrongType(r: Rng, text: string): string {
  const doc = JSON.parse(text) as unknown;
  const holders: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown, depth: number) => {
    if (typeof v !== 'object' || v === null || depth > 5) return;
    for (const [k, c] of Object.entries(v)) {
      holders.push([v as Record<string, unknown>, Array.isArray(v) ? Number(k) : k]);
      walk(c, depth + 1);
    }
  };
  walk(doc, 0);
  const [holder, key] = r.pick(holders);
  (holder as Record<string | number, unknown>)[key] = r.pick(WRONG);
  const depth = r.pick([10, 1000, 100_000]);
  return JSON.stringify(doc).replace('"__DEEP__"', '['.repeat(depth) + ']'.repeat(depth));
}

function mutateFile(r: Rng, path: string): void {
  const text = readFileSync(path, 'utf8');
  const buf = readFileSync(path);
  let out: string | Buffer;
  switch (r.int(8)) {
    case 0:
      out = r.bytes(r.int(3000));
      break;
    case 1:
      out = buf.subarray(0, r.int(buf.length));
      break;
    case 2: {
      const b = Buffer.from(buf);
      for (let k = r.int(8) + 1; k > 0; k--) b[r.int(b.length)] = r.int(256);
      out = b;
      break;
    }
    case 3:
      out =
        text +
        (r.int(2) ? '\n' : '') +
        'x'.repeat(r.pick([100_000, 3_000_000])) +
        (r.int(2) ? '\n' : '');
      break;
    case 4: {
      const depth = r.pick([1000, 100_000]);
      out = text.endsWith('\n')
        ? text + '['.repeat(depth) + ']'.repeat(depth) + '\n'
        : '{"schema":1,"x":' + '['.repeat(depth) + ']'.repeat(depth) + '}';
      break;
    }
    default: {
      if (text.endsWith('\n')) {
        // One line of the log with a value of a wrong type.
        const lines = text.split('\n').filter(Boolean);
        const i = r.int(lines.length);
        lines[i] = wrongType(r, lines[i] ?? '{}');
        out = lines.join('\n') + '\n';
      } else
        // The collection file's document, with a wrong value, written as JSON (which the
        // loader reads too, and checks field by field).
        out = wrongType(r, isSnapFile(buf) ? JSON.stringify(decodeSnap(buf)) : text);
    }
  }
  writeFileSync(path, out);
}

describe('fuzz: collection loader', () => {
  it(
    `${N} damaged collections each load or give a clear error, never an exception or a write`,
    () => {
      const r = rng(SEED + 2);
      const base = baseCollection();
      let refused = 0;
      for (let i = 0; i < N; i++) {
        const dir = join(tempDir(), 'data');
        cpSync(base, dir, { recursive: true });
        const paths = dataPaths(dir);
        for (const p of r.int(4) === 0
          ? [paths.snapshot, paths.log]
          : [r.pick([paths.snapshot, paths.log])])
          mutateFile(r, p);
        const before = fileTree(dir);
        const where = `seed ${SEED + 2} case ${i}`;
        // Readers: open, or a UserError; never a write.
        let readOk = false;
        try {
          const col = openMini(dir, T, { mode: 'read' });
          readOk = true;
          // What loads can be used: the queue and the buttons.
          const q = buildQueue(col.state, col.studyCards(NO_FILTER), T, col.clock);
          for (const id of [...q.new, ...q.review].slice(0, 2)) col.preview(id, T);
        } catch (e) {
          if (!(e instanceof UserError))
            throw new Error(`${where}: read threw ${(e as Error).stack}`, { cause: e });
          expect(e.message).not.toMatch(STACK);
        }
        expect(fileTree(dir), where).toEqual(before);
        // The doctor's check reads anything without an exception, and writes nothing.
        try {
          diagnose(paths);
        } catch (e) {
          throw new Error(`${where}: diagnose threw ${(e as Error).stack}`, { cause: e });
        }
        expect(fileTree(dir), where).toEqual(before);
        // Writers: open and take an answer, or a UserError that leaves every file as it was.
        try {
          const col = openMini(dir, T);
          expect(readOk, `${where}: a writer opened what a reader refused`).toBe(true);
          const id = col.studyCards(NO_FILTER).find((c) => !c.rec.suspended)?.card.id;
          if (id) col.answer(id, 'good', T, 0);
          col.close();
        } catch (e) {
          if (!(e instanceof UserError))
            throw new Error(`${where}: write threw ${(e as Error).stack}`, { cause: e });
          expect(readOk, `${where}: ${e.message}`).toBe(false);
          expect(fileTree(dir), where).toEqual(before);
          refused++;
        }
      }
      expect(refused).toBeGreaterThan(N / 3);
    },
    TIMEOUT,
  );

  it('the commands refuse a damaged collection in one sentence, and write nothing', () => {
    const r = rng(SEED + 3);
    const base = baseCollection();
    for (let i = 0; i < 4; i++) {
      const dir = join(tempDir(), 'data');
      cpSync(base, dir, { recursive: true });
      const paths = dataPaths(dir);
      writeFileSync(paths.snapshot, readFileSync(paths.snapshot).subarray(0, r.int(2000)));
      const before = fileTree(dir);
      const env = { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: '2026-03-10T09:00:00Z' };
      for (const args of [['due'], ['list'], ['answer', 'd61-spof', 'good'], ['doctor']]) {
        const res = cli(args, env);
        expect(res.status, args.join(' ')).toBe(1);
        expect(res.stderr + res.stdout).not.toMatch(STACK);
        if (args[0] !== 'doctor')
          expect(res.stderr).toMatch(
            /^sre-cards: the collection file .* is damaged \(.*\); it was left untouched\. Run `sre-cards doctor --repair`/,
          );
      }
      expect(fileTree(dir)).toEqual(before);
    }
  });
});

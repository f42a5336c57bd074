import { generator } from '../src/core/simulate.js';
import {
  existsSync,
  mkdtempSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { parseDeck } from '../src/deck/parse.js';
import type { Deck } from '../src/deck/types.js';
import { Collection } from '../src/store/collection.js';
import { dataPaths } from '../src/store/paths.js';
import { decodeSnap, isSnapFile } from '../src/store/snapfile.js';

/** This device's event log in a data folder (`events.jsonl` until a writer gives it a device). */
export function logFile(dir: string): string {
  return dataPaths(dir).log;
}

export const ROOT = join(import.meta.dirname, '..');
export const BIN = join(ROOT, 'dist', 'sre-cards.js');

const dirs: string[] = [];
export function tempDir(prefix = 'sre-cards-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
export function cleanup(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export const DECK_MD = `---
name: mini
title: Mini Deck
---
# Topics
- networking: nets
- networking/dns: names
- reliability: rel
`;

/** A small deck: day 1 has a basic, a reversible and a two-deletion cloze note; day 2 two basics. */
export const DAY1 = `---
day: 1
title: First
topics: reliability
---

## one-basic
line: focus
Q: What is one?
A: The first.

## one-rev
line: learn
topics: networking/dns
Term: DNS
Definition: The Domain Name System.

## one-cloze
line: lab
C: {{c1::A}} then {{c2::B}}.
Extra: letters
`;

export const DAY2 = `---
day: 2
title: Second
topics: networking
---

## two-a
line: focus
Q: What is two-a?
A: A.

## two-b
line: design
Q: What is two-b?
A: B.
`;

export function miniFiles(
  overrides: Record<string, string> = {},
): { path: string; text: string }[] {
  const files: Record<string, string> = {
    'deck.md': DECK_MD,
    'day-1.md': DAY1,
    'day-2.md': DAY2,
    ...overrides,
  };
  return Object.entries(files)
    .filter(([, t]) => t !== '')
    .map(([path, text]) => ({ path, text }));
}

export function miniDeck(overrides: Record<string, string> = {}): Deck {
  const { deck, errors } = parseDeck(miniFiles(overrides));
  if (!deck) throw new Error(errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n'));
  return deck;
}

export function writeDeckFolder(dir: string, overrides: Record<string, string> = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const f of miniFiles(overrides)) writeFileSync(join(dir, f.path), f.text);
  return dir;
}

export function openMini(
  dataDir: string,
  now: Date,
  opts: { deck?: Deck; mode?: 'read' | 'write'; timeZone?: string } = {},
): Collection {
  return Collection.open({
    dataDir,
    mode: opts.mode ?? 'write',
    now,
    timeZone: opts.timeZone ?? 'UTC',
    builtin: opts.deck ?? miniDeck(),
  });
}

/** Runs the real binary. */
export function cli(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TZ: 'UTC', ...env },
    timeout: 20_000,
  });
}

export const at = (iso: string) => new Date(iso);

/** Every file under `dir` with its bytes and mtime: to prove that nothing was written. */
export function fileTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    const st = statSync(p);
    out[name] = st.isFile() ? `${st.mtimeMs}:${readFileSync(p).toString('base64')}` : 'dir';
  }
  return out;
}

/** A small seeded generator of numbers in [0, 1) (the simulator's), so random tests repeat. */
export const seededRandom = generator;

/** The collection file's name (schema 2 on). */
export const SNAPSHOT_FILE = 'collection.snap';

/** A collection file's document as written (the columnar format decoded, or JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readSnapshotDoc(path: string): Record<string, any> {
  const buf = readFileSync(path);
  return isSnapFile(buf)
    ? decodeSnap(buf)
    : (JSON.parse(buf.toString('utf8')) as Record<string, unknown>);
}

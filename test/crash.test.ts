/**
 * The kill test: `answer --stdin` processes, each given hundreds of answers, are killed
 * (SIGKILL) at seeded random moments: during start-up, between answers, inside log
 * appends, snapshot rewrites (a snapshot every 3 events) and daily backups (each process
 * runs on a new study day). After every kill, every answer acknowledged so far must be in
 * the log, and the collection must load with each card's state matching its answers.
 * SRE_CARDS_KILL_SEED picks another seed; SRE_CARDS_SOAK=1 runs 2000 kills.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CollectionEvent } from '../src/core/model.js';
import { ratingName } from '../src/core/scheduler.js';
import { deckCards } from '../src/deck/cards.js';
import { loadBuiltinDeck } from '../src/deck/builtin.js';
import type { Deck } from '../src/deck/types.js';
import { Collection } from '../src/store/collection.js';
import { diagnose } from '../src/store/doctor.js';
import { parseLine } from '../src/store/log/codec.js';
import { dataPaths } from '../src/store/paths.js';
import { cleanup, ROOT, seededRandom, tempDir } from './helpers.js';

afterEach(cleanup);

const SOAK = process.env.SRE_CARDS_SOAK === '1';
const KILLS = SOAK ? 2000 : 200;
const SEED = Number(process.env.SRE_CARDS_KILL_SEED ?? 61);
/** Two collections killed in parallel (one per core). */
const WORKERS = 2;
/** Each process is killed within this long at most. */
const BOUND_MS = 4000;

interface Ack {
  seq: number;
  id: string;
  rating: string;
}

interface Outcome {
  acks: Ack[];
  killed: boolean;
  code: number | null;
  stderr: string;
}

const ACK_RE = /^saved (\d+) (\S+) (again|hard|good|easy): /;

/**
 * Runs one `answer --stdin` with `lines`, and kills it: `afterAcks` acknowledgements plus
 * `delayMs` later, or (afterAcks null) `delayMs` after it starts.
 */
function runAndKill(
  bin: string,
  dir: string,
  now: string,
  lines: string[],
  afterAcks: number | null,
  delayMs: number,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'answer', '--stdin'], {
      env: {
        PATH: process.env.PATH ?? '',
        TZ: 'UTC',
        SRE_CARDS_DATA_DIR: dir,
        SRE_CARDS_NOW: now,
        SRE_CARDS_SNAPSHOT_EVERY: '3',
      },
    });
    let out = '';
    let err = '';
    let complete = 0;
    let armed = false;
    const kill = () => child.kill('SIGKILL');
    const arm = () => {
      if (armed) return;
      armed = true;
      setTimeout(kill, delayMs);
    };
    const bound = setTimeout(kill, BOUND_MS);
    if (afterAcks === null || afterAcks === 0) arm();
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      complete = out.split('\n').length - 1;
      if (afterAcks !== null && complete >= afterAcks) arm();
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.on('error', () => {
      // killed before reading everything
    });
    child.stdin.end(lines.join('\n') + '\n');
    child.on('close', (code, signal) => {
      clearTimeout(bound);
      // Only whole lines are acknowledgements: a line cut by the kill was never seen whole.
      const acks = out
        .split('\n')
        .slice(0, -1)
        .map((l) => ACK_RE.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ seq: Number(m[1]), id: m[2] as string, rating: m[3] as string }));
      resolve({ acks, killed: signal === 'SIGKILL', code, stderr: err });
    });
  });
}

/** What a worker has read of its log so far (whole lines only: a torn last line is trimmed later). */
interface Seen {
  offset: number;
  bySeq: Map<number, CollectionEvent>;
  reps: Map<string, number>;
  last: number;
}

function readNew(path: string, seen: Seen, where: string): void {
  // A process killed early may not have created the log yet.
  const buf = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
  const text = buf.toString('utf8', seen.offset, buf.lastIndexOf(0x0a) + 1);
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const parsed = parseLine(line);
    if ('problem' in parsed) throw new Error(`${where}: ${parsed.problem}: ${line.slice(0, 200)}`);
    const e = parsed.event;
    expect(e.seq, `${where}: no gap`).toBe(seen.last + 1);
    seen.last = e.seq;
    seen.bySeq.set(e.seq, e);
    if (e.type === 'answer') seen.reps.set(e.card, (seen.reps.get(e.card) ?? 0) + 1);
  }
  seen.offset += Buffer.byteLength(text);
}

/**
 * Every acknowledged answer is in the log; the collection loads and agrees with the log.
 * `full`: read the log again from the start, and open the collection (the soak does it
 * every 25 kills, reading only the new lines in between).
 */
function verify(
  dir: string,
  acks: Ack[],
  seen: Seen,
  full: boolean,
  where: string,
  builtin: Deck,
): Seen {
  const paths = dataPaths(dir);
  if (full) seen = { offset: 0, bySeq: new Map(), reps: new Map(), last: 0 };
  readNew(paths.log, seen, where);
  for (const a of full ? acks : acks.slice(-50)) {
    const e = seen.bySeq.get(a.seq);
    expect(e?.type === 'answer' && e.card, `${where}: acknowledged answer ${a.seq}`).toBe(a.id);
    if (e?.type === 'answer') expect(ratingName(e.rating), where).toBe(a.rating);
  }
  if (!full) return seen;
  const col = Collection.open({
    dataDir: dir,
    mode: 'read',
    now: new Date('2030-01-01T00:00:00Z'),
    timeZone: 'UTC',
    builtin,
  });
  for (const [id, n] of seen.reps)
    expect(col.state.cards[id]?.sched.reps, `${where}: ${id}`).toBe(n);
  expect(col.state.seq, where).toBe(seen.last);
  return seen;
}

/**
 * The binary as built, copied with the built-in deck: the test runs a minute, and a
 * rebuild of dist/ meanwhile must not pull files from under the processes it starts.
 */
function privateCopy(): string {
  const root = join(tempDir(), 'pkg');
  mkdirSync(join(root, 'decks'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(root, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'decks', 'build'), join(root, 'decks', 'build'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  return join(root, 'dist', 'sre-cards.js');
}

describe('crash safety', () => {
  it(
    `loses no acknowledged answer over ${KILLS} kills at random moments while answering`,
    async () => {
      const bin = privateCopy();
      const builtin = loadBuiltinDeck();
      const ids = deckCards(builtin)
        .slice(0, 400)
        .map((c) => c.id);
      const random = seededRandom(SEED);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
      let kills = 0;
      let started = 0;
      const stats = { startup: 0, answering: 0, acks: 0 };
      const worker = async (w: number) => {
        const dir = join(tempDir(), `data-${w}`);
        const acks: Ack[] = [];
        let seen: Seen = { offset: 0, bySeq: new Map(), reps: new Map(), last: 0 };
        let day = 0;
        while (kills < KILLS) {
          const n = started++;
          // A new study day per process: each open also writes that day's backup.
          const now = new Date(Date.UTC(2026, 2, 1, 9) + day++ * 86_400_000).toISOString();
          const lines = Array.from(
            { length: 300 },
            () => `${pick(ids)} ${pick(['hard', 'good', 'good', 'easy'])}`,
          );
          // A quarter of the kills land anywhere from start-up on; the rest after a few
          // acknowledgements, inside the stream of answers, appends and snapshot rewrites.
          const early = random() < 0.25;
          const afterAcks = early ? null : Math.floor(random() * 25);
          const delay = early ? random() * 250 : random() * 12;
          const o = await runAndKill(bin, dir, now, lines, afterAcks, delay);
          const where = `seed ${SEED}, process ${n} (worker ${w}, kill ${early ? `${delay.toFixed(1)} ms after start` : `${delay.toFixed(1)} ms after ack ${afterAcks}`})`;
          if (!o.killed) {
            // It finished before the kill: it must have succeeded.
            expect(o.code, `${where}: ${o.stderr}`).toBe(0);
          } else {
            kills++;
            if (o.acks.length === 0) stats.startup++;
            else stats.answering++;
          }
          expect(o.stderr, where).toBe('');
          acks.push(...o.acks);
          stats.acks += o.acks.length;
          seen = verify(dir, acks, seen, !SOAK || n % 25 === 0, where, builtin);
        }
        // After all the kills: a clean run, a clean check, no temporary file left.
        const clean = await runAndKill(
          bin,
          dir,
          '2030-01-01T09:00:00Z',
          [`${ids[0]} good`],
          0,
          BOUND_MS,
        );
        expect(clean.killed).toBe(false);
        expect(clean.code, clean.stderr).toBe(0);
        expect(clean.acks).toHaveLength(1);
        verify(dir, [...acks, ...clean.acks], seen, true, `worker ${w}, at the end`, builtin);
        expect(diagnose(dataPaths(dir)).problems).toBe(0);
        expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
        expect(readdirSync(join(dir, 'backups')).length).toBeLessThanOrEqual(7);
      };
      await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
      console.log(
        `kill test: ${kills} kills (${stats.startup} before the first acknowledgement, ${stats.answering} while answering), ${stats.acks} acknowledged answers, seed ${SEED}`,
      );
      expect(kills).toBeGreaterThanOrEqual(KILLS);
      // The kills did land while answering, not only during start-up.
      expect(stats.answering).toBeGreaterThan(KILLS / 2);
      expect(stats.acks).toBeGreaterThan(KILLS);
    },
    SOAK ? 3_600_000 : 180_000,
  );
});

// `npm run bench`: how sre-cards performs on synthetic collections of 1k, 10k and 100k
// cards with ten reviews per card. Run `npm run build` first: it measures dist/.
//
//   node scripts/bench.mjs [--sizes 1000,10000,100000] [--answers 400] [--keep]
//   node scripts/bench.mjs --import-only [--sizes 100000] [--runs 3]
//     [--no-import] [--generate-only]
//
// For each size it writes a user deck folder (basic notes, 1000 a file), an event log
// with ten FSRS answers per card and a snapshot, then measures:
//   - first card: `review` from process start to the first frame showing a card, under a
//     pseudo-terminal (`script -qec`), median of 5; shown apart: the first open of a study
//     day (it copies the collection file to backups/ first) and the first open after the
//     deck's sources changed (they are parsed again, and the parsed-deck cache rewritten)
//   - answer: keypress (grade) to the next card's frame, the durable write included,
//     median and p99, under the same pseudo-terminal
//   - due: `sre-cards due`, and on the built-in deck alone, beside a bare `node -e ''`
//   - deck build: `build-decks` on the generated deck folder
//   - export: `export anki --with-progress` of the whole collection, median of 3
//   - import: `import anki` of that package into an empty collection (deck sources and
//     the whole review history), median of 3 (one run from 100k cards)
//
// With --import-only it writes the collection, exports it once and times only the import,
// --runs times (default 3), printing every run, the best and the median.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// Set to a private copy of the package once the work folder exists (see main).
let BIN = join(ROOT, 'dist', 'sre-cards.js');
let BUILD_DECKS = join(ROOT, 'dist', 'build-decks.js');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const SIZES = opt('--sizes', '1000,10000,100000').split(',').map(Number);
const ANSWERS = Number(opt('--answers', '400'));
const KEEP = args.includes('--keep');
/** Only the sync figures (skips first card, answers, due, deck build and export). */
const SYNC_ONLY = args.includes('--sync-only');
const SYNC_NEW = Number(opt('--sync-new', '1000'));
/** Cards answered on both devices offline before the sync (recomputed by it). */
const RECOMPUTED = 10;
const IMPORT_ONLY = args.includes('--import-only');
const IMPORT_RUNS = Number(opt('--runs', '3'));
/** Only writes the collections and keeps them (for profiling by hand). */
const GENERATE_ONLY = args.includes('--generate-only');
/** Skips `import anki` (at 100k cards it takes most of a minute). */
const NO_IMPORT = args.includes('--no-import');
const NOW = '2026-06-01T09:00:00Z';
const RUNS = 5;

if (!existsSync(BIN) || !existsSync(BUILD_DECKS)) {
  console.error('bench: dist/ is not built; run `npm run build` first');
  process.exit(1);
}

/** The store's and core's own code, bundled from src/, so the data is what the app writes. */
async function loadLib(dir) {
  const out = join(dir, 'bench-lib.mjs');
  await build({
    stdin: {
      contents: `
        export { answer, NEW_STATE } from './src/core/scheduler.ts';
        export { DEFAULT_SETTINGS } from './src/core/settings.ts';
        export { studyDay } from './src/core/time.ts';
        export { deckCards } from './src/deck/cards.ts';
        export { loadDeckFolder } from './src/deck/read.ts';
        export { deserializeDeck } from './src/deck/build.ts';
      `,
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    logLevel: 'warning',
  });
  return import(pathToFileURL(out).href);
}

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = ['storage', 'networking', 'compute', 'observability', 'security', 'data'];

/** A deck folder of `n` basic notes, 1000 a file. */
function writeDeck(dir, n) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'deck.md'),
    `---\nname: bench\ntitle: Bench deck\n---\n# Topics\n${TOPICS.map((t) => `- ${t}: ${t} cards`).join('\n')}\n`,
  );
  const perFile = 1000;
  for (let f = 0; f * perFile < n; f++) {
    const parts = [
      `---\nday: ${f + 1}\ntitle: Part ${f + 1}\ntopics: ${TOPICS[f % TOPICS.length]}\n---\n`,
    ];
    for (let i = f * perFile; i < Math.min(n, (f + 1) * perFile); i++) {
      parts.push(
        `\n## b${i}\nline: focus\nQ: What does fact ${i} say about ${TOPICS[i % TOPICS.length]}?\nA: Fact ${i}: a statement long enough to look like a real answer, with **bold** and \`code\`.\n`,
      );
    }
    writeFileSync(join(dir, `part-${String(f + 1).padStart(4, '0')}.md`), parts.join(''));
  }
}

/**
 * Ten answers per card. The histories come from K templates computed with the app's own
 * scheduler (each template its own start, spacing and ratings), copied to every card.
 */
function histories(lib, settings, K) {
  const clock = { timeZone: 'UTC', rolloverHour: settings.rolloverHour };
  const random = rng(42);
  const now = Date.parse(NOW);
  const out = [];
  for (let t = 0; t < K; t++) {
    const spacing = (1 + random() * 14) * 86_400_000;
    let at = now - 10 * spacing - random() * 30 * 86_400_000;
    let s = { ...lib.NEW_STATE };
    const steps = [];
    for (let i = 0; i < 10; i++) {
      const r = random();
      const rating = r < 0.07 ? 'again' : r < 0.17 ? 'hard' : r < 0.92 ? 'good' : 'easy';
      const when = new Date(at);
      const after = lib.answer(s, when, rating, settings, clock, `t${t}`);
      steps.push({
        at: when.toISOString(),
        day: lib.studyDay(when, clock),
        rating: ['again', 'hard', 'good', 'easy'].indexOf(rating) + 1,
        before: s,
        after,
      });
      s = after;
      at += i === 0 ? 600_000 : spacing;
    }
    out.push(steps);
  }
  return out;
}

/** Writes the collection: snapshot + event log (deck registration, then the answers). */
async function writeCollection(lib, dataDir, deckDir) {
  mkdirSync(dataDir, { recursive: true });
  const settings = { ...lib.DEFAULT_SETTINGS };
  const { deck } = lib.loadDeckFolder(deckDir);
  if (!deck) throw new Error('bench: the generated deck does not parse');
  const cards = lib.deckCards(deck);
  const builtinText = readFileSync(join(ROOT, 'decks', 'build', 'sre-61-90.json'), 'utf8');
  const builtin = lib.deckCards(lib.deserializeDeck(builtinText, 'sre-61-90.json'));
  const K = 97;
  const hist = histories(lib, settings, K);
  const random = rng(7);
  const state = {
    // A collection of schema 1 (one JSON document): the first open migrates it.
    schema: 1,
    seq: 0,
    logOffset: 0,
    settings,
    decks: { bench: { name: 'bench', path: deckDir } },
    cards: {},
    days: {},
  };
  const mod = new Date(Date.parse(NOW) - 400 * 86_400_000).toISOString();
  for (const c of builtin)
    state.cards[c.id] = {
      id: c.id,
      note: c.note,
      deck: c.deck,
      sched: { ...lib.NEW_STATE },
      suspended: false,
      buriedDay: null,
      retired: false,
      hash: c.hash,
      mod,
    };
  const fd = openSync(join(dataDir, 'events.jsonl'), 'w');
  let buf = [];
  let bufLen = 0;
  let offset = 0;
  const emit = (line) => {
    buf.push(line);
    bufLen += line.length;
    if (bufLen > 8 << 20) flush();
  };
  const flush = () => {
    const b = Buffer.from(buf.join(''));
    writeSync(fd, b);
    offset += b.length;
    buf = [];
    bufLen = 0;
  };
  let seq = 1;
  emit(
    JSON.stringify({ type: 'deck-add', at: mod, name: 'bench', path: deckDir, seq: seq++ }) + '\n',
  );
  // The fixed parts of each template answer's line, around the card id, time taken and seq.
  const parts = hist.map((steps) =>
    steps.map((s) => ({
      head: `{"type":"answer","at":"${s.at}","card":"`,
      mid: `","rating":${s.rating},"ms":`,
      tail: `,"day":"${s.day}","tz":"UTC","rollover":${settings.rolloverHour},"before":${JSON.stringify(s.before)},"after":${JSON.stringify(s.after)},"seq":`,
    })),
  );
  for (let i = 0; i < 10; i++) {
    for (let c = 0; c < cards.length; c++) {
      const t = c % K;
      const p = parts[t][i];
      const ms = 2000 + Math.floor(random() * 18_000);
      emit(`${p.head}${cards[c].id}${p.mid}${ms}${p.tail}${seq++}}\n`);
      const s = hist[t][i];
      const day = (state.days[s.day] ??= {
        new: 0,
        learning: 0,
        review: 0,
        relearning: 0,
        again: 0,
        ms: 0,
      });
      day[s.before.state]++;
      if (s.rating === 1) day.again++;
      day.ms += ms;
    }
  }
  flush();
  closeSync(fd);
  for (let c = 0; c < cards.length; c++) {
    const card = cards[c];
    state.cards[card.id] = {
      id: card.id,
      note: card.note,
      deck: 'bench',
      sched: hist[c % K][9].after,
      suspended: false,
      buriedDay: null,
      retired: false,
      hash: card.hash,
      mod,
    };
  }
  state.seq = seq - 1;
  state.logOffset = offset;
  writeFileSync(join(dataDir, 'collection.json'), JSON.stringify(state));
  return { events: seq - 1, logBytes: offset };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x) =>
  x === null ? 'n/a' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 1 : 0)} ms`;

function envFor(dataDir, now = NOW) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? tmpdir(),
    TERM: 'xterm-256color',
    TZ: 'UTC',
    SRE_CARDS_DATA_DIR: dataDir,
    SRE_CARDS_NOW: now,
  };
}

/** Wall time of a command run to completion (ms). */
function timed(cmd, argv, env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const dt = performance.now() - t0;
  if (r.status !== 0) throw new Error(`bench: ${argv.join(' ')} failed: ${r.stderr}`);
  return dt;
}

const QUESTION = 'Space or Enter shows the answer';
const ANSWER = 'Again';

/** `review` under a pseudo-terminal: reads its frames, sends keys. */
function startReview(dataDir) {
  const t0 = performance.now();
  const child = spawn('script', ['-qec', `${process.execPath} ${BIN} review`, '/dev/null'], {
    env: envFor(dataDir),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let waiter = null;
  const check = () => {
    if (waiter && out.includes('Nothing is due now')) {
      const w = waiter;
      waiter = null;
      w.reject(new Error('bench: nothing is due'));
      return;
    }
    if (waiter && out.includes(waiter.marker, waiter.from)) {
      const w = waiter;
      waiter = null;
      w.resolve(performance.now());
    }
  };
  child.stdout.on('data', (d) => {
    out += d.toString();
    check();
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const exited = new Promise((res) => child.on('close', (code) => res(code)));
  return {
    t0,
    pid: child.pid,
    /** Resolves with the time `marker` appears in output written after now. */
    waitFor(marker, from = out.length) {
      return new Promise((resolve, reject) => {
        waiter = { marker, from, resolve, reject };
        const timer = setTimeout(
          () =>
            reject(
              new Error(`bench: no "${marker}" in time; output:\n${out.slice(-2000)}\n${stderr}`),
            ),
          60_000,
        );
        const res = waiter.resolve;
        waiter.resolve = (t) => {
          clearTimeout(timer);
          res(t);
        };
        check();
      });
    },
    key(k) {
      child.stdin.write(k);
    },
    get length() {
      return out.length;
    },
    async quit() {
      child.stdin.write('q');
      const code = await exited;
      if (code !== 0) throw new Error(`bench: review exited ${code}: ${stderr}`);
    },
  };
}

async function firstCard(dataDir) {
  const r = startReview(dataDir);
  const t = await r.waitFor(QUESTION, 0);
  await r.quit();
  return t - r.t0;
}

/** The processes below `pid` (from /proc), depth first. */
function descendants(pid) {
  const out = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`))
      for (const c of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' '))
        if (c.trim()) out.push(Number(c), ...descendants(Number(c)));
  } catch {
    // gone, or no /proc
  }
  return out;
}

/** Peak resident memory (VmHWM, bytes) of `review` by its first card, or null without /proc. */
async function reviewMemory(dataDir) {
  const r = startReview(dataDir);
  await r.waitFor(QUESTION, 0);
  let peak = null;
  for (const pid of descendants(r.pid)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!/^Name:\s*(node|MainThread)/m.test(status)) continue;
      const m = /^VmHWM:\s*(\d+) kB/m.exec(status);
      if (m) peak = Math.max(peak ?? 0, Number(m[1]) * 1024);
    } catch {
      // gone
    }
  }
  await r.quit();
  return peak;
}

async function answerLatency(dataDir, count) {
  const r = startReview(dataDir);
  await r.waitFor(QUESTION, 0);
  const lat = [];
  for (let i = 0; i < count; i++) {
    let from = r.length;
    r.key(' ');
    await r.waitFor(ANSWER, from);
    // A person reads the answer before grading; Ink also holds frames 33 ms apart.
    await new Promise((res) => setTimeout(res, 50));
    from = r.length;
    const t0 = performance.now();
    r.key('3');
    const t1 = await r.waitFor(QUESTION, from).catch(() => null);
    if (t1 === null) break;
    lat.push(t1 - t0);
  }
  await r.quit();
  return lat;
}

function exportTime(dataDir, dir) {
  const help = spawnSync(process.execPath, [BIN, 'export', '--help'], { encoding: 'utf8' });
  if (help.status !== 0) return null;
  return timed(
    process.execPath,
    [BIN, 'export', 'anki', '--with-progress', '--out', join(dir, 'bench.apkg'), '--force'],
    envFor(dataDir),
  );
}

/**
 * Sync through a bare repository on disk: this collection's first push, then another
 * device that answers SYNC_NEW cards and pushes, then the median of this device's
 * `sync` taking those in (each run from the same state), and the first card after it.
 */
async function syncFigures(dataDir, dir, deckDir, n) {
  const git = (a, cwd = dir) => execFileSync('git', a, { cwd, stdio: 'pipe' });
  const repo = join(dir, 'remote.git');
  git(['init', '-q', '--bare', repo]);
  const firstPush = timed(process.execPath, [BIN, 'sync', 'setup', repo], envFor(dataDir));
  const other = join(dir, 'other');
  // The other device answers an hour later. On the same instant as this device's own
  // answers (the bench's fixed clock), the merged order would put some of its answers
  // before ones already applied here, and those cards are recomputed from the whole log
  // (see the README): a different case from the one timed here.
  const later = new Date(Date.parse(NOW) + 3600_000).toISOString();
  execFileSync(process.execPath, [BIN, 'deck', 'add', deckDir], {
    env: envFor(other),
    stdio: 'pipe',
  });
  const lines = [];
  // At most a tenth of the cards, so that cards are still due after the sync.
  const count = Math.min(SYNC_NEW, Math.floor(n / 10));
  for (let i = 0; i < count; i++) lines.push(`b${i} good`);
  execFileSync(process.execPath, [BIN, 'answer', '--stdin'], {
    env: envFor(other, later),
    input: lines.join('\n') + '\n',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 1 << 28,
  });
  execFileSync(process.execPath, [BIN, 'sync', 'setup', repo], {
    env: envFor(other, later),
    stdio: 'pipe',
  });
  // Each run starts from the state before the sync: keep it and put it back.
  const keep = join(dir, 'before-sync');
  cpSync(dataDir, keep, { recursive: true });
  const runs = [];
  for (let i = 0; i < 3; i++) {
    rmSync(dataDir, { recursive: true, force: true });
    cpSync(keep, dataDir, { recursive: true });
    // A copied working copy has new file times, so git would hash every segment again
    // (half a gigabyte at 100k cards): git's index is refreshed first, untimed, as a
    // device's own working copy, never copied, has it.
    const work = join(dataDir, 'sync-git');
    if (existsSync(work)) git(['update-index', '-q', '--refresh'], work);
    runs.push(timed(process.execPath, [BIN, 'sync'], envFor(dataDir)));
  }
  // The answers timed before may have left nothing due at a small size: no figure then.
  const after = await firstCard(dataDir).catch(() => null);
  // Both devices answered the same cards offline, this one later: the other's answers
  // come before ones already applied here, so those cards are recomputed.
  const recomputed = Math.min(RECOMPUTED, count);
  const afterOther = new Date(Date.parse(NOW) + 2 * 3600_000).toISOString();
  const recomputes = [];
  for (let i = 0; i < 3; i++) {
    rmSync(dataDir, { recursive: true, force: true });
    cpSync(keep, dataDir, { recursive: true });
    const own = [];
    for (let c = 0; c < recomputed; c++) own.push(`b${c} good`);
    execFileSync(process.execPath, [BIN, 'answer', '--stdin'], {
      env: envFor(dataDir, afterOther),
      input: own.join('\n') + '\n',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const work = join(dataDir, 'sync-git');
    if (existsSync(work)) git(['update-index', '-q', '--refresh'], work);
    recomputes.push(timed(process.execPath, [BIN, 'sync'], envFor(dataDir, afterOther)));
  }
  return {
    firstPush,
    sync: median(runs),
    firstCardAfter: after,
    count,
    recompute: median(recomputes),
    recomputed,
  };
}

/** `import anki` of the exported package into a new, empty data folder. */
function importTime(dir, i) {
  const help = spawnSync(process.execPath, [BIN, 'import', '--help'], { encoding: 'utf8' });
  if (help.status !== 0 || !existsSync(join(dir, 'bench.apkg'))) return null;
  const dataDir = join(dir, `imported-${i}`);
  const t = timed(
    process.execPath,
    [BIN, 'import', 'anki', join(dir, 'bench.apkg')],
    envFor(dataDir),
  );
  rmSync(dataDir, { recursive: true, force: true });
  return t;
}

async function main() {
  const base = process.env.BENCH_DIR ?? tmpdir();
  mkdirSync(base, { recursive: true });
  const work = mkdtempSync(join(base, 'sre-cards-bench-'));
  console.log(
    `sre-cards bench: node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), data in ${work}\n`,
  );
  // Measure a copy of the package as built, so that a rebuild meanwhile changes nothing.
  const pkg = join(work, 'pkg');
  mkdirSync(join(pkg, 'decks'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'decks', 'build'), join(pkg, 'decks', 'build'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  // Dependencies kept outside the bundle (sql.js's WebAssembly) load from here.
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  BIN = join(pkg, 'dist', 'sre-cards.js');
  BUILD_DECKS = join(pkg, 'dist', 'build-decks.js');
  const lib = await loadLib(work);

  const bare = [];
  for (let i = 0; i < 10; i++) bare.push(timed(process.execPath, ['-e', ''], envFor(work)));
  const fresh = join(work, 'fresh');
  const dueBuiltin = [];
  for (let i = 0; i < 10; i++)
    dueBuiltin.push(timed(process.execPath, [BIN, 'due'], envFor(fresh)));
  const builtinBuild = [];
  for (let i = 0; i < 3; i++)
    builtinBuild.push(
      timed(
        process.execPath,
        [BUILD_DECKS, join(ROOT, 'decks'), join(work, 'builtin-build')],
        envFor(work),
      ),
    );
  console.log(
    `bare \`node -e ''\`: ${ms(median(bare))}; \`due\` on the built-in deck: ${ms(median(dueBuiltin))} (${(median(dueBuiltin) / median(bare)).toFixed(1)}x); built-in deck build: ${ms(median(builtinBuild))}\n`,
  );

  const rows = [];
  for (const n of SIZES) {
    const dir = join(work, `n${n}`);
    const deckRoot = join(dir, 'decks');
    const deckDir = join(deckRoot, 'bench');
    const dataDir = join(dir, 'data');
    const g0 = performance.now();
    writeDeck(deckDir, n);
    const { events, logBytes } = await writeCollection(lib, dataDir, deckDir);
    const snapBytes = statSync(join(dataDir, 'collection.json')).size;
    // On disk, as a collection written days ago is: otherwise the first answer's fsync
    // writes back the whole log just generated (a quarter of a second at 100k cards).
    spawnSync('sync');
    console.log(
      `${n} cards: generated in ${ms(performance.now() - g0)}: ${events} events (log ${(logBytes / 1e6).toFixed(1)} MB), snapshot ${(snapBytes / 1e6).toFixed(1)} MB`,
    );
    if (GENERATE_ONLY) {
      console.log(`  kept in ${dataDir}`);
      continue;
    }
    if (SYNC_ONLY) {
      await firstCard(dataDir);
      const f = await syncFigures(dataDir, dir, deckDir, n);
      console.log(
        `  sync: first push of ${events} events ${ms(f.firstPush)}; sync taking in ${f.count} answers from another device ${ms(f.sync)} (median of 3); first card after it ${ms(f.firstCardAfter)}; the same sync with ${f.recomputed} of those cards answered here later (recomputed) ${ms(f.recompute)}`,
      );
      if (n >= 100_000)
        console.log(
          `  sync of ${SYNC_NEW} events into ${n / 1000}k cards: ${ms(f.sync)} (target < 1 s) ${f.sync < 1000 ? 'ok' : 'MISSED'}`,
        );
      if (!KEEP) rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (IMPORT_ONLY) {
      const e = exportTime(dataDir, dir);
      console.log(`  export ${e === null ? 'skipped' : ms(e)}`);
      const times = [];
      for (let i = 0; i < IMPORT_RUNS; i++) {
        const t = importTime(dir, i);
        if (t === null) break;
        times.push(t);
        console.log(`  import run ${i + 1}: ${ms(t)}`);
      }
      if (times.length)
        console.log(
          `  import best ${ms(Math.min(...times))}, median ${ms(median(times))} over ${times.length}`,
        );
      if (!KEEP) rmSync(dir, { recursive: true, force: true });
      continue;
    }
    const build = [];
    for (let i = 0; i < 3; i++)
      build.push(timed(process.execPath, [BUILD_DECKS, deckRoot, join(dir, 'build')], envFor(dir)));
    // The first open after generation parses the deck sources (as after an edit of the
    // deck), and writes the parsed-deck cache and the day's backup.
    const afterEdit = await firstCard(dataDir);
    // The first open of a study day copies the collection file to backups/ first.
    rmSync(join(dataDir, 'backups', `collection-${NOW.slice(0, 10)}.snap`), { force: true });
    const firstOfDay = await firstCard(dataDir);
    const first = [];
    for (let i = 0; i < RUNS; i++) first.push(await firstCard(dataDir));
    const due = [];
    for (let i = 0; i < RUNS; i++) due.push(timed(process.execPath, [BIN, 'due'], envFor(dataDir)));
    const rss = await reviewMemory(dataDir);
    const lat = await answerLatency(dataDir, ANSWERS);
    const exports = [];
    for (let i = 0; i < 3; i++) exports.push(exportTime(dataDir, dir));
    const exp = exports.includes(null) ? null : median(exports);
    const imports = [];
    if (!NO_IMPORT)
      for (let i = 0; i < (n >= 100_000 ? 1 : 3); i++) imports.push(importTime(dir, i));
    const imp = imports.length === 0 || imports.includes(null) ? null : median(imports);
    // Last: it changes the collection (another device's answers come in).
    const synced = await syncFigures(dataDir, dir, deckDir, n);
    const row = {
      cards: n,
      reviews: n * 10,
      firstCard: median(first),
      firstOfDay,
      afterEdit,
      answerMedian: median(lat),
      answerP99: pct(lat, 99),
      answers: lat.length,
      due: median(due),
      deckBuild: median(build),
      export: exp,
      import: imp,
      rss,
      sync: synced.sync,
      syncCount: synced.count,
      recompute: synced.recompute,
      recomputed: synced.recomputed,
      firstCardAfterSync: synced.firstCardAfter,
    };
    rows.push(row);
    console.log(
      `  first card ${ms(row.firstCard)} (first open of a study day, with its backup: ${ms(firstOfDay)}; after a deck edit: ${ms(afterEdit)}) · answer median ${ms(row.answerMedian)}, p99 ${ms(row.answerP99)} over ${row.answers} · due ${ms(row.due)} · deck build ${ms(row.deckBuild)} · export ${exp === null ? 'skipped (no export command in dist/)' : ms(exp)} · import ${imp === null ? 'skipped' : ms(imp)} · review memory ${mb(rss)} · sync of ${synced.count} answers ${ms(synced.sync)}, first card after it ${ms(synced.firstCardAfter)}, with ${synced.recomputed} cards recomputed ${ms(synced.recompute)}`,
    );
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
  }

  if (IMPORT_ONLY) {
    if (!KEEP) rmSync(work, { recursive: true, force: true });
    return;
  }
  const k = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));
  console.log(
    '\n| cards | reviews | first card on screen | first of a study day / after a deck edit | answer median / p99 | `due` | deck build | `export anki --with-progress` | `import anki` |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${k(r.cards)} | ${k(r.reviews)} | ${ms(r.firstCard)} | ${ms(r.firstOfDay)} / ${ms(r.afterEdit)} | ${ms(r.answerMedian)} / ${ms(r.answerP99)} | ${ms(r.due)} | ${ms(r.deckBuild)} | ${r.export === null ? 'skipped' : ms(r.export)} | ${r.import === null ? 'skipped' : ms(r.import)} |`,
    );
  console.log(
    "\n| cards | `review` peak memory | `sync` of another device's answers | first card after it | the same sync, some cards answered on both (recomputed) |",
  );
  console.log('|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${k(r.cards)} | ${mb(r.rss)} | ${ms(r.sync)} (${r.syncCount}) | ${ms(r.firstCardAfterSync)} | ${ms(r.recompute)} (${r.recomputed}) |`,
    );
  targets(rows, k);
  console.log(
    `\n\`due\` on the built-in deck: ${ms(median(dueBuiltin))}, ${(median(dueBuiltin) / median(bare)).toFixed(1)}x a bare \`node -e ''\` (${ms(median(bare))}).`,
  );
  if (!KEEP && !GENERATE_ONLY) rmSync(work, { recursive: true, force: true });
}

const mb = (b) => (b === null || b === undefined ? 'n/a' : `${Math.round(b / 1e6)} MB`);

/** The targets for a large collection against a small one, from this run's own figures. */
function targets(rows, k) {
  if (rows.length < 2) return;
  const small = rows[0];
  const large = rows[rows.length - 1];
  const line = (what, value, target, ok) =>
    console.log(`  ${ok ? 'ok  ' : 'OVER'}  ${what}: ${value} (target ${target})`);
  console.log(`\ntargets, ${k(large.cards)} cards against ${k(small.cards)} in this run:`);
  const fr = large.firstCard / small.firstCard;
  line(
    'first card',
    `${ms(large.firstCard)} vs ${ms(small.firstCard)}, ${fr.toFixed(2)}x`,
    'within 1.5x',
    fr <= 1.5,
  );
  const dr = large.due / small.due;
  line('`due`', `${ms(large.due)} vs ${ms(small.due)}, ${dr.toFixed(2)}x`, 'within 2x', dr <= 2);
  const p99 = Math.max(...rows.map((r) => r.answerP99));
  line('answer p99, every size', ms(p99), 'under 10 ms', p99 < 10);
  if (large.rss !== null)
    line('`review` peak memory', mb(large.rss), 'under 200 MB', large.rss < 200e6);
  if (large.export !== null)
    line('`export anki --with-progress`', ms(large.export), 'under 5 s', large.export < 5000);
  line(`\`sync\` of ${large.syncCount} new events`, ms(large.sync), 'under 1 s', large.sync < 1000);
}

await main();

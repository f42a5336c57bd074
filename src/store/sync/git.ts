/**
 * Sync through git. The working copy (`sync-git/` in the data folder) holds a marker
 * naming the collection and, per device, its events in segments `<device>/<first>-<last>.jsonl`
 * (one per sync, never changed): each device adds files only under its own folder, so a
 * merge is a union and never conflicts. Other devices' segments are appended, in order,
 * to their logs in `logs/`, which the collection reads. Uses the system's `git`;
 * credentials are git's business.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { fileIo, fsyncDir, writeAll, writeFileAtomic } from '../fsio.js';
import { parseLine } from '../log/codec.js';
import { logLines } from '../log/file.js';
import type { DataPaths } from '../paths.js';
import { DEVICE_ID_RE } from '../device.js';

const MARKER = 'sre-cards.json';
const BRANCH = 'main';
const SEGMENT_RE = /^(\d{10})-(\d{10})\.jsonl$/;

export interface Marker {
  format: 1;
  collection: string;
}

/** Runs git in `cwd`; returns its output, or throws with git's words. */
function git(cwd: string, args: string[], what: string): string {
  const r = spawnSync('git', ['-c', 'core.quotepath=off', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UserError(
        'git is not installed (or not on PATH); sync through git needs it. Install git, or sync through a folder: `sre-cards sync setup --folder DIR`',
      );
    throw new UserError(`${what} failed: ${r.error.message}`);
  }
  if (r.status !== 0) {
    const msg = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ');
    throw Object.assign(new UserError(`${what} failed: ${msg}`), { gitOutput: r.stderr });
  }
  return r.stdout;
}

function tryGit(cwd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    // A segment shown whole can hold a million events.
    maxBuffer: 1 << 30,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
  return { ok: !r.error && r.status === 0, out: r.stdout ?? '', err: r.stderr ?? '' };
}

/** Checks that git can run. */
export function checkGit(cwd: string): void {
  git(cwd, ['--version'], 'git --version');
}

/** Makes the working copy for `remote` (once per device). */
export function initRepo(paths: DataPaths, remote: string, device: string): void {
  mkdirSync(paths.git, { recursive: true });
  checkGit(paths.git);
  if (!existsSync(join(paths.git, '.git'))) {
    git(paths.git, ['init', '-q'], 'git init');
    git(paths.git, ['symbolic-ref', 'HEAD', `refs/heads/${BRANCH}`], 'git symbolic-ref');
  }
  git(paths.git, ['config', 'user.name', `sre-cards ${device}`], 'git config');
  git(paths.git, ['config', 'user.email', `${device}@sre-cards.invalid`], 'git config');
  git(paths.git, ['config', 'commit.gpgsign', 'false'], 'git config');
  if (tryGit(paths.git, ['remote', 'get-url', 'origin']).ok)
    git(paths.git, ['remote', 'set-url', 'origin', remote], 'git remote');
  else git(paths.git, ['remote', 'add', 'origin', remote], 'git remote');
  writeFileAtomic(join(paths.git, '.gitignore'), '*.tmp-*\n');
}

/**
 * Clears what a sync stopped midway left: git's lock files, a merge begun, and other
 * devices' files half written.
 */
function recover(dir: string, device: string): void {
  for (const f of ['index.lock', 'HEAD.lock', `refs/heads/${BRANCH}.lock`])
    rmSync(join(dir, '.git', f), { force: true });
  if (existsSync(join(dir, '.git', 'MERGE_HEAD'))) tryGit(dir, ['merge', '--abort']);
  if (!tryGit(dir, ['rev-parse', '--verify', '-q', 'HEAD']).ok) return;
  // A merge stopped midway (a kill, a crash, or Ctrl-C, after which git removes its own
  // lock) can leave other devices' files half written: new ones untracked, known ones
  // changed. They come only through a merge, so such files are removed, or put back as
  // the last commit has them. This device's own new segments, not committed yet, stay.
  // (git compares files' times and sizes first: it reads none when none changed.)
  tryGit(dir, ['clean', '-fdq', '--', '.', `:(exclude)${device}/`]);
  if (!tryGit(dir, ['diff', '--quiet', 'HEAD', '--']).ok)
    tryGit(dir, ['checkout', '-q', 'HEAD', '--', '.']);
}

function readMarker(text: string): Marker | null {
  try {
    const v = JSON.parse(text) as Partial<Marker>;
    return v.format === 1 && typeof v.collection === 'string' ? (v as Marker) : null;
  } catch {
    return null;
  }
}

/** The segments in a device's folder, in order: [first, last, file]. */
function segments(dir: string): [number, number, string][] {
  if (!existsSync(dir)) return [];
  const out: [number, number, string][] = [];
  for (const n of readdirSync(dir)) {
    const m = SEGMENT_RE.exec(n);
    if (m) out.push([Number(m[1]), Number(m[2]), join(dir, n)]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

const pad = (n: number) => String(n).padStart(10, '0');

/** Where this device's log was last exported to: kept inside .git, never synced. */
function exportedMark(paths: DataPaths): string {
  return join(paths.git, '.git', 'sre-cards-exported');
}

/** Writes this device's events past its last segment as a new segment. Returns how many. */
function exportOwn(paths: DataPaths, device: string): number {
  const dir = join(paths.git, device);
  const done = segments(dir).at(-1)?.[1] ?? 0;
  if (!existsSync(paths.log)) return 0;
  // Reading from where the last export ended, when that is still where `done` ends.
  let start = 0;
  try {
    const m = JSON.parse(readFileSync(exportedMark(paths), 'utf8')) as {
      seq: number;
      offset: number;
    };
    if (m.seq === done && m.offset <= fstatSizeOf(paths.log)) start = m.offset;
  } catch {
    // no mark: read the whole log
  }
  const lines: string[] = [];
  let first = 0;
  let last = 0;
  let end = start;
  const it = logLines(paths.log, undefined, { start, end: Infinity });
  for (let r = it.next(); !r.done; r = it.next()) {
    const text = r.value.text;
    end = r.value.end;
    // Only the seq is needed to pick the lines: it is the last field the log writes.
    const m = /"seq":(\d+)\}$/.exec(text);
    const p = m ? null : parseLine(text);
    const seq = m ? Number(m[1]) : p && 'event' in p ? p.event.seq : 0;
    if (seq <= done) continue;
    if (!first) first = seq;
    last = seq;
    lines.push(text);
  }
  if (lines.length > 0) {
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(join(dir, `${pad(first)}-${pad(last)}.jsonl`), lines.join('\n') + '\n');
  }
  writeFileAtomic(exportedMark(paths), JSON.stringify({ seq: last || done, offset: end }));
  return lines.length;
}

function fstatSizeOf(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/** The seq of a log's last whole line, and the byte length of its whole lines. */
function logEnd(path: string): { seq: number; size: number } {
  if (!existsSync(path)) return { seq: 0, size: 0 };
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const want = Math.min(size, 1 << 20);
    const buf = Buffer.alloc(want);
    readSync(fd, buf, 0, want, size - want);
    const end = buf.lastIndexOf(0x0a);
    if (end === -1) return { seq: 0, size: 0 };
    const whole = size - want + end + 1;
    const start = buf.lastIndexOf(0x0a, end - 1) + 1;
    const m = /"seq":(\d+)\}$/.exec(buf.toString('utf8', start, end));
    const seq = m ? Number(m[1]) : 0;
    return { seq, size: whole };
  } finally {
    closeSync(fd);
  }
}

/** Appends other devices' new segments to their logs in `logs/`. Returns the devices touched. */
function importPeers(paths: DataPaths, device: string): void {
  mkdirSync(paths.logs, { recursive: true });
  for (const peer of readdirSync(paths.git)) {
    if (peer === device || !DEVICE_ID_RE.test(peer)) continue;
    const segs = segments(join(paths.git, peer));
    if (segs.length === 0) continue;
    const log = join(paths.logs, `${peer}.jsonl`);
    const { seq, size } = logEnd(log);
    const io = fileIo();
    const fd = io.openSync(log, 'a', 0o644);
    try {
      // A line cut short by a kill is taken off before more is added.
      if (fstatSync(fd).size > size) io.ftruncateSync(fd, size);
      let wrote = false;
      for (const [, last, file] of segs) {
        if (last <= seq) continue;
        const text = readFileSync(file, 'utf8');
        const keep: string[] = [];
        for (const line of text.split('\n')) {
          if (line === '') continue;
          const m = /"seq":(\d+)\}$/.exec(line);
          if (m && Number(m[1]) <= seq) continue;
          keep.push(line);
        }
        if (keep.length) {
          writeAll(fd, keep.join('\n') + '\n');
          wrote = true;
        }
      }
      if (wrote) io.fsyncSync(fd);
    } finally {
      io.closeSync(fd);
    }
  }
  fsyncDir(paths.logs);
}

/**
 * A segment of this device's folder on the remote whose events this device's log does
 * not hold, line for line: another data folder writes under the same id. Segments that
 * this working copy has committed as they are need no reading. Returns its path, or null.
 */
function foreignSegment(dir: string, paths: DataPaths, device: string): string | null {
  const tree = (ref: string) => {
    const r = tryGit(dir, ['ls-tree', '-r', ref, '--', `${device}/`]);
    const out = new Map<string, string>();
    if (!r.ok) return out;
    for (const line of r.out.split('\n')) {
      const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
      if (m) out.set(m[2] as string, m[1] as string);
    }
    return out;
  };
  const theirs = tree(`refs/remotes/origin/${BRANCH}`);
  const ours = tree('HEAD');
  let own: Map<number, string> | null = null;
  for (const [path, blob] of theirs) {
    if (ours.get(path) === blob) continue;
    if (!own) {
      own = new Map();
      if (existsSync(paths.log))
        for (const l of logLines(paths.log)) {
          const m = /"seq":(\d+)\}$/.exec(l.text);
          if (m) own.set(Number(m[1]), l.text);
        }
    }
    const shown = tryGit(dir, ['show', `refs/remotes/origin/${BRANCH}:${path}`]);
    if (!shown.ok) return path;
    for (const text of shown.out.split('\n')) {
      if (text === '') continue;
      const m = /"seq":(\d+)\}$/.exec(text);
      if (!m || own.get(Number(m[1])) !== text) return path;
    }
  }
  return null;
}

export interface GitSyncResult {
  /** This device's events sent. */
  sent: number;
  /** The collection id, as the marker names it. */
  collection: string;
  /** Push attempts (more than one when another device pushed first). */
  attempts: number;
}

const MAX_ATTEMPTS = 5;

/**
 * One sync: commit this device's new events, fetch, merge, push (again after a merge
 * when another device pushed first), then bring the other devices' events into `logs/`.
 * `expected` is the collection this device belongs to (null before its first sync).
 */
export function gitSync(
  paths: DataPaths,
  device: string,
  remote: string,
  expected: string | null,
): GitSyncResult {
  const dir = paths.git;
  if (!existsSync(join(dir, '.git'))) initRepo(paths, remote, device);
  checkGit(dir);
  recover(dir, device);
  const sent = exportOwn(paths, device);
  const commitAll = (msg: string) => {
    git(dir, ['add', '-A', '--', '.'], 'git add');
    if (!tryGit(dir, ['diff', '--cached', '--quiet']).ok)
      git(dir, ['commit', '-q', '--no-verify', '-m', msg], 'git commit');
  };
  // Also what a sync killed before its commit left written.
  commitAll(`${device}: ${sent} events`);
  let collection = expected;
  for (let attempt = 1; ; attempt++) {
    const f = tryGit(dir, ['fetch', '-q', 'origin']);
    if (!f.ok)
      throw new UserError(
        `could not reach the remote ${remote} (git: ${gitReason(f.err)}); your answers are saved here and go with the next sync`,
      );
    const remoteHead = tryGit(dir, [
      'rev-parse',
      '--verify',
      '-q',
      `refs/remotes/origin/${BRANCH}`,
    ]);
    if (remoteHead.ok) {
      const m = tryGit(dir, ['show', `refs/remotes/origin/${BRANCH}:${MARKER}`]);
      const marker = m.ok ? readMarker(m.out) : null;
      if (!marker)
        throw new UserError(
          `the remote ${remote} holds something other than an sre-cards collection (no ${MARKER} on its ${BRANCH} branch); nothing was changed there. Use an empty repository`,
        );
      if (collection && marker.collection !== collection)
        throw new UserError(
          `the remote ${remote} holds another collection (${marker.collection}, this device syncs ${collection}); nothing was changed there`,
        );
      collection = marker.collection;
      const foreign = foreignSegment(dir, paths, device);
      if (foreign)
        throw new UserError(
          `another data folder claims this device's id ${device}: the remote's ${foreign} holds events under it that this one did not write (was this data folder copied from another?). Nothing was sent and nothing here was changed: sync from one of the two folders only; the other's answers stay in its log`,
        );
      git(
        dir,
        [
          'merge',
          '-q',
          '--no-edit',
          '--allow-unrelated-histories',
          `refs/remotes/origin/${BRANCH}`,
        ],
        'git merge',
      );
      importPeers(paths, device);
    }
    if (!existsSync(join(dir, MARKER))) {
      collection ??= randomBytes(8).toString('hex');
      writeFileAtomic(join(dir, MARKER), JSON.stringify({ format: 1, collection }) + '\n');
      commitAll('sre-cards collection');
    }
    const p = tryGit(dir, ['push', '-q', 'origin', `HEAD:refs/heads/${BRANCH}`]);
    if (p.ok) {
      return { sent, collection: collection as string, attempts: attempt };
    }
    const rejected =
      /\[rejected\]|non-fast-forward|fetch first|failed to update ref|stale info/.test(p.err);
    if (!rejected || attempt >= MAX_ATTEMPTS)
      throw new UserError(
        `the remote ${remote} refused the push (git: ${gitReason(p.err)}); your answers are saved here and committed for the next sync`,
      );
  }
}

/**
 * What git said went wrong, in one line: its first `fatal:` or `error:` line (git adds
 * advice after it, such as "Please make sure you have the correct access rights"), else
 * its last line.
 */
function gitReason(s: string): string {
  const lines = s
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const fatal = lines.find((l) => /^(fatal|error): /.test(l));
  return fatal ? fatal.replace(/^(fatal|error): /, '') : (lines.at(-1) ?? 'no output');
}

/** What every command needs from its surroundings: the clock, the time zone, the data folder. */
import { UserError } from '../errors.js';
import { readlinkSync } from 'node:fs';
import { isValidTimeZone, setSystemZone } from '../core/time.js';
import { resolveDataDir } from '../store/paths.js';

export interface Env {
  /** The current instant (frozen when SRE_CARDS_NOW is set). */
  now: () => Date;
  timeZone: string;
  dataDir: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const NOW_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads SRE_CARDS_NOW: an ISO instant with an offset or Z freezes the clock there. */
export function clockFromEnv(value: string | undefined): () => Date {
  if (value === undefined || value === '') return () => new Date();
  if (!NOW_RE.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UserError(
      `SRE_CARDS_NOW must be an ISO instant with an offset or Z, such as 2026-03-01T09:00:00Z; got "${value}"`,
      2,
    );
  }
  const t = Date.parse(value);
  return () => new Date(t);
}

let linkedZone: string | null | undefined;
let knownZones: Set<string> | undefined;

/** The zone file /etc/localtime links to, by its name (`Europe/Berlin`), or null. */
function linkedZoneName(): string | null {
  try {
    const link = readlinkSync('/etc/localtime');
    const at = link.lastIndexOf('zoneinfo/');
    return at === -1 ? null : link.slice(at + 'zoneinfo/'.length);
  } catch {
    return null;
  }
}

/**
 * Is `name` a zone the runtime knows by that very name? Listing the zones takes ~1 ms;
 * loading Intl's formatting data to resolve a name, ~12 ms.
 */
function isCanonicalZone(name: string): boolean {
  if (name === 'UTC' || name === 'Etc/UTC') return true;
  knownZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  return knownZones.has(name);
}

/**
 * The zone this process's local time is in, when the system names it as the runtime
 * lists its zones: TZ, or else the zone file /etc/localtime links to. Null for anything
 * else (a POSIX rule such as `JST-9`, an alias, another spelling): that name is Intl's
 * to resolve, and the zone's offsets Intl's to give.
 */
export function localZoneName(env: NodeJS.ProcessEnv = process.env): string | null {
  const tz = env.TZ;
  let name: string | null;
  if (tz !== undefined && tz !== '') name = tz.startsWith(':') ? tz.slice(1) : tz;
  else {
    if (linkedZone === undefined) linkedZone = linkedZoneName();
    name = linkedZone;
  }
  return name !== null && isCanonicalZone(name) ? name : null;
}

/**
 * The user's time zone, read once per command: as the system names it (see
 * `localZoneName`; the core then reads its offsets from Date), or else as Intl resolves it.
 * The name is checked where it is written down (`zoneToRecord`).
 */
export function systemTimeZone(env: NodeJS.ProcessEnv = process.env): string {
  const local = localZoneName(env);
  setSystemZone(local);
  return local ?? intlTimeZone();
}

const intlTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * A zone fit to record in the log: the name itself if the runtime knows it, else Intl's.
 * A name the runtime lists needs no formatter made to check it (~12 ms of every writer).
 */
export function zoneToRecord(timeZone: string): string {
  if (isCanonicalZone(timeZone) || isValidTimeZone(timeZone)) return timeZone;
  const resolved = intlTimeZone();
  return isValidTimeZone(resolved) ? resolved : 'UTC';
}

export function makeEnv(
  dataDirFlag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Env {
  return {
    now: clockFromEnv(env.SRE_CARDS_NOW),
    timeZone: systemTimeZone(env),
    dataDir: resolveDataDir(dataDirFlag, env),
    stdout: process.stdout,
    stderr: process.stderr,
  };
}

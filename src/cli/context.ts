/** What every command needs from its surroundings: the clock, the time zone, the data folder. */
import { UserError } from '../errors.js';
import { isValidTimeZone, localZoneName } from '../core/time.js';
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

/**
 * The user's time zone: as the system names it (see `localZoneName`), or else as Intl
 * resolves it. The name is checked where it is written down (`zoneToRecord`).
 */
export function systemTimeZone(): string {
  return localZoneName() ?? intlTimeZone();
}

const intlTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** A zone fit to record in the log: the name itself if the runtime knows it, else Intl's. */
export function zoneToRecord(timeZone: string): string {
  if (isValidTimeZone(timeZone)) return timeZone;
  const resolved = intlTimeZone();
  return isValidTimeZone(resolved) ? resolved : 'UTC';
}

export function makeEnv(
  dataDirFlag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Env {
  return {
    now: clockFromEnv(env.SRE_CARDS_NOW),
    timeZone: systemTimeZone(),
    dataDir: resolveDataDir(dataDirFlag, env),
    stdout: process.stdout,
    stderr: process.stderr,
  };
}

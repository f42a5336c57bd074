/**
 * Study days and clocks. A study day is the user's local date, with the day turning
 * over at the rollover hour (04:00 by default, as in Anki): 02:00 on the 5th still
 * belongs to the study day of the 4th. Instants are UTC; the zone is passed in.
 */
import { addDays as addCalendarDays, differenceInCalendarDays, format, getDay } from 'date-fns';

/**
 * Calendar arithmetic on study days (dates) is date-fns's; the hot path, an instant's
 * study day, is worked out here from the zone's offsets, which is many times cheaper.
 */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface DayClock {
  /** IANA time zone, e.g. "Europe/Berlin". */
  timeZone: string;
  /** Hour (0–23) at which a new study day begins. */
  rolloverHour: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Is `tz` a time zone this runtime knows? */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/**
 * Offsets by UTC day, per zone: the offset at the day's start and at its end. Where both
 * agree (every day but those with a DST change), it holds for the whole day; reading it
 * here instead of formatting each instant makes a 100k-card queue ~20x cheaper to build.
 */
const dayOffsets = new Map<string, Map<number, [number, number]>>();

/**
 * The zone this process's local time is in, when the system names it as the runtime
 * lists its zones (the command line finds it once: see `cli/context.ts`); null when not
 * known. Offsets in it are read from `Date`, without Intl.
 */
let systemZone: string | null = null;

/** Tells the core which zone the process's own clock is in (see `systemZone`). */
export function setSystemZone(name: string | null): void {
  systemZone = name;
}

/**
 * The offset of a zone at an instant. In the process's own zone it is read from the
 * Date itself, which needs none of Intl's formatting data: loading that takes ~12 ms,
 * a fifth of a short command such as `due`.
 */
function zoneOffset(instant: Date, timeZone: string): number {
  if (timeZone !== systemZone) return exactOffset(instant, timeZone);
  const minutes = -instant.getTimezoneOffset();
  return minutes === 0 ? 0 : Math.round(minutes);
}

/** Offset of local time from UTC at `instant`, in minutes (e.g. +540 in Tokyo). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const t = instant.getTime();
  if (Number.isNaN(t)) return exactOffset(instant, timeZone);
  let zone = dayOffsets.get(timeZone);
  if (!zone) {
    zone = new Map();
    dayOffsets.set(timeZone, zone);
  }
  const day = Math.floor(t / DAY);
  let ends = zone.get(day);
  if (!ends) {
    ends = [
      zoneOffset(new Date(day * DAY), timeZone),
      zoneOffset(new Date((day + 1) * DAY - 1000), timeZone),
    ];
    zone.set(day, ends);
  }
  return ends[0] === ends[1] ? ends[0] : zoneOffset(instant, timeZone);
}

function exactOffset(instant: Date, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((asUtc - whole) / MINUTE);
}

/**
 * The "study clock": an instant moved so that its UTC calendar date is its study day.
 * ts-fsrs counts elapsed days by UTC date; handing it study-clock instants makes it
 * count study days instead.
 */
export function toStudyClock(instant: Date, clock: DayClock): Date {
  return new Date(
    instant.getTime() + offsetMinutes(instant, clock.timeZone) * MINUTE - clock.rolloverHour * HOUR,
  );
}

/** The inverse of `toStudyClock` (exact except within a DST transition's gap). */
export function fromStudyClock(shifted: Date, clock: DayClock): Date {
  const base = shifted.getTime() + clock.rolloverHour * HOUR;
  let t = base - offsetMinutes(new Date(base), clock.timeZone) * MINUTE;
  t = base - offsetMinutes(new Date(t), clock.timeZone) * MINUTE;
  return new Date(t);
}

/** Two digits. */
const pad2 = (n: number): string => (n < 10 ? '0' + n : '' + n);

/** The instant's UTC calendar date, or null outside the years 0–9999 and for NaN. */
function civil(ms: number): [number, number, number] | null {
  // Days from 0000-03-01 (Hinnant's `civil_from_days`): eras of 400 years, March first.
  if (!(ms >= -62167219200000 && ms < 253402300800000)) return null;
  const z = Math.floor(ms / DAY) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const year4 = (y: number): string =>
  y >= 1000 ? '' + y : y >= 100 ? '0' + y : y >= 10 ? '00' + y : '000' + y;

/** `YYYY-MM-DD` of a date from `civil`. */
const dateText = ([y, m, d]: [number, number, number]): string =>
  year4(y) + '-' + pad2(m) + '-' + pad2(d);

/**
 * `new Date(ms).toISOString()`, the same text, about three times quicker (the builtin
 * takes ~0.5 µs: a million answers replayed format several instants each). Outside the
 * years 0–9999 (and for NaN) it is the builtin's, which gives those its own way.
 */
export function isoTime(ms: number): string {
  ms = Math.trunc(ms);
  const c = civil(ms);
  if (!c) return new Date(ms).toISOString();
  let r = ms - Math.floor(ms / DAY) * DAY;
  const h = Math.floor(r / HOUR);
  r -= h * HOUR;
  const mi = Math.floor(r / MINUTE);
  r -= mi * MINUTE;
  const s = Math.floor(r / 1000);
  const f = r - s * 1000;
  const millis = f < 10 ? '00' + f : f < 100 ? '0' + f : '' + f;
  return dateText(c) + 'T' + pad2(h) + ':' + pad2(mi) + ':' + pad2(s) + '.' + millis + 'Z';
}

/** `new Date(ms).toISOString().slice(0, 10)`: the instant's UTC date, `YYYY-MM-DD`. */
export function isoDate(ms: number): string {
  ms = Math.trunc(ms);
  const c = civil(ms);
  return c ? dateText(c) : new Date(ms).toISOString().slice(0, 10);
}

/** The study day of an instant, as `YYYY-MM-DD`. */
export function studyDay(instant: Date, clock: DayClock): string {
  return isoDate(toStudyClock(instant, clock).getTime());
}

/**
 * The study day of an instant (ms) as a day number, days since 1970-01-01: the same
 * day as `studyDay`, for counting the days between instants without formatting dates
 * (`studyDayNumber(b) - studyDayNumber(a)` is `daysBetween(studyDay(a), studyDay(b))`).
 */
export function studyDayNumber(ms: number, clock: DayClock): number {
  return Math.floor(
    (ms + offsetMinutes(new Date(ms), clock.timeZone) * MINUTE - clock.rolloverHour * HOUR) / DAY,
  );
}

/** The instant a study day begins (its rollover hour, local time). */
export function studyDayStart(day: string, clock: DayClock): Date {
  return fromStudyClock(new Date(`${day}T00:00:00.000Z`), clock);
}

/**
 * A study day (`YYYY-MM-DD`) as a calendar date for date-fns: noon of that local date
 * (noon, so that no DST change, which happens at night, can move it to another date).
 */
function dayDate(day: string): Date {
  return new Date(
    Number(day.slice(0, 4)),
    Number(day.slice(5, 7)) - 1,
    Number(day.slice(8, 10)),
    12,
  );
}

/** The first and the last day number (days since 1970-01-01) of the years 1000–9999. */
const FIRST_DAY = Date.UTC(1000, 0, 1) / DAY;
const LAST_DAY = Date.UTC(9999, 11, 31) / DAY;

/**
 * A study day's day number, read as `dayDate` reads it (a day past its month's end runs
 * on into the next), by plain calendar arithmetic: date-fns takes about 1.5 µs a call,
 * which the queue, the load balancer and an import's million entries pay many times.
 * Null for text of another shape than `YYYY-MM-DD` and for days outside the years
 * 1000–9999, which are left to date-fns.
 */
function dayNumber(day: string): number | null {
  if (day.length !== 10 || day.charCodeAt(4) !== 45 || day.charCodeAt(7) !== 45) return null;
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  const d = Number(day.slice(8, 10));
  if (!(y >= 1000 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return null;
  if (!(Number.isInteger(y) && Number.isInteger(m) && Number.isInteger(d))) return null;
  const k = Date.UTC(y, m - 1, d) / DAY;
  return k >= FIRST_DAY && k <= LAST_DAY ? k : null;
}

/** `YYYY-MM-DD` plus n days. */
export function addDays(day: string, n: number): string {
  const k = dayNumber(day);
  if (k !== null && Number.isInteger(n) && k + n >= FIRST_DAY && k + n <= LAST_DAY)
    return isoDate((k + n) * DAY);
  return format(addCalendarDays(dayDate(day), n), 'yyyy-MM-dd');
}

/** Whole days from study day a to study day b. */
export function daysBetween(a: string, b: string): number {
  const x = dayNumber(a);
  const y = dayNumber(b);
  if (x !== null && y !== null) return y - x;
  return differenceInCalendarDays(dayDate(b), dayDate(a));
}

/** 0 for Sunday … 6 for Saturday. */
export function weekday(day: string): number {
  const k = dayNumber(day);
  // 1970-01-01 was a Thursday.
  if (k !== null) return (((k + 4) % 7) + 7) % 7;
  return getDay(dayDate(day));
}

/** A study day for people: "Sun 22 Mar 2026". */
export function formatDay(day: string): string {
  return format(dayDate(day), 'EEE d MMM yyyy');
}

/** A study day for people, short: "22 Mar". */
export function shortDay(day: string): string {
  return format(dayDate(day), 'd MMM');
}

/** The month of a study day, for people: "Mar". */
export function monthName(day: string): string {
  return format(dayDate(day), 'MMM');
}

/** The instant the next study day begins. */
export function endOfStudyDay(instant: Date, clock: DayClock): Date {
  return studyDayStart(addDays(studyDay(instant, clock), 1), clock);
}

/** A short human interval, as Anki labels its buttons: 1m, 10m, 3h, 8d, 2.5mo, 1.2y. */
export function formatInterval(ms: number): string {
  const m = Math.max(0, ms) / MINUTE;
  if (m < 1) return '<1m';
  if (m < 60) return `${Math.round(m)}m`;
  const h = m / 60;
  if (h < 24) return `${Math.round(h)}h`;
  const d = h / 24;
  if (d < 30) return `${Math.round(d)}d`;
  if (d < 365) return `${trim1(d / 30)}mo`;
  return `${trim1(d / 365)}y`;
}

function trim1(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

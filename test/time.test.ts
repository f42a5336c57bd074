import { describe, expect, it } from 'vitest';
import {
  addDays,
  DAY,
  daysBetween,
  endOfStudyDay,
  formatInterval,
  fromStudyClock,
  isoDate,
  isoTime,
  isValidTimeZone,
  offsetMinutes,
  setSystemZone,
  studyDay,
  studyDayNumber,
  studyDayStart,
  toStudyClock,
  weekday,
} from '../src/core/time.js';
import { seededRandom } from './helpers.js';
import { localZoneName, systemTimeZone, zoneToRecord } from '../src/cli/context.js';

const LA = { timeZone: 'America/Los_Angeles', rolloverHour: 4 };
const TOKYO = { timeZone: 'Asia/Tokyo', rolloverHour: 4 };

describe('study day', () => {
  it('turns over at 04:00 local in Los Angeles', () => {
    // 2026-03-02 03:59 PST = 11:59Z; 04:00 PST = 12:00Z
    expect(studyDay(new Date('2026-03-02T11:59:00Z'), LA)).toBe('2026-03-01');
    expect(studyDay(new Date('2026-03-02T12:00:00Z'), LA)).toBe('2026-03-02');
  });

  it('turns over at 04:00 local in Tokyo, not at UTC midnight', () => {
    // 04:00 JST = 19:00Z the day before
    expect(studyDay(new Date('2026-03-01T18:59:00Z'), TOKYO)).toBe('2026-03-01');
    expect(studyDay(new Date('2026-03-01T19:00:00Z'), TOKYO)).toBe('2026-03-02');
    expect(studyDay(new Date('2026-03-02T00:30:00Z'), TOKYO)).toBe('2026-03-02');
  });

  it('follows a DST change: 04:00 local is 12:00Z before and 11:00Z after (Los Angeles, 2026-03-08)', () => {
    expect(studyDayStart('2026-03-07', LA).toISOString()).toBe('2026-03-07T12:00:00.000Z');
    expect(studyDayStart('2026-03-08', LA).toISOString()).toBe('2026-03-08T11:00:00.000Z');
    expect(studyDay(new Date('2026-03-08T10:59:00Z'), LA)).toBe('2026-03-07');
    expect(studyDay(new Date('2026-03-08T11:00:00Z'), LA)).toBe('2026-03-08');
    // The study day that spans the change (02:00 on Mar 8) is 23 hours long.
    const start = studyDayStart('2026-03-07', LA).getTime();
    expect(endOfStudyDay(new Date(start), LA).getTime() - start).toBe(23 * 3600_000);
  });

  it('uses the configured rollover hour', () => {
    const midnight = { timeZone: 'UTC', rolloverHour: 0 };
    expect(studyDay(new Date('2026-03-02T00:00:00Z'), midnight)).toBe('2026-03-02');
    expect(studyDay(new Date('2026-03-02T03:00:00Z'), { timeZone: 'UTC', rolloverHour: 4 })).toBe(
      '2026-03-01',
    );
  });

  it('moves instants to the study clock and back', () => {
    const t = new Date('2026-07-01T08:15:00Z');
    expect(offsetMinutes(t, 'Asia/Tokyo')).toBe(540);
    expect(offsetMinutes(t, 'America/Los_Angeles')).toBe(-420);
    for (const clock of [LA, TOKYO])
      expect(fromStudyClock(toStudyClock(t, clock), clock).toISOString()).toBe(t.toISOString());
  });

  it('labels intervals as Anki does', () => {
    expect(formatInterval(60_000)).toBe('1m');
    expect(formatInterval(6 * 60_000)).toBe('6m');
    expect(formatInterval(3 * 3600_000)).toBe('3h');
    expect(formatInterval(8 * 86400_000)).toBe('8d');
    expect(formatInterval(75 * 86400_000)).toBe('2.5mo');
    expect(formatInterval(730 * 86400_000)).toBe('2y');
  });
});

/** Puts TZ back as it was (unset stays unset). */
function restoreTz(saved: string | undefined): void {
  if (saved === undefined) delete process.env.TZ;
  else process.env.TZ = saved;
}

describe('study days between instants, as day numbers', () => {
  it('count what daysBetween of the two study days counts, across DST changes and odd offsets', () => {
    const clocks = [
      LA,
      TOKYO,
      { timeZone: 'Australia/Lord_Howe', rolloverHour: 4 }, // a 30-minute DST change
      { timeZone: 'Asia/Kathmandu', rolloverHour: 0 }, // +05:45
      { timeZone: 'Europe/London', rolloverHour: 2 }, // the rollover inside the change's hour
      { timeZone: 'UTC', rolloverHour: 4 },
    ];
    // A fixed pseudo-random walk over three years, with instants next to each rollover.
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const from = Date.parse('2025-01-01T00:00:00Z');
    for (const clock of clocks) {
      const instants: number[] = [];
      for (let i = 0; i < 300; i++) instants.push(from + Math.floor(rand() * 3 * 365 * DAY));
      for (let d = 0; d < 3 * 365; d += 11) {
        const start = studyDayStart(addDays('2025-01-01', d), clock).getTime();
        instants.push(start - 1, start, start + 1);
      }
      for (let i = 0; i + 1 < instants.length; i++) {
        const [a, b] = [instants[i] as number, instants[i + 1] as number];
        expect(studyDayNumber(b, clock) - studyDayNumber(a, clock)).toBe(
          daysBetween(studyDay(new Date(a), clock), studyDay(new Date(b), clock)),
        );
      }
    }
  });
});

describe("the process's own time zone", () => {
  // The process's zone is read from Date (no Intl); another name of the same zone goes
  // through Intl: both must give every offset alike, across DST changes both ways.
  const cases = [
    ['America/Los_Angeles', 'US/Pacific'],
    ['Australia/Lord_Howe', 'Australia/LHI'],
    // ICU lists the zone under its older name.
    ['Asia/Calcutta', 'Asia/Kolkata'],
  ] as const;
  for (const [zone, alias] of cases)
    it(`gives the same offsets from Date as from Intl (TZ=${zone})`, () => {
      const saved = process.env.TZ;
      try {
        process.env.TZ = zone;
        expect(localZoneName()).toBe(zone);
        setSystemZone(zone);
        const format = new Intl.DateTimeFormat('en-US', {
          timeZone: alias,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
        });
        const viaIntl = (d: Date) => {
          const parts = format.formatToParts(d);
          const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
          const local = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'));
          return Math.round((local - Math.floor(d.getTime() / 60_000) * 60_000) / 60_000);
        };
        const offsets = new Set<number>();
        for (
          let t = Date.parse('2026-01-01T00:00:00Z');
          t < Date.parse('2028-01-01T00:00:00Z');
          t += 1_800_000
        ) {
          const d = new Date(t);
          const o = offsetMinutes(d, zone);
          expect(o, d.toISOString()).toBe(viaIntl(d));
          offsets.add(o);
        }
        if (zone !== 'Asia/Calcutta') expect(offsets.size).toBe(2);
      } finally {
        setSystemZone(null);
        restoreTz(saved);
      }
    });

  it('names the zone from TZ, and records only a zone the runtime knows', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = ':Europe/Berlin';
      expect(localZoneName()).toBe('Europe/Berlin');
      expect(systemTimeZone()).toBe('Europe/Berlin');
      process.env.TZ = 'EST5EDT,M3.2.0,M11.1.0';
      expect(localZoneName()).toBeNull();
      // Names the runtime does not list as they are: Intl resolves them, and gives the offsets.
      for (const tz of ['Nowhere/Atlantis', 'JST-9', 'europe/berlin', 'US/Pacific']) {
        process.env.TZ = tz;
        expect(localZoneName(), tz).toBeNull();
        const zone = systemTimeZone();
        expect(isValidTimeZone(zone), `${tz}: ${zone}`).toBe(true);
        expect(zoneToRecord(zone)).toBe(zone);
      }
      expect(zoneToRecord('Nowhere/Atlantis')).not.toBe('Nowhere/Atlantis');
      expect(zoneToRecord('Asia/Tokyo')).toBe('Asia/Tokyo');
    } finally {
      restoreTz(saved);
    }
  });
});

describe('calendar arithmetic on study days', () => {
  it('counts whole days alike in every zone, across DST changes at midnight', () => {
    const saved = process.env.TZ;
    try {
      for (const zone of ['America/Santiago', 'Australia/Lord_Howe', 'America/Havana', 'UTC']) {
        process.env.TZ = zone;
        let d = '2025-12-25';
        for (let i = 0; i < 800; i++) {
          const next = addDays(d, 1);
          expect(Date.parse(`${next}T00:00:00Z`) - Date.parse(`${d}T00:00:00Z`), zone).toBe(DAY);
          expect(daysBetween(d, next)).toBe(1);
          d = next;
        }
        expect(daysBetween('2026-01-01', '2027-06-01')).toBe(516);
        expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
      }
    } finally {
      restoreTz(saved);
    }
  });

  it("agrees with the calendar of the builtin's UTC dates, day by day over centuries", () => {
    const random = seededRandom(7);
    const utc = (day: string) => Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8));
    const start = Date.UTC(1890, 0, 1);
    for (let i = 0; i < 20000; i++) {
      const day = new Date(start + Math.floor(random() * 120000) * DAY).toISOString().slice(0, 10);
      const n = Math.floor(random() * 2000) - 1000;
      const t = new Date(utc(day));
      t.setUTCDate(t.getUTCDate() + n);
      const later = t.toISOString().slice(0, 10);
      expect(addDays(day, n), `${day} + ${n}`).toBe(later);
      expect(daysBetween(day, later), `${day} to ${later}`).toBe(n);
      expect(weekday(day), day).toBe(new Date(utc(day)).getUTCDay());
    }
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addDays('1999-12-31', 1)).toBe('2000-01-01');
    expect(weekday('2026-12-04')).toBe(5);
    expect(daysBetween('2026-12-04', '2026-11-04')).toBe(-30);
  });

  it('reads a day past its month as the days after it, and other text as date-fns does', () => {
    // A day past the month's end runs on into the next month, as a Date does.
    expect(addDays('2026-02-30', 0)).toBe('2026-03-02');
    expect(daysBetween('2026-02-28', '2026-02-31')).toBe(3);
    // Outside the years 1000-9999, or of another shape: date-fns, as before.
    expect(addDays('0999-12-31', 1)).toBe('1000-01-01');
    expect(addDays('9999-12-31', 1)).toBe('10000-01-01');
    expect(() => addDays('2026-3-1', 1)).toThrow(RangeError);
    // A part of a day is dropped as Date's setDate drops it.
    expect(addDays('2026-01-10', 1.5)).toBe('2026-01-11');
    expect(addDays('2026-01-10', -1.5)).toBe('2026-01-08');
    expect(() => addDays('not a day', 1)).toThrow(RangeError);
    expect(Number.isNaN(daysBetween('2026-01-01', 'soon'))).toBe(true);
  });
});

describe('isoTime and isoDate', () => {
  // A small deterministic generator: the same instants on every run.
  const lcg = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

  it('give the text toISOString gives, in every year it can write in four digits', () => {
    const rand = lcg(7);
    const edges = [
      0,
      -1,
      1,
      Date.parse('1900-03-01T00:00:00.000Z'),
      Date.parse('1600-02-29T00:00:00.001Z'),
      Date.parse('0000-01-01T00:00:00.000Z'),
      Date.parse('0099-12-31T23:59:59.999Z'),
      Date.parse('0999-12-31T23:59:59.999Z'),
      Date.parse('1000-01-01T00:00:00.000Z'),
      Date.parse('1969-12-31T23:59:59.999Z'),
      Date.parse('2000-02-29T12:00:00.005Z'),
      Date.parse('2100-02-28T23:59:59.050Z'),
      Date.parse('2100-03-01T00:00:00.000Z'),
      Date.parse('9999-12-31T23:59:59.999Z'),
    ];
    const span = Date.parse('9999-12-31T23:59:59.999Z') - Date.parse('0000-01-01T00:00:00.000Z');
    const instants = [...edges];
    for (let i = 0; i < 20_000; i++)
      instants.push(Math.floor(Date.parse('0000-01-01T00:00:00.000Z') + rand() * span));
    for (let i = 0; i < 20_000; i++)
      instants.push(Math.floor(Date.UTC(2020, 0, 1) + rand() * 40 * 365 * DAY));
    for (const t of instants) {
      expect(isoTime(t), String(t)).toBe(new Date(t).toISOString());
      expect(isoDate(t), String(t)).toBe(new Date(t).toISOString().slice(0, 10));
    }
  });

  it('leave other years, fractions of a millisecond and invalid instants to the builtin', () => {
    for (const t of [
      Date.parse('0000-01-01T00:00:00.000Z') - 1,
      Date.parse('+010000-01-01T00:00:00.000Z'),
      -8.64e15,
      8.64e15,
      1.7,
      -1.7,
    ]) {
      expect(isoTime(t)).toBe(new Date(t).toISOString());
      expect(isoDate(t)).toBe(new Date(t).toISOString().slice(0, 10));
    }
    expect(isoTime(-1.7)).toBe('1969-12-31T23:59:59.999Z');
    expect(() => isoTime(NaN)).toThrow(RangeError);
    expect(() => isoDate(8.64e15 + 1)).toThrow(RangeError);
  });
});

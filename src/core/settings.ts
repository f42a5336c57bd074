/** Scheduling and limit settings, with Anki-like defaults. */
export interface Settings {
  desiredRetention: number;
  learningSteps: string[];
  relearningSteps: string[];
  maximumInterval: number;
  fuzz: boolean;
  newPerDay: number;
  reviewsPerDay: number;
  rolloverHour: number;
  /** FSRS weights; null means ts-fsrs's defaults. */
  weights: number[] | null;
  /** Lapses at which a card becomes a leech and is suspended; 0 turns it off. */
  leechThreshold: number;
  /** The interview day (YYYY-MM-DD), or null when none is set. */
  interviewDate: string | null;
  /** Every card is introduced at least this many days before the interview. */
  interviewLeadDays: number;
  /** Daily backups of the collection to keep (0 keeps none). */
  backups: number;
}

export const DEFAULT_SETTINGS: Settings = {
  desiredRetention: 0.9,
  learningSteps: ['1m', '10m'],
  relearningSteps: ['10m'],
  maximumInterval: 36500,
  fuzz: true,
  newPerDay: 20,
  reviewsPerDay: 200,
  rolloverHour: 4,
  weights: null,
  leechThreshold: 8,
  interviewDate: null,
  interviewLeadDays: 7,
  backups: 7,
};

const STEP_RE = /^[1-9]\d*(m|h|d)$/;

/** Problems with a settings object, as sentences (ts-fsrs would silently replace some). */
export function validateSettings(s: Settings): string[] {
  const p: string[] = [];
  if (!(s.desiredRetention >= 0.7 && s.desiredRetention <= 0.99))
    p.push('desired retention must be between 0.70 and 0.99');
  for (const st of [...s.learningSteps, ...s.relearningSteps])
    if (!STEP_RE.test(st))
      p.push(`bad step "${st}": use minutes, hours or days such as 1m, 10m, 1h, 1d`);
  if (!(
    Number.isInteger(s.maximumInterval) &&
    s.maximumInterval >= 1 &&
    s.maximumInterval <= 36500
  ))
    p.push('maximum interval must be a whole number of days from 1 to 36500');
  if (!(Number.isInteger(s.newPerDay) && s.newPerDay >= 0))
    p.push('new cards per day must be a whole number, 0 or more');
  if (!(Number.isInteger(s.reviewsPerDay) && s.reviewsPerDay >= 0))
    p.push('reviews per day must be a whole number, 0 or more');
  if (!(Number.isInteger(s.rolloverHour) && s.rolloverHour >= 0 && s.rolloverHour <= 23))
    p.push('rollover hour must be a whole number from 0 to 23');
  if (!(Number.isInteger(s.backups) && s.backups >= 0 && s.backups <= 1000))
    p.push('backups must be a whole number from 0 to 1000 (0 keeps none)');
  if (!(Number.isInteger(s.leechThreshold) && s.leechThreshold >= 0 && s.leechThreshold <= 99))
    p.push('leech threshold must be a whole number of lapses from 0 (off) to 99');
  if (s.interviewDate !== null && !isCalendarDate(s.interviewDate))
    p.push(`interview date must be a date such as 2026-12-20, not "${s.interviewDate}"`);
  if (!(
    Number.isInteger(s.interviewLeadDays) &&
    s.interviewLeadDays >= 0 &&
    s.interviewLeadDays <= 365
  ))
    p.push('interview lead days must be a whole number from 0 to 365');
  if (s.weights !== null && !(s.weights.length === 21 && s.weights.every(Number.isFinite)))
    p.push('FSRS parameters must be 21 numbers (FSRS-6)');
  return p;
}

/** Is `s` a real calendar date written YYYY-MM-DD? */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}

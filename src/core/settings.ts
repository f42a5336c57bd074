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
  return p;
}

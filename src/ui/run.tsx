import { render } from 'ink';
import type { Summary } from '../cli/session.js';
import type { Session } from '../cli/session.js';
import { ReviewApp } from './ReviewApp.js';

/** Runs the review screen in the terminal until the session ends. */
export async function runReview(
  session: Session,
  label: string,
  now: () => Date,
): Promise<{ summary: Summary; error: string | null }> {
  let result: { summary: Summary; error: string | null } = {
    summary: session.summary(),
    error: null,
  };
  const app = render(
    <ReviewApp session={session} label={label} now={now} onExit={(r) => (result = r)} />,
    { exitOnCtrlC: false },
  );
  await app.waitUntilExit();
  return result;
}

import { render } from 'ink';
import type { ReviewSession, Summary } from '../session/types.js';
import { ReviewApp } from './ReviewApp.js';

/** Runs the review screen in the terminal until the session ends. */
export async function runReview(
  session: ReviewSession,
  label: string,
  now: () => Date,
): Promise<{ summary: Summary; error: string | null }> {
  let result: { summary: Summary; error: string | null } = {
    summary: session.summary(),
    error: null,
  };
  const app = render(
    <ReviewApp session={session} label={label} now={now} onExit={(r) => (result = r)} />,
    // Ink holds a frame that follows another within 1000/maxFps ms (33 ms at its default
    // 30): the clock's tick each second would then delay an answer's next card. The
    // screen changes only on keys and once a second, so a short window costs nothing.
    { exitOnCtrlC: false, maxFps: 250 },
  );
  await app.waitUntilExit();
  return result;
}

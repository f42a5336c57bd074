import { render } from 'ink';
import type { ReviewSession, Summary } from '../session/types.js';
import { Pager } from './Pager.js';
import { ReviewApp } from './ReviewApp.js';
import { summaryLines } from './summary.js';

import { CLEAR, ENTER_ALT, HIDE_CURSOR, LEAVE_ALT, SHOW_CURSOR } from './terminal-codes.js';

/** The size the screen assumes when the terminal reports none (as `stdout.columns || 80`). */
const NO_SIZE = { columns: 80, rows: 24 };

/**
 * A terminal that reports no size (a pseudo-terminal opened without one, as `script`
 * run without a terminal makes) is given the one the screen assumes. Ink looks a missing
 * size up itself, opening /dev/tty for each frame that asks (some 7 ms, and a file
 * descriptor it leaves open, each time), which made one answer in ten wait.
 */
export function withSize(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
  if (stdout.isTTY && !stdout.columns) stdout.columns = NO_SIZE.columns;
  if (stdout.isTTY && !stdout.rows) stdout.rows = NO_SIZE.rows;
  return stdout;
}

/**
 * Runs the review screen in the terminal until the session ends. It draws on the
 * terminal's alternate screen, so the lines before it are left as they were, and on
 * exit prints the summary where the session was started, ending with a newline.
 */
export async function runReview(
  session: ReviewSession,
  label: string,
  now: () => Date,
  opts: { edit?: (cardId: string) => string; notice?: string | null } = {},
  stdout: NodeJS.WriteStream = process.stdout,
  stdin: NodeJS.ReadStream = process.stdin,
): Promise<{ summary: Summary; error: string | null }> {
  withSize(stdout);
  // The screen gives the summary when the session ends; made here only if it ends without
  // one (at 100k cards a summary walks every card: not before the first frame).
  let result: { summary: Summary; error: string | null } | null = null;
  const alt = stdout.isTTY === true;
  // A kill (SIGTERM) ends the process at once: leave the alternate screen even then.
  const leave = () => stdout.write(LEAVE_ALT);
  if (alt) {
    stdout.write(ENTER_ALT);
    process.once('exit', leave);
  }
  // The editor gets the terminal as a shell leaves it: cooked mode, the main screen, the
  // cursor shown, Ctrl-C its own; then the session's screen comes back.
  const suspend = <T,>(fn: () => T): T => {
    const raw = stdin.isTTY ? stdin.isRaw : false;
    const ignore = () => {};
    process.on('SIGINT', ignore);
    if (raw) stdin.setRawMode(false);
    if (alt) stdout.write(SHOW_CURSOR + LEAVE_ALT);
    try {
      return fn();
    } finally {
      if (alt) stdout.write(ENTER_ALT + HIDE_CURSOR);
      if (raw) stdin.setRawMode(true);
      process.off('SIGINT', ignore);
    }
  };
  try {
    // A resize reflows what is on the screen: the screen, once it has the new size, has
    // its new layout drawn at once (a render here is synchronous), then the terminal
    // cleared and that frame drawn again whole, so no fragment of an old frame stays.
    let app: ReturnType<typeof render> | null = null;
    const redraw = () => app?.rerender(element);
    const element = (
      <ReviewApp
        session={session}
        label={label}
        now={now}
        onExit={(r) => (result = r)}
        edit={opts.edit}
        suspend={suspend}
        notice={opts.notice ?? null}
        redraw={alt ? redraw : undefined}
      />
    );
    app = render(
      element,
      // Ink holds a frame that follows another within 1000/maxFps ms (33 ms at its default
      // 30): the clock's tick each second would then delay an answer's next card. The
      // screen changes only on keys and once a second, so a short window costs nothing.
      { stdout, exitOnCtrlC: false, maxFps: 250 },
    );
    await app.waitUntilExit();
    // (A resize from here on draws nothing.)
    app = null;
  } finally {
    result ??= { summary: session.summary(), error: null };
    if (alt) {
      process.off('exit', leave);
      leave();
    }
  }
  if (alt) {
    const text = [
      ...(result.error ? [result.error] : []),
      'Session done',
      ...summaryLines(result.summary),
    ];
    stdout.write(text.join('\n') + '\n');
  }
  return result;
}

/**
 * Shows text taller than the terminal in a pager, on the alternate screen (the terminal
 * shows what it showed before once it is quit).
 */
export async function runPager(
  linesFor: (width: number) => string[],
  stdout: NodeJS.WriteStream = process.stdout,
): Promise<void> {
  withSize(stdout);
  const resized = () => stdout.write(CLEAR);
  const leave = () => stdout.write(LEAVE_ALT);
  stdout.write(ENTER_ALT);
  stdout.on('resize', resized);
  process.once('exit', leave);
  try {
    const lines = linesFor(stdout.columns || 80);
    const app = render(<Pager linesFor={linesFor} lines={lines} />, {
      stdout,
      exitOnCtrlC: false,
    });
    await app.waitUntilExit();
  } finally {
    stdout.off('resize', resized);
    process.off('exit', leave);
    leave();
  }
}

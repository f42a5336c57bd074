/**
 * A command run under a pseudo-terminal (util-linux `script`), as a person would run
 * it: the screen's text as it comes, keys sent, the exit awaited. `killPtys` in an
 * `afterEach` ends whatever a failed test left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const children: ChildProcess[] = [];

export function killPtys(): void {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
}

// eslint-disable-next-line no-control-regex -- escape sequences are what it removes
export const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Runs a shell command in a pseudo-terminal, 100×40 unless told. */
export function runInPty(
  command: string,
  env: Record<string, string>,
  waitMs = 15_000,
  size = { columns: 100, rows: 40 },
) {
  const stty = `stty cols ${size.columns} rows ${size.rows}`;
  const child = spawn('script', ['-qec', `${stty}; ${command}`, '/dev/null'], {
    // Not the test runner's environment: no CI, which changes how Ink draws.
    env: {
      PATH: process.env.PATH ?? '',
      TERM: 'xterm-256color',
      COLUMNS: String(size.columns),
      LINES: String(size.rows),
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let raw = '';
  // The screen's text, escape sequences removed (and, for tests of drawing, as sent).
  child.stdout.on('data', (d: Buffer) => {
    raw += d.toString();
    out += d.toString().replace(ANSI, '');
  });
  const exited = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  const waitFor = async (re: RegExp, from = 0, ms = waitMs) => {
    const start = Date.now();
    while (!re.test(out.slice(from))) {
      if (Date.now() - start > ms)
        throw new Error(`timed out waiting for ${re}; screen so far:\n${out.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const send = (keys: string) => child.stdin.write(keys);
  return { child, exited, waitFor, send, output: () => out, raw: () => raw };
}

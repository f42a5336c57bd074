/**
 * A terminal of a given size for Ink's own render: ink-testing-library's is 100 columns
 * wide with no height. Frames are read as the screen shows them; keys are written to stdin.
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement } from 'react';

export class StubStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = false;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
}

class StubStdin extends EventEmitter {
  isTTY = true;
  data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
}

export interface Term {
  lastFrame(): string;
  /** The last frame's lines, trailing spaces removed. */
  lines(): string[];
  stdin: StubStdin;
  stdout: StubStdout;
  /** Changes the terminal's size, as a window resize does. */
  resize(columns: number, rows: number): void;
  unmount(): void;
}

export function renderTerm(tree: ReactElement, columns: number, rows = 200): Term {
  const stdout = new StubStdout(columns, rows);
  const stdin = new StubStdin();
  const app = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const lastFrame = () => stdout.frames[stdout.frames.length - 1] ?? '';
  return {
    lastFrame,
    lines: () =>
      lastFrame()
        .split('\n')
        .map((l) => l.replace(/\s+$/, '')),
    stdin,
    stdout,
    resize(c, r) {
      stdout.columns = c;
      stdout.rows = r;
      stdout.emit('resize');
    },
    unmount: () => app.unmount(),
  };
}

/** Waits until the screen has settled (no new frame for a while). */
export async function settle(term: { lastFrame(): string }): Promise<void> {
  let last = term.lastFrame();
  let still = 0;
  for (let i = 0; i < 200 && still < 4; i++) {
    await new Promise((r) => setTimeout(r, 15));
    const f = term.lastFrame();
    still = f === last ? still + 1 : 0;
    last = f;
  }
}

export async function press(term: Term, keys: string): Promise<void> {
  term.stdin.write(keys);
  await settle(term);
}

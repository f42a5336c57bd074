/**
 * A terminal that reports no size: the review screen gives it the size its layout assumes,
 * so that Ink does not look the size up itself on each frame (it opens /dev/tty each time).
 */
import fs from 'node:fs';
import { Text, render } from 'ink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withSize } from '../src/ui/run.js';
import { StubStdout } from './term.js';

/** A terminal of that size: `StubStdout` with isTTY set (0 by 0 is one that reports none). */
class Tty extends StubStdout {
  override isTTY = true;
}
const asStream = (t: Tty) => t as unknown as NodeJS.WriteStream;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a terminal that reports no size', () => {
  it('is given 80 by 24; a terminal with a size, or a pipe, keeps what it has', () => {
    const none = new Tty(0, 0);
    expect(withSize(asStream(none))).toBe(none);
    expect([none.columns, none.rows]).toEqual([80, 24]);
    const sized = new Tty(132, 40);
    withSize(asStream(sized));
    expect([sized.columns, sized.rows]).toEqual([132, 40]);
    const pipe = Object.assign(new Tty(0, 0), { isTTY: false });
    withSize(asStream(pipe));
    expect([pipe.columns, pipe.rows]).toEqual([0, 0]);
  });

  it('lets Ink draw its frames without opening /dev/tty for the size', async () => {
    const open = vi.spyOn(fs, 'openSync');
    const draw = async (stdout: Tty) => {
      const app = render(<Text>{'x'.repeat(100)}</Text>, {
        stdout: asStream(stdout),
        debug: true,
        patchConsole: false,
        exitOnCtrlC: false,
      });
      for (let i = 0; i < 3; i++) app.rerender(<Text>{`${i} ${'x'.repeat(100)}`}</Text>);
      await new Promise((r) => setTimeout(r, 20));
      app.unmount();
    };
    const given = new Tty(0, 0);
    withSize(asStream(given));
    await draw(given);
    expect(given.frames.length).toBeGreaterThan(0);
    expect(open.mock.calls.filter((c) => c[0] === '/dev/tty')).toEqual([]);
    // Without it, Ink asks /dev/tty (whether or not there is one to open).
    await draw(new Tty(0, 0));
    expect(open.mock.calls.filter((c) => c[0] === '/dev/tty').length).toBeGreaterThan(0);
  });
});

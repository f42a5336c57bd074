/**
 * The clock check of another device's log: a clock gone back is reported, an Anki
 * import's history (dated back by design) is not.
 */
import { describe, expect, it } from 'vitest';
import type { CollectionEvent } from '../src/core/model.js';
import { clockProblem } from '../src/core/merge.js';

const NOW = new Date('2026-03-01T12:00:00Z');
let seq = 0;
const ev = (type: string, at: string): CollectionEvent =>
  ({
    type,
    at,
    seq: ++seq,
    dev: 'd1',
    card: 'c',
    name: 'n',
    path: '/p',
  }) as unknown as CollectionEvent;

describe('clockProblem', () => {
  it('passes imported history after its deck-add, with or without closing events', () => {
    seq = 0;
    const log = [
      ev('answer', '2026-03-01T09:00:00Z'),
      ev('deck-add', '2026-03-01T09:00:00Z'),
      ev('answer', '2024-06-01T09:00:54Z'),
      ev('answer', '2024-06-03T09:00:54Z'),
      ev('reset', '2024-05-01T09:00:00Z'),
      ev('answer', '2024-05-02T09:00:00Z'),
    ];
    expect(clockProblem('d1', log, NOW)).toBeNull();
    expect(clockProblem('d1', [...log, ev('suspend', '2026-03-01T09:00:00Z')], NOW)).toBeNull();
  });

  it('passes a re-import (no deck-add) whose run comes back to the device time', () => {
    seq = 0;
    const log = [
      ev('answer', '2026-03-01T09:00:00Z'),
      ev('answer', '2024-06-01T09:00:54Z'),
      ev('suspend', '2026-03-01T09:00:01Z'),
      ev('answer', '2026-03-01T10:00:00Z'),
    ];
    expect(clockProblem('d1', log, NOW)).toBeNull();
  });

  it('still reports a clock gone back', () => {
    seq = 0;
    const back = [ev('answer', '2026-03-01T09:00:00Z'), ev('answer', '2025-03-01T09:00:00Z')];
    expect(clockProblem('d1', back, NOW)).toMatch(/event 2 .* more than a day before/);
    seq = 0;
    const afterImport = [
      ev('deck-add', '2026-03-01T09:00:00Z'),
      ev('answer', '2024-06-01T09:00:54Z'),
      ev('bury', '2025-01-01T09:00:00Z'),
    ];
    expect(clockProblem('d1', afterImport, NOW)).toMatch(/event 3 .* more than a day before/);
    expect(clockProblem('d1', [ev('answer', '2026-03-03T13:00:00Z')], NOW)).toMatch(/future/);
  });
});

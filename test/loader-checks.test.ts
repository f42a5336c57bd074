import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../src/store/paths.js';
import { cleanup, openMini, tempDir, fileTree, logFile, readSnapshotDoc } from './helpers.js';

afterEach(() => {
  cleanup();
});

const T = new Date('2026-03-01T09:00:00Z');

describe('loader checks', () => {
  it('refuses wrong types in the collection file before they can crash a session', () => {
    const dir = tempDir();
    openMini(dir, T).close();
    const paths = dataPaths(dir);
    const good = readSnapshotDoc(paths.snapshot);
    const cases: [string, (d: Record<string, unknown>) => void, RegExp][] = [
      ['seq', (d) => (d.seq = '3'), /no log position/],
      [
        'settings',
        (d) => ((d.settings as Record<string, unknown>).rolloverHour = 'x'),
        /setting "rolloverHour" has the wrong type/,
      ],
      [
        'steps',
        (d) => ((d.settings as Record<string, unknown>).learningSteps = ['banana']),
        /bad step "banana"/,
      ],
      [
        'card state',
        (d) =>
          ((
            (d.cards as Record<string, { sched: Record<string, unknown> }>)['two-a'] ?? {
              sched: {},
            }
          ).sched.state = 'done'),
        /card "two-a" is malformed/,
      ],
      ['days', (d) => (d.days = { '2026-03-01': { new: 'one' } }), /day "2026-03-01" is malformed/],
    ];
    for (const [, change, message] of cases) {
      const doc = structuredClone(good);
      change(doc);
      writeFileSync(paths.snapshot, JSON.stringify(doc));
      expect(() => openMini(dir, T, { mode: 'read' })).toThrow(message);
    }
  });

  it('refuses a log line with wrong types, and garbage at the end that is not a torn event', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    col.answer('two-a', 'good', T, 0);
    col.close();
    const log = logFile(dir);
    const good = readFileSync(log, 'utf8');
    const ev = JSON.parse(good);
    writeFileSync(log, good + JSON.stringify({ ...ev, seq: 2, after: null }) + '\n');
    expect(() => openMini(dir, T, { mode: 'read' })).toThrow(
      /\.jsonl:2: event 2 \(answer\): a card state is malformed/,
    );
    writeFileSync(log, good + 'PK\u0003\u0004 binary junk');
    const before = fileTree(dir);
    expect(() => openMini(dir, T)).toThrow(/the last line is not an event/);
    expect(readFileSync(log, 'utf8')).toBe(good + 'PK\u0003\u0004 binary junk');
    expect(fileTree(dir)).toEqual(before);
    truncateSync(log, good.length);
    mkdirSync(join(dir, 'x'));
    expect(openMini(dir, T, { mode: 'read' }).state.seq).toBe(1);
  });
});

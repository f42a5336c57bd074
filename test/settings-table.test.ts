import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  SPECS,
  settingsTableMarkdown,
  validateSettings,
} from '../src/core/settings.js';
import { checkSettings } from '../src/store/validate.js';
import { ROOT } from './helpers.js';

/** The README's table of settings: the lines from its header to the first line that is not a row. */
function readmeTable(): string {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('| key | meaning | values | default'));
  expect(start).toBeGreaterThan(0);
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start, end).join('\n');
}

describe('the settings table', () => {
  it('is the README table of settings, row for row', () => {
    expect(readmeTable()).toBe(settingsTableMarkdown());
  });

  it('gives every setting one key, a default that is valid, and a parser that reads what show writes', () => {
    const keys = SPECS.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(validateSettings(DEFAULT_SETTINGS)).toEqual([]);
    for (const s of SPECS) {
      const shown = s.show(s.default as never);
      if (s.default === null) expect(shown).toBe('-');
      else expect(s.parse(shown)).toEqual(s.default);
      expect(s.check(s.default)).toBeNull();
      expect(s.check({ not: 'a value' })).toMatch(/\w/);
    }
  });

  it('is what the checks of a stored collection use (doctor, the snapshot loader)', () => {
    expect(checkSettings({ ...DEFAULT_SETTINGS })).toEqual(DEFAULT_SETTINGS);
    expect(checkSettings({ ...DEFAULT_SETTINGS, maximumInterval: 0 })).toBe(
      'the settings are invalid: maximum interval must be a whole number of days from 1 to 36500',
    );
    expect(checkSettings({ ...DEFAULT_SETTINGS, leechThreshold: 100 })).toMatch(
      /leech threshold must be a whole number of lapses from 0 \(off\) to 99/,
    );
  });
});

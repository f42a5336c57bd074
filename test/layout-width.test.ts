import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { NARROW, textWidth, wrap } from '../src/ui/layout.js';

describe("the screen's text width", () => {
  it('takes each character it measures by length as string-width measures it: one column', () => {
    let checked = 0;
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (!NARROW.test(ch)) continue;
      checked++;
      expect(stringWidth(ch), `U+${cp.toString(16)}`).toBe(1);
      // Between letters it stays one column: it joins neither the letter before nor the one
      // after into a grapheme.
      expect(stringWidth(`a${ch}é`), `U+${cp.toString(16)} in text`).toBe(3);
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("measures the screen's rule, progress bar and punctuation, and everything else, as string-width does", () => {
    for (const s of [
      '───────',
      '██░░░░ 1/21 · 0:02',
      'Day 61 — HA vs FT…',
      'naïve café → ✓',
      '漢字 and 😀',
      'e\u0301 combining',
      '🇫🇷 flags',
    ])
      expect(textWidth(s), s).toBe(stringWidth(s));
    expect(textWidth('漢字')).toBe(4);
  });

  it('wraps a line of such characters at the width', () => {
    const lines = wrap([{ text: `${'─'.repeat(30)} ${'░'.repeat(30)}` }], 40);
    expect(lines.map((l) => l.map((s) => s.text).join(''))).toEqual([
      '─'.repeat(30),
      '░'.repeat(30),
    ]);
  });
});

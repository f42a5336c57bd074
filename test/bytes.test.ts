import { describe, expect, it } from 'vitest';
import { writeText } from '../src/text/bytes.js';

describe('writeText', () => {
  const samples = [
    '',
    '{"type":"answer","card":"c1"}',
    'caf\u00e9 \u2014 \u65e5\u672c\u8a9e \ud83d\ude80',
    'x'.repeat(5000),
  ];

  it('writes the bytes buf.write writes, where it is told, and says how many', () => {
    for (const encoding of ['utf8', 'latin1'] as const)
      for (const text of samples) {
        const a = Buffer.alloc(3 * text.length + 20, 0xaa);
        const b = Buffer.alloc(3 * text.length + 20, 0xaa);
        const n = writeText(a, text, 7, encoding);
        expect(n).toBe(b.write(text, 7, encoding));
        expect(a.equals(b)).toBe(true);
        if (encoding === 'utf8') expect(a.toString('utf8', 7, 7 + n)).toBe(text);
      }
  });

  it('writes lines one after another', () => {
    const buf = Buffer.alloc(64);
    let used = 0;
    for (const line of ['ab\n', '\u00e9\n', 'cd\n']) used += writeText(buf, line, used, 'utf8');
    expect(buf.toString('utf8', 0, used)).toBe('ab\n\u00e9\ncd\n');
  });
});

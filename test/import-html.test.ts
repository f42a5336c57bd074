/**
 * The simplest fields' Markdown, made without the HTML converter, is the converter's own,
 * field for field: many fields drawn at random from text, spaces, Markdown marks, entities
 * and inline tags, each either refused by the short way or given the same text.
 */
import { describe, expect, it } from 'vitest';
import { converted, plainText, simpleInline } from '../src/import/html.js';
import { seededRandom } from './helpers.js';

const TEXT = [
  'a',
  'Fact',
  '17',
  'x y',
  ' ',
  '  ',
  '.',
  ':',
  '-',
  '#',
  '1.',
  '!',
  '[x]',
  '(y)',
  'é',
  '%',
  '"',
  "'",
  '|',
  '~',
  '+',
  '>',
  '=',
  '/',
  '\u00a0',
  '\t',
  '\n',
  '*',
  '_',
  '`',
  '\\',
  '&amp;',
  '&lt;',
  '<br>',
  '<div>',
  '</div>',
  '<b >',
  '<B>',
];
const TAGS = ['b', 'strong', 'i', 'em', 'code'];

function field(random: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  let s = '';
  const n = 1 + Math.floor(random() * 6);
  for (let k = 0; k < n; k++) {
    const r = random();
    if (r < 0.45) s += pick(TEXT.slice(0, 20));
    else if (r < 0.55) s += pick(TEXT);
    else {
      const t = pick(TAGS);
      const inner = random() < 0.8 ? pick(TEXT.slice(0, 20)) : pick(TEXT);
      // Now and then a tag left open, closed by another, or nested.
      const close = random() < 0.9 ? t : pick(TAGS);
      s += random() < 0.1 ? `<${t}><${pick(TAGS)}>${inner}</${t}>` : `<${t}>${inner}</${close}>`;
    }
  }
  return s;
}

describe('simple fields without the converter', () => {
  it('give the text the converter gives, or are left to it', () => {
    const random = seededRandom(11);
    let taken = 0;
    for (let k = 0; k < 60_000; k++) {
      const html = field(random);
      const md = simpleInline(html);
      if (md === null) continue;
      taken++;
      expect(md, JSON.stringify(html)).toBe(converted(html, new Set(), new Set()));
    }
    // The short way is taken often enough for the test to mean something.
    expect(taken).toBeGreaterThan(9000);
  });

  it('takes the fields of a large deck, and refuses what it does not know', () => {
    expect(simpleInline('What does fact 17 say about <b>data</b>?')).toBe(
      'What does fact 17 say about **data**?',
    );
    expect(simpleInline('a <i>b</i> and <code>c d</code>')).toBe('a _b_ and `c d`');
    for (const html of [
      '<b>a</b><b>b</b>',
      'a <b> x </b>',
      '<em>x_y</em>',
      'a<br>b',
      '<b>x</i>',
      ' <b>x</b>',
      'a &amp; b',
      '<b><i>x</i></b>',
    ])
      expect(simpleInline(html), html).toBeNull();
  });

  it('of text alone give the text the converter gives, or are left to it', () => {
    const random = seededRandom(5);
    const words = [
      ...TEXT,
      '',
      '**',
      '\r',
      '\u2003',
      '\f',
      '\v',
      '\u200b',
      '\ufeff',
      '## x',
      '- a',
    ];
    let taken = 0;
    for (let k = 0; k < 60_000; k++) {
      let html = '';
      const n = 1 + Math.floor(random() * 6);
      for (let j = 0; j < n; j++) html += words[Math.floor(random() * words.length)];
      const text = plainText(html);
      if (text === null) continue;
      taken++;
      expect(text, JSON.stringify(html)).toBe(converted(html, new Set(), new Set()));
    }
    expect(taken).toBeGreaterThan(20_000);
    expect(plainText('')).toBe('');
    for (const html of [' a', 'a\n', 'a &amp; b', 'a<br>b'])
      expect(plainText(html), html).toBeNull();
  });
});

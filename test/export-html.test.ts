import { describe, expect, it } from 'vitest';
import {
  decodeEntities,
  escapeHtml,
  fieldChecksum,
  markdownToHtml,
  stripHtml,
} from '../src/export/html.js';
import { allocateIds, base91, ID_BASE, ID_SPAN, noteGuid } from '../src/export/ids.js';
import { ankiDeckName, deckTitles, noteTags } from '../src/export/notes.js';
import { tsvField } from '../src/export/tsv.js';
import { miniDeck } from './helpers.js';

describe('Markdown to safe HTML', () => {
  it('escapes <, > and & before anything else, so no text becomes markup', () => {
    expect(markdownToHtml('<script>alert(1)</script> & <b>x</b>')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;',
    );
    expect(markdownToHtml('`a < b && c > d`')).toBe('<code>a &lt; b &amp;&amp; c &gt; d</code>');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  it('turns bold and inline code into <b> and <code>, and blank lines and hard breaks into <br>', () => {
    // A single line break inside a paragraph is a space, as in Markdown.
    expect(
      markdownToHtml('**HA** keeps downtime short;\n**FT** masks it with `lockstep` VMs.'),
    ).toBe('<b>HA</b> keeps downtime short; <b>FT</b> masks it with <code>lockstep</code> VMs.');
    expect(markdownToHtml('a\n\nb')).toBe('a<br><br>b');
    expect(markdownToHtml('hard  \nbreak\\\nand **bold\nacross** lines')).toBe(
      'hard<br>break<br>and <b>bold across</b> lines',
    );
    expect(markdownToHtml('**bold with `code` inside**')).toBe(
      '<b>bold with <code>code</code> inside</b>',
    );
  });

  it('makes fenced code blocks <pre><code>, untouched by bold and escaped', () => {
    expect(markdownToHtml('Run:\n```sh\nkubectl get pods **all**\nif a < b; then\n```\ndone')).toBe(
      'Run:<pre><code>kubectl get pods **all**<br>if a &lt; b; then</code></pre>done',
    );
  });

  it('makes lists, nested by indentation, ordered or not', () => {
    expect(markdownToHtml('Hidden SPOFs:\n- a **db**\n- DNS\n  - resolvers\n- one LB')).toBe(
      'Hidden SPOFs:<ul><li>a <b>db</b></li><li>DNS<ul><li>resolvers</li></ul></li><li>one LB</li></ul>',
    );
    expect(markdownToHtml('1. detect\n2. mitigate\n\nthen review')).toBe(
      '<ol><li>detect</li><li>mitigate</li></ol><br>then review',
    );
    expect(markdownToHtml('- a\n  continued\n- b')).toBe('<ul><li>a continued</li><li>b</li></ul>');
    // A line that is not indented ends the list.
    expect(markdownToHtml('- a\nthen a paragraph\nwrapped')).toBe(
      '<ul><li>a</li></ul>then a paragraph wrapped',
    );
  });

  it('keeps cloze deletions and hints as Anki writes them', () => {
    expect(markdownToHtml('An {{c1::active-passive}} pair & {{c2::**quorum**::hint}}')).toBe(
      'An {{c1::active-passive}} pair &amp; {{c2::<b>quorum</b>::hint}}',
    );
  });

  it('drops control characters (0x1f separates fields) and CRs', () => {
    expect(markdownToHtml('a\x1fb\r\nc\x00')).toBe('ab c');
    expect(markdownToHtml('a\x1fb\r\n\r\nc\x00')).toBe('ab<br><br>c');
  });

  it('strips HTML as Anki does for the sort field and checksum', () => {
    expect(stripHtml('An {{c1::x}} pair;<br>an <code>a &amp;&amp; b</code><!-- c -->')).toBe(
      'An {{c1::x}} pair;an a && b',
    );
    expect(decodeEntities('&lt;&gt;&quot;&#39;&#x41;&nbsp;&bogus;')).toBe('<>"\'A &bogus;');
    // Anki 2.1.16 wrote csum 1425638166 for this first field.
    expect(fieldChecksum('What does <b>99.9%</b> availability allow per 30 days?')).toBe(
      1425638166,
    );
  });
});

describe('ids and GUIDs', () => {
  it('encodes 64-bit numbers in Anki base 91', () => {
    expect(base91(0n)).toBe('a');
    expect(base91(90n)).toBe('~');
    expect(base91(91n)).toBe('ba');
    expect(base91(2n ** 64n - 1n)).toMatch(/^[A-Za-z0-9!#$%&()*+,\-./:;<=>?@[\]^_`{|}~]{9,10}$/);
  });

  it('derives a GUID from the deck name and the permanent note id, stable and distinct', () => {
    const g = noteGuid('sre-61-90', 'd61-ha-vs-ft');
    expect(g).toBe(noteGuid('sre-61-90', 'd61-ha-vs-ft'));
    expect(g).not.toBe(noteGuid('sre-61-90', 'd61-spof'));
    expect(g).not.toBe(noteGuid('my-deck', 'd61-ha-vs-ft'));
    expect(g.length).toBeGreaterThanOrEqual(8);
    expect(g).toMatch(/^[\x21-\x7e]+$/);
    expect(g).not.toMatch(/["'\\]/);
  });

  it('gives every key a stable id in a past window, settling clashes deterministically', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `card-${i}`);
    const a = allocateIds(keys, 'card');
    const b = allocateIds([...keys].reverse(), 'card');
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
    expect(new Set(a.values()).size).toBe(keys.length);
    for (const id of a.values()) {
      expect(id).toBeGreaterThanOrEqual(ID_BASE);
      expect(id).toBeLessThan(ID_BASE + ID_SPAN);
      expect(id).toBeLessThan(Date.parse('2022-01-01T00:00:00Z'));
    }
    expect(allocateIds(['x'], 'deck', [1]).get('x')).not.toBe(1);
  });

  it('moves a key whose id is taken to the next free one, the others keeping theirs', () => {
    const keys = ['a', 'b', 'c', 'd'];
    const free = allocateIds(keys, 'note');
    const taken = free.get('c') as number;
    const a = allocateIds(keys, 'note', [taken]);
    const b = allocateIds([...keys].reverse(), 'note', [taken]);
    expect(a.get('c')).toBe(taken + 1);
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
    for (const k of ['a', 'b', 'd']) expect(a.get(k)).toBe(free.get(k));
  });
});

describe('decks, tags and text fields', () => {
  it('names decks Title::Day N · title, and tags day:: and topic:: (sub-topics nested)', () => {
    const deck = miniDeck();
    const titles = deckTitles(new Map([['mini', deck]]));
    expect(titles.get('mini')).toBe('Mini Deck');
    const rev = deck.notes.find((n) => n.id === 'one-rev');
    if (!rev) throw new Error('no one-rev');
    expect(ankiDeckName('Mini Deck', rev)).toBe('Mini Deck::Day 1 · First');
    expect(ankiDeckName('Mini Deck', { day: null, dayTitle: '' })).toBe('Mini Deck');
    expect(noteTags(rev)).toEqual(['day::1', 'topic::networking::dns', 'topic::reliability']);
  });

  it('keeps two decks with one title apart, and no deck name nests by accident', () => {
    const a = miniDeck();
    const titles = deckTitles(
      new Map([
        ['a', a],
        ['b', { ...a, name: 'b' }],
      ]),
    );
    expect(titles.get('a')).toBe('Mini Deck (a)');
    expect(titles.get('b')).toBe('Mini Deck (b)');
    expect(ankiDeckName('T', { day: 3, dayTitle: 'a::b  c' })).toBe('T::Day 3 · a:b c');
  });

  it('quotes text fields that hold tabs, newlines or quotes, or start with #', () => {
    expect(tsvField('plain <b>x</b>')).toBe('plain <b>x</b>');
    expect(tsvField('say "hi"')).toBe('"say ""hi"""');
    expect(tsvField('#x')).toBe('"#x"');
    expect(tsvField('a\tb')).toBe('"a\tb"');
  });
});

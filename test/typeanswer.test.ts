import { describe, expect, it } from 'vitest';
import { compareTyped, matchingBlocks } from '../src/core/typeanswer.js';

const show = (runs: { kind: string; text: string }[]) =>
  runs.map((r) => (r.kind === 'good' ? r.text : `${r.kind}(${r.text})`)).join('');

describe('typed answers compared as Anki compares them', () => {
  it('an exact match is correct, every character good', () => {
    const d = compareTyped('strace -c -p 1234', 'strace -c -p 1234');
    expect(d.correct).toBe(true);
    expect(d.typed).toEqual([{ kind: 'good', text: 'strace -c -p 1234' }]);
    expect(d.expected).toEqual([{ kind: 'good', text: 'strace -c -p 1234' }]);
  });

  it('two characters swapped: one marked missing on the typed side, one typed in excess', () => {
    const d = compareTyped('1243', '1234');
    expect(d.correct).toBe(false);
    expect(show(d.typed)).toBe('12missing(_)4bad(3)');
    expect(show(d.expected)).toBe('12missing(3)4');
  });

  it('a character left out shows as a _ where it was missing', () => {
    const d = compareTyped('kubectl get po', 'kubectl get pod');
    expect(show(d.typed)).toBe('kubectl get pomissing(_)');
    expect(show(d.expected)).toBe('kubectl get pomissing(d)');
  });

  it('extra characters are bad, and the expected text is whole', () => {
    const d = compareTyped('ss -tlnpx', 'ss -tlnp');
    expect(show(d.typed)).toBe('ss -tlnpbad(x)');
    expect(show(d.expected)).toBe('ss -tlnp');
  });

  it('a wrong character replaces: bad on the typed side, missing on the expected', () => {
    const d = compareTyped('dig +shirt', 'dig +short');
    expect(show(d.typed)).toBe('dig +shbad(i)rt');
    expect(show(d.expected)).toBe('dig +shmissing(o)rt');
  });

  it('nothing typed: the whole answer is missing', () => {
    const d = compareTyped('', 'perf top');
    expect(d.correct).toBe(false);
    expect(show(d.typed)).toBe('missing(________)');
    expect(show(d.expected)).toBe('missing(perf top)');
  });

  it('case counts by default; ci compares without it, showing the text as typed', () => {
    expect(compareTyped('SIGTERM', 'sigterm').correct).toBe(false);
    const d = compareTyped('SIGTERM', 'sigterm', true);
    expect(d.correct).toBe(true);
    expect(show(d.typed)).toBe('SIGTERM');
    expect(show(compareTyped('Sigkil', 'SIGKILL', true).expected)).toBe('SIGKILmissing(L)');
  });

  it('the expected text is trimmed; the typed one is taken as it is', () => {
    expect(compareTyped('nft list ruleset', '  nft list ruleset \n').correct).toBe(true);
    expect(show(compareTyped('nft ', 'nft').typed)).toBe('nftbad( )');
  });

  it('compares code points after NFC, so a composed and a decomposed é are equal', () => {
    expect(compareTyped('caf\u00e9', 'cafe\u0301').correct).toBe(true);
    expect(show(compareTyped('😀b', '😀c').typed)).toBe('😀bad(b)');
  });

  it('finds the longest blocks first, earliest on ties, as difflib does', () => {
    expect(matchingBlocks([...'abxcd'], [...'abcd'])).toEqual([
      { a: 0, b: 0, size: 2 },
      { a: 3, b: 2, size: 2 },
    ]);
    expect(matchingBlocks([...'43'], [...'34'])).toEqual([{ a: 0, b: 1, size: 1 }]);
  });
});

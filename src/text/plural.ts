/** A count with its noun: `1 card`, `2 cards` (`many` for nouns that do not take an s). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The rows of an Anki package (legacy schema 11, as every Anki imports): the `col` row
 * with its JSON (note types, decks, deck options, configuration), the notes, the cards
 * and, with progress, the cards' scheduling and the review log. Pure: everything comes
 * from the collection's cards and records, the decks and the event log passed in.
 *
 * rows.ts: the rows and Anki's codes; schedule.ts: a card's scheduling as Anki stores
 * it; revlog.ts: the review log; col.ts: decks and deck options; package.ts: the whole.
 */
export * from './rows.js';
export { creationTime, difficultyFactor, memoryData, stepMinutes } from './schedule.js';
export { revlogTable } from './revlog.js';
export { buildAnkiPackage, buildAnkiPackageWhile, type PackageSize } from './package.js';

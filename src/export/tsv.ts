/**
 * The notes as a tab-separated text file that Anki's File › Import reads without
 * questions: its header lines name the separator, say the fields are HTML, and give the
 * columns of the GUID, note type, deck and tags (as Anki's own "Notes in Plain Text"
 * export writes them). Pure; written by the caller.
 */
import { collectNotes, type ExportSource } from './notes.js';
import { STOCK_NOTE_TYPES } from './notetypes.js';

export interface TsvOptions {
  /**
   * Name Anki's stock note types (Basic, Basic (and reversed card), Cloze) instead of
   * ours, for a collection that has never imported the package: their two fields get
   * the front and the back, with the source and plan line at the end of the back.
   */
  stockTypes: boolean;
}

export interface TsvExport {
  text: string;
  notes: number;
  cards: number;
}

/** A field as the CSV reader expects it: quoted (quotes doubled) when it holds a tab, newline or quote, or starts with `#`. */
export function tsvField(value: string): string {
  return /[\t\n\r"]/.test(value) || value.startsWith('#')
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

export function buildTsv(src: ExportSource, opts: TsvOptions): TsvExport {
  const { notes } = collectNotes(src);
  const fieldCount = opts.stockTypes ? 2 : Math.max(4, ...notes.map((n) => n.fields.length));
  const lines = [
    '#separator:tab',
    '#html:true',
    '#guid column:1',
    '#notetype column:2',
    '#deck column:3',
    `#tags column:${4 + fieldCount}`,
  ];
  let cards = 0;
  for (const n of notes) {
    cards += n.cards.length;
    let fields = n.fields;
    let type = n.def.name;
    if (opts.stockTypes && n.def.kind === 'typein') {
      // Anki compares what is typed with the whole Back field: it holds the text alone.
      type = STOCK_NOTE_TYPES.typein.name;
      fields = n.fields.slice(0, 2);
    } else if (opts.stockTypes) {
      const [front = '', back = '', source = '', line = ''] = n.fields;
      type = STOCK_NOTE_TYPES[n.def.kind].name;
      fields = [
        front,
        back +
          (source ? `<div class="source">Source: ${source}</div>` : '') +
          (line ? `<div class="line">${line}</div>` : ''),
      ];
    }
    const padded = [...fields, ...Array<string>(Math.max(0, fieldCount - fields.length)).fill('')];
    lines.push([n.guid, type, n.ankiDeck, ...padded, n.tags.join(' ')].map(tsvField).join('\t'));
  }
  return { text: lines.join('\n') + '\n', notes: notes.length, cards };
}

/**
 * Our Anki note types. Their ids, names, fields and template names are fixed:
 * Anki matches a note type on re-import by id, and makes a new one (skipping the notes)
 * when the fields or template names differ. Pure data.
 */
import type { NoteKind } from '../deck/types.js';

export interface TemplateDef {
  name: string;
  qfmt: string;
  afmt: string;
}

export interface NoteTypeDef {
  kind: NoteKind;
  id: number;
  name: string;
  /** 0 standard, 1 cloze. */
  type: 0 | 1;
  fields: readonly string[];
  templates: readonly TemplateDef[];
  /** Which fields each template needs (standard types only), as Anki's `req`. */
  req?: readonly (readonly [number, 'all', readonly number[]])[];
}

/**
 * When the templates or styling last changed (seconds). Anki replaces a note type it
 * already has only with a newer one: raise this whenever the CSS or templates change.
 */
export const NOTE_TYPES_MOD = 1_704_067_200;

/** The names of the fields beside front and back, shared by the three types. */
export const SOURCE_FIELD = 'Source';
export const LINE_FIELD = 'Plan line';

const EXTRAS =
  `{{#${SOURCE_FIELD}}}<div class="source">Source: {{${SOURCE_FIELD}}}</div>{{/${SOURCE_FIELD}}}\n` +
  `{{#${LINE_FIELD}}}<div class="line">{{${LINE_FIELD}}}</div>{{/${LINE_FIELD}}}`;

const answer = (field: string) => `{{FrontSide}}\n\n<hr id=answer>\n\n{{${field}}}\n\n${EXTRAS}`;

export const CSS = `.card {
 font-family: arial;
 font-size: 20px;
 line-height: 1.4;
 text-align: left;
 color: black;
 background-color: white;
}
.card ul, .card ol {
 margin: 0.3em 0;
}
code {
 font-family: "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
 font-size: 0.9em;
 background-color: #f0f0f0;
 padding: 0 0.2em;
 border-radius: 3px;
}
pre {
 background-color: #f0f0f0;
 padding: 0.5em 0.7em;
 border-radius: 4px;
 overflow-x: auto;
}
pre code {
 padding: 0;
 background-color: transparent;
}
.source, .line {
 margin-top: 0.8em;
 font-size: 0.7em;
 color: #777;
}
.cloze {
 font-weight: bold;
 color: blue;
}
.nightMode code, .nightMode pre, .night_mode code, .night_mode pre {
 background-color: #333;
}
.nightMode .cloze, .night_mode .cloze {
 color: lightblue;
}
`;

export const NOTE_TYPES: Readonly<Record<NoteKind, NoteTypeDef>> = {
  basic: {
    kind: 'basic',
    id: 1_704_067_200_001,
    name: 'SRE Basic',
    type: 0,
    fields: ['Front', 'Back', SOURCE_FIELD, LINE_FIELD],
    templates: [{ name: 'Card 1', qfmt: '{{Front}}', afmt: answer('Back') }],
    req: [[0, 'all', [0]]],
  },
  reversible: {
    kind: 'reversible',
    id: 1_704_067_200_002,
    name: 'SRE Basic (and reversed card)',
    type: 0,
    fields: ['Front', 'Back', SOURCE_FIELD, LINE_FIELD],
    templates: [
      { name: 'Card 1', qfmt: '{{Front}}', afmt: answer('Back') },
      { name: 'Card 2', qfmt: '{{Back}}', afmt: answer('Front') },
    ],
    req: [
      [0, 'all', [0]],
      [1, 'all', [1]],
    ],
  },
  typein: {
    kind: 'typein',
    id: 1_704_067_200_004,
    name: 'SRE Type-in',
    type: 0,
    // Back is the exact text to type; Extra explains it.
    fields: ['Front', 'Back', 'Extra', SOURCE_FIELD, LINE_FIELD],
    templates: [
      {
        name: 'Card 1',
        qfmt: '{{Front}}\n\n{{type:Back}}',
        afmt: `{{Front}}\n\n<hr id=answer>\n\n{{type:Back}}\n\n{{Extra}}\n\n${EXTRAS}`,
      },
    ],
    req: [[0, 'all', [0]]],
  },
  cloze: {
    kind: 'cloze',
    id: 1_704_067_200_003,
    name: 'SRE Cloze',
    type: 1,
    fields: ['Text', 'Extra', SOURCE_FIELD, LINE_FIELD],
    templates: [
      {
        name: 'Cloze',
        qfmt: '{{cloze:Text}}',
        afmt: `{{cloze:Text}}<br>\n{{Extra}}\n\n${EXTRAS}`,
      },
    ],
  },
};

/**
 * The type-in note type for a `Type-ci:` note: Anki compares the typed text without
 * regard to case with `{{type:ci:Back}}` (Anki 26.11 and later).
 */
export const TYPE_IN_ANY_CASE: NoteTypeDef = {
  ...NOTE_TYPES.typein,
  id: 1_704_067_200_005,
  name: 'SRE Type-in (any case)',
  templates: [
    {
      name: 'Card 1',
      qfmt: '{{Front}}\n\n{{type:ci:Back}}',
      afmt: `{{Front}}\n\n<hr id=answer>\n\n{{type:ci:Back}}\n\n{{Extra}}\n\n${EXTRAS}`,
    },
  ],
};

/** Every note type a package may hold. */
export const ALL_NOTE_TYPES: readonly NoteTypeDef[] = [
  ...Object.values(NOTE_TYPES),
  TYPE_IN_ANY_CASE,
];

/** The note type of a note. */
export function noteTypeOf(note: { kind: NoteKind; type?: { ci: boolean } }): NoteTypeDef {
  return note.kind === 'typein' && note.type?.ci ? TYPE_IN_ANY_CASE : NOTE_TYPES[note.kind];
}

/** Anki's stock note types, by their English names, for text files imported without ours. */
export const STOCK_NOTE_TYPES: Readonly<Record<NoteKind, { name: string; fields: number }>> = {
  basic: { name: 'Basic', fields: 2 },
  reversible: { name: 'Basic (and reversed card)', fields: 2 },
  cloze: { name: 'Cloze', fields: 2 },
  typein: { name: 'Basic (type in the answer)', fields: 2 },
};

const LATEX_PRE =
  '\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n';
const LATEX_POST = '\\end{document}';

/** A note type as schema-11 `col.models` JSON holds it (the keys Anki's exporter writes). */
export function noteTypeJson(def: NoteTypeDef, deckId: number): Record<string, unknown> {
  const json: Record<string, unknown> = {
    sortf: 0,
    did: deckId,
    latexPre: LATEX_PRE,
    latexPost: LATEX_POST,
    mod: NOTE_TYPES_MOD,
    usn: -1,
    vers: [],
    type: def.type,
    css: CSS,
    name: def.name,
    flds: def.fields.map((name, ord) => ({
      name,
      ord,
      sticky: false,
      rtl: false,
      font: 'Arial',
      size: 20,
      media: [],
    })),
    tmpls: def.templates.map((t, ord) => ({
      name: t.name,
      ord,
      qfmt: t.qfmt,
      afmt: t.afmt,
      did: null,
      bqfmt: '',
      bafmt: '',
    })),
    tags: [],
    id: String(def.id),
  };
  if (def.req) json.req = def.req;
  return json;
}

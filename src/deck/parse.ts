import {
  PLAN_LINES,
  type ChecklistItem,
  type Deck,
  type DeckDay,
  type DeckError,
  type Note,
  type NoteKind,
  type PlanLine,
  type Topic,
} from './types.js';
import { clozeNumbers, validateCloze } from './cloze.js';

/** A source file as read from disk: its path relative to the deck folder, and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

export const DECK_FILE = 'deck.md';
const ID_RE = /^[a-z0-9][a-z0-9-]*$/;
const TOPIC_RE = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/;
const DECK_NAME_RE = /^[a-z0-9][a-z0-9._-]*$/;
const FIELD_RE = /^(line|topics|source|Q|A|Term|Definition|C|Extra|Type|Type-ci):(?:\s(.*)|)$/;
const FENCE_RE = /^\s*(```|~~~)/;
const MAX_LINE = 10_000;

type FieldName =
  | 'line'
  | 'topics'
  | 'source'
  | 'Q'
  | 'A'
  | 'Term'
  | 'Definition'
  | 'C'
  | 'Extra'
  | 'Type'
  | 'Type-ci';

/** What `require:` in deck.md can ask of every note (and file) of the deck. */
export const REQUIREMENTS = ['line', 'source', 'checklist'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

/** The deck's own rules, from deck.md's front matter. */
export interface DeckRules {
  require: Set<Requirement>;
  /** At most this many list items in a back, but for story and design notes; null: no limit. */
  maxListItems: number | null;
}

const NO_RULES: DeckRules = { require: new Set(), maxListItems: null };
/** Plan lines whose model answers may run long (`max-list-items` does not apply). */
const LONG_LINES = new Set(['story', 'design']);

interface FrontMatter {
  values: Map<string, { value: string; line: number }>;
  /** Index of the first line after the closing `---`. */
  bodyStart: number;
}

function splitLines(text: string): string[] {
  const t = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return t.split(/\r?\n/);
}

function parseFrontMatter(
  file: string,
  lines: string[],
  allowed: readonly string[],
  errors: DeckError[],
): FrontMatter | null {
  if (lines[0]?.trim() !== '---') {
    errors.push({
      file,
      line: 1,
      message: 'bad front matter: the file must start with a line `---`',
    });
    return null;
  }
  const values = new Map<string, { value: string; line: number }>();
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '---') return { values, bodyStart: i + 1 };
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const m = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(raw);
    if (!m) {
      errors.push({
        file,
        line: i + 1,
        message: `bad front matter: expected \`key: value\`, found "${clip(raw)}"`,
      });
      continue;
    }
    const key = m[1] ?? '';
    if (!allowed.includes(key)) {
      errors.push({
        file,
        line: i + 1,
        message: `bad front matter: unknown key "${key}" (known: ${allowed.join(', ')})`,
      });
      continue;
    }
    if (values.has(key)) {
      errors.push({ file, line: i + 1, message: `bad front matter: "${key}" given twice` });
      continue;
    }
    values.set(key, { value: unquote((m[2] ?? '').trim()), line: i + 1 });
  }
  errors.push({ file, line: 1, message: 'bad front matter: no closing `---` line' });
  return null;
}

function unquote(v: string): string {
  if (
    v.length >= 2 &&
    ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))
  ) {
    return v.slice(1, -1);
  }
  return v;
}

/** A value quoted in a message: on one line, and short. */
function clip(s: string, n = 60): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n)}…` : one;
}

export function parseTopicList(v: string): string[] {
  const inner = v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v;
  return inner
    .split(',')
    .map((t) => unquote(t.trim()))
    .filter((t) => t !== '');
}

/** Parses `deck.md`: the deck's name, title and topic taxonomy. */
export function parseDeckFile(
  file: string,
  text: string,
  errors: DeckError[],
): { name: string; title: string; topics: Topic[]; rules: DeckRules } | null {
  const lines = splitLines(text);
  const before = errors.length;
  const fm = parseFrontMatter(file, lines, ['name', 'title', 'require', 'max-list-items'], errors);
  if (!fm) return null;
  const rules: DeckRules = { require: new Set(), maxListItems: null };
  const req = fm.values.get('require');
  if (req) {
    for (const r of parseTopicList(req.value)) {
      if ((REQUIREMENTS as readonly string[]).includes(r)) rules.require.add(r as Requirement);
      else
        errors.push({
          file,
          line: req.line,
          message: `bad front matter: require "${clip(r)}" is not one of ${REQUIREMENTS.join(', ')}`,
        });
    }
  }
  const maxItems = fm.values.get('max-list-items');
  if (maxItems) {
    if (/^[1-9]\d{0,2}$/.test(maxItems.value)) rules.maxListItems = Number(maxItems.value);
    else
      errors.push({
        file,
        line: maxItems.line,
        message: `bad front matter: max-list-items must be a whole number from 1, found "${clip(maxItems.value)}"`,
      });
  }
  const name = fm.values.get('name');
  const title = fm.values.get('title');
  if (!name || name.value === '')
    errors.push({ file, line: 1, message: 'bad front matter: `name` is missing' });
  else if (!DECK_NAME_RE.test(name.value))
    errors.push({
      file,
      line: name.line,
      message: `bad front matter: deck name "${name.value}" may hold only a-z, 0-9, ".", "_" and "-"`,
    });
  const topics: Topic[] = [];
  const seen = new Map<string, number>();
  let inFence = false;
  for (let i = fm.bodyStart; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (FENCE_RE.test(raw)) inFence = !inFence;
    if (inFence) continue;
    const m = /^\s*[-*]\s+([^:\s]+)\s*:\s*(.*)$/.exec(raw);
    if (!m) continue;
    const id = m[1] ?? '';
    if (!TOPIC_RE.test(id)) {
      errors.push({
        file,
        line: i + 1,
        message: `bad topic "${id}": use lower-case words joined by "-", and "/" for a sub-topic`,
      });
      continue;
    }
    const prev = seen.get(id);
    if (prev !== undefined) {
      errors.push({
        file,
        line: i + 1,
        message: `duplicate topic "${id}" (first declared at line ${prev})`,
      });
      continue;
    }
    const parent = id.includes('/') ? id.slice(0, id.lastIndexOf('/')) : null;
    if (parent && !seen.has(parent)) {
      errors.push({
        file,
        line: i + 1,
        message: `sub-topic "${id}" needs its parent "${parent}" declared above it`,
      });
    }
    seen.set(id, i + 1);
    topics.push({ id, description: (m[2] ?? '').trim() });
  }
  if (topics.length === 0)
    errors.push({
      file,
      line: fm.bodyStart,
      message: 'no topics declared: add lines such as `- networking: DNS, load balancing`',
    });
  if (errors.length > before) return null;
  return { name: name?.value ?? '', title: title?.value || (name?.value ?? ''), topics, rules };
}

interface RawField {
  name: FieldName;
  line: number;
  lines: string[];
}

interface RawNote {
  id: string;
  line: number;
  fields: RawField[];
}

/** A card file's notes, and the lines of its checklist comment (if any). */
interface SplitFile {
  notes: RawNote[];
  /** `<!-- checklist` … `-->`: the line of its opening, and each line inside it. */
  checklist: { line: number; lines: { no: number; text: string }[] } | null;
}

/** Splits a card file's body into notes and their fields, honouring code fences and comments. */
function splitNotes(file: string, lines: string[], start: number, errors: DeckError[]): SplitFile {
  const notes: RawNote[] = [];
  let note: RawNote | null = null;
  let field: RawField | null = null;
  let inFence = false;
  let fenceLine = 0;
  let inComment = false;
  let checklist: SplitFile['checklist'] = null;
  let inChecklist = false;
  for (let i = start; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const lineNo = i + 1;
    if (raw.length > MAX_LINE) {
      errors.push({
        file,
        line: lineNo,
        message: `line is too long (${raw.length} characters; at most ${MAX_LINE})`,
      });
      continue;
    }
    if (!inFence && !inComment && /^\s*<!--/.test(raw)) {
      if (!raw.includes('-->')) inComment = true;
      if (/^\s*<!--\s*checklist\b/i.test(raw)) {
        if (checklist)
          errors.push({
            file,
            line: lineNo,
            message: `a second checklist (the first is at line ${checklist.line}): keep one per file`,
          });
        else {
          checklist = { line: lineNo, lines: [] };
          inChecklist = inComment;
        }
      }
      continue;
    }
    if (inComment) {
      if (raw.includes('-->')) inComment = false;
      if (inChecklist && checklist) {
        const text = raw.includes('-->') ? raw.slice(0, raw.indexOf('-->')) : raw;
        if (text.trim() !== '') checklist.lines.push({ no: lineNo, text });
        inChecklist = inComment;
      }
      continue;
    }
    if (!inFence) {
      const h = /^##(?:\s+(.*?))?\s*$/.exec(raw);
      if (h && !raw.startsWith('###')) {
        note = { id: h[1] ?? '', line: lineNo, fields: [] };
        notes.push(note);
        field = null;
        continue;
      }
      const f = FIELD_RE.exec(raw);
      if (f && note) {
        field = { name: f[1] as FieldName, line: lineNo, lines: [f[2] ?? ''] };
        note.fields.push(field);
        continue;
      }
    }
    if (FENCE_RE.test(raw)) {
      inFence = !inFence;
      if (inFence) fenceLine = lineNo;
    }
    if (field) field.lines.push(raw);
    else if (note && raw.trim() !== '') {
      errors.push({
        file,
        line: lineNo,
        message: `text outside any field in note "${note.id}": start it with Q:, A:, Type:, Term:, Definition:, C: or Extra:`,
      });
    }
  }
  if (inFence)
    errors.push({
      file,
      line: fenceLine,
      message: 'a code fence (```) is opened here and never closed',
    });
  return { notes, checklist };
}

/** The items of a checklist comment: `- what a candidate can state -> note-id, note-id`. */
function parseChecklist(
  file: string,
  c: NonNullable<SplitFile['checklist']>,
  errors: DeckError[],
): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  for (const { no, text } of c.lines) {
    const m = /^\s*[-*]\s+(.*?)\s+->\s+(.*)$/.exec(text);
    if (!m) {
      errors.push({
        file,
        line: no,
        message: `bad checklist line: write \`- what a candidate can state -> note-id, note-id\`, found "${clip(text.trim())}"`,
      });
      continue;
    }
    items.push({ text: (m[1] ?? '').trim(), notes: parseTopicList(m[2] ?? ''), line: no });
  }
  if (items.length === 0)
    errors.push({ file, line: c.line, message: 'the checklist has no items' });
  return items;
}

function fieldText(f: RawField): string {
  const lines = [...f.lines];
  while (lines.length > 0 && (lines[lines.length - 1] ?? '').trim() === '') lines.pop();
  return lines.join('\n').trim();
}

export interface ParseContext {
  deckName: string;
  topics: Set<string>;
  rules?: DeckRules;
  /**
   * The day, title and file topics a note takes, by its id, instead of its file's front
   * matter: an overlay's notes keep those of the note they replace.
   */
  noteInfo?: (id: string) => { day: number | null; title: string; fileTopics: string[] };
}

/** Parses one card file into notes; problems are added to `errors`. */
export function parseCardFile(
  file: string,
  text: string,
  ctx: ParseContext,
  errors: DeckError[],
): { day: DeckDay; notes: Note[] } | null {
  const lines = splitLines(text);
  const fm = parseFrontMatter(file, lines, ['day', 'title', 'topics'], errors);
  if (!fm) return null;
  let day: number | null = null;
  const dayV = fm.values.get('day');
  if (dayV) {
    if (!/^\d{1,4}$/.test(dayV.value))
      errors.push({
        file,
        line: dayV.line,
        message: `bad front matter: day must be a whole number, found "${clip(dayV.value)}"`,
      });
    else day = Number(dayV.value);
  }
  const title = fm.values.get('title')?.value ?? '';
  const topicsV = fm.values.get('topics');
  const fileTopics = topicsV ? parseTopicList(topicsV.value) : [];
  for (const t of fileTopics) {
    if (!ctx.topics.has(t))
      errors.push({ file, line: topicsV?.line ?? 1, message: unknownTopic(t, ctx.topics) });
  }
  const notes: Note[] = [];
  const split = splitNotes(file, lines, fm.bodyStart, errors);
  for (const raw of split.notes) {
    const info = ctx.noteInfo ? ctx.noteInfo(raw.id) : { day, title, fileTopics };
    const n = buildNote(file, raw, info, ctx, errors);
    if (n) notes.push(n);
  }
  const rules = ctx.rules ?? NO_RULES;
  let checklist: ChecklistItem[] | undefined;
  if (split.checklist) {
    checklist = parseChecklist(file, split.checklist, errors);
    const ids = new Set(split.notes.map((n) => n.id));
    for (const item of checklist) {
      if (item.notes.length === 0)
        errors.push({ file, line: item.line, message: 'a checklist item names no note' });
      for (const id of item.notes)
        if (!ids.has(id))
          errors.push({
            file,
            line: item.line,
            message: `the checklist names note "${clip(id)}", which is not in this file`,
          });
    }
  } else if (rules.require.has('checklist'))
    errors.push({
      file,
      line: fm.bodyStart,
      message:
        'no checklist: this deck requires one per file, `<!-- checklist` then `- what a candidate can state -> note-id` lines, then `-->`',
    });
  return {
    day: { day, title, topics: fileTopics, file, ...(checklist ? { checklist } : {}) },
    notes,
  };
}

/** List items in a field's text, outside code fences. */
export function listItems(text: string): number {
  let n = 0;
  let fence = false;
  for (const line of text.split('\n')) {
    if (FENCE_RE.test(line)) fence = !fence;
    else if (!fence && /^\s*([-*+]|\d+[.)])\s+/.test(line)) n++;
  }
  return n;
}

function unknownTopic(t: string, known: Set<string>): string {
  const roots = [...known].filter((k) => !k.includes('/'));
  return `unknown topic "${clip(t)}" (declare it in ${DECK_FILE}; known topics include: ${roots.join(', ')})`;
}

function buildNote(
  file: string,
  raw: RawNote,
  fileInfo: { day: number | null; title: string; fileTopics: string[] },
  ctx: ParseContext,
  errors: DeckError[],
): Note | null {
  const before = errors.length;
  const err = (line: number, message: string) => errors.push({ file, line, message });
  if (raw.id === '') err(raw.line, 'missing id: write the note\'s permanent id after "## "');
  else if (!ID_RE.test(raw.id))
    err(raw.line, `bad id "${clip(raw.id)}": use lower-case letters, digits and "-"`);
  const byName = new Map<FieldName, RawField>();
  for (const f of raw.fields) {
    if (byName.has(f.name)) err(f.line, `"${f.name}:" given twice in note "${raw.id}"`);
    else byName.set(f.name, f);
  }
  const has = (n: FieldName) => byName.has(n);
  const kinds: NoteKind[] = [];
  const typed = has('Type') || has('Type-ci');
  if (typed) kinds.push('typein');
  else if (has('Q') || has('A')) kinds.push('basic');
  if (has('Term') || has('Definition')) kinds.push('reversible');
  if (has('C') || has('Extra')) kinds.push('cloze');
  if (kinds.length === 0) {
    err(
      raw.line,
      `note "${raw.id}" has no card: give Q: and A:, Q: and Type:, Term: and Definition:, or C:`,
    );
    return null;
  }
  if (kinds.length > 1) {
    err(
      raw.line,
      `note "${raw.id}" mixes kinds (${kinds.join(' and ')}): one note is one of Q:/A:, Q:/Type:, Term:/Definition: or C:`,
    );
    return null;
  }
  const kind = kinds[0] as NoteKind;
  const b: Building = { file, raw, byName, fileInfo, ctx, errors, err };
  if (kind === 'typein') return buildTypeIn(b);
  const [fk, bk]: [FieldName, FieldName] =
    kind === 'basic' ? ['Q', 'A'] : kind === 'reversible' ? ['Term', 'Definition'] : ['C', 'Extra'];
  const frontF = byName.get(fk);
  const backF = byName.get(bk);
  const front = frontF ? fieldText(frontF) : '';
  const back = backF ? fieldText(backF) : '';
  if (!frontF) err(raw.line, `note "${raw.id}" has ${bk}: but no ${fk}:`);
  else if (front === '') err(frontF.line, `empty ${fk}: in note "${raw.id}"`);
  if (kind !== 'cloze') {
    if (!backF) err(raw.line, `note "${raw.id}" has ${fk}: but no ${bk}:`);
    else if (back === '') err(backF.line, `empty ${bk}: in note "${raw.id}"`);
  }
  if (kind === 'cloze' && frontF && front !== '') {
    for (const problem of validateCloze(front))
      err(frontF.line, `malformed cloze in note "${raw.id}": ${problem}`);
    if (validateCloze(front).length === 0 && clozeNumbers(front).length === 0)
      err(frontF.line, `malformed cloze in note "${raw.id}": no deletion such as {{c1::text}}`);
  }
  const common = commonFields(b);
  if (backF && common.planLine) checkListItems(b, backF, common.planLine);
  if (errors.length > before) return null;
  return { id: raw.id, kind, file, line: raw.line, ...common, front, back };
}

/** A note being built: where it is, its fields, and where its problems go. */
interface Building {
  file: string;
  raw: RawNote;
  byName: Map<FieldName, RawField>;
  fileInfo: { day: number | null; title: string; fileTopics: string[] };
  ctx: ParseContext;
  errors: DeckError[];
  err: (line: number, message: string) => void;
}

/** The fields every kind of note has: plan line, topics, source (with the deck's rules). */
function commonFields(
  b: Building,
): Pick<Note, 'day' | 'dayTitle' | 'planLine' | 'topics' | 'source'> {
  const { raw, byName, fileInfo, ctx, err } = b;
  const rules = ctx.rules ?? NO_RULES;
  let planLine: PlanLine | null = null;
  const lineF = byName.get('line');
  if (lineF) {
    const v = fieldText(lineF);
    if ((PLAN_LINES as readonly string[]).includes(v)) planLine = v as PlanLine;
    else err(lineF.line, `unknown plan line "${clip(v)}" (one of: ${PLAN_LINES.join(', ')})`);
  } else if (rules.require.has('line'))
    err(
      raw.line,
      `note "${raw.id}" has no line: (this deck requires one: ${PLAN_LINES.join(', ')})`,
    );
  const topics = [...fileInfo.fileTopics];
  const topicsF = byName.get('topics');
  if (topicsF) {
    for (const t of parseTopicList(fieldText(topicsF))) {
      if (!ctx.topics.has(t)) err(topicsF.line, unknownTopic(t, ctx.topics));
      else if (!topics.includes(t)) topics.push(t);
    }
  }
  if (topics.length === 0)
    err(
      raw.line,
      `note "${raw.id}" has no topic: add topics to the front matter or a topics: line`,
    );
  const sourceF = byName.get('source');
  const source = sourceF ? fieldText(sourceF) || null : null;
  if (source === null && rules.require.has('source'))
    err(
      sourceF?.line ?? raw.line,
      `note "${raw.id}" has no source: (this deck requires one: a book and chapter, an RFC and section, or a documentation page)`,
    );
  return { day: fileInfo.day, dayTitle: fileInfo.title, planLine, topics, source };
}

/** The deck's `max-list-items` rule, for a back (story and design notes are exempt). */
function checkListItems(b: Building, f: RawField, line: PlanLine): void {
  const id = b.raw.id;
  const max = b.ctx.rules?.maxListItems ?? null;
  if (max === null || LONG_LINES.has(line)) return;
  const n = listItems(fieldText(f));
  if (n > max)
    b.err(
      f.line,
      `${f.name}: of note "${id}" is a list of ${n} items; this deck allows at most ${max} (split it into cards of one fact each)`,
    );
}

/**
 * A type-in note: `Q:` and `Type:` (or `Type-ci:`, compared without regard to case), the
 * exact text to type on one line; an optional `A:` explains it. Surrounding backticks
 * are not part of the text.
 */
function buildTypeIn(b: Building): Note | null {
  const { file, raw, byName, errors, err } = b;
  const before = errors.length;
  const q = byName.get('Q');
  const front = q ? fieldText(q) : '';
  if (!q) err(raw.line, `note "${raw.id}" has Type: but no Q:`);
  else if (front === '') err(q.line, `empty Q: in note "${raw.id}"`);
  const exact = byName.get('Type');
  const ci = byName.get('Type-ci');
  if (exact && ci) err(ci.line, `note "${raw.id}" has both Type: and Type-ci:; keep one`);
  const typeF = (exact ?? ci) as RawField;
  const lines = fieldText(typeF).split('\n');
  let text = (lines[0] ?? '').trim();
  if (/^`[^`]+`$/.test(text)) text = text.slice(1, -1);
  if (text === '') err(typeF.line, `empty ${typeF.name}: in note "${raw.id}"`);
  else if (lines.length > 1)
    err(typeF.line, `${typeF.name}: in note "${raw.id}" must be one line (the exact text to type)`);
  const a = byName.get('A');
  const back = a ? fieldText(a) : '';
  const common = commonFields(b);
  if (a && common.planLine) checkListItems(b, a, common.planLine);
  if (errors.length > before) return null;
  return {
    id: raw.id,
    kind: 'typein',
    file,
    line: raw.line,
    ...common,
    front,
    back,
    type: { text, ci: !exact },
  };
}

function normalizeFront(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Parses a whole deck folder (its files already read) into a deck, or every error found.
 * Pure: the same files give the same deck, in the same order.
 */
export function parseDeck(
  files: SourceFile[],
  folderLabel = '.',
): { deck: Deck | null; errors: DeckError[] } {
  const errors: DeckError[] = [];
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const deckFile = sorted.find((f) => f.path === DECK_FILE);
  if (!deckFile) {
    errors.push({
      file: `${folderLabel}/${DECK_FILE}`,
      line: 1,
      message: `missing ${DECK_FILE}: a deck folder needs one, with its name and topics`,
    });
    return { deck: null, errors };
  }
  const header = parseDeckFile(deckFile.path, deckFile.text, errors);
  if (!header) return { deck: null, errors };
  const ctx: ParseContext = {
    deckName: header.name,
    topics: new Set(header.topics.map((t) => t.id)),
    rules: header.rules,
  };
  const days: DeckDay[] = [];
  const notes: Note[] = [];
  for (const f of sorted) {
    if (f === deckFile) continue;
    const parsed = parseCardFile(f.path, f.text, ctx, errors);
    if (!parsed) continue;
    days.push(parsed.day);
    notes.push(...parsed.notes);
  }
  const ids = new Map<string, Note>();
  const fronts = new Map<string, Note>();
  for (const n of notes) {
    const first = ids.get(n.id);
    if (first)
      errors.push({
        file: n.file,
        line: n.line,
        message: `duplicate id "${n.id}" (first used at ${first.file}:${first.line})`,
      });
    else ids.set(n.id, n);
    const faces = n.kind === 'reversible' ? [n.front, n.back] : [n.front];
    for (const face of faces) {
      const key = normalizeFront(face);
      const other = fronts.get(key);
      if (other && other !== n)
        errors.push({
          file: n.file,
          line: n.line,
          message: `duplicate front "${clip(face)}" (also in note "${other.id}" at ${other.file}:${other.line})`,
        });
      else fronts.set(key, n);
    }
  }
  if (notes.length === 0 && errors.length === 0) {
    errors.push({
      file: `${folderLabel}/${DECK_FILE}`,
      line: 1,
      message: 'the deck has no cards: add a Markdown file with notes beside deck.md',
    });
  }
  if (errors.length > 0) return { deck: null, errors };
  // Plan order: by day (files without a day last), then file, then position in file.
  const order = (n: Note) => n.day ?? Number.MAX_SAFE_INTEGER;
  const indexed = notes.map((n, i) => ({ n, i }));
  indexed.sort((a, b) => order(a.n) - order(b.n) || a.i - b.i);
  days.sort(
    (a, b) =>
      (a.day ?? Number.MAX_SAFE_INTEGER) - (b.day ?? Number.MAX_SAFE_INTEGER) ||
      (a.file < b.file ? -1 : 1),
  );
  return {
    deck: {
      format: 1,
      name: header.name,
      title: header.title,
      topics: header.topics,
      days,
      notes: indexed.map((x) => x.n),
    },
    errors,
  };
}

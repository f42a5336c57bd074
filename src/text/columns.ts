/**
 * Aligned columns for the commands that print tables (`list`, `topics`, `deck list`).
 * Apart from the helpers every command shares: measuring text as the terminal does loads
 * Unicode's segmentation and emoji data (some 25 ms), which a command printing one line
 * (`due`, `answer`) need not wait for.
 */
import stringWidth from 'string-width';

/** The narrowest a column is cut to: a character and the ellipsis. */
const MIN_CUT = 2;

/**
 * Rows of cells as aligned columns, two spaces apart, each as wide as its widest cell
 * (measured as the terminal does); `right` lists the columns aligned right. The last
 * column is not padded; a column empty on every row is left out. With `width` (a
 * terminal's), the columns listed in `cuttable` are narrowed, the widest first, until
 * the rows fit it, and their cells cut to fit, ending in "…": a row then never wraps
 * onto the next line. When the other columns leave no room for them all, the cuttable
 * columns are left out, the last listed first, until the rest fits; when even the other
 * columns alone do not fit, nothing is cut or left out: the rows wrap, whole.
 */
export function columns(
  rows: readonly string[][],
  right: readonly number[] = [],
  width?: number,
  cuttable: readonly number[] = [],
): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, stringWidth(c))));
  const span = () => {
    const shown = widths.filter((w) => w > 0);
    return shown.reduce((a, w) => a + w, 0) + 2 * Math.max(0, shown.length - 1);
  };
  const least = () =>
    span() - cuttable.reduce((a, i) => a + Math.max(0, (widths[i] ?? 0) - MIN_CUT), 0);
  if (width !== undefined && least() > width) {
    // No room for every column, however far cut: the cuttable ones are left out, the last
    // listed first, while that makes room; when nothing would fit, the rows are left whole.
    const kept = [...widths];
    for (const i of [...cuttable].reverse()) {
      if (least() <= width) break;
      widths[i] = 0;
    }
    if (least() > width) widths.splice(0, widths.length, ...kept);
  }
  let total = span();
  // Rows that would wrap however far these columns are cut are left whole.
  if (width !== undefined && least() <= width) {
    while (total > width) {
      let k = -1;
      for (const i of cuttable)
        if ((widths[i] ?? 0) > MIN_CUT && (k < 0 || (widths[i] ?? 0) > (widths[k] ?? 0))) k = i;
      if (k < 0) break;
      widths[k] = (widths[k] ?? 0) - 1;
      total--;
    }
  }
  return rows.map((r) =>
    r
      .flatMap((c, i) => (widths[i] === 0 ? [] : [{ c, i }]))
      .map(({ c, i }) => {
        const w = widths[i] ?? 0;
        const text = cuttable.includes(i) ? cut(c, w) : c;
        if (i === r.length - 1 && !right.includes(i)) return text;
        const pad = ' '.repeat(Math.max(0, w - stringWidth(text)));
        return right.includes(i) ? pad + text : text + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** `text` cut to at most `room` columns, ending in "…" when cut (whole graphemes). */
export function cut(text: string, room: number): string {
  if (stringWidth(text) <= room) return text;
  let out = '';
  let used = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(
    text,
  )) {
    const w = stringWidth(segment);
    if (used + w > room - 1) break;
    out += segment;
    used += w;
  }
  return `${out.trimEnd()}…`;
}

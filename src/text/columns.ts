/**
 * Aligned columns for the commands that print tables (`list`, `topics`, `deck list`).
 * Apart from the helpers every command shares: measuring text as the terminal does loads
 * Unicode's segmentation and emoji data (some 25 ms), which a command printing one line
 * (`due`, `answer`) need not wait for.
 */
import stringWidth from 'string-width';

/**
 * Rows of cells as aligned columns, two spaces apart, each as wide as its widest cell
 * (measured as the terminal does); `right` lists the columns aligned right. The last
 * column is not padded; a column empty on every row is left out.
 */
export function columns(rows: readonly string[][], right: readonly number[] = []): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, stringWidth(c))));
  return rows.map((r) =>
    r
      .flatMap((c, i) => (widths[i] === 0 ? [] : [{ c, i }]))
      .map(({ c, i }) => {
        if (i === r.length - 1 && !right.includes(i)) return c;
        const pad = ' '.repeat((widths[i] ?? 0) - stringWidth(c));
        return right.includes(i) ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

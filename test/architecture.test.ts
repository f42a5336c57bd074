import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_FILTER } from '../src/core/queue.js';
import { cramSession } from '../src/session/cram.js';
import { Session } from '../src/session/session.js';
import { cleanup, openMini, ROOT, tempDir } from './helpers.js';

afterEach(cleanup);

function sources(dir: string): string[] {
  return (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(ROOT, dir, f));
}

/** The src/ folders a module's imports (type imports and re-exports included) lead to. */
function importedFolders(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g)) {
    const spec = m[1] ?? '';
    if (!spec.startsWith('.')) continue;
    const target = relative(join(ROOT, 'src'), resolve(dirname(file), spec));
    out.push(target.split(/[\\/]/)[0] ?? '');
  }
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? '';
    if (!spec.startsWith('.')) continue;
    out.push(relative(join(ROOT, 'src'), resolve(dirname(file), spec)).split(/[\\/]/)[0] ?? '');
  }
  return out;
}

describe('module layout', () => {
  it('the UI imports nothing from the command line or the store, types included', () => {
    const offending = sources('src/ui').flatMap((f) =>
      importedFolders(f)
        .filter((d) => d === 'cli' || d === 'store')
        .map((d) => `${relative(ROOT, f)} -> src/${d}`),
    );
    expect(offending).toEqual([]);
  });

  it('the review session lives in src/session, not in the command line', () => {
    const files = readdirSync(join(ROOT, 'src/session'));
    expect(files).toEqual(expect.arrayContaining(['session.ts', 'cram.ts']));
    expect(readdirSync(join(ROOT, 'src/cli'))).not.toContain('session.ts');
    expect(readdirSync(join(ROOT, 'src/cli'))).not.toContain('cram.ts');
  });

  it('the command line loads a command when it runs, and no helper every command shares measures text', () => {
    // Loading every command at start, and Unicode's segmentation and emoji data for the
    // width of text, took a quarter of a one-line command such as `due`.
    const staticImports = (file: string) =>
      [
        ...readFileSync(join(ROOT, file), 'utf8').matchAll(
          /(?:^|\n)import\b[^'"]*?from\s*['"]([^'"]+)['"]/g,
        ),
      ].map((m) => m[1]);
    expect(staticImports('src/cli/main.ts').filter((s) => s?.startsWith('./cmd/'))).toEqual([]);
    for (const shared of [
      'src/cli/main.ts',
      'src/cli/common.ts',
      'src/cli/context.ts',
      'src/text/terminal.ts',
    ])
      expect(staticImports(shared), shared).not.toContain('string-width');
  });

  it('cram is a session with another queue source, not a subclass of it', () => {
    const col = openMini(tempDir(), new Date('2026-03-01T09:00:00Z'));
    const s = cramSession(col, NO_FILTER, () => new Date('2026-03-01T09:00:00Z'));
    expect(Object.getPrototypeOf(s)).toBe(Session.prototype);
    for (const f of sources('src'))
      expect(readFileSync(f, 'utf8')).not.toMatch(/extends Session\b/);
    col.close();
  });
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listBackups } from '../src/store/backup.js';
import { realIo, setFileIo, type FileIo } from '../src/store/fsio.js';
import { dataPaths } from '../src/store/paths.js';
import { cleanup, openMini, tempDir, readSnapshotDoc } from './helpers.js';

afterEach(() => {
  cleanup();
});

let restoreIo: (() => void) | null = null;
afterEach(() => {
  restoreIo?.();
  restoreIo = null;
});

const T = new Date('2026-03-01T09:00:00Z');
const at = (iso: string) => new Date(iso);

describe('backups', () => {
  it('a writer takes one per study day of the last good snapshot, readers none; the newest N are kept', () => {
    const dir = tempDir();
    const paths = dataPaths(dir);
    openMini(dir, T).close();
    // The first open had no snapshot to back up.
    expect(listBackups(paths)).toEqual([]);
    const snapshotBefore = readFileSync(dataPaths(dir).snapshot);
    const col = openMini(dir, at('2026-03-02T09:00:00Z'));
    expect(col.backupWritten).toBe(join(dir, 'backups', 'collection-2026-03-02.snap'));
    expect(readFileSync(col.backupWritten ?? '')).toEqual(snapshotBefore);
    col.answer('one-basic', 'good', at('2026-03-02T09:00:00Z'), 0);
    col.close();
    // Later the same study day (02:00 the next morning, before the 04:00 rollover): no new one.
    const same = openMini(dir, at('2026-03-03T02:00:00Z'));
    expect(same.backupWritten).toBeNull();
    same.close();
    // Readers never write one.
    openMini(dir, at('2026-03-09T09:00:00Z'), { mode: 'read' });
    expect(listBackups(paths).map((b) => b.day)).toEqual(['2026-03-02']);
    for (let d = 3; d <= 12; d++)
      openMini(dir, at(`2026-03-${String(d).padStart(2, '0')}T09:00:00Z`)).close();
    expect(listBackups(paths).map((b) => b.day)).toEqual([
      '2026-03-12',
      '2026-03-11',
      '2026-03-10',
      '2026-03-09',
      '2026-03-08',
      '2026-03-07',
      '2026-03-06',
    ]);
    // The `backups` setting: keep 3.
    const doc = readSnapshotDoc(paths.snapshot);
    doc.settings.backups = 3;
    writeFileSync(paths.snapshot, JSON.stringify(doc));
    openMini(dir, at('2026-03-13T09:00:00Z')).close();
    expect(listBackups(paths).map((b) => b.day)).toEqual([
      '2026-03-13',
      '2026-03-12',
      '2026-03-11',
    ]);
  });

  it('never backs up a damaged snapshot, and a failed backup does not stop a session', () => {
    const dir = tempDir();
    const paths = dataPaths(dir);
    openMini(dir, T).close();
    writeFileSync(paths.snapshot, '{"schema":1,"seq":');
    expect(() => openMini(dir, at('2026-03-02T09:00:00Z'))).toThrow(/damaged/);
    expect(existsSync(paths.backups)).toBe(false);
    // A disk that refuses the backup: the session opens with a warning.
    openMini(join(dir, 'b'), T).close();
    let refused = false;
    restoreIo = setFileIo({
      ...realIo,
      openSync: ((p: string, f: string, m?: number) => {
        if (p.includes('backups') && !refused) {
          refused = true;
          throw Object.assign(new Error('ENOSPC: injected fault'), { code: 'ENOSPC' });
        }
        return realIo.openSync(p, f, m);
      }) as FileIo['openSync'],
    });
    const col = openMini(join(dir, 'b'), at('2026-03-02T09:00:00Z'));
    expect(col.warnings.join('\n')).toMatch(/backup could not be written \(ENOSPC/);
    col.answer('one-basic', 'good', at('2026-03-02T09:00:00Z'), 0);
    col.close();
  });

  it('a writer removes temporary files of a writer killed mid-snapshot; a reader leaves them', () => {
    const dir = tempDir();
    openMini(dir, T).close();
    const stray = join(dir, 'collection.json.tmp-99999999');
    writeFileSync(stray, '{"schema":1,"se');
    openMini(dir, T, { mode: 'read' });
    expect(existsSync(stray)).toBe(true);
    openMini(dir, T).close();
    expect(existsSync(stray)).toBe(false);
  });
});

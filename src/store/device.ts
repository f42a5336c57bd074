/**
 * This data folder as a device: an id made once (the name of its log file,
 * `<id>.jsonl`), a name the user can set, and how it syncs. Both files stay local.
 * Opening a one-log collection for writing gives it an id and makes its log this
 * device's.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { fsyncDir, writeFileAtomic } from './fsio.js';
import { dataPaths, type DataPaths } from './paths.js';

export interface DeviceInfo {
  id: string;
  name: string;
}

export type SyncConfig =
  | { mode: 'git'; remote: string; auto?: boolean; collection?: string }
  | { mode: 'folder'; dir: string; auto?: boolean };

/** A device id: lower-case letters, digits and dashes (it names a file on every device). */
export const DEVICE_ID_RE = /^[a-z0-9][a-z0-9-]{2,39}$/;

function readJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new UserError(
      `the ${what} file ${path} is damaged (not valid JSON); it was left untouched. Fix or remove it`,
    );
  }
}

export function readDevice(paths: DataPaths): DeviceInfo | null {
  if (!existsSync(paths.device)) return null;
  const v = readJsonFile(paths.device, 'device') as Partial<DeviceInfo> | null;
  if (!v || typeof v.id !== 'string' || !DEVICE_ID_RE.test(v.id) || typeof v.name !== 'string')
    throw new UserError(
      `the device file ${paths.device} is damaged (it needs "id", lower-case letters, digits and dashes, and "name"); it was left untouched`,
    );
  return { id: v.id, name: v.name };
}

export function readSyncConfig(paths: DataPaths): SyncConfig | null {
  if (!existsSync(paths.sync)) return null;
  const v = readJsonFile(paths.sync, 'sync settings') as Record<string, unknown> | null;
  const auto = v?.auto === true ? { auto: true } : {};
  if (v?.mode === 'git' && typeof v.remote === 'string')
    return {
      mode: 'git',
      remote: v.remote,
      ...auto,
      ...(typeof v.collection === 'string' ? { collection: v.collection } : {}),
    };
  if (v?.mode === 'folder' && typeof v.dir === 'string')
    return { mode: 'folder', dir: v.dir, ...auto };
  throw new UserError(
    `the sync settings file ${paths.sync} is damaged; it was left untouched. Run \`sre-cards sync setup\` again`,
  );
}

export function writeSyncConfig(paths: DataPaths, conf: SyncConfig): void {
  writeFileAtomic(paths.sync, JSON.stringify(conf) + '\n');
}

/** A short name from the host's name, for a new device. */
function defaultName(): string {
  const h = hostname().split('.')[0] ?? '';
  return h || 'device';
}

export function writeDevice(paths: DataPaths, d: DeviceInfo): void {
  writeFileAtomic(paths.device, JSON.stringify(d) + '\n');
}

/** This data folder's device, made on first use. The caller holds the lock. */
export function ensureDevice(dir: string): { paths: DataPaths; device: DeviceInfo } {
  let paths = dataPaths(dir);
  let device = readDevice(paths);
  if (!device) {
    device = { id: randomBytes(5).toString('hex'), name: defaultName() };
    writeDevice(paths, device);
    paths = dataPaths(dir);
  }
  mkdirSync(paths.logs, { recursive: true });
  return { paths, device };
}

/**
 * Makes a one-log collection's `events.jsonl` this device's log (same bytes, so the
 * snapshot's position in it holds). Returns the paths as they now are.
 */
export function migrateLegacyLog(dir: string, device: DeviceInfo): DataPaths {
  const paths = dataPaths(dir);
  const own = join(paths.logs, `${device.id}.jsonl`);
  if (!existsSync(paths.legacyLog) || paths.log !== paths.legacyLog) return paths;
  if (existsSync(own))
    throw new UserError(
      `both ${paths.legacyLog} and this device's log ${own} exist; keep the one that holds your answers (doctor shows what each holds) and move the other away`,
    );
  renameSync(paths.legacyLog, own);
  fsyncDir(paths.logs);
  fsyncDir(paths.dir);
  return dataPaths(dir);
}

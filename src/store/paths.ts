import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where the collection lives: `--data-dir`, else $SRE_CARDS_DATA_DIR, else
 * $XDG_DATA_HOME/sre-cards, else ~/.local/share/sre-cards.
 */
export function resolveDataDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (flag) return resolve(flag);
  if (env.SRE_CARDS_DATA_DIR) return resolve(env.SRE_CARDS_DATA_DIR);
  const xdg =
    env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/')
      ? env.XDG_DATA_HOME
      : join(homedir(), '.local', 'share');
  return join(xdg, 'sre-cards');
}

export interface DataPaths {
  dir: string;
  /** The collection file to read: `collection.snap`, or a schema 1 `collection.json` until a writer migrates it. */
  snapshot: string;
  /** Where a writer writes the collection file: `collection.snap`. */
  snapshotOut: string;
  /** The collection file of schema 1 (a JSON document). */
  legacySnapshot: string;
  /** This device's event log (before the device has an id: the one-log file `events.jsonl`). */
  log: string;
  /** The folder of every device's log, `<device-id>.jsonl`: `logs/`, or a synced folder. */
  logs: string;
  /** The event log of a collection from before devices (migrated into `logs/`). */
  legacyLog: string;
  /** This data folder's device: `{"id", "name"}`. Never synced. */
  device: string;
  /** How the collection syncs (git or a folder). Never synced. */
  sync: string;
  /** The git working copy the device logs travel through (git sync). */
  git: string;
  /** This device's id, once it has one. */
  deviceId: string | null;
  lock: string;
  backups: string;
  /** Parsed user decks (disposable). */
  cache: string;
  /** Your fixes to notes of the built-in deck, one file a deck (see deck/overlay.ts). */
  overlays: string;
  /** The card texts each deck had when last taken in, and what changed then. */
  texts: string;
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function dataPaths(dir: string): DataPaths {
  const device = join(dir, 'device.json');
  const sync = join(dir, 'sync.json');
  const legacyLog = join(dir, 'events.jsonl');
  const id = existsSync(device) ? readJson(device)?.id : undefined;
  const deviceId = typeof id === 'string' ? id : null;
  const conf = existsSync(sync) ? readJson(sync) : null;
  const logs =
    conf?.mode === 'folder' && typeof conf.dir === 'string' ? conf.dir : join(dir, 'logs');
  const own = deviceId ? join(logs, `${deviceId}.jsonl`) : null;
  // Until a writer migrates it, a one-log collection's log is its device's.
  const log = own && (existsSync(own) || !existsSync(legacyLog)) ? own : legacyLog;
  const snapshotOut = join(dir, 'collection.snap');
  const legacySnapshot = join(dir, 'collection.json');
  return {
    dir,
    snapshot: existsSync(snapshotOut) || !existsSync(legacySnapshot) ? snapshotOut : legacySnapshot,
    snapshotOut,
    legacySnapshot,
    log,
    logs,
    legacyLog,
    device,
    sync,
    git: join(dir, 'sync-git'),
    deviceId,
    lock: join(dir, 'lock'),
    backups: join(dir, 'backups'),
    cache: join(dir, 'cache'),
    overlays: join(dir, 'overlays'),
    texts: join(dir, 'texts'),
  };
}

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
  snapshot: string;
  log: string;
  lock: string;
  backups: string;
  /** Parsed user decks (disposable). */
  cache: string;
  /** Your fixes to notes of the built-in deck, one file a deck (see deck/overlay.ts). */
  overlays: string;
  /** The card texts each deck had when last taken in, and what changed then. */
  texts: string;
}

export function dataPaths(dir: string): DataPaths {
  return {
    dir,
    snapshot: join(dir, 'collection.json'),
    log: join(dir, 'events.jsonl'),
    lock: join(dir, 'lock'),
    backups: join(dir, 'backups'),
    cache: join(dir, 'cache'),
    overlays: join(dir, 'overlays'),
    texts: join(dir, 'texts'),
  };
}

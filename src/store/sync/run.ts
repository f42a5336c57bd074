/**
 * One sync of an open collection: through git, this device's new events are committed
 * and exchanged with the remote; in both setups, what the other devices' logs added is
 * then taken in.
 */
import { UserError } from '../../errors.js';
import type { Arrival, Collection } from '../collection.js';
import { readSyncConfig, writeSyncConfig } from '../device.js';
import { gitSync } from './git.js';

export function syncOnce(col: Collection, now: Date): { sent: number; arrival: Arrival } {
  const conf = readSyncConfig(col.paths);
  if (!conf)
    throw new UserError(
      'sync is not set up on this device: run `sre-cards sync setup REMOTE` (a git URL or a bare repository) or `sre-cards sync setup --folder DIR`',
    );
  let sent = 0;
  if (conf.mode === 'git') {
    const r = gitSync(col.paths, col.device.id, conf.remote, conf.collection ?? null);
    sent = r.sent;
    if (conf.collection !== r.collection)
      writeSyncConfig(col.paths, { ...conf, collection: r.collection });
  }
  return { sent, arrival: col.pickUp(now) };
}

/** Is `sync --auto` on for this collection? */
export function autoSync(col: Collection): boolean {
  return readSyncConfig(col.paths)?.auto === true;
}

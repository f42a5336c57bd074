import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COMMON_OPTIONS, JSON_OPTION, parse, usageError } from '../args.js';
import { assertNoExtra, openCollection } from '../common.js';
import type { Env } from '../context.js';
import { UserError } from '../../errors.js';
import type { Arrival, Collection } from '../../store/collection.js';
import { readSyncConfig, writeDevice, writeSyncConfig } from '../../store/device.js';
import { fsyncDir } from '../../store/fsio.js';
import { initRepo } from '../../store/sync/git.js';
import { syncOnce } from '../../store/sync/run.js';
import { plural } from '../../text/plural.js';

export const usage =
  'sre-cards sync [--json] | sync setup REMOTE | sync setup --folder DIR | sync --auto on|off | sync --name NAME';
export const help = `Shares the collection between your devices: through a git remote you already have
(GitHub, GitLab, a bare repository on disk or a NAS), or a folder that a file-sync tool
(Syncthing, Dropbox, iCloud) keeps in step. Each device appends only to its own log, so
merging never conflicts.

${usage}

  sync setup REMOTE       once per device: a git URL or the path of a bare repository.
                          The first device pushes; later ones fetch and join.
  sync setup --folder DIR once per device: the devices' logs live in DIR
  sync                    commit this device's new events, fetch, merge, push; then
                          report what arrived from the other devices (exit 1 offline)
  --auto on|off           sync quietly at the start and end of each session
  --name NAME             this device's name, as the others show it
  --json                  print the report as JSON`;

function report(env: Env, col: Collection, a: Arrival, sent: number, json: boolean): void {
  const byDevice = Object.entries(a.answers).map(([d, n]) => ({
    device: col.deviceName(d),
    answers: n,
  }));
  if (json) {
    env.stdout.write(
      JSON.stringify({
        sent,
        received: a.events,
        answers: byDevice,
        changed: a.changed,
        problems: a.problems,
      }) + '\n',
    );
    return;
  }
  const answers = byDevice.reduce((n, d) => n + d.answers, 0);
  env.stdout.write(
    `sync: sent ${plural(sent, 'event')}; received ${a.events} (${plural(answers, 'answer')}${byDevice.length ? `: ${byDevice.map((d) => `${d.answers} from ${d.device}`).join(', ')}` : ''}); ${plural(a.changed.length, 'card')} changed\n`,
  );
  for (const p of a.problems) env.stderr.write(`sre-cards: warning: ${p}\n`);
}

function setupFolder(col: Collection, dirArg: string): void {
  const dir = resolve(dirArg);
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `${col.device.id}.jsonl`);
  if (existsSync(target) && col.paths.log !== target)
    throw new UserError(
      `${dir} already holds a log for this device's id ${col.device.id}, written by another data folder; nothing was changed`,
    );
  if (col.paths.log !== target && existsSync(col.paths.log)) {
    copyFileSync(col.paths.log, `${target}.tmp-${process.pid}`);
    renameSync(`${target}.tmp-${process.pid}`, target);
    fsyncDir(dir);
    renameSync(col.paths.log, `${col.paths.log}.moved-to-${col.device.id}-folder`);
  }
  writeSyncConfig(col.paths, { mode: 'folder', dir });
}

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(
    args,
    {
      ...COMMON_OPTIONS,
      ...JSON_OPTION,
      folder: { type: 'string' },
      auto: { type: 'string' },
      name: { type: 'string' },
    },
    usage,
  );
  const action = positionals[0];
  if (action !== undefined && action !== 'setup')
    throw usageError(`unknown action "${action}"`, usage);
  if (values.auto !== undefined && values.auto !== 'on' && values.auto !== 'off')
    throw usageError(`--auto takes on or off, not "${values.auto}"`, usage);
  if (action === 'setup') {
    assertNoExtra(positionals, values.folder !== undefined ? 1 : 2, usage);
    const remote = positionals[1];
    if (values.folder === undefined && !remote)
      throw usageError('missing REMOTE (or --folder DIR)', usage);
  } else assertNoExtra(positionals, 0, usage);
  const col = openCollection(env, 'write', 'sync');
  try {
    if (values.name !== undefined) {
      if (values.name.trim() === '') throw usageError('--name needs a name', usage);
      col.nameDevice(values.name.trim(), env.now());
      writeDevice(col.paths, col.device);
      env.stdout.write(`this device is now called ${col.deviceName(col.device.id)}\n`);
      if (action === undefined && values.auto === undefined) return 0;
    }
    if (values.auto !== undefined) {
      const conf = readSyncConfig(col.paths);
      if (!conf)
        throw new UserError('sync is not set up on this device: run `sre-cards sync setup` first');
      writeSyncConfig(col.paths, { ...conf, auto: values.auto === 'on' });
      env.stdout.write(`sync --auto ${values.auto}\n`);
      return 0;
    }
    if (action === 'setup') {
      if (values.folder !== undefined) {
        setupFolder(col, values.folder);
        env.stdout.write(
          `sync: this device's log is now in ${resolve(values.folder)}; the other devices' logs there are read at every start\n`,
        );
        col.close();
        const again = openCollection(env, 'write', 'sync');
        try {
          report(env, again, again.pickUp(env.now()), 0, values.json === true);
        } finally {
          again.close();
        }
        return 0;
      }
      const remote = positionals[1] as string;
      const local = existsSync(remote) ? resolve(remote) : remote;
      initRepo(col.paths, local, col.device.id);
      writeSyncConfig(col.paths, { mode: 'git', remote: local });
    }
    const { sent, arrival } = syncOnce(col, env.now());
    report(env, col, arrival, sent, values.json === true);
  } finally {
    col.close();
  }
  return 0;
}

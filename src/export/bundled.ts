import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where a worker script of the bundle is (beside the command, in dist/), or null when
 * running from the sources (tests), where the work is done on the calling thread.
 */
export function bundledScript(name: string): string | null {
  try {
    const script = join(dirname(realpathSync(process.argv[1] ?? '')), name);
    return existsSync(script) ? script : null;
  } catch {
    return null;
  }
}

// Runs vitest, then prints a closing line `N passed, N failed` that CI can read,
// so that a run with no tests is visible as such. Exits with vitest's status.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const out = '.test-results.json';
rmSync(out, { force: true });
const run = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests;
  // A file that fails to load has no failed test of its own: count it.
  if (run.status !== 0 && failed === 0) failed = Math.max(1, r.numFailedTestSuites ?? 0);
  skipped = r.numPendingTests + (r.numTodoTests ?? 0);
} catch {
  failed = Math.max(failed, 1);
}
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);

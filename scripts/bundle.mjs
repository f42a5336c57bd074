// Bundles the command and the deck builder into dist/ with esbuild.
// One bundle starts about twice as fast as tsc output, since Ink's many modules
// are read once; code splitting keeps Ink out of commands that draw nothing.
import { build } from 'esbuild';
import { chmod, readFile, rm } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Ink imports react-devtools-core only when DEV is set; it is not installed.
  alias: { 'react-devtools-core': './scripts/devtools-stub.mjs' },
  define: { 'process.env.NODE_ENV': '"production"', __VERSION__: JSON.stringify(pkg.version) },
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};

// Chunk names carry content hashes: clear old ones so dist/ holds one build.
await rm('dist/chunks', { recursive: true, force: true });
await build({
  ...shared,
  // The export's log reader and SQLite builder, and the import's replay of the card
  // histories, run in worker threads: their own entries, beside the command.
  entryPoints: {
    'sre-cards': 'src/cli/main.ts',
    'log-worker': 'src/store/log/worker.ts',
    'sqlite-worker': 'src/export/sqlite-worker.ts',
    'replay-worker': 'src/import/replay-worker.ts',
    'revlog-worker': 'src/import/revlog-worker.ts',
  },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: '#!/usr/bin/env node\n' + shared.banner.js },
});
await build({
  ...shared,
  entryPoints: { 'build-decks': 'scripts/build-decks.ts' },
  outdir: 'dist',
});
await chmod('dist/sre-cards.js', 0o755);

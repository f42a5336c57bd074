import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 20000,
    hookTimeout: 20000,
    // Ink renders only the final frame when it thinks it runs in CI; the UI tests read every frame.
    env: { TZ: 'UTC', FORCE_COLOR: '0', CI: 'false' },
  },
});

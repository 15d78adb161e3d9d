import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'core/**/*.test.ts',
      'electron/**/*.test.ts',
      'renderer/**/*.test.{ts,tsx}',
      'bench/**/*.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Temporary files of the run in a folder of their own, removed at its end.
    globalSetup: ['core/testing/tmpdir.global.ts'],
    reporters: ['default'],
  },
});

import { defineConfig } from 'vitest/config'

// Real Chromium against the demo server: one file at a time keeps two cores from thrashing.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    passWithNoTests: true,
  },
})

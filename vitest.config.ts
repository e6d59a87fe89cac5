import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.{ts,tsx}', 'test/integration/**/*.test.{ts,tsx}', 'test/server/**/*.test.ts', 'test/react/**/*.test.{ts,tsx}', 'test/react-native/**/*.test.ts', 'test/package/**/*.test.ts'],
    environment: 'node',
    testTimeout: 10_000,
  },
})

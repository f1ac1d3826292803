// Test runner configuration: unit and integration tests beside the code, e2e tests in e2e/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'main/**/*.test.ts',
      'common/**/*.test.ts',
      'testkit/**/*.test.ts',
      'renderer/src/**/*.test.ts',
      'e2e/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for what the dashboard shows; on a busy 2-core machine 1 s (vitest's default) is too short.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});

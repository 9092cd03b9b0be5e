import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB and the protocol doubles are real; two cores here, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
    env: {
      METADATA_SERVER_DETECTION: 'none',
      AWS_EC2_METADATA_DISABLED: 'true',
      TZ: 'UTC',
    },
  },
});

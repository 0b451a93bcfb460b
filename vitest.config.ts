import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

/**
 * Three projects, one `npm test`:
 * - main: core, services, adapters and CLI under Node (real embedded PostgreSQL, real Parquet files);
 * - renderer: Vue stores and components under happy-dom;
 * - e2e: the built panel in Debian's Chromium through browser mode (skips itself when Chromium is absent).
 * Docker-API integration tests live in `main` and run when DRIFTDESK_DOCKER_TESTS=1 (set by .ci/run).
 * A fourth project, `install` (a fresh clone's `npm install` and `npm start` without Electron's download
 * host, a few minutes), exists only with DRIFTDESK_INSTALL_TESTS=1: .ci/run runs it after `npm test`.
 */
export default defineConfig({
  test: {
    // The JSON report lets .ci/run print the closing `N passed, N failed` line CI reads.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        test: {
          name: 'main',
          environment: 'node',
          include: ['src-main/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['src-renderer/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      ...(process.env.DRIFTDESK_INSTALL_TESTS === '1'
        ? [
            {
              test: {
                name: 'install',
                environment: 'node',
                include: ['test/install/**/*.test.ts'],
                testTimeout: 900_000,
                hookTimeout: 120_000,
              },
            },
          ]
        : []),
    ],
  },
})
